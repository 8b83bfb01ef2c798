//! The calls' end records turned into the console's call log entries:
//! instants become wall-clock seconds, results become words.

use crate::sip::proto::call::{AttemptResult, CallRecord, CallState, HangupCause, Side, Snapshot};
use app::model::calls::{AttemptLog, CallLogEntry, LiveCall};
use std::time::Instant;

/// `instant` as Unix seconds, knowing that `now` is `wall`.
fn wall_of(instant: Instant, now: Instant, wall: i64) -> i64 {
    let ago = now.saturating_duration_since(instant).as_secs();
    wall - i64::try_from(ago).unwrap_or(0)
}

fn result_word(result: &AttemptResult) -> String {
    match result {
        AttemptResult::Answered => "answered".into(),
        AttemptResult::Rejected(status) => status.to_string(),
        AttemptResult::Timeout => "timeout".into(),
        AttemptResult::TransportError => "transport error".into(),
        AttemptResult::Cancelled => "cancelled".into(),
        AttemptResult::Skipped(why) => format!("skipped: {why}"),
        AttemptResult::NotAcceptable(why) => format!("488: {why}"),
    }
}

fn cause_word(cause: HangupCause) -> &'static str {
    match cause {
        HangupCause::Normal => "Normal",
        HangupCause::Busy => "Busy",
        HangupCause::NoAnswer => "NoAnswer",
        HangupCause::Cancelled => "Cancelled",
        HangupCause::Congestion => "Congestion",
        HangupCause::NoAck => "NoAck",
        HangupCause::Administrator => "Administrator",
        HangupCause::NotAcceptable => "NotAcceptable",
        HangupCause::MediaTimeout => "MediaTimeout",
    }
}

/// The log entry of `record`, read at `now` (which is `wall` seconds).
pub fn log_entry(record: &CallRecord, now: Instant, wall: i64) -> CallLogEntry {
    CallLogEntry {
        started_at: wall_of(record.started, now, wall),
        answered_at: record.answered.map(|a| wall_of(a, now, wall)),
        ended_at: wall_of(record.ended, now, wall),
        caller: record.labels.caller.clone(),
        callee: record.labels.callee.clone(),
        dialed: record.labels.dialed.clone(),
        trunk: record.trunk.clone(),
        cause: cause_word(record.cause).into(),
        side: record.side.map(|s| {
            match s {
                Side::Caller => "caller",
                Side::Callee => "callee",
            }
            .to_owned()
        }),
        status: record.status,
        attempts: record
            .attempts
            .iter()
            .map(|a| AttemptLog {
                target: a.target.clone(),
                result: result_word(&a.result),
            })
            .collect(),
        quality: record.quality.as_deref().cloned(),
    }
}

/// The live calls for the console, from the calls' snapshots.
pub fn live(snapshots: &[Snapshot], now: Instant, wall: i64) -> Vec<LiveCall> {
    snapshots
        .iter()
        .filter(|s| s.state != CallState::Ended)
        .map(|s| LiveCall {
            id: s.id.0,
            caller: s.caller.clone(),
            callee: s.callee.clone(),
            dialed: s.dialed.clone(),
            state: match s.state {
                CallState::Answered => "answered",
                _ => "ringing",
            }
            .into(),
            trunk: s.trunk.clone(),
            started_at: wall_of(s.started, now, wall),
            answered_at: s.answered.map(|a| wall_of(a, now, wall)),
            quality: s.quality.clone(),
        })
        .collect()
}
