//! An office behind NAT, for real (see tests/common/lab.rs): Trunkline on
//! 192.168.77.2 bound to 0.0.0.0:5060 as it ships, a baresip phone on
//! 192.168.77.10, a masquerading router, and the provider (SIPp) on
//! 198.51.100.20, which only ever sees 198.51.100.1. Needs root, iproute2,
//! nftables, sip-tester and baresip-core (scripts/setup --test).
//! A failure lists what went wrong, then every wire and log.

mod common;

use app::ssr::state::Core;
use common::lab::*;
use common::sipp::Sipp;
use std::path::{Path, PathBuf};
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

async fn office(test: &str, register: bool) -> (Lab, PathBuf) {
    office_with(test, register, None).await
}

async fn office_with(test: &str, register: bool, proxy: Option<&str>) -> (Lab, PathBuf) {
    let lab = Lab::new(test);
    let db = lab.dir.join("t.db");
    prepare(&db, register, proxy).await;
    (lab, db)
}

/// The provider SIPp ended well (it checked what its scenario checks).
async fn provider_ok(p: &mut Problems, provider: &mut Sipp, what: &str) {
    let ok = provider.finish().await;
    p.check(
        ok,
        format!(
            "provider SIPp `{}` failed: {what} (its errors below)",
            provider.name()
        ),
    );
}

/// The phone's side of an answered call: established, no timeout.
fn phone_call_ok(p: &mut Problems, phone: &Baresip) {
    let log = phone.log().to_lowercase();
    p.check(
        log.contains("call established"),
        "baresip never said `Call established`",
    );
    p.check(
        !log.contains("timeout") && !log.contains("timed out") && !log.contains(" 408 "),
        "baresip reports a timeout (a lost ACK or BYE)",
    );
    // Its ACK and BYE go to the Contact the PBX gave it: it must be the PBX.
    let mut elsewhere: Vec<String> = phone
        .sent_to()
        .into_iter()
        .filter(|to| to != "192.168.77.2:5060")
        .collect();
    elsewhere.dedup();
    p.check(
        elsewhere.is_empty(),
        format!(
            "baresip sent SIP elsewhere than 192.168.77.2:5060 (the PBX's Contact?): {elsewhere:?}"
        ),
    );
}

/// The newest call of the log: answered, ended Normal, for `dialed`.
async fn call_logged(p: &mut Problems, db: &Path, dialed: &str) {
    let calls = call_log(db, 1).await;
    let Some(call) = calls.first() else {
        p.check(false, "the call log is empty (after 3 s)");
        return;
    };
    p.check(
        call.answered_at.is_some(),
        format!("call log: not answered: {call:?}"),
    );
    p.check(
        call.cause == "Normal",
        format!("call log: cause is not Normal: {call:?}"),
    );
    p.check(
        call.dialed == dialed,
        format!("call log: dialed is not {dialed}: {call:?}"),
    );
}

