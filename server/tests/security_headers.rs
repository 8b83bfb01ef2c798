//! The security headers, through the real router: every kind of answer
//! carries them, and a page's Content-Security-Policy names the nonce of
//! every inline script the page has, so the hydrated console still runs.

mod common;

use axum::body::Body;
use axum::http::{header, StatusCode};
use common::console::{request, Answer, Console, ORIGIN};

fn assert_secured(what: &str, answer: &Answer) {
    let get = |name: &str| {
        answer
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name} in {:?}", answer.headers))
            .to_owned()
    };
    let policy = get("content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{what}: {policy}");
    }
    assert!(!policy.contains("'unsafe-inline'"), "{what}: {policy}");
    assert!(!policy.contains("'unsafe-eval'"), "{what}: {policy}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "same-origin", "{what}");
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let console = Console::new().await;
    let session = console.session().await;
    let get = |path: &str| session.get(path);
    let page = console.send(get("/ipbx/users")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_secured("page", &page);
    let login = console
        .send(
            request("GET", "/login")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_secured("login page", &login);
    let rest = console.send(get("/api/v1/users")).await;
    assert_eq!(rest.status, StatusCode::OK);
    assert_secured("REST", &rest);
    let missing = console.send(get("/pkg/missing.wasm")).await;
    assert_secured("missing static file", &missing);
    let server_fn = console
        .send(
            request("POST", "/api/list_users")
                .header(header::COOKIE, session.cookie_header())
                .header(header::ORIGIN, ORIGIN)
                .header("x-csrf-token", &session.csrf)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(server_fn.status, StatusCode::OK, "{}", server_fn.body);
    assert_secured("server function", &server_fn);
    let refused = console
        .send(
            request("POST", "/api/list_users")
                .header(header::COOKIE, session.cookie_header())
                .header(header::ORIGIN, "http://evil.example")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_secured("refusal", &refused);
    let unauthenticated = console
        .send(
            request("GET", "/ipbx/users")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_secured("redirect to login", &unauthenticated);
}

#[tokio::test]
async fn a_page_policy_allows_exactly_its_own_inline_scripts() {
    let console = Console::new().await;
    let session = console.session().await;
    for path in ["/login", "/ipbx/trunks", "/status/registry"] {
        let page = console
            .send(
                request("GET", path)
                    .header(header::COOKIE, session.cookie_header())
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let policy = page.headers["content-security-policy"]
            .to_str()
            .expect("ascii");
        let scripts: Vec<&str> = page.body.split("<script").skip(1).collect();
        assert!(
            !scripts.is_empty(),
            "{path}: the page hydrates with a script"
        );
        for script in scripts {
            let tag = script.split('>').next().unwrap_or_default();
            if tag.contains("src=") {
                continue;
            }
            let nonce = tag
                .split("nonce=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("{path}: inline script without a nonce: <script{tag}>"));
            assert!(
                policy.contains(&format!("'nonce-{nonce}'")),
                "{path}: {policy} does not allow nonce {nonce}"
            );
        }
    }
}

#[tokio::test]
async fn the_csrf_cookie_reaches_a_session_that_lacks_it() {
    let console = Console::new().await;
    let session = console.session().await;
    let page = console
        .send(
            request("GET", "/ipbx/users")
                .header(
                    header::COOKIE,
                    format!("trunkline_session={}", session.session),
                )
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let handed = page
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with(&format!("trunkline_csrf={};", session.csrf)));
    assert!(handed, "{:?}", page.headers);
}
