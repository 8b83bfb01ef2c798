//! Lists of thousands, the registry (issue 19): with 3,000 trunks in the registry, Status →
//! SIP registry serves one page of 50 rows with the total and the pager, its filter (name,
//! host, username, state, last response) and page in the address; `GET /api/v1/registry` pages
//! with `limit`/`offset`/`q` and the total in `X-Total-Count` (every row without them, as
//! before); the stream of a page sends that page's rows, then only their changes.

mod common;

use app::model::registry::{PeerStatus, RegistrationState, RegistryEntry};
use app::ssr::board::Board;
use app::ssr::state::{AppState, EngineLink};
use axum::body::Body;
use axum::http::StatusCode;
use common::console::{Answer, Console};
use common::rest::admin_token;
use http_body_util::BodyExt;
use serde_json::Value;
use std::time::Duration;
use tokio::sync::watch;
use tower::ServiceExt;

const TRUNKS: i64 = 3_000;
/// What a page may weigh, markup and hydration data together.
const PAGE_BUDGET: usize = 100 * 1024;

/// Trunk `id`'s row: `trunk00000`…; every tenth is refused by its registrar.
fn row(id: i64) -> RegistryEntry {
    let refused = id % 10 == 0;
    RegistryEntry {
        trunk_id: id,
        trunk: format!("trunk{id:05}"),
        registers: true,
        host: format!("sip{id}.provider.example.com:5060"),
        username: format!("account{id}"),
        refresh: 105,
        granted_expiry: Some(120),
        state: if refused {
            RegistrationState::Rejected
        } else {
            RegistrationState::Registered
        },
        reg_time: None,
        reg_time_text: String::new(),
        last_response: Some(if refused { "404 Not Found" } else { "200 OK" }.into()),
        attempts: 1,
        next_register_at: None,
        qualify: PeerStatus::Unmonitored,
        next_qualify_at: None,
        history: Vec::new(),
        nat_warning: None,
    }
}

/// A console whose engine shows `TRUNKS` registry rows; the sender moves them.
async fn console() -> (Console, watch::Sender<Board<RegistryEntry>>) {
    let plain = Console::new().await;
    let mut board = Board::default();
    for id in 0..TRUNKS {
        board.set(id, row(id));
    }
    let (registry, registry_rx) = watch::channel(board);
    let engine = EngineLink {
        registry: registry_rx,
        ..EngineLink::detached()
    };
    let options =
        trunkline::serve::leptos_options("target/site", "127.0.0.1:0".parse().expect("addr"));
    let core = plain.core;
    let console = Console {
        router: trunkline::http::router(AppState::new(options, core.clone(), engine)),
        token: admin_token(&core).await,
        core,
    };
    (console, registry)
}

async fn rest(console: &Console, path: &str) -> (Answer, Option<u64>, Value) {
    let listed = console.rest_get(path).await;
    (listed.answer, listed.total, listed.json)
}

fn names(rows: &Value) -> Vec<&str> {
    rows.as_array()
        .map(|a| a.iter().filter_map(|r| r["trunk"].as_str()).collect())
        .unwrap_or_default()
}

