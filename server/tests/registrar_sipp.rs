//! Phones registering to the real `trunkline serve` binary: a SIPp phone
//! registers its line with digest, and the binding is still there after
//! the server restarts (persisted), as the phone's query shows.

mod common;

use app::model::user::UserInput;
use app::ssr::state::Core;
use common::serve::{free_port, sipp_client, start_server};
use std::path::Path;
use std::time::Duration;

const PASSWORD: &str = "phone-secret-1000";

/// A database holding the front-desk user 1000 with a known line password.
async fn database_with_front_desk(path: &Path) {
    let pool = app::ssr::db::open(path).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let input = UserInput {
        firstname: "Front".into(),
        lastname: "Desk".into(),
        exten: "1000".into(),
        line_password: PASSWORD.into(),
        ..UserInput::default()
    };
    app::ssr::service::users::create(&core, &input)
        .await
        .expect("user");
    pool.close().await;
}

/// SIPp as the phone of line 1000 with `password`.
fn phone(password: &str) -> [&str; 6] {
    ["-s", "1000", "-au", "1000", "-ap", password]
}

async fn stored_bindings(path: &Path) -> Vec<String> {
    let pool = app::ssr::db::open(path).await.expect("database");
    let rows = app::ssr::store::bindings::list(&pool).await.expect("rows");
    pool.close().await;
    rows.into_iter()
        .map(|b| format!("{} {} {}", b.line_username, b.contact, b.user_agent))
        .collect()
}

#[tokio::test]
async fn phone_registers_with_digest_and_the_binding_survives_a_restart() {
    let port = free_port();
    let dir =
        std::env::temp_dir().join(format!("trunkline-registrar-{}-{port}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("t.db");
    database_with_front_desk(&db).await;

    let mut server = start_server(&db, port).await;
    let (ok, errors) = sipp_client("phone_register_uac.xml", port, "u1", &phone(PASSWORD)).await;
    assert!(
        ok,
        "the phone did not get 200 after its digest answer: {errors}"
    );
    let (wrong, _) = sipp_client(
        "phone_register_uac.xml",
        port,
        "u1",
        &["1000", "not-the-password"],
    )
    .await;
    assert!(!wrong, "a wrong password must not register");

    // Written within a second (changes are coalesced for half a second).
    let mut stored = Vec::new();
    for _ in 0..50 {
        stored = stored_bindings(&db).await;
        if !stored.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(
        stored[0].starts_with("1000 sip:1000@127.0.0.1:"),
        "{stored:?}"
    );
    assert!(stored[0].ends_with("SIPp phone"), "{stored:?}");
    let _ = server.kill().await;
    let _ = server.wait().await;

    let mut server = start_server(&db, port).await;
    let (ok, errors) = sipp_client("phone_query_uac.xml", port, "u1", &phone(PASSWORD)).await;
    assert!(
        ok,
        "after a restart the 200 must still list the phone's contact: {errors}"
    );
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(&dir);
}
