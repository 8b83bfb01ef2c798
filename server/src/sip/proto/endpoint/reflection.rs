//! Endpoint reflection limit: a request's source address can be forged, so what a request the
//! TU has not accepted makes us send (100 Trying, a challenge or refusal, its retransmissions by
//! Timer G or on a retransmitted request, a stateless 400) stays within a ratio of the bytes
//! received for it, and such answers copy no oversized header (RFC 3261 §8.2.6.2 asks for Via,
//! From, To, Call-ID and CSeq only). Responses 101-299 are the TU's acceptance (an
//! authenticated caller, a known peer) and are not limited. Must not do I/O or read the clock.

use super::{Endpoint, Event, Key, Machine, TxId};
use crate::sip::proto::message::Response;
use crate::sip::proto::transaction::server_invite;

/// How much larger than a 100 Trying a final answer may be (a challenge and a To tag).
const FINAL_RESERVE: usize = 256;

/// True for the statuses by which the TU accepts a request.
pub(super) fn accepting(status: u16) -> bool {
    (101..300).contains(&status)
}

impl Endpoint {
    /// The most a peer's `bytes_in` bytes may make us send.
    fn reflection_budget(&self, bytes_in: usize) -> usize {
        bytes_in.saturating_mul(self.cfg.caps.max_reflection_percent) / 100
    }

    /// True if a response of `bytes_out` bytes to a `bytes_in`-byte message not tied to any
    /// transaction fits the ratio; counts it when not.
    pub(super) fn stateless_fits(&mut self, bytes_in: usize, bytes_out: usize) -> bool {
        let fits = bytes_out <= self.reflection_budget(bytes_in);
        if !fits {
            self.stats.held_back += 1;
        }
        fits
    }

    /// Keeps the sends of transaction `tx` that fit its budget; the rest are counted and
    /// dropped.
    pub(super) fn within_budget(&mut self, tx: TxId, sends: &mut Vec<Vec<u8>>) {
        let pct = self.cfg.caps.max_reflection_percent;
        let Some(entry) = self.txns.get_mut(&tx) else {
            return;
        };
        if entry.accepted || matches!(entry.key, Key::Client(_)) {
            return;
        }
        let budget = entry.bytes_in.saturating_mul(pct) / 100;
        // An INVITE not answered yet can only be sending its 100 Trying: that one must leave
        // room for the final answer still to come, or a slow TU's challenge would not fit.
        let unanswered = matches!(&entry.machine,
            Machine::ServerInvite(m) if m.state() == server_invite::State::Proceeding);
        let mut held_back = 0;
        sends.retain(|payload| {
            let reserve = if unanswered {
                payload.len() + FINAL_RESERVE
            } else {
                0
            };
            let fits = entry.bytes_out + payload.len() + reserve <= budget;
            if fits {
                entry.bytes_out += payload.len();
            } else {
                held_back += 1;
            }
            fits
        });
        self.stats.held_back += held_back;
    }

    /// Encodes a response that does not accept its request, small: past the size limit it
    /// keeps only the top Via (where our response goes, §18.2.2); `None`, counted, when even
    /// that is too large (an enormous From, To or top Via).
    pub(super) fn small_answer(&mut self, response: &mut Response) -> Option<Vec<u8>> {
        let limit = self.cfg.caps.max_unaccepted_response;
        let bytes = response.encode();
        if bytes.len() <= limit {
            return Some(bytes);
        }
        self.stats.oversized += 1;
        response.body.clear();
        response.headers.via.truncate(1);
        let bytes = response.encode();
        (bytes.len() <= limit).then_some(bytes)
    }

    /// Ends server transaction `tx` before its time (shed at a cap, or its answer too large to
    /// send). An INVITE one whose ACK has not come tells the TU, as Timer H would (§17.2.1).
    pub(super) fn end_early(&mut self, tx: TxId) {
        let Some(entry) = self.txns.get(&tx) else {
            return;
        };
        let waiting = matches!(&entry.machine, Machine::ServerInvite(m)
            if matches!(m.state(), server_invite::State::Proceeding | server_invite::State::Completed));
        if waiting {
            self.events.push_back(Event::Timeout { tx });
        }
        self.remove(tx);
    }
}
