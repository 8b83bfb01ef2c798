//! Runtime: one anchored call as its relay thread holds it. It owns the call's four sockets,
//! forwards each packet to the other leg by the latching rules of `proto::rtp::Latch`, and
//! tells its `proto::rtp::MediaWatch` when each side was last heard from, reporting a side
//! gone silent to the driver; in a call that converts DTMF, it reads the phone's event packets
//! instead of relaying them and writes event packets toward the phone (`Convert`). No SIP
//! here: what it knows of the call comes as `Control` messages. When to read and when to look
//! at the timer is the thread's (`worker`).
//!
//! Sends do not wait: a datagram the kernel cannot queue now is dropped, as the network would
//! drop it, rather than holding up the other direction.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc;

use super::{lock, Control, Pair, RelayEvent, Shared, Update, BATCH};
use crate::sip::proto::call::{CallId, MediaPorts, Side};
use crate::sip::proto::rtp::stats::Header;
use crate::sip::proto::rtp::{Detected, EventDetector, EventInjector, Latch, MediaWatch};
use crate::sip::runtime::batch::Batch;

/// DTMF conversion of a call: the events played toward one side (renumbering the stream
/// toward it to make room for them), and with an `info` trunk the phone's own events read
/// on that same side.
struct Convert {
    /// The RTP socket index (0 or 2) of the side the digits are played to: the phone's with
    /// an `info` trunk, the trunk's for a phone's INFOs.
    phone: usize,
    /// Reads the phone's events (an `info` trunk's call only).
    detector: Option<EventDetector>,
    injector: EventInjector,
}

/// Where a phone's DTMF INFOs would be played as events (an `rfc2833` trunk's side, with
/// its payload type), and the header of the last RTP packet relayed there, so that the
/// converter, made at the first such digit, continues that stream. Most calls never see
/// one: until then a call carries this, not a converter.
struct Play {
    /// The trunk's RTP socket index (0 or 2).
    side: usize,
    pt: u8,
    last: Option<Header>,
}

fn rtp_index(side: Side) -> usize {
    match side {
        Side::Caller => 0,
        Side::Callee => 2,
    }
}

/// Sockets and latches of one call: index 0 caller RTP, 1 caller RTCP, 2 callee RTP, 3 callee
/// RTCP. A packet on socket `i` goes out of socket `i ^ 2` (same kind, other leg). 488 bytes:
/// under the allocator's 512-byte class, which every anchored call pays for.
pub(super) struct Call {
    pub(super) socks: [UdpSocket; 4],
    latches: [Latch; 4],
    watch: MediaWatch,
    id: Option<CallId>,
    /// Boxed: few calls convert DTMF, and every call would carry its room.
    dtmf: Option<Box<Convert>>,
    /// Boxed for the same reason; set for calls to and from `rfc2833` trunks.
    play: Option<Box<Play>>,
    pub(super) shared: Arc<Shared>,
    pub(super) ports: MediaPorts,
    /// When the thread's timer looks at this call next. Packets only move the deadline
    /// later: the timer is set again when it must fire sooner, and a timer that fires early
    /// finds nothing due and is set again. Setting it on every packet would cost more than
    /// the packet.
    pub(super) armed: Option<Instant>,
}

impl Call {
    pub(super) fn new(caller: Pair, callee: Pair, shared: Arc<Shared>, ports: MediaPorts) -> Self {
        Self {
            socks: [caller.rtp, caller.rtcp, callee.rtp, callee.rtcp],
            latches: Default::default(),
            watch: MediaWatch::new(),
            id: None,
            dtmf: None,
            play: None,
            shared,
            ports,
            armed: None,
        }
    }

    /// Applies what the driver posted; `false` once the call is over.
    pub(super) fn take_posted(&mut self) -> bool {
        let Some(controls) = self.shared.take() else {
            return false;
        };
        for c in controls {
            self.control(c);
        }
        true
    }

    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        let injecting = self.dtmf.as_ref().and_then(|d| d.injector.poll_timeout());
        match (self.watch.poll_timeout(), injecting) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn control(&mut self, c: Control) {
        match c {
            Control::Attach(call) => self.id = Some(call),
            Control::Sdp(u) => {
                apply(&mut self.latches, u);
                let now = Instant::now();
                self.watch.on_sdp(u.side, now, u.hold);
                let mut m = lock(&self.shared.meter);
                m.hold(u.side, now, u.hold);
                m.clocks(&u.clocks);
            }
            Control::Watch(timeouts) => {
                let now = Instant::now();
                self.watch.start(now, timeouts);
                lock(&self.shared.meter).answered(now);
            }
            Control::Dtmf { phone, pt } => {
                self.dtmf = Some(Box::new(Convert {
                    phone: rtp_index(phone),
                    detector: Some(EventDetector::new(pt)),
                    injector: EventInjector::new(pt),
                }));
            }
            Control::Play { toward, pt } => {
                self.play = Some(Box::new(Play {
                    side: rtp_index(toward),
                    pt,
                    last: None,
                }));
            }
            #[cfg(test)]
            Control::Fault => panic!("a fault in call {:?}'s relaying", self.id),
            Control::Digit { toward, digit } => {
                let at = rtp_index(toward);
                if self.dtmf.is_none() {
                    if let Some(p) = self.play.take_if(|p| p.side == at) {
                        self.dtmf = Some(Box::new(Convert {
                            phone: at,
                            detector: None,
                            injector: EventInjector::continuing(p.pt, p.last),
                        }));
                    }
                }
                if let Some(d) = self.dtmf.as_mut().filter(|d| d.phone == at) {
                    d.injector.push(Instant::now(), digit);
                }
            }
        }
    }

