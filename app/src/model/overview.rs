//! The Overview screen's figures: the PBX at a glance, each figure read
//! from the service that owns it (registry, lines, calls, call log,
//! unmatched calls, SIP security). Counted on the server: the page gets
//! numbers and a few rows, never the lists they come from.

use super::calls::UnmatchedCall;
use super::registry::{PeerStatus, RegistrationState};
use super::security::WatchedAddress;
use serde::{Deserialize, Serialize};

/// Unmatched calls and blocked addresses the Overview lists (the rest
/// are on their own screens).
pub const LATEST: usize = 5;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// Trunks configured (and readable).
    pub trunks: u64,
    /// Trunks that register, and how many of them are registered now.
    pub registering: u64,
    pub registered: u64,
    /// Trunks whose registration failed (refused, timed out, no answer,
    /// wrong password): the ones to look at.
    pub failing: u64,
    /// Trunks monitored (qualify), and how many do not answer in time.
    pub monitored: u64,
    pub unreachable: u64,
    /// Users' lines, and how many have at least one phone registered.
    pub lines: u64,
    pub lines_registered: u64,
    pub calls_now: u64,
    /// Calls ended since 00:00 UTC (the call log's day).
    pub calls_today: u64,
    /// The latest calls to DIDs no incoming call answers, newest first.
    pub unmatched: Vec<UnmatchedCall>,
    /// Addresses blocked by SIP security now, and the first few.
    pub blocked: u64,
    pub blocked_addresses: Vec<WatchedAddress>,
}

/// Whether a registration state is a failure the administrator must act
/// on (as opposed to registered, or on its way).
pub fn registration_failed(state: RegistrationState) -> bool {
    matches!(
        state,
        RegistrationState::Rejected
            | RegistrationState::NoAuthentication
            | RegistrationState::Failed
            | RegistrationState::Timeout
    )
}

/// Whether a monitored trunk is in trouble (too slow, or silent).
pub fn unreachable(status: PeerStatus) -> bool {
    matches!(status, PeerStatus::Lagged(_) | PeerStatus::Unreachable)
}

/// The start of the UTC day holding `now` (Unix seconds).
pub fn day_start(now: i64) -> i64 {
    now - now.rem_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_midnight_utc() {
        // 2026-12-06 20:15:00 UTC.
        assert_eq!(day_start(1_796_588_100), 1_796_515_200);
        assert_eq!(day_start(1_796_515_200), 1_796_515_200);
    }

    #[test]
    fn failures_are_the_states_to_act_on() {
        assert!(registration_failed(RegistrationState::Rejected));
        assert!(registration_failed(RegistrationState::Timeout));
        assert!(!registration_failed(RegistrationState::Registered));
        assert!(!registration_failed(RegistrationState::RequestSent));
        assert!(unreachable(PeerStatus::Unreachable));
        assert!(!unreachable(PeerStatus::Unknown));
    }
}
