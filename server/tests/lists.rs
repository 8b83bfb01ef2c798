//! Lists of thousands (issue 19): with 3,000 trunks in a real SQLite file,
//! the trunk list's page holds one page of rows, the total and the links
//! to the pages either side, and stays small; its filter and page are in
//! the address; REST pages with `limit`/`offset`, filters with `q` and
//! gives the total in `X-Total-Count`, and without them still answers
//! every row as a bare array.

mod common;

use app::model::list::PAGE_SIZE;
use app::model::trunk::{TrunkInput, ValidationContext};
use app::ssr::state::Core;
use axum::body::Body;
use axum::http::{header, StatusCode};
use common::console::{request, Answer, Console, Session};
use common::rest::{admin_token, router};
use serde_json::Value;

const TRUNKS: usize = 3_000;
/// What a list page may weigh, markup and hydration data together.
const PAGE_BUDGET: usize = 100 * 1024;

/// A console on a database file holding `TRUNKS` trunks named
/// `trunk00000`…, hosts `sipN.provider.example.com`.
async fn console_with_trunks(name: &str) -> Console {
    let dir = std::env::temp_dir().join(format!("trunkline-lists-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pool = app::ssr::db::open(&dir.join("lists.db")).await.expect("db");
    let ctx = ValidationContext {
        incall_contexts: vec!["from-extern".into()],
        ..ValidationContext::default()
    };
    let mut tx = pool.begin().await.expect("transaction");
    for i in 0..TRUNKS {
        let input = TrunkInput {
            name: format!("trunk{i:05}"),
            host_type: "static".into(),
            host: format!("sip{i}.provider.example.com"),
            context: "from-extern".into(),
            ..TrunkInput::default()
        };
        let (trunk, _) = input.validate(&ctx).expect("valid trunk");
        let settings = serde_json::to_string(&trunk).expect("json");
        app::ssr::store::trunks::insert(&mut tx, &trunk, &settings, "", "", 0)
            .await
            .expect("insert");
    }
    tx.commit().await.expect("commit");
    let core = Core::new(pool).await.expect("core");
    Console {
        router: router(core.clone()),
        token: admin_token(&core).await,
        core,
    }
}

async fn page(console: &Console, session: &Session, address: &str) -> Answer {
    console.send(session.get(address)).await
}

async fn rest(console: &Console, address: &str) -> (StatusCode, Option<u64>, Value) {
    let listed = console.rest_get(address).await;
    (listed.answer.status, listed.total, listed.json)
}

/// The trunk names of the rows on a list page, in order.
fn rows(html: &str) -> Vec<&str> {
    html.split("<tr data-trunk=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[tokio::test]
async fn a_page_of_the_trunk_list_holds_one_page_of_rows_and_the_total() {
    let console = console_with_trunks("ssr").await;
    let session = console.session().await;

    let answer = page(&console, &session, "/ipbx/trunks?page=2").await;
    assert_eq!(answer.status, StatusCode::OK);
    let shown = rows(&answer.body);
    assert_eq!(shown.len(), PAGE_SIZE as usize);
    assert_eq!(shown.first(), Some(&"trunk00050"));
    assert_eq!(shown.last(), Some(&"trunk00099"));
    assert!(answer
        .body
        .contains("51\u{2013}100 of 3,000 trunks (page 2 of 60)"));
    assert!(
        answer.body.contains(r#"href="?page=3""#),
        "a link to the next page"
    );
    assert!(
        answer.body.contains(r#"href="?""#),
        "a link to the first page"
    );
    assert!(
        answer.body.len() < PAGE_BUDGET,
        "{} bytes for one page",
        answer.body.len()
    );
    // The rows' hydration data is what the columns show, not each whole trunk (codecs,
    // timers, caller ID…) nor its registry history.
    for field in ["codecs", "history", "qualify_freq", "dtmf_mode"] {
        assert!(!answer.body.contains(field), "the page carries {field}");
    }

    // The filter is the address's; its pages keep it.
    let answer = page(&console, &session, "/ipbx/trunks?q=TRUNK0012").await;
    assert_eq!(rows(&answer.body).len(), 10);
    assert!(answer.body.contains("10 trunks"));
    assert!(
        answer.body.contains(r#"value="TRUNK0012""#),
        "the box shows the filter"
    );
    let answer = page(&console, &session, "/ipbx/trunks?q=provider.example&page=2").await;
    assert_eq!(rows(&answer.body).first(), Some(&"trunk00050"));
    assert!(answer
        .body
        .contains(r#"href="?q=provider.example&amp;page=3""#));
    let answer = page(&console, &session, "/ipbx/trunks?q=no-such-trunk").await;
    assert!(rows(&answer.body).is_empty());
    assert!(answer
        .body
        .contains("No trunk matches \u{201c}no-such-trunk\u{201d}."));

    // A page past the end shows the last page; a page that is not a
    // number is said in a sentence naming it.
    let answer = page(&console, &session, "/ipbx/trunks?page=99").await;
    assert_eq!(rows(&answer.body).last(), Some(&"trunk02999"));
    assert!(answer.body.contains("(page 60 of 60)"));
    let answer = page(&console, &session, "/ipbx/trunks?page=two").await;
    assert!(rows(&answer.body).is_empty());
    assert!(answer
        .body
        .contains("Page must be a whole number from 1; \u{201c}two\u{201d} is not."));
}

#[tokio::test]
async fn rest_lists_page_filter_and_give_the_total() {
    let console = console_with_trunks("rest").await;

    let (status, total, body) = rest(&console, "/api/v1/trunks?limit=50&offset=100").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(total, Some(TRUNKS as u64));
    let names: Vec<&str> = body
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names.len(), 50);
    assert_eq!(names[0], "trunk00100");

    let (_, total, body) = rest(&console, "/api/v1/trunks?q=SIP1234.provider").await;
    assert_eq!(total, Some(1));
    assert_eq!(body[0]["name"], "trunk01234");

    // Past the end: no row, the total still.
    let (status, total, body) = rest(&console, "/api/v1/trunks?limit=10&offset=5000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(total, Some(TRUNKS as u64));
    assert_eq!(body, Value::Array(Vec::new()));

    // Without paging, every row, as clients written before it expect.
    let (_, total, body) = rest(&console, "/api/v1/trunks").await;
    assert_eq!(total, Some(TRUNKS as u64));
    assert_eq!(body.as_array().map(Vec::len), Some(TRUNKS));

    for (address, field) in [
        ("/api/v1/trunks?limit=0", "limit"),
        ("/api/v1/trunks?limit=1001", "limit"),
        ("/api/v1/trunks?offset=-1", "offset"),
        ("/api/v1/users?offset=first", "offset"),
    ] {
        let (status, _, body) = rest(&console, address).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{address}");
        assert_eq!(body["error"]["field"], field, "{address}: {body}");
    }
}

/// A REST write with `body` (a merge patch for PATCH); its answer, which must be a success.
async fn send(console: &Console, method: &str, path: String, body: Value) -> Value {
    let kind = if method == "PATCH" {
        "application/merge-patch+json"
    } else {
        "application/json"
    };
    let answer = console
        .send(
            request(method, &path)
                .header(header::AUTHORIZATION, format!("Bearer {}", console.token))
                .header(header::CONTENT_TYPE, kind)
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await;
    assert!(
        answer.status.is_success(),
        "{method} {path}: {}",
        answer.body
    );
    serde_json::from_str::<Value>(&answer.body).expect("json")
}

#[tokio::test]
async fn the_filters_follow_an_edit() {
    let console = console_with_trunks("edits").await;
    // trunk01234 is id 1235; its host moves to another provider.
    let (_, total, _) = rest(&console, "/api/v1/trunks?q=elsewhere").await;
    assert_eq!(total, Some(0));
    let trunk = "/api/v1/trunks/1235".to_owned();
    let version = rest(&console, &trunk).await.2["version"].clone();
    let body = serde_json::json!({ "version": version, "host": "voip.elsewhere.example.net" });
    send(&console, "PATCH", trunk, body).await;
    let (_, total, body) = rest(&console, "/api/v1/trunks?q=elsewhere").await;
    assert_eq!(total, Some(1));
    assert_eq!(body[0]["name"], "trunk01234");
    let (_, total, _) = rest(&console, "/api/v1/trunks?q=SIP1234.provider").await;
    assert_eq!(total, Some(0), "the old host no longer matches");

    let user = send(
        &console,
        "POST",
        "/api/v1/users".into(),
        serde_json::json!({ "firstname": "Back", "lastname": "Desk", "exten": "1001" }),
    )
    .await;
    let path = format!("/api/v1/users/{}", user["id"]);
    let body = serde_json::json!({
        "version": user["version"],
        "firstname": "Rear",
        "caller_id_mode": "custom",
        "caller_id_number": "4185550199",
    });
    send(&console, "PATCH", path, body).await;
    let (_, total, _) = rest(&console, "/api/v1/users?q=back%20desk").await;
    assert_eq!(total, Some(0));
    let (_, total, _) = rest(&console, "/api/v1/users?q=rear%20desk").await;
    assert_eq!(total, Some(1));
    let (_, total, _) = rest(&console, "/api/v1/users?q=5550199").await;
    assert_eq!(total, Some(1), "found by its outgoing caller number");
}

#[tokio::test]
async fn the_other_lists_filter_in_sql_too() {
    let console = console_with_trunks("others").await;
    let post = |path: &'static str, body: Value| send(&console, "POST", path.into(), body);
    for (first, exten) in [("Front", "1000"), ("Back", "1001"), ("Side", "1002")] {
        post(
            "/api/v1/users",
            serde_json::json!({ "firstname": first, "lastname": "Desk", "exten": exten }),
        )
        .await;
    }
    let (_, total, body) = rest(&console, "/api/v1/users?q=back%20desk").await;
    assert_eq!(total, Some(1));
    assert_eq!(body[0]["exten"], "1001");
    let (_, total, body) = rest(&console, "/api/v1/users?limit=1&offset=2").await;
    assert_eq!(total, Some(3));
    assert_eq!(body[0]["exten"], "1002");

    // Trunk ids count from 1: trunk00042 is 43.
    post(
        "/api/v1/outcalls",
        serde_json::json!({ "name": "national", "trunks": [43], "extens": [{ "pattern": "418NXXXXXX" }] }),
    )
    .await;
    let (_, total, _) = rest(&console, "/api/v1/outcalls?q=trunk00042").await;
    assert_eq!(total, Some(1), "found by its trunk's name");
    let (_, total, _) = rest(&console, "/api/v1/outcalls?q=trunk00041").await;
    assert_eq!(total, Some(0));

    let front: i64 = sqlx::query_scalar("SELECT id FROM users WHERE exten = '1000'")
        .fetch_one(&console.core.pool)
        .await
        .expect("front desk");
    post(
        "/api/v1/incalls",
        serde_json::json!({ "did": "4185550000", "destination": "user", "user_id": front }),
    )
    .await;
    let (_, total, _) = rest(&console, "/api/v1/incalls?q=front").await;
    assert_eq!(total, Some(1), "found by the name of the user it rings");
    let (_, total, _) = rest(&console, "/api/v1/incalls?q=5550").await;
    assert_eq!(total, Some(1));
}
