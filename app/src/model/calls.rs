//! The call log as the console shows it (Status → Calls) and stores it.
//! The SIP core's call record is turned into this by the engine, so the
//! console and the store need no SIP code.

use crate::model::quality::CallQuality;
use serde::{Deserialize, Serialize};

/// One trunk or contact tried, and how it ended ("503", "answered",
/// "timeout", "skipped: Trunk backup is disabled…").
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttemptLog {
    pub target: String,
    pub result: String,
}

/// One ended call.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CallLogEntry {
    /// Unix seconds.
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: i64,
    pub caller: String,
    pub callee: String,
    pub dialed: String,
    /// The trunk an incoming call came in on, or the one an outgoing call
    /// left through; `None` for calls between phones.
    pub trunk: Option<String>,
    /// Asterisk-like cause: Normal, Busy, NoAnswer, Cancelled, Congestion, NoAck,
    /// Administrator, NotAcceptable, MediaTimeout (no RTP from a side for the RTP timeout).
    /// Stored and sent by REST as these identifiers, for scripts to match; the screen says
    /// them in words ([`cause_words`]).
    pub cause: String,
    /// `caller` or `callee`; `None` when the PBX ended the call.
    pub side: Option<String>,
    pub status: Option<u16>,
    pub attempts: Vec<AttemptLog>,
    /// The audio figures of an anchored call; `None` for a call with direct
    /// media, one never answered, or one logged before they were measured.
    #[serde(default)]
    pub quality: Option<CallQuality>,
}

/// The causes whose identifier is more than one word, and how the console says them. The
/// others ("Normal", "Busy", "Cancelled", "Congestion", "Administrator") read as they are.
const CAUSE_WORDS: &[(&str, &str)] = &[
    ("NoAnswer", "No answer"),
    ("NoAck", "No ACK"),
    ("NotAcceptable", "Not acceptable"),
    ("MediaTimeout", "Media timeout"),
];

/// How a call ended, as the console says it: "Media timeout" for `MediaTimeout`.
pub fn cause_words(cause: &str) -> &str {
    CAUSE_WORDS
        .iter()
        .find(|(id, _)| *id == cause)
        .map_or(cause, |(_, words)| words)
}

/// The cause identifier an administrator's words name ("media timeout", any case), for a
/// search of the log by what the screen shows.
pub fn cause_named(words: &str) -> Option<&'static str> {
    let words = words.trim();
    CAUSE_WORDS
        .iter()
        .find(|(_, w)| w.eq_ignore_ascii_case(words))
        .map(|(id, _)| *id)
}

impl CallLogEntry {
    /// Seconds between answer and end; 0 for an unanswered call.
    pub fn talk_seconds(&self) -> i64 {
        self.answered_at.map_or(0, |a| (self.ended_at - a).max(0))
    }
}

/// A call in progress, as Status → Calls lists it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LiveCall {
    /// The engine's number for the call, for "Hang up".
    pub id: u64,
    pub caller: String,
    pub callee: String,
    pub dialed: String,
    /// `ringing` or `answered`.
    pub state: String,
    pub trunk: Option<String>,
    /// Unix seconds.
    pub started_at: i64,
    pub answered_at: Option<i64>,
    /// The audio figures so far of an anchored call.
    #[serde(default)]
    pub quality: Option<CallQuality>,
}

/// A call from a trunk whose DID matched no incoming call (answered 404).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnmatchedCall {
    /// Unix seconds.
    pub at: i64,
    pub trunk: String,
    /// The number as received (Request-URI user, else To user).
    pub did: String,
    pub reason: String,
}

/// Unmatched calls kept in the database: the newest ones.
pub const UNMATCHED_KEPT: u32 = 10_000;

/// The unmatched calls listed, newest first, and how many older ones were deleted to keep the
/// newest [`UNMATCHED_KEPT`] (so a flood of forged calls cannot fill the disk).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedCalls {
    pub calls: Vec<UnmatchedCall>,
    /// Older unmatched calls recorded and since deleted.
    pub not_kept: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_read_in_words_and_are_found_by_them() {
        assert_eq!(cause_words("MediaTimeout"), "Media timeout");
        assert_eq!(cause_words("NoAnswer"), "No answer");
        assert_eq!(cause_words("Normal"), "Normal");
        assert_eq!(cause_named("media timeout"), Some("MediaTimeout"));
        assert_eq!(cause_named(" No ACK "), Some("NoAck"));
        assert_eq!(
            cause_named("media"),
            None,
            "a part is the text search's business"
        );
    }
}
