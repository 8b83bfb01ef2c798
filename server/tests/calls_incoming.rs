//! Incoming calls through the real binary: a SIPp provider calls the DID
//! (with or without +) and the front desk's SIPp phone rings; a call from
//! another port is challenged; an unknown DID is refused and recorded.

mod common;

use common::net::free_port;
use common::pbx::*;
use common::sipp::wires;
use std::time::Duration;

/// The provider sends `did` from the port of trunk `provider_username`
/// (or `backup`); the front desk's phone rings and answers.
async fn did_rings_front_desk(label: &str, from_backup: bool, did: &str) {
    let pbx = Pbx::start(label).await;
    let mut desk = pbx
        .ringing_phone("phone-1000", "1000", PASSWORD_1000, "call_phone_answer.xml")
        .await;
    let port = if from_backup {
        pbx.backup_port
    } else {
        pbx.provider_port
    };
    let mut provider = pbx
        .sipp_client("provider-calls", "call_provider_invite_uac.xml")
        .local_port(port)
        .args(["-s", did])
        .spawn();
    pbx.expect_all_finished(
        "the DID call to the front desk",
        &mut [&mut provider, &mut desk],
    )
    .await;
    // The call log names the trunk the call came in on, in REST as on
    // Status → Calls (both read the same rows).
    let trunk = if from_backup {
        "backup"
    } else {
        "provider_username"
    };
    let mut logged = serde_json::Value::Null;
    for _ in 0..30 {
        let (status, page) = pbx.rest("/api/v1/calls").await;
        assert_eq!(status, 200, "{page}");
        logged = page["calls"][0].clone();
        if !logged.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(logged["trunk"], trunk, "{logged}");
    assert_eq!(logged["callee"], "Front Desk (1000)", "{logged}");
    pbx.end(&mut [&mut provider, &mut desk]).await;
}

#[tokio::test]
async fn incoming_did_rings_front_desk() {
    did_rings_front_desk("incoming", false, "4185550000").await;
}

#[tokio::test]
async fn incoming_did_with_plus_rings_front_desk() {
    did_rings_front_desk("incoming-plus", true, "+4185550000").await;
}

#[tokio::test]
async fn did_call_from_another_port_than_the_trunks_is_challenged() {
    let pbx = Pbx::start("incoming-wrong-port").await;
    let mut desk = pbx
        .ringing_phone("phone-1000", "1000", PASSWORD_1000, "call_phone_answer.xml")
        .await;
    let mut caller = pbx
        .sipp_client("not-the-trunk", "call_provider_invite_challenged_uac.xml")
        .args(["-s", "4185550000"])
        .spawn();
    let caller_ok = caller.finish().await;
    // An INVITE leaked to the desk would arrive within this; an absence
    // can only be waited out, not polled for.
    tokio::time::sleep(Duration::from_millis(500)).await;
    desk.stop().await;
    let all = [&caller, &desk];
    assert!(
        caller_ok,
        "an INVITE from 127.0.0.1 but not from a trunk's port must get 407 (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    assert_eq!(
        desk.received(),
        0,
        "the front desk rang for a caller who is not the trunk (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    pbx.end(&mut [&mut caller, &mut desk]).await;
}

#[tokio::test]
async fn unknown_did_is_refused_with_404() {
    let pbx = Pbx::start("incoming-404").await;
    let mut provider = pbx
        .sipp_client("provider-calls", "call_provider_invite_refused_uac.xml")
        .local_port(pbx.provider_port)
        .args(["-s", "4185559999"])
        .spawn();
    let provider_ok = provider.finish().await;
    assert!(
        provider_ok,
        "the provider did not get 404 without a challenge (dir {:?})\n{}",
        pbx.dir,
        wires(&[&provider])
    );
    // Recorded for the Incoming calls screen's "Unmatched calls".
    let mut recorded = Vec::new();
    for _ in 0..30 {
        let pool = app::ssr::db::open(&pbx.dir.join("t.db"))
            .await
            .expect("database");
        recorded = app::ssr::store::call_log::latest_unmatched(&pool, 10)
            .await
            .expect("rows");
        pool.close().await;
        if !recorded.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(
        (recorded[0].trunk.as_str(), recorded[0].did.as_str()),
        ("provider_username", "4185559999")
    );
    pbx.end(&mut [&mut provider]).await;
}

/// Makes trunk `name` of `path` a chan_sip `type=user` (or `peer`, `friend`).
async fn set_connection_type(path: &std::path::Path, name: &str, connection: &str) {
    use app::ssr::service::trunks;
    let pool = app::ssr::db::open(path).await.expect("database");
    let core = app::ssr::state::Core::new(pool.clone())
        .await
        .expect("core");
    let trunk = trunks::list(&core)
        .await
        .expect("trunks")
        .into_iter()
        .find(|t| t.trunk.name == name)
        .expect("trunk");
    let mut input = trunk.trunk.to_input();
    input.connection_type = connection.into();
    trunks::update(&core, trunk.id, trunk.version, &input)
        .await
        .expect("connection type saved");
    pool.close().await;
}

/// chan_sip's `type=user`: the provider's INVITE is known by the trunk's
/// username and password, not by where it comes from. From the trunk's own
/// address without credentials it is challenged like anyone; from any
/// address with them, the DID rings.
#[tokio::test]
async fn a_user_trunk_is_known_by_its_credentials_not_its_address() {
    let dir = Pbx::fresh_dir("incoming-user-trunk");
    let (provider_port, backup_port) = (free_port(), free_port());
    prepare(&dir.join("t.db"), provider_port, backup_port).await;
    set_connection_type(&dir.join("t.db"), "provider_username", "user").await;
    let pbx = Pbx::launch(dir, free_port()).await;
    let mut unauthenticated = pbx
        .sipp_client(
            "trunk-address-without-credentials",
            "call_provider_invite_challenged_uac.xml",
        )
        .local_port(provider_port)
        .args(["-s", "4185550000"])
        .spawn();
    assert!(
        unauthenticated.finish().await,
        "a user trunk's address alone must get 407 (dir {:?})\n{}",
        pbx.dir,
        unauthenticated.wire()
    );
    let mut desk = pbx
        .ringing_phone("phone-1000", "1000", PASSWORD_1000, "call_phone_answer.xml")
        .await;
    let mut provider = pbx
        .sipp_client("provider-with-credentials", "call_phone_dial.xml")
        .args(["-s", "4185550000", "-key", "caller", "5145550199"])
        .args(["-au", "provider_username", "-ap", "provider_password"])
        .spawn();
    pbx.expect_all_ok(
        "the authenticated provider's DID call to the front desk",
        &mut [&mut provider, &mut desk, &mut unauthenticated],
    )
    .await;
}
