//! Registration layer: the status snapshot and a bounded history of state changes (REFERENCE.md
//! §6); the states themselves are the model's `RegistrationState`. Must not hold behaviour: the
//! client in `client.rs` decides transitions; times are the caller's `Instant`s.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many state changes a trunk remembers.
pub const HISTORY_LEN: usize = 20;

/// chan_sip's registration states, one type from here to the screen.
pub use app::model::registry::RegistrationState;

/// One state change, for the console's history panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub at: Instant,
    pub from: RegistrationState,
    pub to: RegistrationState,
    /// Why, in words an administrator reads: `403 Forbidden`, `no response within 20 s`.
    /// Shared: refreshes repeat a few reasons, and the published rows point at the same text.
    pub reason: Arc<str>,
}

/// Oldest-first ring of the last [`HISTORY_LEN`] changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History(VecDeque<HistoryEntry>);

impl History {
    pub fn push(&mut self, entry: HistoryEntry) {
        if self.0.len() == HISTORY_LEN {
            self.0.pop_front();
        }
        self.0.push_back(entry);
    }

    /// `text` as an entry already holds it, else new: with refreshes every two minutes the
    /// ring holds a handful of distinct reasons, once each (`trunk_memory`).
    pub fn reason(&self, text: &str) -> Arc<str> {
        self.0
            .iter()
            .rev()
            .find(|e| &*e.reason == text)
            .map_or_else(|| Arc::from(text), |e| Arc::clone(&e.reason))
    }

    pub fn iter(&self) -> impl Iterator<Item = &HistoryEntry> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How the last attempt ended, as the console's Last response column says it: the registrar's
/// final answer, or in words why none came. RFC 3261 §8.1.3.1 has the transaction user treat
/// no answer as a 408 and a transport failure as a 503, and the client does (`Unregistered`,
/// retry); but printing those codes would say the registrar answered when nothing came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastResponse {
    /// A final answer from the registrar: `403 Forbidden`.
    Answer { code: u16, reason: String },
    /// Nothing came back within this long (the register timeout, or Timer F).
    NoResponse { waited: Duration },
    /// The request could not be sent: no route, or the connection was refused.
    TransportError,
    /// The runtime could not find the registrar, in its words
    /// (`DNS: voip.provider.example.com does not resolve`).
    Unreachable(String),
}

impl LastResponse {
    pub fn new(code: u16, reason: impl Into<String>) -> Self {
        Self::Answer {
            code,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for LastResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Answer { code, reason } => write!(f, "{code} {reason}"),
            Self::NoResponse { waited } => {
                write!(f, "no response within {} s", waited.as_secs_f32())
            }
            Self::TransportError => f.write_str("not sent: transport error"),
            Self::Unreachable(why) => f.write_str(why),
        }
    }
}

/// What the console shows for one registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationStatus {
    pub state: RegistrationState,
    pub last_response: Option<LastResponse>,
    /// Attempts in the current run without a 200 (chan_sip `regattempts`).
    pub attempts: u32,
    /// When the last 200 arrived (chan_sip `regtime`); the caller maps it to wall time.
    pub registered_at: Option<Instant>,
    /// Expiry the registrar granted, in seconds.
    pub granted_expiry: Option<u32>,
    /// Expiry our REGISTER asks for, in seconds (raised by a 423): what chan_sip's Refresh
    /// column shows until a registrar grants one.
    pub requested_expiry: u32,
    /// Seconds between a 200 and its refresh (chan_sip `refresh`, the `Refresh` column).
    pub refresh_interval: Option<Duration>,
    /// When the next REGISTER (refresh or retry) goes out, if one is scheduled.
    pub next_attempt: Option<Instant>,
    /// The Contact address the provider was last told (learned via rport when behind NAT).
    pub contact: String,
    pub history: History,
}
