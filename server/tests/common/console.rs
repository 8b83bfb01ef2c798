//! The console as a browser drives it: the real router on an in-memory
//! database, the administrator, a session opened through `/api/login`,
//! and requests that carry (or lack) the session's cookies, the page's
//! Origin and the CSRF token.

use super::rest::{admin_token, router};
use app::ssr::state::Core;
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Where the browser reached the console.
pub const HOST: &str = "127.0.0.1:3000";
/// The console's own origin, as the browser sends it.
pub const ORIGIN: &str = "http://127.0.0.1:3000";
/// Another site's.
pub const EVIL: &str = "http://evil.example";
/// The administrator's password (set by `admin_token`).
pub const PASSWORD: &str = "rest-password";

pub struct Console {
    pub router: Router,
    pub core: Core,
    /// A REST bearer token.
    pub token: String,
}

/// An answer, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// A logged-in browser's cookies.
#[derive(Clone)]
pub struct Session {
    pub session: String,
    pub csrf: String,
}

impl Session {
    pub fn cookie_header(&self) -> String {
        format!(
            "trunkline_session={}; trunkline_csrf={}",
            self.session, self.csrf
        )
    }

    /// A GET of `path` as the logged-in browser makes it.
    #[allow(dead_code)]
    pub fn get(&self, path: &str) -> Request<Body> {
        request("GET", path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("request")
    }
}

/// What the login form shows for a wrong password…
pub const WRONG: &str = "Wrong username or password.";
/// …and while the limiter makes the address or the username wait.
pub const WAIT: &str = "Too many login attempts";

/// What the login form shows for a `/api/login` answer.
pub fn shown(answer: &Answer) -> &'static str {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    if answer.body.contains(WRONG) {
        WRONG
    } else if answer.body.contains(WAIT) {
        WAIT
    } else if answer.body.contains("Done") {
        "logged in"
    } else {
        panic!("unexpected answer: {}", answer.body)
    }
}

/// A request to the console at [`HOST`].
pub fn request(method: &str, path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, HOST)
}

impl Console {
    pub async fn new() -> Self {
        let core = Core::new(app::ssr::db::open_in_memory().await.expect("db"))
            .await
            .expect("core");
        Self {
            router: router(core.clone()),
            token: admin_token(&core).await,
            core,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        // Bounded, so an answer that never ends fails the test naming the
        // request instead of holding the whole suite until CI gives up.
        let what = format!("{} {}", request.method(), request.uri());
        let router = self.router.clone();
        let answer = async move {
            let response = router.oneshot(request).await.expect("response");
            let (parts, body) = response.into_parts();
            let bytes = body.collect().await.expect("body").to_bytes();
            (parts, bytes)
        };
        let (parts, bytes) = tokio::time::timeout(std::time::Duration::from_secs(30), answer)
            .await
            .unwrap_or_else(|_| panic!("{what}: no complete answer within 30 s"));
        let (status, headers) = (parts.status, parts.headers);
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// The login form's call, from the console's own page.
    pub async fn login(&self, username: &str, password: &str) -> Answer {
        let body = serde_json::json!({ "username": username, "password": password });
        self.send(
            request("POST", "/api/login")
                .header(header::ORIGIN, ORIGIN)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    /// Logs the administrator in and keeps the cookies the answer set.
    pub async fn session(&self) -> Session {
        let answer = self.login("admin", PASSWORD).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let cookie = |name: &str| {
            answer
                .headers
                .get_all(header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter_map(|v| v.split(';').next()?.split_once('='))
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_owned())
                .unwrap_or_else(|| panic!("no {name} cookie in {:?}", answer.headers))
        };
        Session {
            session: cookie("trunkline_session"),
            csrf: cookie("trunkline_csrf"),
        }
    }
}

/// What a REST list answered: the answer, its `X-Total-Count` and its JSON (null when none).
#[allow(dead_code)]
pub struct Listed {
    pub answer: Answer,
    pub total: Option<u64>,
    pub json: serde_json::Value,
}

impl Console {
    /// A GET of `path` with the administrator's bearer token.
    #[allow(dead_code)]
    pub fn bearer_get(&self, path: &str) -> Request<Body> {
        request("GET", path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .body(Body::empty())
            .expect("request")
    }

    /// GET `path` by REST, the answer checked against the OpenAPI document.
    #[allow(dead_code)]
    pub async fn rest_get(&self, path: &str) -> Listed {
        let answer = self.send(self.bearer_get(path)).await;
        super::openapi::check("GET", path, answer.status.as_u16(), &answer.body);
        let total = answer
            .headers
            .get("x-total-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let json = serde_json::from_str(&answer.body).unwrap_or(serde_json::Value::Null);
        Listed {
            answer,
            total,
            json,
        }
    }
}
