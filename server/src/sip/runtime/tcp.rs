//! TCP transport (RFC 3261 §18.3): one reader task per connection cutting frames by
//! Content-Length, one writer channel per peer for connection reuse. Must not parse SIP beyond framing.

use std::net::SocketAddr;

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

/// Splits a connected stream into a reader task and a writer task; returns the writer's sender.
pub(crate) fn spawn_connection(
    stream: TcpStream,
    peer: SocketAddr,
    limits: Limits,
    events: mpsc::UnboundedSender<TcpEvent>,
) -> mpsc::UnboundedSender<Vec<u8>> {
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
            match rd.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let _ = events.send(TcpEvent::Closed(peer));
    });
    tx
}
