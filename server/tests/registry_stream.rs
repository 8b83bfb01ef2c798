//! The registry's event stream as a browser reads it, from the real
//! binary: every row at once, then only what changed — the one trunk that
//! re-registered, the one that was deleted — never the whole table again
//! (issue 21: with thousands of trunks, the whole table per change cost
//! the server a core and each browser hundreds of KB per event).

mod common;

use app::model::registry::{RegistryDelta, RegistryEntry};
use common::net::free_port;
use common::registrar::provider;
use common::rest::http;
use common::serve::start_server_on;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `/api/v1/registry/stream` over HTTP/1.0, so the body arrives as it is
/// sent, without chunk framing. It asks for compression as browsers do:
/// the stream must come back plain, each event as it is sent (an encoder
/// would hold events back until its block fills).
struct Stream {
    socket: TcpStream,
    text: String,
}

impl Stream {
    async fn open(port: u16, token: &str) -> Self {
        let mut socket = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        let request = format!(
            "GET /api/v1/registry/stream HTTP/1.0\r\nHost: 127.0.0.1\r\n\
             Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\
             Accept-Encoding: br, gzip\r\n\r\n"
        );
        socket.write_all(request.as_bytes()).await.expect("write");
        Self {
            socket,
            text: String::new(),
        }
    }

    /// The next event's name and data, within 10 s.
    async fn next(&mut self) -> (String, String) {
        let read = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Some(event) = self.take_event() {
                    return event;
                }
                let mut buf = vec![0u8; 65_536];
                let n = self.socket.read(&mut buf).await.expect("read");
                assert!(n > 0, "the stream ended:\n{}", self.text);
                self.text.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
        .await;
        read.unwrap_or_else(|_| panic!("no event within 10 s; read so far:\n{}", self.text))
    }

    /// The status line and headers.
    fn head(&self) -> &str {
        self.text
            .find("\r\n\r\n")
            .map_or(self.text.as_str(), |end| &self.text[..end])
    }

    fn take_event(&mut self) -> Option<(String, String)> {
        let body_at = self.text.find("\r\n\r\n")? + 4;
        let end = self.text[body_at..].find("\n\n")? + body_at;
        let block = self.text[body_at..end].to_owned();
        self.text.replace_range(body_at..end + 2, "");
        let mut name = String::new();
        let mut data = String::new();
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_owned();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            }
        }
        // Keep-alive comments carry neither.
        if name.is_empty() && data.is_empty() {
            return self.take_event();
        }
        Some((name, data))
    }
}

async fn create_trunk(http_port: u16, token: &str, name: &str, registrar: u16) -> i64 {
    let body = serde_json::json!({
        "name": name,
        "auth_username": name,
        "secret": "pw",
        "host_type": "static",
        "host": "127.0.0.1",
        "port": registrar,
        "register": true,
        "reg_username": name,
        "reg_server": "127.0.0.1",
        "reg_port": registrar,
        "reg_expiry": 600
    })
    .to_string();
    let (status, answer) = http(http_port, "POST", "/api/v1/trunks", Some(token), &body).await;
    assert_eq!(status, 201, "{answer}");
    let created: serde_json::Value = serde_json::from_str(&answer).expect("json");
    created["id"].as_i64().expect("id")
}

#[tokio::test]
async fn the_stream_sends_every_row_once_then_only_the_rows_that_change() {
    let (registrar, mut wire) = provider().await;
    let dir =
        std::env::temp_dir().join(format!("trunkline-registry-stream-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("trunkline.db");
    let http_port = free_port();
    let _server = start_server_on(&db, 0, http_port).await;
    let token = std::fs::read_to_string(trunkline::control::token_path(&db)).expect("token");
    let token = token.trim();

    let mut ids = Vec::new();
    for name in ["charlie", "alpha", "bravo"] {
        ids.push(create_trunk(http_port, token, name, registrar).await);
    }
    let (charlie, bravo) = (ids[0], ids[2]);
    let all_registered = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let (_, body) = http(http_port, "GET", "/api/v1/registry", Some(token), "").await;
            let rows: Vec<RegistryEntry> = serde_json::from_str(&body).expect("rows");
            if rows.len() == 3
                && rows
                    .iter()
                    .all(|r| r.state == app::model::registry::RegistrationState::Registered)
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    assert!(all_registered.is_ok(), "the three trunks should register");
    while wire.try_recv().is_ok() {}

    let mut stream = Stream::open(http_port, token).await;
    let (name, data) = stream.next().await;
    assert_eq!(name, "registry");
    let head = stream.head().to_ascii_lowercase();
    assert!(!head.contains("content-encoding"), "{head}");
    let rows: Vec<RegistryEntry> = serde_json::from_str(&data).expect("rows");
    let names: Vec<&str> = rows.iter().map(|r| r.trunk.as_str()).collect();
    assert_eq!(
        names,
        vec!["alpha", "bravo", "charlie"],
        "every row, by name"
    );

    // Bravo re-registers: the events that follow carry bravo's row alone.
    let (status, _) = http(
        http_port,
        "POST",
        &format!("/api/v1/registry/{bravo}/register"),
        Some(token),
        "",
    )
    .await;
    assert_eq!(status, 202);
    let seen = tokio::time::timeout(Duration::from_secs(5), wire.recv()).await;
    assert_eq!(
        seen.ok().flatten().map(|(user, _)| user).as_deref(),
        Some("bravo"),
        "bravo's REGISTER reaches the provider"
    );
    let (name, data) = stream.next().await;
    assert_eq!(name, "registry-delta", "{data}");
    let delta: RegistryDelta = serde_json::from_str(&data).expect("delta");
    let changed: Vec<i64> = delta.rows.iter().map(|r| r.trunk_id).collect();
    assert_eq!(changed, vec![bravo], "only bravo's row: {data}");
    assert!(delta.removed.is_empty());

    // Charlie is deleted: a delta names it as removed, with no rows.
    let (status, _) = http(
        http_port,
        "DELETE",
        &format!("/api/v1/trunks/{charlie}"),
        Some(token),
        "",
    )
    .await;
    assert_eq!(status, 204);
    let removed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let (name, data) = stream.next().await;
            assert_eq!(name, "registry-delta", "{data}");
            let delta: RegistryDelta = serde_json::from_str(&data).expect("delta");
            assert!(
                delta.rows.iter().all(|r| r.trunk_id == bravo),
                "a change of no other trunk's: {data}"
            );
            if delta.removed == vec![charlie] {
                break;
            }
        }
    })
    .await;
    assert!(removed.is_ok(), "charlie's removal should reach the stream");
    let _ = std::fs::remove_dir_all(&dir);
}
