//! TCP transport (RFC 3261 §18.3): one reader task per connection cutting frames by
//! Content-Length, one writer channel per peer for connection reuse. Must not parse SIP beyond framing.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::sip::proto::message::{stream_frame_len, Limits};

/// What connection tasks report to the driver.
#[derive(Debug)]
pub(crate) enum TcpEvent {
    Frame(SocketAddr, Vec<u8>),
    Closed(SocketAddr),
    /// A connection we opened is made, or could not be (`connect`).
    Connected(SocketAddr, std::io::Result<TcpStream>),
}

/// How many SIP connections may be open, and how long one may stay silent (issue 17: 10,000
/// idle connections were held, and 1,100 used up the process's file descriptors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpLimits {
    /// Connections open at once, accepted and opened by us together.
    pub max: usize,
    /// Connections accepted from one IP address.
    pub per_source: usize,
    /// Silence after which a connection no phone registered over is closed: Timer B/F
    /// (64 × T1), as long as any transaction on it can last.
    pub idle: Duration,
    /// Silence after which a connection a phone registered over is closed: twice the longest
    /// registration (2 × 3,600 s), so a phone that only refreshes its REGISTER keeps it.
    pub idle_registered: Duration,
}

impl Default for TcpLimits {
    /// 4,096 connections: with the descriptor limit raised to its hard limit at start
    /// (commonly 524,288 or more) that leaves plenty for the console, the database and the
    /// outgoing connections; where the hard limit is the old 1,024 or 4,096, `serve` lowers it.
    fn default() -> Self {
        Self {
            max: 4096,
            per_source: 64,
            idle: Duration::from_secs(32),
            idle_registered: Duration::from_secs(7200),
        }
    }
}

/// The driver's end of a connection.
pub(crate) struct Conn {
    pub writer: mpsc::UnboundedSender<Vec<u8>>,
    /// A phone registered over it: it gets the longer idle time.
    pub registered: Arc<AtomicBool>,
}

/// Splits a connected stream into a reader task and a writer task; returns the driver's end.
/// The reader closes the connection after `tcp.idle` (or `tcp.idle_registered`) without a byte.
pub(crate) fn spawn_connection(
    stream: TcpStream,
    peer: SocketAddr,
    limits: Limits,
    tcp: TcpLimits,
    events: mpsc::UnboundedSender<TcpEvent>,
) -> Conn {
    let registered = Arc::new(AtomicBool::new(false));
    let flag = registered.clone();
    let (mut rd, mut wr) = stream.into_split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    tokio::spawn(async move {
        while let Some(bytes) = rx.recv().await {
            if wr.write_all(&bytes).await.is_err() {
                break;
            }
        }
    });
    tokio::spawn(async move {
        let mut buf: Vec<u8> = Vec::with_capacity(4096);
        let mut chunk = [0u8; 4096];
        loop {
            match stream_frame_len(&buf, &limits) {
                Ok(Some(n)) => {
                    let frame: Vec<u8> = buf.drain(..n).collect();
                    if events.send(TcpEvent::Frame(peer, frame)).is_err() {
                        return;
                    }
                    continue;
                }
                Ok(None) => {}
                Err(error) => {
                    // A stream cannot resynchronise after a framing error: close it (§18.3).
                    tracing::debug!(%peer, %error, "closing TCP connection on framing error");
                    break;
                }
            }
            let idle = if flag.load(Ordering::Relaxed) {
                tcp.idle_registered
            } else {
                tcp.idle
            };
            match tokio::time::timeout(idle, rd.read(&mut chunk)).await {
                Ok(Ok(0) | Err(_)) => break,
                Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
                // Registered while this wait had begun: wait the longer time.
                Err(_) if flag.load(Ordering::Relaxed) && idle < tcp.idle_registered => {}
                Err(_) => {
                    tracing::debug!(%peer, ?idle, "closing idle TCP connection");
                    break;
                }
            }
        }
        let _ = events.send(TcpEvent::Closed(peer));
    });
    Conn {
        writer: tx,
        registered,
    }
}
