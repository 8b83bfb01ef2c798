//! Benchmark (plain main): how fast the console serves its busiest screen
//! and the REST list with thousands of trunks, through the real router
//! (`oneshot`, no socket) on an in-memory SQLite database. Run with
//! `cargo bench -p trunkline --bench console`.

use app::model::admin::AdminInput;
use app::model::trunk::{TrunkInput, ValidationContext};
use app::ssr::service;
use app::ssr::state::{AppState, Core, EngineLink};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use std::time::Instant;
use tower::ServiceExt;

const TRUNKS: usize = 2_000;
const ROUNDS: u32 = 20;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let core = Core::new(app::ssr::db::open_in_memory().await.expect("db"))
        .await
        .expect("core");
    let ctx = ValidationContext {
        incall_contexts: vec!["from-extern".into()],
        ..Default::default()
    };
    let mut conn = core.pool.acquire().await.expect("conn");
    for i in 0..TRUNKS {
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
        app::ssr::store::trunks::insert(&mut conn, &trunk, &settings, "pw", "", 0)
            .await
            .expect("insert");
    }
    drop(conn);
    let admin = AdminInput {
        username: "admin".into(),
        password: "bench-password".into(),
        confirm: "bench-password".into(),
    };
    service::auth::set_password(&core, &admin)
        .await
        .expect("admin");
    let cookie = service::auth::login(
        &core,
        &Default::default(),
        "127.0.0.1".parse().expect("ip"),
        "admin",
        "bench-password",
    )
    .await
    .expect("session");
    let options =
        trunkline::serve::leptos_options("target/site", "127.0.0.1:0".parse().expect("addr"));
    let router = trunkline::http::router(AppState::new(options, core, EngineLink::detached()));

    for (what, uri) in [
        ("SIP trunks screen (server-rendered HTML)", "/ipbx/trunks"),
        ("REST GET /api/v1/trunks (JSON)", "/api/v1/trunks"),
    ] {
        let mut bytes = 0;
        let start = Instant::now();
        for _ in 0..ROUNDS {
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
        }
        let per = start.elapsed() / ROUNDS;
        println!(
            "{what}, {TRUNKS} trunks: {:.1} ms per request, {} KiB",
            per.as_secs_f64() * 1000.0,
            bytes / 1024
        );
    }
}