#[tokio::test]
async fn lab_harness_nat_works() {
    let lab = Lab::new("harness");
    let provider = lab.udp(Ns::Inet, "198.51.100.20:5060");
    let pbx = lab.udp(Ns::Pbx, "0.0.0.0:5060");
    let phone = lab.udp(Ns::Phone, "192.168.77.10:5060");
    let mut buf = [0u8; 64];

    pbx.send_to(b"ping", "198.51.100.20:5060")
        .expect("send from the pbx");
    let (n, from) = provider
        .recv_from(&mut buf)
        .expect("the provider gets the pbx's datagram");
    assert_eq!(
        (&buf[..n], from.to_string()),
        (&b"ping"[..], format!("{WAN_IP}:{PBX_NAT_PORT}"))
    );
    provider.send_to(b"pong", from).expect("reply");
    let (n, from) = pbx
        .recv_from(&mut buf)
        .expect("the reply comes back through the NAT");
    assert_eq!(
        (&buf[..n], from.to_string()),
        (&b"pong"[..], "198.51.100.20:5060".into())
    );

    phone
        .send_to(b"hello", "198.51.100.20:5060")
        .expect("send from the phone");
    let (_, from) = provider
        .recv_from(&mut buf)
        .expect("the provider gets the phone's datagram");
    assert_eq!(
        from.ip().to_string(),
        WAN_IP,
        "the phone is masqueraded too"
    );
    phone
        .send_to(b"lan", "192.168.77.2:5060")
        .expect("send on the LAN");
    let (_, from) = pbx
        .recv_from(&mut buf)
        .expect("the LAN is bridged, not NATed");
    assert_eq!(from.to_string(), "192.168.77.10:5060");

    // What reaches the provider's dead Contact port is counted.
    pbx.send_to(b"ack", "198.51.100.20:5070").expect("send");
    let counted = || lab.sent_to_dead_contact() > 0;
    common::net::wait_until("the 5070 counter counting", 3 * SECOND, counted).await;
    assert_eq!(lab.sent_to_dead_contact(), 1, "the 5070 counter");

    // Stateful: nothing comes in that the LAN did not start, not even on
    // the mapped address from another port; the LAN itself is unroutable.
    let stranger = lab.udp(Ns::Inet, "198.51.100.20:5080");
    stranger
        .send_to(b"in", format!("{WAN_IP}:{PBX_NAT_PORT}"))
        .expect("send");
    pbx.set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    assert!(
        pbx.recv_from(&mut buf).is_err(),
        "an unsolicited datagram crossed the NAT"
    );
    assert!(
        provider.send_to(b"x", "192.168.77.2:5060").is_err(),
        "the internet has a route to the LAN"
    );

    // The scenarios parse (SIPp exits at once otherwise) and bind 5060,
    // and baresip runs without a sound card (the probes free their ports).
    drop((provider, pbx, phone, stranger));
    for scenario in [
        "lab_provider_rr_uas.xml",
        "lab_provider_rr_bye_uas.xml",
        "lab_provider_registrar_did.xml",
        "lab_provider_fromuser_uas.xml",
    ] {
        let mut sipp = lab.provider(scenario, scenario).await;
        sipp.stop().await;
    }
    let mut baresip = lab.baresip("1000", LINE_PASSWORD);
    let ready = baresip.wait_for("baresip is ready", 10 * SECOND).await;
    assert!(ready, "baresip did not start:\n{}", baresip.log());
    baresip.quit().await;

    let names = lab.names();
    drop(lab);
    let list = std::process::Command::new("ip")
        .args(["netns", "list"])
        .output()
        .expect("ip netns list");
    let list = String::from_utf8_lossy(&list.stdout);
    for name in names {
        assert!(!list.contains(&name), "namespace {name} survived the lab");
    }
}

/// Who ends an outgoing call from the LAN phone to the record-routing provider.
enum HangsUp {
    /// The phone, 2 s after the answer: its BYE crosses the PBX to the provider.
    Phone,
    /// The provider (`lab_provider_rr_bye_uas.xml`), 2 s after the ACK.
    Provider,
    /// The phone, on a trunk set up as XiVO's guide does: a From user and
    /// credentials on the Register tab only (`lab_provider_fromuser_uas.xml`
    /// checks both).
    PhoneViaOfficeAccount,
}

/// The trunk as XiVO's guide sets it up: From user office_account, no
/// General credentials, the Register tab's provider_user / provider_secret,
/// registering to 198.51.100.20:5099 where nobody answers (only the
/// credentials matter to the call).
async fn office_account(db: &Path) {
    use app::ssr::service::trunks;
    let pool = app::ssr::db::open(db).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let trunk = trunks::list(&core)
        .await
        .expect("trunks")
        .into_iter()
        .next()
        .expect("trunk");
    let mut input = trunk.trunk.to_input();
    input.from_user = "office_account".into();
    input.auth_username = String::new();
    input.register = true;
    input.reg_port = "5099".into();
    trunks::update(&core, trunk.id, trunk.version, &input)
        .await
        .expect("trunk saved");
    // An empty secret in the form keeps the stored one: clear it in the row.
    sqlx::query("UPDATE trunks SET secret = '' WHERE id = ?")
        .bind(trunk.id)
        .execute(&pool)
        .await
        .expect("general password cleared");
    pool.close().await;
}

