//! What Status → SIP registry shows: one row per trunk, as chan_sip's
//! `sip show registry` prints it plus what Asterisk keeps to itself (last
//! response, attempts, next refresh, qualify, history); and the SIP
//! engine's counters that `sip show stats` prints. Filled by the SIP
//! engine; the console only reads them.

use serde::{Deserialize, Serialize};

/// One change of registration state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    /// Seconds since the Unix epoch (UTC).
    pub at: i64,
    /// The same, as Asterisk prints times.
    pub at_text: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// One trunk's registration and monitoring status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryEntry {
    pub trunk_id: i64,
    pub trunk: String,
    /// Whether the trunk registers at all (a row is shown for monitoring too).
    pub registers: bool,
    /// `host:port` of the registrar.
    pub host: String,
    pub username: String,
    /// Seconds between refreshes (chan_sip's Refresh column).
    pub refresh: u64,
    /// chan_sip's state string (`Registered`, `No Authentication`, ...).
    pub state: String,
    /// Seconds since the epoch of the last successful REGISTER.
    pub reg_time: Option<i64>,
    /// The same, as Asterisk prints it (`Mon, 14 Jan 2019 10:00:00`).
    pub reg_time_text: String,
    /// e.g. `403 Forbidden`.
    pub last_response: Option<String>,
    pub attempts: u32,
    /// Seconds since the epoch of the next REGISTER, for the countdown.
    pub next_register_at: Option<i64>,
    pub qualify: QualifyState,
    pub next_qualify_at: Option<i64>,
    pub history: Vec<StateChange>,
    /// The NAT self-check: the registrar sees this PBX at another address than the one it
    /// wrote and no external address is set, in a sentence the administrator can act on.
    #[serde(default)]
    pub nat_warning: Option<String>,
}

/// The NAT self-check's sentence for a registrar at `host` that sees this PBX as `seen`.
pub fn nat_warning(host: &str, seen: &str) -> String {
    format!(
        "{host} sees this PBX as {seen} but no external address is set: incoming calls and \
         audio will fail — set External address (Services → IPBX → General settings → SIP (NAT))"
    )
}

/// The monitoring (qualify) result, as `sip show peers` words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QualifyState {
    Unknown,
    Ok(u64),
    Lagged(u64),
    Unreachable,
    Unmonitored,
}

impl std::fmt::Display for QualifyState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QualifyState::Unknown => f.write_str("UNKNOWN"),
            QualifyState::Ok(ms) => write!(f, "OK ({ms} ms)"),
            QualifyState::Lagged(ms) => write!(f, "LAGGED ({ms} ms)"),
            QualifyState::Unreachable => f.write_str("UNREACHABLE"),
            QualifyState::Unmonitored => f.write_str("Unmonitored"),
        }
    }
}

/// What the administrator can ask the engine to do for one trunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegistryAction {
    /// Send a REGISTER now, leaving a fatal state.
    Reregister,
    /// Send an OPTIONS now.
    Qualify,
}

/// The SIP engine's totals since it started, as `trunkline sip show
/// stats` prints them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipStats {
    pub messages_in: u64,
    pub messages_out: u64,
    /// Datagrams or frames that were not SIP: answered 400 when they
    /// could be, else dropped.
    pub parse_errors: u64,
    pub retransmissions: u64,
    pub send_errors: u64,
    /// Datagrams and connections dropped because their address is blocked.
    pub blocked: u64,
    /// Requests answered 503 because the registrar and dial plan were behind.
    pub turned_away: u64,
}
