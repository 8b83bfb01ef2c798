//! Benchmark (plain main): how fast the console serves its long lists and
//! REST pages them, with 10,000 trunks, users (lines), outgoing and
//! incoming calls, a registry row per trunk and 200,000 logged calls,
//! through the real router (`oneshot`, no socket) on an in-memory SQLite
//! database. Run with `cargo bench -p trunkline --bench console`;
//! `BENCH_ROWS`, `BENCH_CALLS` and `BENCH_ROUNDS` change the sizes.
//!
//! Issue 19's goal for each list page: server-rendered in ≤ 20 ms and
//! ≤ 100 KB. The browser's side (hydration, keystrokes, deletes) is
//! `scripts/bench-console`.

use app::model::admin::AdminInput;
use app::model::calls::{AttemptLog, CallLogEntry};
use app::model::context::Context;
use app::model::incall::{IncallInput, IncallRules};
use app::model::outcall::{ExtenInput, OutcallInput, OutcallRules};
use app::model::registry::{PeerStatus, RegistrationState, RegistryEntry};
use app::model::trunk::{TrunkInput, ValidationContext};
use app::model::user::{UserInput, UserRules};
use app::ssr::board::Board;
use app::ssr::service;
use app::ssr::state::{AppState, Core, EngineLink};
use app::ssr::store;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::time::{Duration, Instant};
use tower::ServiceExt;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rows = env_or("BENCH_ROWS", 10_000);
    let calls = env_or("BENCH_CALLS", 200_000);
    let rounds = env_or("BENCH_ROUNDS", 20).max(1);
    let core = Core::new(app::ssr::db::open_in_memory().await.expect("db"))
        .await
        .expect("core");
    let started = Instant::now();
    let trunk_ids = seed_trunks(&core, rows).await;
    seed_users_and_calls(&core, rows, trunk_ids[0]).await;
    seed_call_log(&core, calls).await;
    println!(
        "seeded {rows} trunks, users, outgoing and incoming calls, {calls} logged calls in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let cookie = admin_session(&core).await;
    let (_registry_tx, registry) = tokio::sync::watch::channel(registry_board(&trunk_ids));
    let engine = EngineLink {
        registry,
        ..EngineLink::detached()
    };
    let options =
        trunkline::serve::leptos_options("target/site", "127.0.0.1:0".parse().expect("addr"));
    let pool = core.pool.clone();
    let router = trunkline::http::router(AppState::new(options, core, engine));

    println!("\n{rounds} requests each; p50 / p95 per request, bytes of the body");
    let deep = rows / 50;
    let deep_trunks = format!("/ipbx/trunks?page={deep}");
    let deep_rest = format!("/api/v1/trunks?limit=50&offset={}", rows.saturating_sub(50));
    let pages: Vec<(&str, &str)> = vec![
        ("SSR trunks", "/ipbx/trunks"),
        ("SSR trunks, filter q=trunk0123", "/ipbx/trunks?q=trunk0123"),
        ("SSR trunks, last page", &deep_trunks),
        ("SSR users", "/ipbx/users"),
        ("SSR users, filter q=1234", "/ipbx/users?q=1234"),
        ("SSR outgoing calls", "/ipbx/outcalls"),
        ("SSR incoming calls", "/ipbx/incalls"),
        ("SSR registry", "/status/registry"),
        (
            "SSR registry, filter q=trunk0123",
            "/status/registry?q=trunk0123",
        ),
        ("SSR calls (live + call log)", "/status/calls"),
        ("SSR calls, search 'ca' (LIKE)", "/status/calls?search=ca"),
        (
            "SSR calls, search 'caller1234' (FTS)",
            "/status/calls?search=caller1234",
        ),
        ("REST trunks limit=50", "/api/v1/trunks?limit=50"),
        ("REST trunks last 50", &deep_rest),
        ("REST users limit=50", "/api/v1/users?limit=50"),
        ("REST outcalls limit=50", "/api/v1/outcalls?limit=50"),
        ("REST incalls limit=50", "/api/v1/incalls?limit=50"),
        ("REST registry limit=50", "/api/v1/registry?limit=50"),
        ("REST calls (100)", "/api/v1/calls"),
        ("REST calls search 'ca'", "/api/v1/calls?search=ca"),
        (
            "REST calls search 'zz' (matches none)",
            "/api/v1/calls?search=zz",
        ),
        ("REST trunks, no limit (every row)", "/api/v1/trunks"),
    ];
    for (what, uri) in pages {
        let (times, bytes) = measure(&router, &cookie, uri, rounds).await;
        println!(
            "{what:<40} {:>8.1} ms {:>8.1} ms {:>9} B  {uri}",
            ms(percentile(&times, 50)),
            ms(percentile(&times, 95)),
            bytes
        );
    }

    // Status → Calls asks for its page every 2 s; each answer counts the
    // calls the search matches (issue 19, known debt).
    println!("\nthe call log's total alone (store::call_log::count), {rounds} rounds:");
    for search in ["", "ca", "zz", "caller1234"] {
        let mut times = Vec::with_capacity(rounds);
        let mut total = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            total = store::call_log::count(&pool, search).await.expect("count");
            times.push(start.elapsed());
        }
        println!(
            "COUNT search {search:<12} {:>8.1} ms {:>8.1} ms  ({total} calls)",
            ms(percentile(&times, 50)),
            ms(percentile(&times, 95)),
        );
    }
}

