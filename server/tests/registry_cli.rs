//! The whole path of "Establish the trunk", with the real binary: a trunk
//! saved through the REST API registers to a real SIPp provider that
//! challenges with 401; the registry shows `Registered`; and
//! `trunkline sip show registry` prints it exactly as Asterisk would.

mod common;

use common::net::free_port;
use common::rest::http;
use common::serve::{run_cli, start_server_on};
use common::sipp::Sipp;
use std::path::PathBuf;
use std::time::Duration;

fn printf_row(host: &str, user: &str, refresh: u64, state: &str, time: &str) -> String {
    // FORMAT "%-39.39s %-6.6s %-12.12s  %8d %-20.20s %-25.25s"
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    format!(
        "{:<39} {:<6} {:<12}  {:>8} {:<20} {:<25}",
        cut(host, 39),
        "N",
        cut(user, 12),
        refresh,
        cut(state, 20),
        cut(time, 25)
    )
}

/// A SIPp registrar running `tests/sipp/<scenario>` on 127.0.0.1:`port`, its
/// messages traced to `<dir>/registrar.log` and its errors to `registrar.err`.
/// Returns once it listens.
async fn registrar(scenario: &str, port: u16, dir: &std::path::Path) -> Sipp {
    Sipp::scenario(scenario)
        .name("registrar")
        .dir(dir)
        .local_port(port)
        .timeout(Duration::from_secs(25))
        .args(["-default_behaviors", "all,-bye"])
        .spawn_listening()
        .await
}

/// Starts the binary on `db` and saves, through the REST API, trunk
/// `provider_user` registering (digest provider_user / secret) to the SIPp
/// registrar on 127.0.0.1:`port`. Returns the server, its console port and
/// the CLI's bearer token.
async fn serve_with_trunk(db: &std::path::Path, port: u16) -> (tokio::process::Child, u16, String) {
    let http_port = free_port();
    let server = start_server_on(db, 0, http_port).await;
    let token = std::fs::read_to_string(trunkline::control::token_path(db))
        .expect("cli token written by serve");
    let token = token.trim().to_owned();
    let trunk = serde_json::json!({
        "name": "provider_user",
        "auth_username": "provider_user",
        "secret": "secret",
        "host_type": "static",
        "host": "127.0.0.1",
        "port": port,
        "register": true,
        "reg_username": "provider_user",
        "reg_server": "127.0.0.1",
        "reg_port": port,
        "reg_expiry": 60
    });
    let body = trunk.to_string();
    let (status, answer) = http(http_port, "POST", "/api/v1/trunks", Some(&token), &body).await;
    assert_eq!(status, 201, "{answer}");
    (server, http_port, token)
}

