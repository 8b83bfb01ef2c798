//! Cross-site request forgery, through the real router: another site's
//! form (or script) cannot act with the administrator's session, whatever
//! server function or REST route it aims at, while the console's own
//! calls and bearer-token REST clients go through. Also the Content-Type
//! a server function takes, and the answers to malformed or oversized
//! bodies.

mod common;

use axum::body::Body;
use axum::http::{header, StatusCode};
use common::console::{request, Console, Session, EVIL, ORIGIN};
use serde_json::{json, Value};

/// A cross-site `<form enctype="text/plain">`: the browser adds the
/// cookies and its Origin, the body can be shaped like JSON.
async fn forged(console: &Console, session: &Session, method: &str, path: &str) -> StatusCode {
    console
        .send(
            request(method, path)
                .header(header::COOKIE, session.cookie_header())
                .header(header::ORIGIN, EVIL)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from(r#"{"input":{"exten":"1010"},"x":"="}"#))
                .expect("request"),
        )
        .await
        .status
}

/// Every state-changing REST operation the OpenAPI document lists, with
/// its path parameters filled in.
async fn rest_changes(console: &Console) -> Vec<(String, String)> {
    let answer = console
        .send(
            request("GET", "/api/v1/openapi.json")
                .header(header::AUTHORIZATION, format!("Bearer {}", console.token))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let document: Value = serde_json::from_str(&answer.body).expect("openapi json");
    let mut changes = Vec::new();
    for (path, operations) in document["paths"].as_object().expect("paths") {
        let path = path
            .replace("{id}", "1")
            .replace("{name}", "default")
            .replace("{address}", "192.0.2.1");
        for method in ["post", "put", "patch", "delete"] {
            if operations.get(method).is_some() {
                changes.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    changes
}

#[tokio::test]
async fn cross_site_posts_to_every_server_function_are_refused() {
    let console = Console::new().await;
    let session = console.session().await;
    let functions: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(functions.len() > 30, "server functions: {functions:?}");
    for (path, method) in functions {
        let status = forged(&console, &session, method.as_str(), path).await;
        // admin_exists only reads (the login screen asks it before anyone
        // is logged in); every other function is refused.
        if path == "/api/admin_exists" {
            continue;
        }
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    // The forged user does not exist.
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&console.core.pool)
        .await
        .expect("count");
    assert_eq!(users, 0);
}

#[tokio::test]
async fn cross_site_changes_to_every_cookie_rest_route_are_refused() {
    let console = Console::new().await;
    let session = console.session().await;
    let changes = rest_changes(&console).await;
    assert!(changes.len() >= 15, "{changes:?}");
    for (method, path) in &changes {
        let status = forged(&console, &session, method, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
    }
}

#[tokio::test]
async fn the_session_token_is_required_even_from_the_console_origin() {
    let console = Console::new().await;
    let session = console.session().await;
    let user = json!({ "firstname": "Front", "lastname": "Desk", "exten": "1010" }).to_string();
    let post = |csrf: Option<&str>, origin: Option<&str>| {
        let mut builder = request("POST", "/api/v1/users")
            .header(header::COOKIE, session.cookie_header())
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(csrf) = csrf {
            builder = builder.header("x-csrf-token", csrf);
        }
        if let Some(origin) = origin {
            builder = builder.header(header::ORIGIN, origin);
        }
        builder.body(Body::from(user.clone())).expect("request")
    };
    // No token, another session's token, no Origin nor Referer: refused.
    let other = console.session().await;
    for (csrf, origin) in [
        (None, Some(ORIGIN)),
        (Some(other.csrf.as_str()), Some(ORIGIN)),
        (Some(session.csrf.as_str()), None),
        (Some(session.csrf.as_str()), Some("http://127.0.0.1:8080")),
        (Some(session.csrf.as_str()), Some("null")),
    ] {
        let answer = console.send(post(csrf, origin)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{csrf:?} {origin:?}");
        let error: Value = serde_json::from_str(&answer.body).expect("REST error json");
        assert!(
            error["error"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Refused")),
            "{}",
            answer.body
        );
    }
    // The console's own page: its origin (or only a Referer) and the token.
    let answer = console.send(post(Some(&session.csrf), Some(ORIGIN))).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let answer = console
        .send(
            request("DELETE", "/api/v1/users/1")
                .header(header::COOKIE, session.cookie_header())
                .header(header::REFERER, format!("{ORIGIN}/ipbx/users"))
                .header("x-csrf-token", &session.csrf)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
}

#[tokio::test]
async fn bearer_token_rest_needs_no_origin_nor_csrf_token() {
    let console = Console::new().await;
    let answer = console
        .send(
            request("POST", "/api/v1/users")
                .header(header::AUTHORIZATION, format!("Bearer {}", console.token))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({ "firstname": "Front", "lastname": "Desk", "exten": "1010" })
                        .to_string(),
                ))
                .expect("request"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
}

#[tokio::test]
async fn the_console_own_server_function_calls_go_through() {
    let console = Console::new().await;
    let session = console.session().await;
    let call = |path: &str, content_type: &str, body: &str| {
        request("POST", path)
            .header(header::COOKIE, session.cookie_header())
            .header(header::ORIGIN, ORIGIN)
            .header("x-csrf-token", &session.csrf)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_owned()))
            .expect("request")
    };
    let answer = console
        .send(call(
            "/api/list_trunks",
            "application/x-www-form-urlencoded",
            "",
        ))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    // Right origin and token, but a body type the function does not take.
    let answer = console
        .send(call("/api/save_user", "text/plain", r#"{"input":{}}"#))
        .await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(answer.body.contains("application/json"), "{}", answer.body);
    let answer = console
        .send(call("/api/delete_user", "application/json", r#"{"id":1}"#))
        .await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Logging out ends the session and takes the token with it.
    let answer = console
        .send(call("/api/logout", "application/x-www-form-urlencoded", ""))
        .await;
    assert!(answer.status.is_success() || answer.status.is_redirection());
    let cleared: Vec<_> = answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("trunkline_csrf=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
}

#[tokio::test]
async fn every_registered_server_function_has_its_content_type_listed() {
    let missing: Vec<_> = leptos::server_fn::axum::server_fn_paths()
        .filter(|(path, _)| app::api::input_content_type(path).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "add these to app::api::input_table: {missing:?}"
    );
}

#[tokio::test]
async fn login_from_another_site_is_refused() {
    let console = Console::new().await;
    for path in ["/api/login", "/api/create_admin"] {
        let answer = console
            .send(
                request("POST", path)
                    .header(header::ORIGIN, EVIL)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(
                        json!({ "username": "admin", "password": common::console::PASSWORD })
                            .to_string(),
                    ))
                    .expect("request"),
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert!(answer.headers.get(header::SET_COOKIE).is_none());
    }
    // The same login from the console's page opens a session.
    let answer = console.login("admin", common::console::PASSWORD).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn malformed_login_is_400_and_oversized_bodies_413() {
    let console = Console::new().await;
    let login = |body: String| {
        request("POST", "/api/login")
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("request")
    };
    for body in ["{", "[]", r#"{"username":"admin"}"#, "not json at all"] {
        let answer = console.send(login(body.into())).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            answer.body
        );
    }
    let huge = format!(
        r#"{{"username":"admin","password":"{}"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    assert_eq!(
        console.send(login(huge.clone())).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // The same without Content-Length (chunked, as a stream).
    let chunks = futures_util::stream::iter(
        huge.into_bytes()
            .chunks(64 * 1024)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let answer = console
        .send(
            request("POST", "/api/login")
                .header(header::ORIGIN, ORIGIN)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from_stream(chunks))
                .expect("request"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    // REST, with a bearer token: 413 in the API's error format.
    let answer = console
        .send(
            request("POST", "/api/v1/trunks")
                .header(header::AUTHORIZATION, format!("Bearer {}", console.token))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(format!(
                    r#"{{"name":"{}"}}"#,
                    "x".repeat(1024 * 1024)
                )))
                .expect("request"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    let error: Value = serde_json::from_str(&answer.body).expect("REST error json");
    assert!(error["error"]["message"].is_string(), "{}", answer.body);
}
