//! Toll-fraud safety through the real binary: a SIPp phone sending a
//! wrong password is challenged like anyone, then slowed down (503 with
//! Retry-After), then blocked (nothing answers, not even the right
//! password), listed at /api/v1/security/addresses, until the
//! administrator lifts the block.

mod common;

use app::model::security::SipSecurityInput;
use app::ssr::state::Core;
use common::net::free_port;
use common::pbx::*;
use common::rest::{admin_token, http};
use common::sipp::Sipp;
use serde_json::Value;
use std::time::Duration;

/// `count` attempts with a wrong password from one port, each after the
/// last; returns (SIPp succeeded, 401s received, 503s received).
async fn wrong_password(
    pbx: &Pbx,
    name: &str,
    count: u32,
    from_port: u16,
) -> (bool, usize, usize, Sipp) {
    let mut sipp = pbx
        .sipp_client(name, "phone_register_wrong_uac.xml")
        .local_port(from_port)
        .count(count)
        .timeout(Duration::from_secs(5))
        .args([
            "-s",
            "1000",
            "-au",
            "1000",
            "-ap",
            "not-the-password",
            "-l",
            "1",
        ])
        .spawn();
    let ok = sipp.finish().await;
    let log = sipp.messages();
    let (challenged, throttled) = (
        log.matches("SIP/2.0 401").count(),
        log.matches("SIP/2.0 503").count(),
    );
    (ok, challenged, throttled, sipp)
}

/// The right password, from a fresh port.
fn right_password(pbx: &Pbx, name: &str) -> Sipp {
    pbx.sipp_client(name, "phone_register_uac.xml")
        .timeout(Duration::from_secs(3))
        .args(["-s", "1000", "-au", "1000", "-ap", PASSWORD_1000])
        .spawn()
}

/// The guard's list, once `ready` holds for it (within 3 s: the list is
/// republished at most once a second while failures come in).
async fn addresses(pbx: &Pbx, token: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let mut listed = Value::Null;
    for _ in 0..30 {
        let (status, body) = http(
            pbx.http_port,
            "GET",
            "/api/v1/security/addresses",
            Some(token),
            "",
        )
        .await;
        assert_eq!(status, 200, "{body}");
        listed = serde_json::from_str(&body).expect("json");
        if ready(&listed) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    listed
}

#[tokio::test]
async fn repeated_wrong_passwords_slow_down_then_block_an_address_until_lifted() {
    let dir = Pbx::fresh_dir("toll-fraud");
    let db = dir.join("t.db");
    prepare(&db, free_port(), free_port()).await;
    let token = {
        let pool = app::ssr::db::open(&db).await.expect("database");
        let core = Core::new(pool.clone()).await.expect("core");
        let version = app::ssr::service::security::get(&core)
            .await
            .expect("settings")
            .version;
        let settings = SipSecurityInput {
            max_retry: "5".into(),
            find_time: "600".into(),
            ban_time: "600".into(),
        };
        app::ssr::service::security::update(&core, version, &settings)
            .await
            .expect("settings saved");
        let token = admin_token(&core).await;
        pool.close().await;
        token
    };
    let pbx = Pbx::launch(dir, free_port()).await;

    // Three wrong passwords are challenged like anyone's; the fourth
    // attempt, right after, is told to wait.
    let (ok, challenged, throttled, mut first) =
        wrong_password(&pbx, "scanner-1", 4, free_port()).await;
    assert!(
        ok && challenged == 6 && throttled == 1,
        "expected 3 refusals then a 503 (dir {:?})\n{}",
        pbx.dir,
        first.wire()
    );
    let listed = addresses(&pbx, &token, |l| l[0]["failures"] == 3).await;
    assert_eq!(listed[0]["address"], "127.0.0.1", "{listed}");
    assert_eq!(listed[0]["failures"], 3, "{listed}");
    assert!(
        listed[0]["blocked_until"].is_null(),
        "only slowed down: {listed}"
    );

    // After the wait (1 s, then 2 s), two more failures reach Max retry.
    // The sleeps wait out the guard's Retry-After on purpose: sooner, the
    // attempt would be slowed down again instead of counted.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (ok, challenged, _, mut second) = wrong_password(&pbx, "scanner-2", 1, free_port()).await;
    assert!(ok && challenged == 2, "{}", second.wire());
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let (ok, challenged, _, mut third) = wrong_password(&pbx, "scanner-3", 1, free_port()).await;
    assert!(ok && challenged == 2, "{}", third.wire());

    // Blocked: not even the right password gets an answer.
    let mut blocked = right_password(&pbx, "blocked-phone");
    assert!(!blocked.finish().await, "a blocked address registered");
    assert_eq!(blocked.received(), 0, "{}", blocked.wire());
    let listed = addresses(&pbx, &token, |l| l[0]["failures"] == 5).await;
    assert_eq!(listed[0]["failures"], 5, "{listed}");
    assert!(listed[0]["blocked_until"].as_i64().is_some(), "{listed}");

    // The administrator lifts the block; the phone registers again.
    let (status, body) = http(
        pbx.http_port,
        "DELETE",
        "/api/v1/security/addresses/127.0.0.1",
        Some(&token),
        "",
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let empty = Value::Array(Vec::new());
    assert_eq!(addresses(&pbx, &token, |l| *l == empty).await, empty);
    let mut phone = right_password(&pbx, "phone-again");
    pbx.expect_all_ok(
        "registering after the block was lifted",
        &mut [&mut phone, &mut first, &mut second, &mut third],
    )
    .await;
}

#[tokio::test]
async fn failures_forged_with_a_trunks_address_are_not_counted() {
    // Datagrams claiming to come from the provider (its address and
    // port) must not get the provider blocked: the office would lose its
    // incoming calls to anyone able to forge a UDP source.
    let pbx = Pbx::start("toll-fraud-trunk").await;
    let (ok, challenged, throttled, mut forged) =
        wrong_password(&pbx, "forged", 12, pbx.provider_port).await;
    assert!(
        ok && challenged == 24 && throttled == 0,
        "a trunk's address was slowed down (dir {:?})\n{}",
        pbx.dir,
        forged.wire()
    );
    // The provider still reaches the front desk.
    let mut desk = pbx
        .ringing_phone("phone-1000", "1000", PASSWORD_1000, "call_phone_answer.xml")
        .await;
    let mut provider = pbx
        .sipp_client("provider-calls", "call_provider_invite_uac.xml")
        .local_port(pbx.provider_port)
        .args(["-s", "4185550000"])
        .spawn();
    pbx.expect_all_ok(
        "the provider's call after forged failures",
        &mut [&mut provider, &mut desk, &mut forged],
    )
    .await;
}
