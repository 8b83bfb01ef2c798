//! Transaction layer (RFC 3261 §17): keys, timers and the outputs shared by the four machines.
//! Must not touch sockets or clocks: machines get `now` and return what to send and when to wake.

pub mod client_invite;
pub mod client_non_invite;
pub mod server_invite;
pub mod server_non_invite;

use std::hash::Hash;
use std::time::{Duration, Instant};

use super::message::{Method, Request, Response};

pub use client_invite::ClientInvite;
pub use client_non_invite::ClientNonInvite;
pub use server_invite::ServerInvite;
pub use server_non_invite::ServerNonInvite;

/// §17.2.1's 200 ms: how long an INVITE server transaction waits for its TU before 100 Trying.
pub const TRYING_DELAY: std::time::Duration = std::time::Duration::from_millis(200);

/// RFC 3261 Table 4 base values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerConfig {
    pub t1: Duration,
    pub t2: Duration,
    pub t4: Duration,
}

impl Default for TimerConfig {
    fn default() -> Self {
        Self {
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
        }
    }
}

impl TimerConfig {
    /// 64*T1: Timers B, F, H and J (UDP).
    pub fn t1x64(&self) -> Duration {
        self.t1 * 64
    }

    /// Timer D: at least 32 s over UDP (Table 4), zero on reliable transports.
    pub fn timer_d(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            Duration::from_secs(32).max(self.t1x64())
        }
    }
}

/// The RFC 3261 timers, named as Table 4 names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    A,
    B,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
    K,
    /// §17.2.1: the 100 Trying is owed only if the TU has not answered within 200 ms. Waiting
    /// that long spares it for requests answered at once (most are: challenges, refusals),
    /// which keeps what an unauthenticated INVITE makes us send within its budget.
    Trying,
}

/// Deadlines of the timers a machine has armed; a fired timer counts only if it is still armed
/// at that instant, which lets the endpoint keep stale entries in its queue (lazy deletion).
///
/// Three slots, not one per timer: each machine runs at most one retransmission timer (A, E or
/// G), one timeout (B, F or H) and one wait in its last state (D, I, J or K), and thousands of
/// finished transactions wait out Timer J or D at once, so the size counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Armed([Option<Instant>; 3]);

impl Timer {
    fn slot(self) -> usize {
        match self {
            // Trying is disarmed by the first response, before Timer G can be armed.
            Self::A | Self::E | Self::G | Self::Trying => 0,
            Self::B | Self::F | Self::H => 1,
            Self::D | Self::I | Self::J | Self::K => 2,
        }
    }
}

impl Armed {
    pub fn set(&mut self, t: Timer, at: Instant, out: &mut Output) {
        self.0[t.slot()] = Some(at);
        out.timers.push((t, at));
    }

    pub fn clear(&mut self, t: Timer) {
        self.0[t.slot()] = None;
    }

    /// True, and disarms it, if `t` was armed for exactly `at`.
    pub fn take(&mut self, t: Timer, at: Instant) -> bool {
        let slot = &mut self.0[t.slot()];
        let hit = *slot == Some(at);
        if hit {
            *slot = None;
        }
        hit
    }
}

/// What a transaction tells its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TuEvent {
    /// A new request (server transactions only).
    Request(Request),
    /// A response that the client transaction passes up (§17.1.1.2, §17.1.2.2).
    Response(Response),
    /// Timer B/F expired (the TU treats it as 408), or Timer H for a server INVITE.
    Timeout,
    /// The transport reported a failure (the TU treats it as 503, §8.1.3.1).
    TransportError,
}

/// Effects of one input to a machine, drained by the endpoint.
#[derive(Debug, Default)]
pub(crate) struct Output {
    /// Messages for this transaction's peer.
    pub send: Vec<Vec<u8>>,
    /// How many of `send` are retransmissions (for the counters).
    pub retransmissions: u64,
    pub timers: Vec<(Timer, Instant)>,
    pub tu: Vec<TuEvent>,
}

impl Output {
    pub fn retransmit(&mut self, bytes: &[u8]) {
        self.send.push(bytes.to_vec());
        self.retransmissions += 1;
    }
}

/// Method as part of a key (extension methods included, compared case-sensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyMethod(pub Method);

/// Client transaction key, §17.1.3: top Via branch plus CSeq method.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientKey {
    pub branch: String,
    pub method: KeyMethod,
}

/// Server transaction key, §17.2.3: branch, sent-by and method, with ACK matched to INVITE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServerKey {
    /// The top Via's branch, a space, then its sent-by lowercased: one allocation per request
    /// rather than two. A sent-by (host and port) holds no space, so the last space splits the
    /// string one way only and two different pairs never read the same.
    branch_sent_by: Box<str>,
    pub method: KeyMethod,
}

impl ServerKey {
    /// The key for a received request, `None` without a top Via branch.
    pub fn for_request(req: &Request) -> Option<Self> {
        let via = req.headers.via.first()?;
        let method = match &req.method {
            Method::Ack => Method::Invite,
            m => m.clone(),
        };
        let branch = via.branch()?;
        let mut id = String::with_capacity(branch.len() + via.host.len() + 7);
        id.push_str(branch);
        id.push(' ');
        via.write_sent_by(&mut id);
        Some(Self {
            branch_sent_by: id.into_boxed_str(),
            method: KeyMethod(method),
        })
    }
}

impl ClientKey {
    /// The key a response maps to.
    pub fn for_response(resp: &Response) -> Option<Self> {
        let via = resp.headers.via.first()?;
        Some(Self {
            branch: via.branch()?.to_string(),
            method: KeyMethod(resp.headers.cseq.method.clone()),
        })
    }
}