/// The trunk names of the registry's rows on a page, in order.
fn shown(html: &str) -> Vec<&str> {
    html.split("<tbody data-trunk=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[tokio::test]
async fn the_registry_screen_serves_one_page_of_rows_with_the_total_and_its_filter() {
    let (console, _registry) = console().await;
    let session = console.session().await;
    let get = |path: &str| session.get(path);
    let answer = console.send(get("/status/registry?page=2")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let rows = shown(&answer.body);
    assert_eq!(rows.len(), 50);
    assert_eq!(rows.first(), Some(&"trunk00050"));
    assert_eq!(rows.last(), Some(&"trunk00099"));
    assert!(answer
        .body
        .contains("51\u{2013}100 of 3,000 trunks (page 2 of 60)"));
    assert!(answer.body.contains(r#"href="?page=3""#), "next page");
    assert!(
        answer.body.len() < PAGE_BUDGET,
        "{} bytes for one page",
        answer.body.len()
    );

    // The filter searches the state too, and its pages keep it.
    let answer = console.send(get("/status/registry?q=rejected")).await;
    let rows = shown(&answer.body);
    assert_eq!(rows.len(), 50);
    assert_eq!(rows[1], "trunk00010");
    assert!(answer
        .body
        .contains("1\u{2013}50 of 300 trunks (page 1 of 6)"));
    assert!(answer.body.contains(r#"href="?q=rejected&amp;page=2""#));
    let answer = console
        .send(get("/status/registry?q=nothing-like-it"))
        .await;
    assert!(answer.body.contains("No trunk matches the filter."));

    // A page number that is not one is said in a sentence, not a 500.
    let answer = console.send(get("/status/registry?page=two")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.body.contains("Page must be a whole number from 1"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn rest_pages_the_registry_and_still_lists_every_row_without_a_limit() {
    let (console, _registry) = console().await;
    let (answer, total, rows) = rest(&console, "/api/v1/registry?limit=10&offset=20").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(total, Some(TRUNKS as u64));
    assert_eq!(names(&rows).len(), 10);
    assert_eq!(names(&rows)[0], "trunk00020");

    let (_, total, rows) = rest(&console, "/api/v1/registry?q=not%20found&limit=5").await;
    assert_eq!(total, Some(300));
    assert_eq!(names(&rows)[..2], ["trunk00000", "trunk00010"]);

    let (_, total, rows) = rest(&console, "/api/v1/registry").await;
    assert_eq!(total, Some(TRUNKS as u64));
    assert_eq!(names(&rows).len(), TRUNKS as usize);

    let (answer, _, body) = rest(&console, "/api/v1/registry?limit=0").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("limit"), "{body}");
}

/// The next event of an SSE body: its name and data.
async fn next_event(body: &mut Body, text: &mut String) -> Option<(String, String)> {
    loop {
        if let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            let name = event
                .lines()
                .find_map(|l| l.strip_prefix("event:"))
                .map(|n| n.trim().to_owned());
            let data = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(str::trim_start)
                .collect::<String>();
            match name {
                Some(name) => return Some((name, data)),
                None => continue, // keep-alive comment
            }
        }
        let frame = tokio::time::timeout(Duration::from_millis(500), body.frame())
            .await
            .ok()??
            .ok()?;
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
}

#[tokio::test]
async fn the_stream_of_a_page_sends_its_rows_then_only_their_changes() {
    let (console, registry) = console().await;
    let response = console
        .router
        .clone()
        .oneshot(console.bearer_get("/api/v1/registry/stream?limit=50&offset=100"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let mut text = String::new();
    let (name, data) = next_event(&mut body, &mut text).await.expect("first event");
    assert_eq!(name, "registry");
    let rows: Value = serde_json::from_str(&data).expect("json");
    assert_eq!(names(&rows).len(), 50);
    assert_eq!(names(&rows)[0], "trunk00100");

    // A change off the page sends nothing; one on it sends that row alone.
    let mut moved = row(5);
    moved.attempts = 9;
    registry.send_modify(|b| {
        b.set(5, moved);
    });
    assert_eq!(next_event(&mut body, &mut text).await, None, "off the page");
    let mut moved = row(120);
    moved.state = RegistrationState::NoAuthentication;
    registry.send_modify(|b| {
        b.set(120, moved);
    });
    let (name, data) = next_event(&mut body, &mut text).await.expect("a delta");
    assert_eq!(name, "registry-delta");
    let delta: Value = serde_json::from_str(&data).expect("json");
    assert_eq!(names(&delta["rows"]), ["trunk00120"]);
    assert_eq!(delta["rows"][0]["state"], "No Authentication");

    // A trunk saved while the page is open, sorting within it, shows up on it; one sorting
    // after it does not; a trunk of the page deleted goes.
    registry.send_modify(|b| {
        let mut new = row(9_000);
        new.trunk = "trunk00120a".into();
        b.set(9_000, new);
        let mut late = row(9_001);
        late.trunk = "zulu".into();
        b.set(9_001, late);
    });
    let (_, data) = next_event(&mut body, &mut text).await.expect("a delta");
    let delta: Value = serde_json::from_str(&data).expect("json");
    assert_eq!(names(&delta["rows"]), ["trunk00120a"]);
    registry.send_modify(|b| {
        b.remove(130);
    });
    let (_, data) = next_event(&mut body, &mut text).await.expect("a delta");
    let delta: Value = serde_json::from_str(&data).expect("json");
    assert_eq!(delta["removed"], serde_json::json!([130]));
}