/// The phone dials 4185551234; the provider challenges (407), answers
/// with Record-Route and a Contact on a dead port; `who` hangs up. The
/// provider checks the route of the ACK and BYE it gets.
async fn outgoing_call(test: &str, who: HangsUp, proxy: Option<&str>) {
    let (scenario, what) = match who {
        HangsUp::Phone => (
            "lab_provider_rr_uas.xml",
            "ACK and BYE must follow the Record-Route",
        ),
        HangsUp::Provider => (
            "lab_provider_rr_bye_uas.xml",
            "the ACK must follow the Record-Route, the BYE get its 200",
        ),
        HangsUp::PhoneViaOfficeAccount => (
            "lab_provider_fromuser_uas.xml",
            "From user office_account, the Register tab's digest, then the Record-Route",
        ),
    };
    let (lab, db) = office_with(test, false, proxy).await;
    if matches!(who, HangsUp::PhoneViaOfficeAccount) {
        office_account(&db).await;
    }
    let mut provider = lab.provider("provider", scenario).await;
    let _pbx = lab.start_trunkline(&db, &[]).await;
    let mut phone = lab.baresip("1000", LINE_PASSWORD);
    let mut p = Problems::default();
    if phone.dial(&mut p, "4185551234").await {
        let ended = match who {
            HangsUp::Phone | HangsUp::PhoneViaOfficeAccount => {
                // The call lasts a while before the phone hangs up, as a
                // real one does: the sleep is the conversation.
                tokio::time::sleep(2 * SECOND).await;
                phone.command("/hangup").await;
                phone.wait_for("terminated", 5 * SECOND).await
            }
            HangsUp::Provider => phone.wait_for("terminated", 10 * SECOND).await,
        };
        p.check(ended, "the hang-up did not end the phone's call in time");
    }
    provider_ok(&mut p, &mut provider, what).await;
    phone_call_ok(&mut p, &phone);
    call_logged(&mut p, &db, "4185551234").await;
    phone.quit().await;
    p.verdict(&lab, test, &[&provider], &phone);
}

#[tokio::test]
async fn lab_outgoing_call_lan_phone_nat_record_routing_provider() {
    outgoing_call("outgoing-rr", HangsUp::Phone, None).await;
}

/// The trunk's Outbound proxy (chan_sip `outboundproxy`) is where its
/// INVITEs go; its host, where nobody answers, stays in the Request-URI.
#[tokio::test]
async fn lab_outgoing_call_through_the_trunks_outbound_proxy() {
    outgoing_call("outgoing-proxy", HangsUp::Phone, Some("198.51.100.20:5060")).await;
}

#[tokio::test]
async fn lab_outgoing_call_provider_hangs_up() {
    outgoing_call("outgoing-rr-bye", HangsUp::Provider, None).await;
}

/// chan_sip's `fromuser` is what the provider sees in From, and a trunk
/// whose only credentials are on its Register tab answers the challenge
/// with them, through the NAT.
#[tokio::test]
async fn lab_outgoing_call_from_user_and_register_tab_credentials() {
    outgoing_call("outgoing-fromuser", HangsUp::PhoneViaOfficeAccount, None).await;
}

/// The DID flow: the trunk registers (through the NAT), the phone
/// registers, the provider calls 4185550000 through the registration's
/// binding 3 s after granting it, and hangs up 2 s after the answer.
async fn did_call(
    p: &mut Problems,
    lab: &Lab,
    db: &Path,
) -> (Sipp, Baresip, tokio::process::Child) {
    let provider = lab
        .provider("registrar-did", "lab_provider_registrar_did.xml")
        .await;
    let pbx = lab.start_trunkline(db, &[]).await;
    let phone = lab.baresip("1000", LINE_PASSWORD);
    if p.check(
        phone.registered().await,
        "baresip did not register to 192.168.77.2:5060 within 10 s",
    ) {
        let up = phone.wait_for("Call established", 15 * SECOND).await;
        if p.check(
            up,
            "the DID call never reached the phone (no `Call established` within 15 s)",
        ) {
            let ended = phone.wait_for("terminated", 10 * SECOND).await;
            p.check(
                ended,
                "the provider's BYE did not end the phone's call within 10 s",
            );
        }
    }
    (provider, phone, pbx)
}

