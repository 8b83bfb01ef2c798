//! The REST API as a client sees it: the real router served on
//! 127.0.0.1, an administrator and a bearer token, and a small HTTP/1.1
//! client.

use app::model::admin::AdminInput;
use app::ssr::service;
use app::ssr::state::{AppState, Core, EngineLink};
use axum::Router;
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Creates the administrator and returns a bearer token for them.
pub async fn admin_token(core: &Core) -> String {
    service::auth::set_password(
        core,
        &AdminInput {
            username: "admin".into(),
            password: "rest-password".into(),
            confirm: "rest-password".into(),
        },
    )
    .await
    .expect("admin");
    service::auth::create_token(core, "tests")
        .await
        .expect("token")
}

/// The whole HTTP application over `core`, without a SIP engine.
pub fn router(core: Core) -> Router {
    let options =
        trunkline::serve::leptos_options("target/site", "127.0.0.1:0".parse().expect("addr"));
    trunkline::http::router(AppState::new(options, core, EngineLink::detached()))
}

/// One HTTP/1.1 request with a JSON body, `Connection: close`; returns
/// (status, body).
pub async fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, String) {
    http_typed(port, method, path, token, "application/json", body).await
}

/// As [`http`], with the body's `Content-Type`.
pub async fn http_typed(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}\
         Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").expect("http answer");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    super::openapi::check(method, path, status, body);
    (status, body.to_owned())
}

/// Trunkline's HTTP side on a real SQLite file, listening on 127.0.0.1.
pub struct Server {
    pub port: u16,
    pub token: String,
    pub core: Core,
    dir: PathBuf,
}

impl Server {
    /// `name` keeps the database of each test apart.
    pub async fn start(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("trunkline-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pool = app::ssr::db::open(&dir.join("trunkline.db"))
            .await
            .expect("database");
        let core = Core::new(pool).await.expect("core");
        let token = admin_token(&core).await;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let app = router(core.clone()).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            port,
            token,
            core,
            dir,
        }
    }

    /// `method path` with the token (or without, when `auth` is false);
    /// returns the status, the body as JSON (`Null` when it is not) and
    /// the body as text.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        auth: bool,
    ) -> (u16, Value, String) {
        self.call_typed(method, path, "application/json", body, auth)
            .await
    }

    /// `PATCH path` with `patch` as a JSON Merge Patch (RFC 7396).
    pub async fn patch(&self, path: &str, patch: Value) -> (u16, Value, String) {
        self.call_typed(
            "PATCH",
            path,
            "application/merge-patch+json",
            Some(patch),
            true,
        )
        .await
    }

    /// As [`Server::call`], with the body's `Content-Type`.
    pub async fn call_typed(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Option<Value>,
        auth: bool,
    ) -> (u16, Value, String) {
        let token = auth.then_some(self.token.as_str());
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let (status, text) = http_typed(self.port, method, path, token, content_type, &body).await;
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, json, text)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
