//! Where the users' SIP lines are registered, as the console shows it
//! (Users screen, `sip show peers`) and as it is kept across restarts.
//! The registrar's own type lives in the SIP core; this is its
//! serializable twin, so the console and the store need no SIP code.

use serde::{Deserialize, Serialize};

/// One registered contact of one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineBinding {
    pub line_username: String,
    /// The Contact URI the phone registered.
    pub contact: String,
    /// Unix seconds at which the binding lapses.
    pub expires_at: i64,
    pub call_id: String,
    pub cseq: u32,
    pub user_agent: String,
    /// `ip:port` the REGISTER came from.
    pub source: String,
    /// `udp` or `tcp`.
    pub transport: String,
}

impl LineBinding {
    /// Seconds left at `now` (never negative).
    pub fn remaining(&self, now: i64) -> i64 {
        (self.expires_at - now).max(0)
    }
}