/// The registrar saw, in this order, the binding at the LAN address removed
/// (`Expires: 0`) and the learned public one registered.
fn stale_binding_removed(p: &mut Problems, registrar: &Sipp) {
    let header = |m: &str, name: &str| {
        m.lines()
            .find(|l| l.to_ascii_lowercase().starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let registers: Vec<(String, String)> = sipp_received(registrar)
        .into_iter()
        .filter(|m| m.starts_with("REGISTER"))
        .map(|m| (header(&m, "contact:"), header(&m, "expires:")))
        .collect();
    let removed = registers
        .iter()
        .position(|(c, e)| c.contains("@192.168.77.2:5060") && e == "0");
    let learned = registers
        .iter()
        .position(|(c, e)| c.contains("@198.51.100.1:40060") && e != "0");
    p.check(
        matches!((removed, learned), (Some(r), Some(l)) if r < l),
        format!(
            "the LAN binding was not removed (Expires: 0) before the learned one was \
             registered; (Contact, Expires) of each REGISTER: {registers:?}"
        ),
    );
}

/// `trunkline sip show registry` inside the office.
async fn show_registry(lab: &Lab, db: &Path) -> String {
    let out = lab
        .cmd(Ns::Pbx, env!("CARGO_BIN_EXE_trunkline"))
        .arg("--database")
        .arg(db)
        .args(["sip", "show", "registry", "--http", "127.0.0.1:8080"])
        .output()
        .await
        .expect("trunkline sip show registry");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const SELF_CHECK: &str =
    "198.51.100.20:5060 sees this PBX as 198.51.100.1:40060 but no external address is set";

/// Asterisk's table, then the NAT self-check naming what the provider sees;
/// once the administrator sets the External address (REST, from inside the
/// office: the console listens on the PBX's loopback), the table alone.
async fn nat_self_check_shown_until_set(p: &mut Problems, lab: &Lab, db: &Path) {
    let text = show_registry(lab, db).await;
    p.check(
        text.lines()
            .last()
            .is_some_and(|l| l.starts_with(SELF_CHECK)),
        format!("`sip show registry` does not end with the NAT self-check:\n{text}"),
    );
    let token = std::fs::read_to_string(db.with_file_name("cli.token")).unwrap_or_default();
    let body = r#"{"version": 1, "external_address": "198.51.100.1:40060", "local_networks": ["192.168.0.0/16", "127.0.0.0/8"], "bind_address": "0.0.0.0:5060"}"#;
    let put = lab
        .cmd(Ns::Pbx, "curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT"])
        .args(["-H", "Content-Type: application/json", "-H"])
        .arg(format!("Authorization: Bearer {}", token.trim()))
        .args(["--data", body, "http://127.0.0.1:8080/api/v1/nat"])
        .output()
        .await
        .expect("curl (Debian package curl)");
    let status = String::from_utf8_lossy(&put.stdout).into_owned();
    p.check(
        status == "200",
        format!("PUT /api/v1/nat answered {status}"),
    );
    let mut gone = false;
    for _ in 0..30 {
        if !show_registry(lab, db).await.contains(SELF_CHECK) {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    p.check(
        gone,
        "the NAT self-check stays after the External address is set",
    );
}

#[tokio::test]
async fn lab_incoming_did_call_through_nat() {
    let (lab, db) = office("incoming-did", true).await;
    let mut p = Problems::default();
    let (mut provider, mut phone, _pbx) = did_call(&mut p, &lab, &db).await;
    let what = "REGISTER answered, the 200 must carry the Record-Route, the BYE get its 200";
    provider_ok(&mut p, &mut provider, what).await;
    phone_call_ok(&mut p, &phone);
    call_logged(&mut p, &db, "4185550000").await;
    stale_binding_removed(&mut p, &provider);
    nat_self_check_shown_until_set(&mut p, &lab, &db).await;
    phone.quit().await;
    p.verdict(
        &lab,
        "incoming DID call through the NAT",
        &[&provider],
        &phone,
    );
}

#[tokio::test]
async fn lab_default_bind_never_writes_loopback() {
    let (lab, db) = office("no-loopback", true).await;
    // How the calls went is the other tests' business: here it is only
    // context for a failure.
    let mut flows = Problems::default();
    let (mut did, mut phone, _pbx) = did_call(&mut flows, &lab, &db).await;
    flows.check(did.finish().await, "the DID call's provider SIPp failed");
    // Then a call out, on the same registered trunk and the same mapping.
    let mut out = lab.provider("provider-rr", "lab_provider_rr_uas.xml").await;
    phone.command("/dial 4185551234").await;
    if phone
        .wait_for("Call established: sip:4185551234", 15 * SECOND)
        .await
    {
        // A second of conversation before the phone hangs up.
        tokio::time::sleep(SECOND).await;
        phone.command("/hangup").await;
    }
    flows.check(
        out.finish().await,
        "the outgoing call's provider SIPp failed",
    );
    phone.quit().await;

    let to_provider: Vec<String> = [&did, &out].iter().flat_map(|s| sipp_received(s)).collect();
    let to_phone = phone.received();
    let mut p = Problems::default();
    p.check(
        !to_provider.is_empty(),
        "the provider received nothing from Trunkline",
    );
    p.check(
        !to_phone.is_empty(),
        "the phone received nothing from Trunkline",
    );
    for line in unreachable_addresses("the provider", &to_provider)
        .into_iter()
        .chain(unreachable_addresses("the phone", &to_phone))
    {
        p.check(false, line);
    }
    if !p.0.is_empty() {
        p.0.extend(flows.0.into_iter().map(|f| format!("(context) {f}")));
    }
    let what = "Trunkline bound to 0.0.0.0:5060 gave out an address no peer can reach";
    p.verdict(&lab, what, &[&did, &out], &phone);
}
