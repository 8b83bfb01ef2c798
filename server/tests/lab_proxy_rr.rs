//! A force_rport trunk whose side record-routes (issue 15; the lab of
//! tests/common/lab.rs, turned around as in lab_nat_peer.rs): Trunkline is
//! the hosted PBX on the internet side (198.51.100.20) and its trunk
//! `branch` is a branch office behind the masquerading router, whose SIP
//! edge is Kamailio on 192.168.77.2:5060 (shown, and forwarded, as
//! 198.51.100.1:40060), record-routing with its private address, in front
//! of the branch's PBX (SIPp on 192.168.77.10:5060, private Contact). The
//! desk phone calls 4185551234 out through the trunk and hangs up.
//! RFC 3261 §12.2.1.1 sends the ACK and BYE to the first Route's address,
//! 192.168.77.2, which the internet cannot reach; with NAT `force_rport`
//! (chan_sip `nat=force_rport`) they go where the branch sends from, the
//! router's mapping, still with the Request-URI the remote target (the
//! branch PBX's Contact) and the route set as Route, so the proxy routes
//! them on. Needs root, iproute2, nftables, sip-tester and kamailio.

mod common;

use app::ssr::state::Core;
use common::lab::*;
use std::path::Path;

/// The desk phone (SIPp) dials from the hosted PBX's own address, on this port.
const DESK_PORT: u16 = 5080;
/// The branch's PBX, behind its proxy.
const BRANCH_PBX: &str = "192.168.77.10:5060";

/// Trunk `branch` (a peer at the router's mapping, NAT force_rport), `418.`
/// out through it, and the front desk (user 1000).
async fn hosted(db: &Path) {
    let pool = app::ssr::db::open(db).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let trunk = branch_trunk(&core).await;
    front_desk(&core).await;
    route_out(&core, "branch", trunk).await;
    pool.close().await;
}

/// The proxy got `method` from Trunkline (198.51.100.20:5060, through the
/// router's forward: the only way in) with the Request-URI the branch PBX's
/// Contact and the proxy's own Record-Route as Route.
fn through_proxy(p: &mut Problems, requests: &[String], method: &str) {
    let wanted = format!("{method} sip:uas@{BRANCH_PBX} route=[<sip:{PBX_IP};lr");
    let from = format!(" from {PROVIDER_IP}:5060");
    p.check(
        requests
            .iter()
            .any(|r| r.starts_with(&wanted) && r.ends_with(&from)),
        format!("the proxy got no {method} `{wanted}…{from}`; it got {requests:#?}"),
    );
}

#[tokio::test]
async fn lab_a_force_rport_trunk_behind_a_record_routing_proxy_gets_its_ack_and_bye() {
    let test = "proxy-rr";
    let lab = Lab::new(test);
    let db = lab.dir.join("t.db");
    hosted(&db).await;
    let mut proxy = lab.kamailio_proxy(BRANCH_PBX).await;
    let mut branch = lab
        .sipp(Ns::Phone, "branch", "lab_behind_proxy_uas.xml", 5060)
        .args(["-s", "uas"])
        .spawn_listening()
        .await;
    let _pbx = lab.start_trunkline_in(Ns::Inet, &db, &[]).await;
    let here = format!("{PROVIDER_IP}:5060");
    let mut p = Problems::default();
    let mut desk = lab
        .sipp(Ns::Inet, "desk", "call_phone_dial.xml", DESK_PORT)
        .remote(&here)
        .args(["-s", "4185551234", "-key", "caller", "1000"])
        .args(["-au", "1000", "-ap", LINE_PASSWORD])
        .args(["-auth_uri", &format!("4185551234@{here}")])
        .spawn();
    p.check(
        desk.finish().await,
        "the desk phone's call through the trunk was not answered and hung up",
    );
    p.check(
        branch.finish().await,
        "the branch PBX did not get the ACK and the BYE through its proxy, or not with its \
         Contact as Request-URI",
    );
    proxy.stop().await;
    let requests = proxy.requests();
    through_proxy(&mut p, &requests, "ACK");
    through_proxy(&mut p, &requests, "BYE");
    let calls = call_log(&db, 1).await;
    let call = calls.first();
    p.check(
        call.is_some_and(|c| c.answered_at.is_some() && c.cause == "Normal"),
        format!("call log: not an answered call ended Normal: {call:?}"),
    );
    p.verdict_of(&lab, test, &[&desk, &branch], None);
}
