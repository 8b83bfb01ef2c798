//! Phones registering to the real `trunkline serve` binary: a SIPp phone
//! registers its line with digest, `sip show peers` and `/api/v1/lines`
//! show where, and the binding is still there after the server restarts
//! (persisted), as the phone's query shows.

mod common;

use app::model::user::UserInput;
use app::ssr::state::Core;
use common::net::free_port;
use common::rest::http;
use common::serve::{run_cli, start_server, start_server_on};
use common::sipp::Sipp;
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

/// SIPp as the phone of line 1000 (password `password`) playing
/// `scenario` against 127.0.0.1:`port`: (it succeeded, its wire).
async fn phone(scenario: &str, port: u16, password: &str) -> (bool, String) {
    Sipp::scenario(scenario)
        .remote(format!("127.0.0.1:{port}"))
        .args(["-s", "1000", "-au", "1000", "-ap", password])
        .run()
        .await
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

    let http_port = free_port();
    let mut server = start_server_on(&db, port, http_port).await;
    let (ok, errors) = phone("phone_register_uac.xml", port, PASSWORD).await;
    assert!(
        ok,
        "the phone did not get 200 after its digest answer: {errors}"
    );
    let (wrong, _) = phone("phone_register_uac.xml", port, "not-the-password").await;
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

    // The console and the CLI see the same binding, live.
    let token = std::fs::read_to_string(trunkline::control::token_path(&db)).expect("cli token");
    let (status, body) = http(http_port, "GET", "/api/v1/lines", Some(token.trim()), "").await;
    assert_eq!(status, 200, "{body}");
    let lines: serde_json::Value = serde_json::from_str(&body).expect("json");
    let contact = &lines[0]["contacts"][0];
    assert_eq!(lines[0]["line_username"], "1000");
    assert_eq!(contact["user_agent"], "SIPp phone");
    let expires_in = contact["expires_in"].as_i64().expect("expires_in");
    assert!((290..=300).contains(&expires_in), "{body}");
    let source = contact["source"].as_str().expect("source").to_owned();
    let (ip, phone_port) = source.split_once(':').expect("ip:port");
    let peers = run_cli(
        &db,
        &[
            "sip",
            "show",
            "peers",
            "--http",
            &format!("127.0.0.1:{http_port}"),
        ],
    )
    .await;
    let row = peers
        .lines()
        .find(|l| l.starts_with("1000 "))
        .unwrap_or_else(|| panic!("no row for line 1000 in:\n{peers}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[1], ip, "{row}");
    assert!(cells.contains(&phone_port), "{row}");
    assert!(
        row.contains("Unmonitored") && row.contains("Front Desk"),
        "{row}"
    );
    let _ = server.kill().await;
    let _ = server.wait().await;

    let mut server = start_server(&db, port).await;
    let (ok, errors) = phone("phone_query_uac.xml", port, PASSWORD).await;
    assert!(
        ok,
        "after a restart the 200 must still list the phone's contact: {errors}"
    );
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(&dir);
}
