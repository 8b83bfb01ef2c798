//! Outgoing calls through the real binary, with SIPp phones and providers:
//! the provider's 407 answered, failover on 503 and 408, busy, no trunk
//! left, unknown numbers, and no unauthenticated INVITE reaching a trunk.

mod common;

use common::net::free_port;
use common::pbx::*;
use common::sipp::wires;
use std::time::Duration;

#[tokio::test]
async fn outgoing_call_through_provider_with_407() {
    let pbx = Pbx::start("outgoing").await;
    let mut provider = pbx
        .provider("provider", "call_provider_challenge_uas.xml", false)
        .await;
    let mut desk = pbx.desk_dials("call_phone_dial.xml", "4185551234");
    pbx.expect_all_ok(
        "the call through the provider",
        &mut [&mut desk, &mut provider],
    )
    .await;
}

/// The first trunk fails with `scenario`; the backup answers.
async fn fails_over(label: &str, scenario: &str) {
    let pbx = Pbx::start(label).await;
    let mut first = pbx.provider(label, scenario, false).await;
    let mut backup = pbx
        .provider("backup", "call_provider_challenge_uas.xml", true)
        .await;
    let mut desk = pbx.desk_dials("call_phone_dial.xml", "4185551234");
    pbx.expect_all_ok(
        "the call that fails over to the backup trunk",
        &mut [&mut desk, &mut first, &mut backup],
    )
    .await;
}

#[tokio::test]
async fn failover_when_first_trunk_answers_503() {
    fails_over("provider-503", "call_provider_503_uas.xml").await;
}

#[tokio::test]
async fn failover_when_first_trunk_answers_408() {
    fails_over("provider-408", "call_provider_408_uas.xml").await;
}

#[tokio::test]
async fn provider_challenge_is_answered_once_then_503_when_no_trunk_is_left() {
    let pbx = Pbx::start("challenge-once").await;
    let mut first = pbx
        .provider(
            "provider-401-twice",
            "call_provider_challenge_twice_uas.xml",
            false,
        )
        .await;
    let mut backup = pbx
        .provider("backup-503", "call_provider_503_uas.xml", true)
        .await;
    let mut desk = pbx.desk_dials("call_phone_dial_failed.xml", "4185551234");
    pbx.expect_all_ok(
        "the call with no trunk left (503)",
        &mut [&mut desk, &mut first, &mut backup],
    )
    .await;
}

