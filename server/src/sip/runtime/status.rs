//! Runtime layer: the per-trunk state the registrations manager keeps and the status snapshot
//! it publishes (what the console, SSE and `sip show registry` read). Must not hold SIP logic;
//! it maps the proto clients' `Instant`s to wall-clock seconds, which only the runtime may read.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::registrations::QualifySpec;
use crate::sip::proto::qualify::{PeerStatus, Qualifier};
use crate::sip::proto::registration::{RegistrationClient, RegistrationState};

/// What runs for one trunk.
#[derive(Debug, Default)]
pub(super) struct Trunk {
    pub reg: Option<RegistrationClient>,
    pub qualify: Option<(QualifySpec, Qualifier)>,
    /// Bumped on each lookup so a late DNS answer for an older config is ignored.
    pub reg_generation: u64,
    /// A lookup for the registrar is in flight; do not start another.
    pub reg_resolving: bool,
    pub qualify_generation: u64,
}

/// One state change, with wall-clock time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRecord {
    /// Seconds since the epoch (UTC).
    pub at: i64,
    pub from: RegistrationState,
    pub to: RegistrationState,
    pub reason: std::sync::Arc<str>,
}

/// A registration as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationSnapshot {
    /// `host:port` of the registrar.
    pub host: String,
    pub username: String,
    pub state: RegistrationState,
    /// e.g. `403 Forbidden`.
    pub last_response: Option<String>,
    pub attempts: u32,
    /// Seconds since the epoch of the last 200.
    pub registered_at: Option<i64>,
    /// chan_sip's Refresh column, in seconds: the requested expiry until a 200, then the time
    /// from a 200 to its refresh (the granted expiry less chan_sip's guard).
    pub refresh_secs: u64,
    /// The expiry the registrar last granted, in seconds.
    pub granted_secs: Option<u32>,
    /// Seconds since the epoch when the next REGISTER goes out.
    pub next_attempt_at: Option<i64>,
    pub contact: String,
    /// What the registrar sees of us (RFC 3581) when that is not what we wrote and no
    /// external address is set: the NAT self-check.
    pub nat_seen: Option<String>,
    pub history: Vec<HistoryRecord>,
}

/// Everything published about one trunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrunkStatus {
    pub trunk_id: i64,
    pub registration: Option<RegistrationSnapshot>,
    /// `Unmonitored` when monitoring is off.
    pub qualify: PeerStatus,
    /// Seconds since the epoch of the next OPTIONS.
    pub next_qualify_at: Option<i64>,
}

/// Maps a monotonic instant to UTC seconds, via the current offset between the two clocks.
fn wall(at: Instant) -> i64 {
    let now = Instant::now();
    let sys = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let delta = if at >= now {
        (at - now).as_secs_f64()
    } else {
        -(now - at).as_secs_f64()
    };
    (sys + delta).round() as i64
}

impl Trunk {
    pub fn snapshot(&self, trunk_id: i64) -> TrunkStatus {
        trunk_status(
            trunk_id,
            self.reg.as_ref(),
            self.qualify.as_ref().map(|(_, q)| q),
        )
    }
}

/// What the manager keeps per trunk: a slot in its table (which has spare ones) and the boxed
/// client and qualifier it points to, inline parts only (`trunk_memory` counts them).
pub fn trunk_slot_bytes() -> (usize, usize) {
    (
        std::mem::size_of::<(i64, Box<Trunk>)>(),
        std::mem::size_of::<Trunk>(),
    )
}

/// The status published for one trunk's registration client and qualifier.
pub fn trunk_status(
    trunk_id: i64,
    reg: Option<&RegistrationClient>,
    qualify: Option<&Qualifier>,
) -> TrunkStatus {
    let registration = reg.map(|c| {
        let s = c.status();
        let cfg = c.config();
        RegistrationSnapshot {
            host: cfg.display_host(),
            username: cfg.username.clone(),
            state: s.state,
            last_response: s.last_response.map(|l| l.to_string()),
            attempts: s.attempts,
            registered_at: s.registered_at.map(wall),
            refresh_secs: s
                .refresh_interval
                .map_or(u64::from(s.requested_expiry), |d| d.as_secs()),
            granted_secs: s.granted_expiry,
            next_attempt_at: s.next_attempt.map(wall),
            contact: s.contact,
            nat_seen: c
                .learned()
                .filter(|_| cfg.external_address.is_none())
                .map(ToString::to_string),
            history: s
                .history
                .iter()
                .map(|h| HistoryRecord {
                    at: wall(h.at),
                    from: h.from,
                    to: h.to,
                    reason: h.reason.clone(),
                })
                .collect(),
        }
    });
    let (qualify, next_qualify_at) = match qualify {
        Some(q) => (q.status(), q.next_probe().map(wall)),
        None => (PeerStatus::Unmonitored, None),
    };
    TrunkStatus {
        trunk_id,
        registration,
        qualify,
        next_qualify_at,
    }
}
