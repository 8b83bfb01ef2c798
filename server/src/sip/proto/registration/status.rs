//! Registration layer: chan_sip's registration states with their exact strings, the status
//! snapshot and a bounded history of state changes (REFERENCE.md §6). Must not hold behaviour:
//! the client in `client.rs` decides transitions; times are the caller's `Instant`s.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

/// How many state changes a trunk remembers.
pub const HISTORY_LEN: usize = 20;

/// chan_sip `enum sipregistrystate`, printed as `regstate2str` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegState {
    /// Nothing outstanding: before the first REGISTER, after an un-register, or waiting to retry
    /// after no answer.
    Unregistered,
    /// A REGISTER without credentials is outstanding.
    RequestSent,
    /// A REGISTER answering a 401/407 challenge is outstanding.
    AuthSent,
    /// The registrar accepted the binding; a refresh is scheduled.
    Registered,
    /// Fatal: the registrar refused the request itself (400, 404, 414, 479, 493, 423 too high).
    Rejected,
    /// Fatal (unless `retry_auth_failures`): 403, or our credentials refused three times.
    NoAuthentication,
    /// Fatal: `register_attempts` attempts went unanswered.
    Failed,
    /// The runtime could not resolve or reach the registrar; a retry is scheduled.
    Timeout,
}

impl RegState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unregistered => "Unregistered",
            Self::RequestSent => "Request Sent",
            Self::AuthSent => "Auth. Sent",
            Self::Registered => "Registered",
            Self::Rejected => "Rejected",
            Self::NoAuthentication => "No Authentication",
            Self::Failed => "Failed",
            Self::Timeout => "Timeout",
        }
    }

    /// States that only a configuration change or "re-register now" leaves.
    pub fn is_fatal(self) -> bool {
        matches!(self, Self::Rejected | Self::NoAuthentication | Self::Failed)
    }
}

impl fmt::Display for RegState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One state change, for the console's history panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub at: Instant,
    pub from: RegState,
    pub to: RegState,
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
    pub state: RegState,
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
