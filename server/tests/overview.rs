//! The Overview screen (issue 19) on a known state, through the real
//! router: three trunks (one registered, one refused, one monitored that
//! does not answer), two users of whom one has a phone registered, one
//! call in progress, two calls logged today and one yesterday, an
//! unmatched DID, and one address blocked (another only slowed down).
//! Each figure is in the server-rendered page, with its link.

mod common;

use app::model::calls::{LiveCall, UnmatchedCall};
use app::model::lines::LineBinding;
use app::model::registry::{PeerStatus, RegistrationState, RegistryEntry};
use app::model::security::WatchedAddress;
use app::model::trunk::Transport;
use app::ssr::board::Board;
use app::ssr::state::{AppState, Core, EngineLink};
use axum::body::Body;
use axum::http::{header, StatusCode};
use common::console::{request, Console};
use common::rest::admin_token;
use std::sync::Arc;
use tokio::sync::watch;

fn registry_row(
    trunk_id: i64,
    registers: bool,
    state: RegistrationState,
    qualify: PeerStatus,
) -> RegistryEntry {
    RegistryEntry {
        trunk_id,
        trunk: format!("trunk{trunk_id}"),
        registers,
        host: "voip.provider.example.com:5060".into(),
        username: "provider_username".into(),
        refresh: 105,
        granted_expiry: None,
        state,
        reg_time: None,
        reg_time_text: String::new(),
        last_response: None,
        attempts: 0,
        next_register_at: None,
        qualify,
        next_qualify_at: None,
        history: Vec::new(),
        nat_warning: None,
    }
}

/// The text of the figure `id`'s number on the page.
fn figure<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no figure {id}"));
    let value = &html[at..];
    let start = value.find("<span class=\"value\">").expect("a value") + 20;
    let end = value[start..].find('<').expect("its end");
    &value[start..start + end]
}

/// The `href` of the figure `id`.
fn link<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html.find(&format!("id=\"{id}\"")).expect("figure");
    let tag_start = html[..at].rfind('<').expect("its tag");
    let tag = &html[tag_start..];
    let start = tag.find("href=\"").expect("a link") + 6;
    let end = tag[start..].find('"').expect("its end");
    &tag[start..start + end]
}

#[tokio::test]
async fn the_overview_shows_the_pbx_at_a_glance() {
    let core = Core::new(app::ssr::db::open_in_memory().await.expect("db"))
        .await
        .expect("core");
    let now = app::ssr::unix_now();
    for (first, exten) in [("Front", "1000"), ("Back", "1001")] {
        let user = app::model::user::UserInput {
            firstname: first.into(),
            exten: exten.into(),
            line_username: format!("line{exten}"),
            ..Default::default()
        };
        app::ssr::service::users::create(&core, &user)
            .await
            .expect("user");
    }
    for (start, dialed) in [
        (now - 60, "4185550001"),
        (now - 30, "4185550002"),
        (now - 2 * 86_400, "4185550003"),
    ] {
        sqlx::query(
            "INSERT INTO call_log (started_at, ended_at, caller, callee, dialed, cause, attempts)
             VALUES (?, ?, '1000', '', ?, 'Normal', '[]')",
        )
        .bind(start)
        .bind(start + 10)
        .bind(dialed)
        .execute(&core.pool)
        .await
        .expect("log a call");
    }
    app::ssr::store::call_log::insert_unmatched(
        &core.pool,
        &UnmatchedCall {
            at: now - 5,
            trunk: "provider_username".into(),
            did: "4185559999".into(),
            reason: "no incoming call for this DID".into(),
        },
    )
    .await
    .expect("unmatched");

    let mut board = Board::default();
    board.set(
        1,
        registry_row(1, true, RegistrationState::Registered, PeerStatus::Ok(20)),
    );
    board.set(
        2,
        registry_row(
            2,
            true,
            RegistrationState::Rejected,
            PeerStatus::Unmonitored,
        ),
    );
    board.set(
        3,
        registry_row(
            3,
            false,
            RegistrationState::Unregistered,
            PeerStatus::Unreachable,
        ),
    );
    let (_registry, registry_rx) = watch::channel(board);
    let (_lines, lines_rx) = watch::channel(Arc::new(vec![LineBinding {
        line_username: "LINE1000".into(),
        contact: "sip:line1000@192.0.2.10:5062".into(),
        expires_at: now + 120,
        call_id: "c".into(),
        cseq: 1,
        user_agent: "Desk phone".into(),
        source: "192.0.2.10:5062".parse().expect("address"),
        transport: Transport::Udp,
    }]));
    let (_live, live_rx) = watch::channel(Arc::new(vec![LiveCall {
        id: 7,
        caller: "1000".into(),
        callee: "provider".into(),
        dialed: "4185550004".into(),
        state: "answered".into(),
        trunk: Some("trunk1".into()),
        started_at: now - 20,
        answered_at: Some(now - 15),
        quality: None,
    }]));
    let (_watched, watched_rx) = watch::channel(Arc::new(vec![
        WatchedAddress {
            address: "203.0.113.66".into(),
            failures: 5,
            last_failure: now - 10,
            blocked_until: Some(now + 600),
        },
        WatchedAddress {
            address: "203.0.113.67".into(),
            failures: 2,
            last_failure: now - 10,
            blocked_until: None,
        },
    ]));
    let engine = EngineLink {
        registry: registry_rx,
        lines: lines_rx,
        live: app::ssr::state::live_from(live_rx),
        watched: watched_rx,
        ..EngineLink::detached()
    };
    let options =
        trunkline::serve::leptos_options("target/site", "127.0.0.1:0".parse().expect("addr"));
    let console = Console {
        router: trunkline::http::router(AppState::new(options, core.clone(), engine)),
        token: admin_token(&core).await,
        core,
    };
    let session = console.session().await;
    let answer = console
        .send(
            request("GET", "/")
                .header(header::COOKIE, session.cookie_header())
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = &answer.body;

    for (id, value, href) in [
        ("trunks-registered", "1", "/status/registry"),
        ("trunks-failing", "1", "/status/registry"),
        ("trunks-unreachable", "1", "/status/registry"),
        ("lines-registered", "1", "/ipbx/users"),
        ("calls-now", "1", "/status/calls"),
        ("calls-today", "2", "/status/calls"),
        ("blocked", "1", "/ipbx/security"),
    ] {
        assert_eq!(figure(html, id), value, "{id}");
        assert_eq!(link(html, id), href, "{id}");
    }
    assert!(
        html.contains("of 2 registering trunks registered"),
        "{html}"
    );
    assert!(html.contains("of 2 monitored trunks not answering in time"));
    assert!(
        html.contains("of 2 users&#x27; lines registered")
            || html.contains("of 2 users' lines registered")
    );
    assert!(
        html.contains(r#"<tr data-did="4185559999">"#),
        "the unmatched DID"
    );
    assert!(
        html.contains(r#"<li data-address="203.0.113.66">"#),
        "the blocked address"
    );
    assert!(
        !html.contains("203.0.113.67"),
        "an address only slowed down is not blocked"
    );
}
