//! Outgoing TCP connections (RFC 3261 §18.1.1, §18.2.2) opened off the driver's loop: the loop
//! queues what is to be sent and goes on; a spawned task connects, bounded in time, and reports
//! back as a `TcpEvent`. A peer that drops SYNs must not stall SIP for everyone (issue 17).
//! Must hold no SIP logic: a connection that cannot be made is handed back as the transactions
//! whose messages it carried, for the driver to report as transport errors (§8.1.3.1, §17.1.4).

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::tcp::TcpEvent;
use crate::sip::proto::TxId;

/// Longest wait for a connection: Timer B and F (64 × T1), past which the transaction that
/// wanted it has given up anyway.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(32);
/// Connections being opened at once; past it a send fails at once (a flood of requests whose
/// answers go to unreachable peers must not spawn a task each).
const MAX_CONNECTING: usize = 256;
/// Messages held for one connection being opened (retransmissions, more answers).
const MAX_QUEUED: usize = 32;

/// A message waiting for its connection.
pub(crate) struct Queued {
    pub tx: Option<TxId>,
    pub payload: Vec<u8>,
}

/// Connections being opened, with what waits for each.
#[derive(Default)]
pub(crate) struct Connecting {
    waiting: HashMap<SocketAddr, Vec<Queued>>,
}

impl Connecting {
    /// Queues `msg` for `dest`, starting a connection when none is being opened. `false` when
    /// it cannot wait: the send has failed.
    pub fn queue(
        &mut self,
        dest: SocketAddr,
        msg: Queued,
        events: &mpsc::UnboundedSender<TcpEvent>,
    ) -> bool {
        if let Some(queue) = self.waiting.get_mut(&dest) {
            if queue.len() >= MAX_QUEUED {
                return false;
            }
            queue.push(msg);
            return true;
        }
        if self.waiting.len() >= MAX_CONNECTING {
            return false;
        }
        self.waiting.insert(dest, vec![msg]);
        let events = events.clone();
        tokio::spawn(async move {
            let result = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(dest))
                .await
                .unwrap_or_else(|_| Err(io::ErrorKind::TimedOut.into()));
            let _ = events.send(TcpEvent::Connected(dest, result));
        });
        true
    }

    /// What waited for `dest`, now that its connection is made or failed.
    pub fn done(&mut self, dest: SocketAddr) -> Vec<Queued> {
        self.waiting.remove(&dest).unwrap_or_default()
    }
}
