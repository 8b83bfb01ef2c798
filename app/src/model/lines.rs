//! Where the users' SIP lines are registered, as the console shows it
//! (Users screen, `sip show peers`) and as it is kept across restarts.
//! The registrar's own type lives in the SIP core; this is its
//! serializable twin, so the console and the store need no SIP code.

use crate::model::trunk::Transport;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

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
    /// Where the REGISTER came from, and where calls to the line go.
    pub source: SocketAddr,
    pub transport: Transport,
}

impl LineBinding {
    /// Seconds left at `now` (never negative).
    pub fn remaining(&self, now: i64) -> i64 {
        (self.expires_at - now).max(0)
    }
}

/// One user's line and its registered contacts, as the Users screen and
/// `GET /api/v1/lines` show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineStatus {
    pub user_id: i64,
    pub line_username: String,
    pub contacts: Vec<ContactStatus>,
}

/// One registered contact, with its time left at the moment of reading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactStatus {
    pub contact: String,
    pub user_agent: String,
    pub source: SocketAddr,
    pub transport: Transport,
    pub expires_in: i64,
}

/// Every user's line with its contacts, in the users' order.
pub fn line_statuses(
    users: &[std::sync::Arc<crate::model::config::UserConfig>],
    bindings: &[LineBinding],
    now: i64,
) -> Vec<LineStatus> {
    users
        .iter()
        .map(|u| LineStatus {
            user_id: u.id,
            line_username: u.user.line_username.clone(),
            contacts: bindings
                .iter()
                .filter(|b| b.line_username.eq_ignore_ascii_case(&u.user.line_username))
                .map(|b| ContactStatus {
                    contact: b.contact.clone(),
                    user_agent: b.user_agent.clone(),
                    source: b.source,
                    transport: b.transport,
                    expires_in: b.remaining(now),
                })
                .collect(),
        })
        .collect()
}