#[tokio::test]
async fn busy_provider_gives_the_phone_486() {
    let pbx = Pbx::start("busy").await;
    let mut provider = pbx
        .provider("provider-486", "call_provider_busy_uas.xml", false)
        .await;
    let mut backup = pbx
        .provider("backup", "call_provider_challenge_uas.xml", true)
        .await;
    let mut desk = pbx.desk_dials("call_phone_dial_busy.xml", "4185551234");
    let phone_ok = desk.finish().await;
    let provider_ok = provider.finish().await;
    // Busy is the callee's answer: no failover to the backup trunk. A
    // failover INVITE would arrive within this wait (an absence cannot be
    // polled for).
    tokio::time::sleep(Duration::from_millis(500)).await;
    backup.stop().await;
    let all = [&desk, &provider, &backup];
    assert!(
        phone_ok && provider_ok,
        "phone ok: {phone_ok}, provider ok: {provider_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    assert_eq!(
        backup.received(),
        0,
        "486 must not fail over to the backup trunk (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    pbx.end(&mut [&mut desk, &mut provider, &mut backup]).await;
}

#[tokio::test]
async fn unknown_number_is_refused_with_404() {
    let pbx = Pbx::start("refused").await;
    let mut desk = pbx.desk_dials("call_phone_dial_refused.xml", "999");
    pbx.expect_all_ok(
        "the phone did not get 404 after authenticating",
        &mut [&mut desk],
    )
    .await;
}

#[tokio::test]
async fn unauthenticated_invite_reaches_no_trunk() {
    let pbx = Pbx::start("stranger").await;
    let mut provider = pbx
        .provider("provider", "call_provider_challenge_uas.xml", false)
        .await;
    let mut backup = pbx
        .provider("backup", "call_provider_challenge_uas.xml", true)
        .await;
    let mut stranger = pbx.dial(
        "stranger",
        "call_stranger_dial.xml",
        "stranger",
        "guess",
        "4185551234",
    );
    let stranger_ok = stranger.finish().await;
    // Also a known line with a wrong password.
    let mut wrong = pbx.dial(
        "wrong-password",
        "call_stranger_dial.xml",
        "1000",
        "not-the-password",
        "4185551234",
    );
    let wrong_ok = wrong.finish().await;
    // Give a leaked INVITE time to arrive, then look (an absence cannot be
    // polled for).
    tokio::time::sleep(Duration::from_secs(1)).await;
    provider.stop().await;
    backup.stop().await;
    let all = [&stranger, &wrong, &provider, &backup];
    assert!(
        stranger_ok && wrong_ok,
        "stranger ok: {stranger_ok}, wrong password ok: {wrong_ok}: \
         expected 407, then 403 or 407 (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    assert_eq!(
        (provider.received(), backup.received()),
        (0, 0),
        "a trunk received something (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    pbx.end(&mut [&mut stranger, &mut wrong, &mut provider, &mut backup])
        .await;
}

/// Issue 17 item 5: the front desk's right password, but the digest
/// computed for a call to 1001, on an INVITE to 4185551234 (a replayed or
/// tampered request, RFC 2617 §3.2.2.5): challenged again, and the
/// provider never sees the call.
#[tokio::test]
async fn credentials_for_another_uri_reach_no_trunk() {
    let pbx = Pbx::start("auth-uri").await;
    let mut provider = pbx
        .provider("provider", "call_provider_challenge_uas.xml", false)
        .await;
    let mut forged = pbx.dial_signed_for(
        "signed-for-1001",
        "call_stranger_dial.xml",
        "1000",
        PASSWORD_1000,
        "4185551234",
        "1001",
    );
    let forged_ok = forged.finish().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    provider.stop().await;
    let all = [&forged, &provider];
    assert!(
        forged_ok,
        "expected 407, then 403 or 407 (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    assert!(
        forged
            .messages()
            .contains(&format!("uri=\"sip:{}\"", pbx.auth_uri("1001"))),
        "SIPp did not sign for 1001 (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    assert_eq!(
        provider.received(),
        0,
        "the provider received the call (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    pbx.end(&mut [&mut forged, &mut provider]).await;
}

/// The trunk's From user (chan_sip `fromuser`) reaches the provider in
/// From, and a trunk whose credentials are only on its Register tab
/// answers the provider's 407 with them.
#[tokio::test]
async fn from_user_and_the_register_tabs_credentials_reach_the_provider() {
    use app::ssr::service::trunks;
    let dir = Pbx::fresh_dir("outgoing-fromuser");
    let (provider_port, backup_port) = (free_port(), free_port());
    let db = dir.join("t.db");
    prepare(&db, provider_port, backup_port).await;
    {
        let pool = app::ssr::db::open(&db).await.expect("database");
        let core = app::ssr::state::Core::new(pool.clone())
            .await
            .expect("core");
        let trunk = trunks::list(&core)
            .await
            .expect("trunks")
            .into_iter()
            .find(|t| t.trunk.name == "provider_username")
            .expect("trunk");
        let mut input = trunk.trunk.to_input();
        input.from_user = "office_account".into();
        input.auth_username = String::new();
        // Registers to a port nobody answers: only the credentials matter here.
        input.register = true;
        input.reg_server = "127.0.0.1".into();
        input.reg_port = free_port().to_string();
        input.reg_username = "provider_username".into();
        input.reg_secret = "provider_password".into();
        let id = trunk.id;
        trunks::update(&core, id, trunk.version, &input)
            .await
            .expect("trunk saved");
        // The General tab's password goes too: calls must fall back to the Register tab's.
        sqlx::query("UPDATE trunks SET secret = '' WHERE id = ?")
            .bind(id)
            .execute(&pool)
            .await
            .expect("general password cleared");
        pool.close().await;
    }
    let mut pbx = Pbx::launch(dir, free_port()).await;
    pbx.provider_port = provider_port;
    let mut provider = pbx
        .provider("provider-fromuser", "call_provider_fromuser_uas.xml", false)
        .await;
    let mut desk = pbx.desk_dials("call_phone_dial.xml", "4185551234");
    pbx.expect_all_ok(
        "the call with From user and the Register tab's credentials",
        &mut [&mut desk, &mut provider],
    )
    .await;
}
