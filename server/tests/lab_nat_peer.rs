//! A trunk peer behind NAT, for real (tests/common/lab.rs), turned around: Trunkline is the
//! hosted PBX on the internet side (198.51.100.20) and a branch office's PBX (SIPp) sits on
//! 192.168.77.2:5060 behind the masquerading router, which shows it as 198.51.100.1:40060. The
//! branch writes its private address in Via (asking for no rport) and Contact, as a chan_sip
//! peer without `nat=` does. Its trunk on Trunkline has NAT `force_rport`: the answers to its
//! INVITE must go to the router's mapping, not to the Via's port, and the BYE when the called
//! phone hangs up must go where the branch sends from, not to its private Contact: without
//! either the router drops them and the call is lost. Needs root, iproute2, nftables and
//! sip-tester.

mod common;

use app::ssr::state::Core;
use common::lab::*;
use std::path::Path;

/// Routed to user 1000 by `front_desk`.
const DID: &str = "4185550000";
/// The desk phone (SIPp) registers from the hosted PBX's own address, on this port.
const DESK_PORT: u16 = 5080;

/// Trunk `branch` (a peer at the router's mapping, NAT force_rport), and the front desk (user
/// 1000, DID 4185550000).
async fn hosted(db: &Path) {
    let pool = app::ssr::db::open(db).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    branch_trunk(&core).await;
    front_desk(&core).await;
    pool.close().await;
}

#[tokio::test]
async fn lab_a_force_rport_peer_behind_nat_is_answered_and_hung_up_through_its_nat() {
    let test = "nat-peer";
    let lab = Lab::new(test);
    let db = lab.dir.join("t.db");
    hosted(&db).await;
    let _pbx = lab.start_trunkline_in(Ns::Inet, &db, &[]).await;
    let here = format!("{PROVIDER_IP}:5060");
    let mut p = Problems::default();
    let mut register = lab
        .sipp(Ns::Inet, "register", "phone_register_uac.xml", DESK_PORT)
        .remote(&here)
        .args(["-s", "1000", "-au", "1000", "-ap", LINE_PASSWORD])
        .spawn();
    p.check(register.finish().await, "the desk phone did not register");
    let mut desk = lab
        .sipp(Ns::Inet, "desk", "call_phone_answer_bye.xml", DESK_PORT)
        .args(["-s", "1000"])
        .spawn_listening()
        .await;
    let mut branch = lab
        .sipp(Ns::Pbx, "branch", "lab_branch_nat_uac.xml", 5060)
        .remote(&here)
        .args(["-s", DID])
        .spawn();
    p.check(
        branch.finish().await,
        "the branch did not get its 200 and the BYE through its NAT",
    );
    p.check(desk.finish().await, "the desk phone's call failed");
    // What the branch received shows why: Trunkline stamped the NAT's mapping in the Via it
    // answered (received=, rport= that the branch never asked for).
    let seen = branch.messages();
    p.check(
        seen.contains(&format!("received={WAN_IP}"))
            && seen.contains(&format!("rport={PBX_NAT_PORT}")),
        "the answer's Via does not carry received= and rport= of the NAT's mapping",
    );
    p.verdict_of(&lab, test, &[&register, &desk, &branch], None);
}
