//! Endpoint API types: what goes out on the wire, what the transaction user hears, counters.
//! Must not contain behaviour beyond small accessors: the state lives in `Endpoint`.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

use super::addressing::{Addressing, SentBy};
use super::caps::Caps;
use crate::sip::proto::message::{Limits, Request, Response, Transport};
use crate::sip::proto::transaction::TimerConfig;

/// Opaque transaction handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TxId(pub(crate) u64);

/// Endpoint settings.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    pub limits: Limits,
    pub timers: TimerConfig,
    /// Host written in our Via sent-by.
    pub via_host: String,
    /// Port written in our Via sent-by.
    pub via_port: u16,
    /// Our address per destination; `via_host:via_port` where it sets none.
    pub addressing: Addressing,
    /// What peers can make us hold.
    pub caps: Caps,
    /// Sources answered where their datagrams come from even when their Via asks for no
    /// `rport` (chan_sip `nat=force_rport` on a trunk): a provider behind NAT writes its
    /// private port in Via, and a response sent there never reaches it.
    pub force_rport: Arc<HashSet<SocketAddr>>,
}

impl EndpointConfig {
    /// Our host and port as `dest` must see them, in Via and Contact.
    pub fn sent_by(&self, dest: SocketAddr) -> SentBy {
        self.addressing
            .sent_by(dest)
            .cloned()
            .unwrap_or_else(|| SentBy::new(self.via_host.clone(), self.via_port))
    }

    /// Our Contact URI toward `dest`.
    pub fn contact(&self, dest: SocketAddr) -> String {
        let us = self.sent_by(dest);
        format!("sip:trunkline@{}:{}", us.host, us.port)
    }
}

impl Default for EndpointConfig {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            timers: TimerConfig::default(),
            via_host: "127.0.0.1".to_string(),
            via_port: 5060,
            addressing: Addressing::default(),
            caps: Caps::default(),
            force_rport: Arc::default(),
        }
    }
}

/// A message the runtime must send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    pub dest: SocketAddr,
    pub transport: Transport,
    pub payload: Vec<u8>,
    /// The transaction that sent it, so a send failure can be reported back.
    pub tx: Option<TxId>,
}

/// What the transaction user (registrar, calls, qualify...) is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A new request with its server transaction; answer it with `Endpoint::respond`.
    Request {
        tx: TxId,
        request: Request,
        source: SocketAddr,
        transport: Transport,
    },
    /// An ACK that matched no transaction: the ACK for a 2xx, which belongs to the dialog.
    Ack {
        request: Request,
        source: SocketAddr,
    },
    /// A response for a client transaction.
    Response { tx: TxId, response: Response },
    /// A 2xx to an INVITE whose transaction has ended (a retransmission the TU must re-ACK).
    StrayInviteOk { response: Response },
    /// Timer B or F (client: behave as on 408) or Timer H (server: no ACK came).
    Timeout { tx: TxId },
    /// The transport failed (client: behave as on 503, RFC 3261 §8.1.3.1).
    TransportError { tx: TxId },
}

impl Event {
    /// The status a TU should act on for a synthetic outcome: 408 for a timeout, 503 for a
    /// transport error (§8.1.3.1), the real status for a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Response { response, .. } | Self::StrayInviteOk { response } => {
                Some(response.status)
            }
            Self::Timeout { .. } => Some(408),
            Self::TransportError { .. } => Some(503),
            Self::Request { .. } | Self::Ack { .. } => None,
        }
    }
}

/// Counters, readable by the runtime and the console.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub messages_in: u64,
    pub messages_out: u64,
    pub parse_errors: u64,
    /// Malformed messages that could not be answered and were dropped.
    pub dropped: u64,
    pub bad_requests_answered: u64,
    pub retransmissions: u64,
    pub stray_responses: u64,
    pub keepalives: u64,
    /// Finished server transactions dropped before their timers ran out, the oldest first,
    /// because the transaction cap was reached...
    pub shed_for_transactions: u64,
    /// ...or because the cap on bytes held for retransmission was.
    pub shed_for_bytes: u64,
    /// New requests dropped: the transaction cap was reached and none had finished.
    pub refused_at_cap: u64,
    /// Responses not sent: they would have made a request the TU did not accept reflect more
    /// than its share of bytes toward its (perhaps forged) source.
    pub held_back: u64,
    /// Answers to requests not accepted that copied oversized headers: cut to the top Via,
    /// or dropped when that was not enough.
    pub oversized: u64,
}

/// Why `send_request` or `respond` refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The transaction does not exist any more (or never did).
    #[error("no such transaction")]
    UnknownTransaction,
    /// The transaction is past the state that accepts this response.
    #[error("transaction already sent its final response")]
    AlreadyFinal,
    /// ACK is not sent through a transaction (§17.1.1.3 / §13.2.2.4).
    #[error("ACK does not open a transaction")]
    AckIsNotATransaction,
    /// The top Via the caller supplied has no RFC 3261 branch.
    #[error("top Via has no z9hG4bK branch")]
    NoBranch,
    /// The method in the request line differs from the CSeq method.
    #[error("CSeq method does not match the request method")]
    CSeqMismatch,
}
