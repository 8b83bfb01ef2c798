//! The driver's UDP intake under load (issue 17): reads what the socket holds, sorts it into the
//! priority lanes (`proto::priority` decides the class) and hands one turn's worth to the
//! endpoint. Reading is cheap and handling is not, so the socket is emptied faster than a flood
//! fills it: a provider's or a call's datagram waits for one turn, not behind the flood in the
//! kernel's buffer, and what the lanes have no room for is dropped and counted.

use std::net::SocketAddr;
use std::time::Instant;

use super::Runtime;
use crate::sip::proto::priority::classify;
use crate::sip::proto::Transport;
use crate::sip::runtime::batch::Batch;

/// Most datagrams read off the socket in one turn: several times what a turn handles, so that
/// the socket is drained faster than it fills, and bounded so that a turn ends.
const DRAIN: usize = 256;

/// Datagrams one system call reads.
pub(super) const READ_AT_ONCE: usize = 16;

/// A slot per datagram as large as UDP allows (RFC 3261 §18.1.1 lets a message exceed the
/// MTU; `Limits` refuses what is too large after it is read whole, not cut).
pub(super) const SLOT: usize = 65_536;

/// What the driver reads into.
pub(super) type Intake = Batch<READ_AT_ONCE>;

impl Runtime {
    /// Sorts one datagram into its lane (or drops it: blocked address, no room).
    pub(super) fn take(&mut self, from: SocketAddr, bytes: &[u8]) {
        if self.refused(from) {
            return;
        }
        let known = self.is_known(from);
        let calls = &self.calls;
        let class = classify(known, bytes, |call_id| calls.has_call_id(call_id));
        self.lanes.push(class, from, bytes.to_vec());
    }

    /// Whether `from` is a trunk's provider or a registered phone.
    pub(super) fn is_known(&self, from: SocketAddr) -> bool {
        self.shield.trunks.contains(&from) || self.phones.contains(&from)
    }

    /// One turn: reads what the socket already holds (up to `DRAIN`), then handles the lanes'
    /// share for this turn, the known class first. The reads take up to `READ_AT_ONCE`
    /// datagrams each; one that takes fewer found the queue empty, so no failing read is
    /// needed to learn it.
    pub(super) fn udp_turn(&mut self, intake: &mut Intake) {
        let mut read = 0;
        while read < DRAIN {
            let Some(sock) = &self.udp else { break };
            // An error (an ICMP report of an earlier send, say) ends this turn's reading.
            if intake.read(sock).is_err() {
                break;
            }
            for (bytes, from) in intake.packets() {
                self.take(from, bytes);
            }
            read += intake.len();
            if intake.len() < READ_AT_ONCE {
                break;
            }
        }
        let mut turn = Vec::new();
        self.lanes.turn(&mut turn);
        let now = Instant::now();
        for (from, bytes) in turn {
            self.endpoint
                .handle_datagram(now, from, Transport::Udp, &bytes);
        }
    }
}
