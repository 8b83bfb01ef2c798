//! Issue 17 item 4, HTTP side, on the real `trunkline serve` binary: a
//! half-sent request or an idle keep-alive connection is closed after the
//! 10 s header read timeout (it used to be held for good), and past the
//! per-address or total limit a new connection is closed at once while the
//! console keeps answering once there is room again. Loopback gives
//! several source addresses (127.0.0.x), and the limits are made small.

mod common;

use common::net::free_port;
use common::serve::start_server_args;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::process::Child;

/// The console of a fresh server started with `more` arguments, and the server.
async fn console(name: &str, more: &[&str]) -> (SocketAddr, Child) {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("trunkline-{name}-{}-{port}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let server = start_server_args(&dir.join("t.db"), Some(free_port()), port, more).await;
    (([127, 0, 0, 1], port).into(), server)
}

/// A connection to `console` from address `from`, once the server has had time to accept (or
/// refuse) it.
async fn connect(from: [u8; 4], console: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.bind((from, 0).into()).expect("bind");
    let stream = socket.connect(console).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    stream
}

/// `count` connections from `from`.
async fn connections(count: usize, from: [u8; 4], console: SocketAddr) -> Vec<TcpStream> {
    let mut open = Vec::new();
    for _ in 0..count {
        open.push(connect(from, console).await);
    }
    open
}

/// Whether a new connection from `from` is closed at once.
async fn refused(from: [u8; 4], console: SocketAddr) -> bool {
    let mut stream = connect(from, console).await;
    closed_after(&mut stream, Duration::from_millis(500))
        .await
        .is_some()
}

/// How long until the server closed `stream` (end of stream or reset), reading and dropping what
/// it sends before; `None` if it is still open after `wait`.
async fn closed_after(stream: &mut TcpStream, wait: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at((start + wait).into(), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(start.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

/// `GET /login` on a new connection from `from`: the status line, or `None` when the connection
/// was closed without an answer.
async fn get_login(from: [u8; 4], console: SocketAddr) -> Option<String> {
    let mut stream = connect(from, console).await;
    let request = "GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    // A refused connection may already be reset: no answer either way.
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    answer.lines().next().map(str::to_owned)
}

#[tokio::test]
async fn half_sent_and_idle_connections_are_closed_after_10_s() {
    let (console, mut server) = console("http-header-timeout", &[]).await;
    let mut half = connect([127, 0, 0, 1], console).await;
    half.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .expect("half a request");
    // A keep-alive connection that got its answer and then says nothing.
    let mut idle = connect([127, 0, 0, 1], console).await;
    idle.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .expect("a request");
    let mut head = [0u8; 12];
    idle.read_exact(&mut head).await.expect("an answer");
    assert_eq!(&head[..9], b"HTTP/1.1 ");

    let half_closed = closed_after(&mut half, Duration::from_secs(13)).await;
    let idle_closed = closed_after(&mut idle, Duration::from_secs(3)).await;
    match half_closed {
        Some(after) => assert!(
            after >= Duration::from_secs(9),
            "closed after {after:?}: a slow client has 10 s"
        ),
        None => panic!("a half-sent request was still held after 13 s"),
    }
    assert!(
        idle_closed.is_some(),
        "an idle keep-alive connection was still held after 13 s"
    );
    let _ = server.kill().await;
}

#[tokio::test]
async fn connections_past_the_limits_are_closed_at_once_and_the_console_answers_again() {
    let (console, mut server) = console(
        "http-limits",
        &[
            "--http-max-connections",
            "8",
            "--http-connections-per-address",
            "4",
        ],
    )
    .await;
    let first = [127, 0, 0, 1];
    let second = [127, 0, 0, 2];
    let third = [127, 0, 0, 3];
    let mut held = connections(4, first, console).await;
    assert!(
        refused(first, console).await,
        "a fifth connection from one address is closed at once"
    );
    let others = connections(4, second, console).await;
    assert!(
        refused(third, console).await,
        "a ninth connection in all is closed at once"
    );
    assert_eq!(get_login(third, console).await, None, "no room for a GET");
    for still in &mut held {
        assert!(
            closed_after(still, Duration::from_millis(50))
                .await
                .is_none(),
            "connections within the limits stay open"
        );
    }

    // The idle ones go: the console answers again.
    drop(others);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let status = get_login(third, console).await.unwrap_or_default();
    assert!(
        status.starts_with("HTTP/1.1 2") || status.starts_with("HTTP/1.1 3"),
        "GET /login once there is room: {status:?}"
    );
    let _ = server.kill().await;
}