#[tokio::test]
async fn trunk_registers_and_sip_show_registry_prints_it_as_asterisk() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("trunkline-registry-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("t.db");

    // A provider that challenges, checks the digest and grants 3 s.
    let provider_port = free_port();
    let mut provider = registrar("reg_challenge_uas.xml", provider_port, &dir).await;

    let (mut server, http_port, token) = serve_with_trunk(&db, provider_port).await;
    let token = Some(token.as_str());

    // The registry follows the engine: Registered within a few seconds.
    let mut row = serde_json::Value::Null;
    for _ in 0..100 {
        let (_, body) = http(http_port, "GET", "/api/v1/registry", token, "").await;
        let rows: serde_json::Value = serde_json::from_str(&body).expect("json");
        if rows[0]["state"] == "Registered" {
            row = rows[0].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(row["state"], "Registered", "the trunk never registered");
    assert_eq!(row["last_response"], "200 OK");

    // The console command asks the running server.
    let http_addr = format!("127.0.0.1:{http_port}");
    let text = run_cli(&db, &["sip", "show", "registry", "--http", &http_addr]).await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(
        lines[0].trim_end(),
        "Host                                    dnsmgr Username       Refresh State                Reg.Time"
    );
    // The refresh may have happened between the two reads; compare with
    // whichever registry row the command printed.
    let (_, body) = http(http_port, "GET", "/api/v1/registry", token, "").await;
    let now: serde_json::Value = serde_json::from_str(&body).expect("json");
    let expected: Vec<String> = [&row, &now[0]]
        .iter()
        .map(|r| {
            printf_row(
                &format!("127.0.0.1:{provider_port}"),
                "provider_user",
                r["refresh"].as_u64().unwrap_or(0),
                r["state"].as_str().unwrap_or(""),
                r["reg_time_text"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        expected.iter().any(|e| e == lines[1]),
        "row {:?} is not one of {expected:?}",
        lines[1]
    );
    assert_eq!(lines[2], "1 SIP registrations.");
    // Asterisk's date format: "Wed, 26 Nov 2026 08:00:00".
    let time = row["reg_time_text"].as_str().unwrap_or("");
    assert_eq!(time.len(), 25, "{time:?}");
    assert_eq!(&time[3..5], ", ");

    let _ = server.kill().await;
    provider.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The NAT self-check: a registrar that sees the PBX at another address
/// (Via `received`/`rport`) makes the PBX remove its first binding with
/// `Expires: 0` before registering the learned one (the SIPp scenario
/// checks all three REGISTERs), and `sip show registry` says so in a
/// sentence after Asterisk's table, which stays as Asterisk prints it.
#[tokio::test]
async fn nat_self_check_line_follows_the_table_and_the_stale_binding_goes() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("trunkline-registry-nat-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("t.db");
    let provider_port = free_port();
    let mut provider = registrar("reg_nat_uas.xml", provider_port, &dir).await;
    // Loopback is a local network by default, and a registrar on the LAN is
    // never given a learned address: here only 10.0.0.0/8 is local, so the
    // registrar on 127.0.0.1 stands for one across the internet.
    {
        use app::ssr::service::nat;
        let pool = app::ssr::db::open(&db).await.expect("database");
        let core = app::ssr::state::Core::new(pool.clone())
            .await
            .expect("core");
        let stored = nat::get(&core).await.expect("nat settings");
        let input = app::model::nat::SipNatInput {
            external_address: String::new(),
            local_networks: "10.0.0.0/8".into(),
            ..Default::default()
        };
        nat::update(&core, stored.version, &input)
            .await
            .expect("local networks saved");
        pool.close().await;
    }
    let (mut server, http_port, token) = serve_with_trunk(&db, provider_port).await;
    let token = Some(token.as_str());
    // The registrar gives up (and fails) after its -timeout of 25 s.
    assert!(
        provider.finish().await,
        "REGISTER, then Expires: 0 for the old Contact, then the learned Contact, within 25 s:\n{}",
        provider.wire()
    );
    let mut warning = serde_json::Value::Null;
    for _ in 0..50 {
        let (_, body) = http(http_port, "GET", "/api/v1/registry", token, "").await;
        let rows: serde_json::Value = serde_json::from_str(&body).expect("json");
        if rows[0]["state"] == "Registered" && !rows[0]["nat_warning"].is_null() {
            warning = rows[0]["nat_warning"].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let expected = format!(
        "127.0.0.1:{provider_port} sees this PBX as 198.51.100.1:40000 but no external \
         address is set: incoming calls and audio will fail — set External address \
         (Services → IPBX → General settings → SIP (NAT))"
    );
    assert_eq!(warning, serde_json::Value::String(expected.clone()));
    let http_addr = format!("127.0.0.1:{http_port}");
    let text = run_cli(&db, &["sip", "show", "registry", "--http", &http_addr]).await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[1].starts_with(&format!("127.0.0.1:{provider_port}")),
        "{text}"
    );
    assert_eq!(lines[2], "1 SIP registrations.", "the table is Asterisk's");
    assert_eq!(lines[3], expected, "the self-check comes after it");
    // The administrator does what it says: the sentence goes at once.
    let (_, body) = http(http_port, "GET", "/api/v1/nat", token, "").await;
    let stored: serde_json::Value = serde_json::from_str(&body).expect("json");
    let put = serde_json::json!({
        "version": stored["version"],
        "external_address": "198.51.100.1",
        "local_networks": ["10.0.0.0/8"],
        "bind_address": stored["bind_address"],
    });
    let (status, body) = http(http_port, "PUT", "/api/v1/nat", token, &put.to_string()).await;
    assert_eq!(status, 200, "{body}");
    let mut gone = false;
    for _ in 0..50 {
        let (_, body) = http(http_port, "GET", "/api/v1/registry", token, "").await;
        let rows: serde_json::Value = serde_json::from_str(&body).expect("json");
        if rows[0]["nat_warning"].is_null() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        gone,
        "the self-check stays after the External address is set"
    );
    let text = run_cli(&db, &["sip", "show", "registry", "--http", &http_addr]).await;
    assert_eq!(text.lines().count(), 3, "Asterisk's table alone:\n{text}");
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(&dir);
}