async fn measure(
    router: &Router,
    cookie: &str,
    uri: &str,
    rounds: usize,
) -> (Vec<Duration>, usize) {
    let mut times = Vec::with_capacity(rounds);
    let mut bytes = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        let request = Request::get(uri)
            .header(header::COOKIE, format!("trunkline_session={cookie}"))
            .body(Body::empty())
            .expect("request");
        let response = router.clone().oneshot(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .len();
        times.push(start.elapsed());
    }
    (times, bytes)
}

fn percentile(times: &[Duration], p: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn admin_session(core: &Core) -> String {
    let admin = AdminInput {
        username: "admin".into(),
        password: "bench-password".into(),
        confirm: "bench-password".into(),
    };
    service::auth::set_password(core, &admin)
        .await
        .expect("admin");
    service::auth::login(
        core,
        &Default::default(),
        "127.0.0.1".parse().expect("ip"),
        "admin",
        "bench-password",
    )
    .await
    .expect("session")
}

async fn seed_trunks(core: &Core, rows: usize) -> Vec<i64> {
    let ctx = ValidationContext {
        incall_contexts: vec!["from-extern".into()],
        ..Default::default()
    };
    let mut tx = core.pool.begin().await.expect("tx");
    let mut ids = Vec::with_capacity(rows);
    for i in 0..rows {
        let input = TrunkInput {
            name: format!("trunk{i:05}"),
            host_type: "static".into(),
            host: format!("sip{i}.provider.example.com"),
            register: true,
            reg_username: format!("user{i}"),
            reg_server: format!("sip{i}.provider.example.com"),
            secret: "pw".into(),
            monitoring: "2000".into(),
            ..TrunkInput::default()
        };
        let (trunk, _) = input.validate(&ctx).expect("valid");
        let settings = serde_json::to_string(&trunk).expect("json");
        let id = store::trunks::insert(&mut tx, &trunk, &settings, "pw", "", 0)
            .await
            .expect("insert");
        ids.push(id);
    }
    tx.commit().await.expect("commit");
    ids
}

/// `rows` users with a line each, an outgoing call through `trunk` and an
/// incoming call to a user for each.
async fn seed_users_and_calls(core: &Core, rows: usize, trunk: i64) {
    let mut contexts: Vec<Context> = store::contexts::list(&core.pool).await.expect("contexts");
    // The seed's internal context holds 1000-1999; the bench's users are 10000 up.
    for context in &mut contexts {
        context.user_ranges.clear();
    }
    let user_rules = UserRules {
        contexts: contexts.clone(),
    };
    let mut tx = core.pool.begin().await.expect("tx");
    for i in 0..rows {
        let input = UserInput {
            firstname: format!("First{i}"),
            lastname: format!("Last{i}"),
            exten: format!("{}", 10_000 + i),
            line_username: format!("line{i:05}"),
            line_password: "line-password".into(),
            ..UserInput::default()
        };
        let (user, _) = input.validate(&user_rules).expect("user");
        let settings = serde_json::to_string(&user).expect("json");
        let id = store::users::insert(&mut tx, &user, &settings, "line-password", 0)
            .await
            .expect("insert user");

        let outcall = OutcallInput {
            name: format!("route {i:05}"),
            trunks: vec![trunk],
            extens: vec![ExtenInput {
                pattern: format!("9{i:05}."),
                ..ExtenInput::default()
            }],
            ..OutcallInput::default()
        };
        let outcall_rules = OutcallRules {
            contexts: contexts.clone(),
            trunks: vec![(trunk, "trunk00000".into())],
            others: Vec::new(),
        };
        let outcall = outcall.validate(&outcall_rules).expect("outcall");
        let settings = serde_json::to_string(&outcall).expect("json");
        store::outcalls::insert(&mut tx, &outcall, &settings, 0)
            .await
            .expect("insert outcall");

        let incall = IncallInput {
            did: format!("{}", 5_550_000 + i),
            user_id: Some(id),
            ..IncallInput::default()
        };
        let incall_rules = IncallRules {
            contexts: contexts.clone(),
            users: vec![(id, user.display())],
            others: Vec::new(),
        };
        let incall = incall.validate(&incall_rules).expect("incall");
        let settings = serde_json::to_string(&incall).expect("json");
        store::incalls::insert(&mut tx, &incall, &settings, 0)
            .await
            .expect("insert incall");
    }
    tx.commit().await.expect("commit");
}

/// `calls` ended calls, one a second, between a few thousand callers.
async fn seed_call_log(core: &Core, calls: usize) {
    let mut tx = core.pool.begin().await.expect("tx");
    let batch: usize = 4096;
    for start in (0..calls).step_by(batch) {
        let entries: Vec<CallLogEntry> = (start..(start + batch).min(calls))
            .map(|i| {
                let at = 1_780_000_000 + i64::try_from(i).expect("i");
                CallLogEntry {
                    started_at: at,
                    answered_at: Some(at + 3),
                    ended_at: at + 60,
                    caller: format!("caller{}", i % 5_000),
                    callee: format!("{}", 10_000 + i % 10_000),
                    dialed: format!("0{}", 600_000_000 + i),
                    trunk: Some(format!("trunk{:05}", i % 10_000)),
                    cause: "Normal".into(),
                    side: Some("caller".into()),
                    status: None,
                    attempts: vec![AttemptLog {
                        target: format!("trunk{:05}", i % 10_000),
                        result: "answered".into(),
                    }],
                    quality: None,
                }
            })
            .collect();
        store::call_log::insert(&mut tx, &entries)
            .await
            .expect("insert calls");
    }
    tx.commit().await.expect("commit");
}

/// A registered, monitored registry row for each trunk.
fn registry_board(trunk_ids: &[i64]) -> Board<RegistryEntry> {
    let mut board = Board::default();
    for (i, &id) in trunk_ids.iter().enumerate() {
        board.set(
            id,
            RegistryEntry {
                trunk_id: id,
                trunk: format!("trunk{i:05}"),
                registers: true,
                host: format!("sip{i}.provider.example.com:5060"),
                username: format!("user{i}"),
                refresh: 105,
                granted_expiry: Some(120),
                state: RegistrationState::Registered,
                reg_time: Some(1_780_000_000),
                reg_time_text: "Mon, 1 Jun 2026 10:00:00".into(),
                last_response: Some("200 OK".into()),
                attempts: 0,
                next_register_at: Some(1_780_000_105),
                qualify: PeerStatus::Ok(12),
                next_qualify_at: Some(1_780_000_060),
                history: Vec::new(),
                nat_warning: None,
            },
        );
    }
    board
}
