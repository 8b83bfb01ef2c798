//! A stored row the model can no longer read (hand-edited, or written by
//! an older release with looser checks) must not brick the PBX: the
//! server starts, publishes every other row and every later change, and
//! lists the bad row as needing repair until it is saved again.
//! Real SQLite file, real router on 127.0.0.1.

mod common;

use app::model::context::{ContextInput, RangeInput};
use app::model::outcall::{ExtenInput, OutcallInput};
use app::ssr::auth::{LoginLimiter, SESSION_COOKIE};
use app::ssr::state::Core;
use axum::body::Body;
use axum::http::{header, Request};
use common::rest::{admin_token, http, router};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use sqlx::SqlitePool;
use std::net::SocketAddr;
use std::path::Path;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// The console's HTTP side over the database at `path`, as `trunkline
/// serve` starts it (`Core::new` reads and publishes the configuration).
struct Console {
    port: u16,
    token: String,
}

impl Console {
    async fn start(path: &Path) -> (Self, Core) {
        let pool = app::ssr::db::open(path).await.expect("database");
        let core = Core::new(pool)
            .await
            .expect("the server starts whatever rows are stored");
        let token = admin_token(&core).await;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let app = router(core.clone()).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        (Self { port, token }, core)
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let (status, text) = http(self.port, method, path, Some(&self.token), &body).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn create(&self, path: &str, body: Value) -> i64 {
        let (status, created) = self.call("POST", path, Some(body)).await;
        assert_eq!(status, 201, "POST {path}: {created}");
        created["id"].as_i64().expect("id")
    }

    /// Where `number` dialed by 1000 goes: the outgoing call's name.
    async fn outgoing_route(&self, number: &str) -> Value {
        let (status, out) = self
            .call(
                "GET",
                &format!("/api/v1/route?caller=1000&number={number}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{out}");
        out["route"]["outcall"].clone()
    }

    async fn names(&self, path: &str, pick: impl Fn(&Value) -> Value) -> Vec<Value> {
        let (status, list) = self.call("GET", path, None).await;
        assert_eq!(status, 200, "GET {path}: {list}");
        list.as_array().expect("a list").iter().map(pick).collect()
    }
}

/// The status and the response head of `GET path` (lower-case names).
async fn raw_head(console: &Console, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", console.port))
        .await
        .expect("connect");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        console.token
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.expect("read");
    let head = raw
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head)
}

/// A PUT body: every field of `input`, and the version it replaces.
fn with_version(input: &impl serde::Serialize, version: i64) -> Value {
    let mut body = serde_json::to_value(input).expect("input as JSON");
    body["version"] = json!(version);
    body
}

/// A console page as the server renders it for a logged-in administrator.
async fn page(core: &Core, path: &str) -> String {
    let session = app::ssr::service::auth::login(
        core,
        &LoginLimiter::default(),
        "127.0.0.1".parse().expect("address"),
        "admin",
        "rest-password",
    )
    .await
    .expect("login");
    let request = Request::get(path)
        .header(header::COOKIE, format!("{SESSION_COOKIE}={session}"))
        .body(Body::empty())
        .expect("request");
    let response = router(core.clone())
        .oneshot(request)
        .await
        .expect("response");
    assert_eq!(response.status(), 200, "GET {path}");
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A working configuration: a trunk, Front Desk on 1000, an outgoing call
/// for 418 numbers and an incoming call for 4185550000.
async fn configure(console: &Console) -> i64 {
    let trunk = console
        .create(
            "/api/v1/trunks",
            json!({ "name": "provider", "host_type": "static", "host": "voip.provider.example.com",
                    "context": "from-extern" }),
        )
        .await;
    let user = console
        .create(
            "/api/v1/users",
            json!({ "firstname": "Front", "lastname": "Desk", "exten": "1000" }),
        )
        .await;
    console
        .create(
            "/api/v1/outcalls",
            json!({ "name": "local", "trunks": [trunk], "extens": [{ "pattern": "418." }] }),
        )
        .await;
    console
        .create(
            "/api/v1/incalls",
            json!({ "did": "4185550000", "destination": "user", "user_id": user }),
        )
        .await;
    trunk
}

/// Rows no release of the model accepts, written behind the server's
/// back: a trunk with a port that is not a number, a user without a
/// line, an outgoing call whose pattern has 81 characters (what the
/// 80-character bug stored), an incoming call to a destination that
/// does not exist. Returns the outgoing call's id.
async fn write_bad_rows(pool: &SqlitePool, trunk: i64) -> i64 {
    sqlx::query(
        "INSERT INTO trunks (name, context, settings, updated_at)
         VALUES ('broken_trunk', 'from-extern', '{\"name\":\"broken_trunk\",\"port\":\"five\"}', 0)",
    )
    .execute(pool)
    .await
    .expect("trunk");
    sqlx::query(
        "INSERT INTO users (context, exten, line_username, line_secret, settings, updated_at)
         VALUES ('default', '1099', '1099', 'x', '{\"exten\":\"1099\"}', 0)",
    )
    .execute(pool)
    .await
    .expect("user");
    let long = format!("_{}", "X".repeat(80));
    let settings = json!({ "name": "long", "context": "to-extern", "trunks": [], "ringtime": 0,
        "internal": false, "extens": [{ "pattern": long, "strip": 0, "prefix": "", "caller_id": "" }] });
    let outcall: i64 = sqlx::query_scalar(
        "INSERT INTO outcalls (name, context, settings, updated_at)
         VALUES ('long', 'to-extern', ?, 0) RETURNING id",
    )
    .bind(settings.to_string())
    .fetch_one(pool)
    .await
    .expect("outcall");
    sqlx::query("INSERT INTO outcall_trunks (outcall_id, trunk_id, position) VALUES (?, ?, 0)")
        .bind(outcall)
        .bind(trunk)
        .execute(pool)
        .await
        .expect("outcall trunk");
    sqlx::query(
        "INSERT INTO incalls (context, did, settings, updated_at)
         VALUES ('from-extern', '4185559999',
                 '{\"did\":\"4185559999\",\"context\":\"from-extern\",\"destination\":\"voicemail\"}', 0)",
    )
    .execute(pool)
    .await
    .expect("incall");
    sqlx::query(
        "INSERT INTO contexts (name, label, kind, settings)
         VALUES ('broken_ctx', 'Broken', 'internal', '{\"user_ranges\":[{\"first\":\"2000\"}]}')",
    )
    .execute(pool)
    .await
    .expect("context");
    outcall
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_row_is_set_aside_and_everything_else_keeps_working() {
    let dir = std::env::temp_dir().join(format!("trunkline-quarantine-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("trunkline.db");

    let (first, core) = Console::start(&path).await;
    let trunk = configure(&first).await;
    let bad_outcall = write_bad_rows(&core.pool, trunk).await;

    // A restart over the bad rows: it starts and runs the good ones.
    let (console, restarted) = Console::start(&path).await;
    assert_eq!(console.outgoing_route("4185551234").await, "local");
    let (status, incoming) = console
        .call("GET", "/api/v1/route?trunk=provider&did=4185550000", None)
        .await;
    assert_eq!(status, 200, "{incoming}");
    assert_eq!(incoming["route"]["user"], "Front Desk (1000)", "{incoming}");

    // Each bad row is listed as needing repair, once, with its stored text.
    let (status, repairs) = console.call("GET", "/api/v1/needs_repair", None).await;
    assert_eq!(status, 200, "{repairs}");
    let mut listed: Vec<(String, String)> = repairs
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap_or_default().to_owned(),
                r["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    listed.sort();
    let expected = [
        ("context", "broken_ctx"),
        ("incall", "4185559999"),
        ("outcall", "long"),
        ("trunk", "broken_trunk"),
        ("user", "1099"),
    ]
    .map(|(k, n)| (k.to_owned(), n.to_owned()));
    assert_eq!(listed, expected, "{repairs}");
    let long = repairs
        .as_array()
        .and_then(|list| list.iter().find(|r| r["kind"] == "outcall"))
        .expect("the outgoing call")
        .clone();
    assert!(
        long["stored"]
            .as_str()
            .is_some_and(|s| s.contains(&"X".repeat(80))),
        "{long}"
    );

    // A list that leaves rows out says how many, and where they are.
    let (status, head) = raw_head(&console, "/api/v1/outcalls").await;
    assert_eq!(status, 200);
    assert!(head.contains("x-needs-repair: 1"), "{head}");
    assert!(head.contains("</api/v1/needs_repair>"), "{head}");

    // The lists show the readable rows; the bad one is answered with what
    // to repair, not a 500.
    assert_eq!(
        console
            .names("/api/v1/outcalls", |o| o["name"].clone())
            .await,
        [json!("local")]
    );
    assert_eq!(
        console.names("/api/v1/trunks", |t| t["name"].clone()).await,
        [json!("provider")]
    );
    let (status, answer) = console
        .call("GET", &format!("/api/v1/outcalls/{bad_outcall}"), None)
        .await;
    assert_eq!(status, 409, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Outgoing call long") && message.contains("open it to fix it"),
        "{answer}"
    );

    // A context is repaired like the rest: a PUT with the listed version.
    let (status, _) = console
        .call("GET", "/api/v1/contexts/broken_ctx", None)
        .await;
    assert_eq!(status, 409);
    // A PUT names every field: the form's, as the model writes them.
    let mut fix = with_version(
        &ContextInput {
            name: "broken_ctx".into(),
            label: "Mended".into(),
            user_ranges: vec![RangeInput {
                first: "2000".into(),
                last: "2099".into(),
            }],
            ..ContextInput::default()
        },
        1,
    );
    fix.as_object_mut().map(|f| f.remove("name"));
    let (status, mended) = console
        .call("PUT", "/api/v1/contexts/broken_ctx", Some(fix))
        .await;
    assert_eq!(status, 200, "{mended}");
    assert_eq!(mended["label"], "Mended", "{mended}");

    // The administrator is told: on the Overview and on the list, each bad
    // row with a link to its form; the form shows the stored text.
    let sentence = "Outgoing call long has settings that cannot be read (the pattern has 81 characters; Asterisk accepts at most 80): open it to fix it.";
    let overview = page(&restarted, "/").await;
    assert!(
        overview.contains("needs-repair") && overview.contains(sentence),
        "{overview}"
    );
    assert!(
        overview.contains("Trunk broken_trunk has settings that cannot be read"),
        "{overview}"
    );
    let list = page(&restarted, "/ipbx/outcalls").await;
    assert!(list.contains(sentence), "{list}");
    assert!(
        list.contains(&format!("/ipbx/outcalls/edit/{bad_outcall}")),
        "{list}"
    );
    assert!(
        !list.contains("Trunk broken_trunk"),
        "only outgoing calls on their list: {list}"
    );
    let form = page(&restarted, &format!("/ipbx/outcalls/edit/{bad_outcall}")).await;
    assert!(
        form.contains("As stored:") && form.contains(&"X".repeat(80)),
        "{form}"
    );

    // A later change is published: the route tester sees it at once.
    console
        .create(
            "/api/v1/outcalls",
            json!({ "name": "short", "trunks": [trunk], "extens": [{ "pattern": "5XX" }] }),
        )
        .await;
    assert_eq!(console.outgoing_route("512").await, "short");

    // Saving the bad row with a valid pattern repairs it: it routes, and
    // it is no longer listed.
    let fix = with_version(
        &OutcallInput {
            name: "long".into(),
            trunks: vec![trunk],
            extens: vec![ExtenInput {
                pattern: "6XX".into(),
                ..ExtenInput::default()
            }],
            ..OutcallInput::default()
        },
        long["version"].as_i64().expect("version"),
    );
    let (status, saved) = console
        .call("PUT", &format!("/api/v1/outcalls/{bad_outcall}"), Some(fix))
        .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(console.outgoing_route("612").await, "long");
    let (_, repairs) = console.call("GET", "/api/v1/needs_repair", None).await;
    assert!(
        repairs
            .as_array()
            .is_some_and(|list| list.iter().all(|r| r["kind"] != "outcall")),
        "{repairs}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A SIP bind stored by hand that is not an address, or security settings
/// out of range, are not silently replaced: the server starts on the
/// defaults, and both are listed as needing repair.
#[tokio::test]
async fn unreadable_general_settings_are_listed_for_repair() {
    let dir =
        std::env::temp_dir().join(format!("trunkline-quarantine-bind-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("trunkline.db");
    let pool = app::ssr::db::open(&path).await.expect("database");
    sqlx::query("UPDATE sip_nat SET bind_address = 'pbx.example.com' WHERE id = 1")
        .execute(&pool)
        .await
        .expect("bind");
    sqlx::query("UPDATE sip_security SET max_retry = -5 WHERE id = 1")
        .execute(&pool)
        .await
        .expect("security");
    let (console, core) = Console::start(&path).await;
    let (status, repairs) = console.call("GET", "/api/v1/needs_repair", None).await;
    assert_eq!(status, 200);
    assert_eq!(repairs[0]["kind"], "nat", "{repairs}");
    assert_eq!(repairs[0]["stored"], "pbx.example.com", "{repairs}");
    assert_eq!(repairs[1]["kind"], "security", "{repairs}");
    assert!(
        repairs[1]["stored"]
            .as_str()
            .is_some_and(|s| s.contains("max retry -5")),
        "{repairs}"
    );
    // The guard runs on the default rather than on nothing.
    assert_eq!(
        core.config.borrow().security.max_retry,
        app::model::security::SipSecurity::default().max_retry
    );
    // Saving the screen mends it.
    let fix = json!({ "version": repairs[1]["version"], "max_retry": 4, "find_time": 600, "ban_time": 3600 });
    let (status, saved) = console.call("PUT", "/api/v1/security", Some(fix)).await;
    assert_eq!(status, 200, "{saved}");
    let (_, repairs) = console.call("GET", "/api/v1/needs_repair", None).await;
    assert_eq!(repairs.as_array().map(Vec::len), Some(1), "{repairs}");
    let _ = std::fs::remove_dir_all(&dir);
}
