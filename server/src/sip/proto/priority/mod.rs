//! Sans-IO priority of incoming datagrams under load (issue 17, "SIP under attack"): which
//! datagrams are served first, and the bounded queues that hold them meanwhile. Must not do I/O
//! or read the clock; the runtime reads the socket and hands each datagram here.
//!
//! Two classes. *Known*: from a configured trunk's provider or a registered phone (by address
//! and port, as chan_sip matches peers), or carrying the Call-ID of a call in progress (its
//! re-INVITEs, ACKs and BYEs, from wherever the peer sends them). *Unknown*: everything else,
//! which is what a scanner's flood is. Each turn the known class is served first; the unknown
//! class gets a bounded share, round-robin between sources with a small budget each, so one
//! flooding address neither starves calls nor takes the share of other unknown phones. When a
//! queue is full the datagram is dropped and counted: cheaper than the 401 or 503 a flood would
//! otherwise be answered with, and the kernel's buffer stays drained so that known datagrams do
//! not wait behind it.
//!
//! Classifying reads the source address, and for an unknown source the Call-ID line of the
//! head: no message is parsed for a datagram that may be dropped.

mod lanes;

#[cfg(test)]
mod tests;

pub use lanes::{LaneCaps, LaneStats, Lanes};

/// Which queue a datagram waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A trunk's provider, a registered phone, or a call in progress: served first.
    Known,
    /// A new request from an address we know nothing of (or its garbage).
    Unknown,
}

/// The class of a datagram from a source that is (`known_source`) or is not a trunk's provider
/// or a registered phone; `live_call` says whether a Call-ID belongs to a call in progress.
pub fn classify(known_source: bool, bytes: &[u8], live_call: impl FnOnce(&str) -> bool) -> Class {
    if known_source || call_id(bytes).is_some_and(live_call) {
        Class::Known
    } else {
        Class::Unknown
    }
}

/// Longest head read looking for the Call-ID: a usual message has it in its first kilobyte, and
/// a datagram that hides it further down is simply served as unknown.
const CALL_ID_SCAN: usize = 4096;

/// The Call-ID of a SIP message (long or compact form, §7.3.3), read off its header lines
/// without parsing them; `None` when it has none in its first `CALL_ID_SCAN` bytes.
pub fn call_id(bytes: &[u8]) -> Option<&str> {
    let head = &bytes[..bytes.len().min(CALL_ID_SCAN)];
    // The start line is no header: skip it.
    let mut lines = head
        .split(|&b| b == b'\n')
        .skip(1)
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        // The head ends at the empty line; a body may quote headers of its own.
        .take_while(|line| !line.is_empty());
    lines.find_map(|line| {
        let colon = line.iter().position(|&b| b == b':')?;
        let name = line[..colon].trim_ascii_end();
        let is_call_id = name.eq_ignore_ascii_case(b"Call-ID") || name.eq_ignore_ascii_case(b"i");
        if !is_call_id {
            return None;
        }
        let value = std::str::from_utf8(line[colon + 1..].trim_ascii()).ok()?;
        (!value.is_empty()).then_some(value)
    })
}