    pub(super) fn handle_timeout(
        &mut self,
        now: Instant,
        events: &mpsc::UnboundedSender<RelayEvent>,
    ) {
        if let (Some(silent), Some(id)) = (self.watch.handle_timeout(now), self.id) {
            let _ = events.send(RelayEvent::MediaTimeout { id, silent });
        }
        if let Some(d) = self.dtmf.as_mut() {
            while let Some(packet) = d.injector.poll_transmit(now) {
                if let Some(dest) = self.latches[d.phone].destination() {
                    let _ = self.socks[d.phone].send_to(&packet, dest);
                }
            }
        }
    }

    /// Relays what socket `i` has queued, up to a batch; the rest waits for the thread's
    /// next turn, the socket still reported readable.
    pub(super) fn drain(
        &mut self,
        i: usize,
        batch: &mut Batch<BATCH>,
        events: &mpsc::UnboundedSender<RelayEvent>,
    ) {
        // An ICMP error from an earlier send surfaces here: nothing to relay.
        if batch.read_fd(&self.socks[i]).is_err() {
            return;
        }
        for (packet, source) in batch.packets() {
            self.relay(i, packet, source, events);
        }
    }

    fn relay(
        &mut self,
        i: usize,
        packet: &mut [u8],
        source: SocketAddr,
        events: &mpsc::UnboundedSender<RelayEvent>,
    ) {
        let side = if i < 2 { Side::Caller } else { Side::Callee };
        if !self.latches[i].accept(source) {
            lock(&self.shared.meter).refused(side);
            return;
        }
        // RTP only: RTCP is neither audio nor counted as such. Counted as it came, before a
        // DTMF conversion renumbers it.
        let rtp = i.is_multiple_of(2);
        if rtp {
            let now = Instant::now();
            self.watch.on_packet(side, now);
            lock(&self.shared.meter).received(side, now, packet);
        } else {
            // RTCP: its reception report says how the side hears what the relay sends it.
            lock(&self.shared.meter).rtcp(side, packet);
        }
        let out = i ^ 2;
        if let Some(p) = self.play.as_mut().filter(|p| rtp && out == p.side) {
            p.last = Header::parse(packet).or(p.last);
        }
        if let Some(d) = self.dtmf.as_mut() {
            if i == d.phone {
                // The phone's digits go to the trunk as INFO, not as RTP it was not offered.
                let detected = d.detector.as_mut().map(|det| det.on_packet(packet));
                if let Some(Detected::Event(digits)) = detected {
                    for digit in digits {
                        if let Some(id) = self.id {
                            let _ = events.send(RelayEvent::Digit {
                                id,
                                from: side,
                                digit,
                            });
                        }
                    }
                    return;
                }
            } else if out == d.phone {
                d.injector.forward(packet);
            }
        }
        let Some(dest) = self.latches[out].destination() else {
            return;
        };
        if let (true, Ok(n)) = (rtp, self.socks[out].send_to(packet, dest)) {
            let to = if i < 2 { Side::Callee } else { Side::Caller };
            lock(&self.shared.meter).sent(to, n);
        }
    }
}

/// New SDP from one side: where its RTP and RTCP (one port up, RFC 3550 §11, or where its
/// `a=rtcp` says, RFC 3605) now go. Either latch follows the same rules: an RTCP stream is
/// latched by the side's own RTCP.
fn apply(latches: &mut [Latch; 4], u: Update) {
    let base = match u.side {
        Side::Caller => 0,
        Side::Callee => 2,
    };
    let signalling = Some(u.signalling.ip());
    for (i, addr) in [(base, u.rtp), (base + 1, u.rtcp)] {
        let mut latch = Latch::new(signalling, u.symmetric_rtp);
        latch.set_sdp(addr, u.symmetric_rtp);
        latches[i] = latch;
    }
}
