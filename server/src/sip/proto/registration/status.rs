//! Registration layer: the status snapshot and a bounded history of state changes (REFERENCE.md
//! §6); the states themselves are the model's `RegistrationState`. Must not hold behaviour: the
//! client in `client.rs` decides transitions; times are the caller's `Instant`s.

use std::collections::VecDeque;
use std::fmt;
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
    /// Why, in words an administrator reads: `403 Forbidden`, `no answer within 20 s`.
    pub reason: String,
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

/// The last final answer the registrar gave (synthetic 408/503 for no answer, RFC 3261 §8.1.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastResponse {
    pub code: u16,
    pub reason: String,
}

impl LastResponse {
    pub fn new(code: u16, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for LastResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.reason)
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
    /// Seconds between a 200 and its refresh (chan_sip `refresh`, the `Refresh` column).
    pub refresh_interval: Option<Duration>,
    /// When the next REGISTER (refresh or retry) goes out, if one is scheduled.
    pub next_attempt: Option<Instant>,
    /// The Contact address the provider was last told (learned via rport when behind NAT).
    pub contact: String,
    pub history: History,
}
