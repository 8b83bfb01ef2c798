//! Runtime: the task of one anchored call. It owns the call's four sockets, forwards each
//! packet to the other leg by the latching rules of `proto::rtp::Latch`, and tells its
//! `proto::rtp::MediaWatch` when each side was last heard from, reporting a side gone silent
//! to the driver; in a call that converts DTMF, it reads the phone's event packets instead of
//! relaying them and writes event packets toward the phone (`Convert`). No SIP here: what it
//! knows of the call comes as `Control` messages.

use std::time::{Duration, Instant};

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use std::sync::Mutex;

use super::{lock, Control, Pair, RelayEvent, Update};
use crate::sip::proto::call::Side;
use crate::sip::proto::rtp::{
    CallMeter, Detected, EventDetector, EventInjector, Latch, MediaWatch,
};

/// Largest datagram relayed: RTP over UDP stays under the path MTU.
const MAX_PACKET: usize = 2048;

/// Where the timer rests while nothing is due.
const IDLE: Duration = Duration::from_secs(3600);

/// DTMF conversion of a call with an `info` trunk: the phone's events are read, the trunk's
/// stream toward the phone is renumbered to make room for the events played to it.
struct Convert {
    /// The phone's RTP socket index (0 or 2).
    phone: usize,
    detector: EventDetector,
    injector: EventInjector,
}

fn rtp_index(side: Side) -> usize {
    match side {
        Side::Caller => 0,
        Side::Callee => 2,
    }
}

/// Sockets and latches of one call: index 0 caller RTP, 1 caller RTCP, 2 callee RTP, 3 callee
/// RTCP. A packet on socket `i` goes out of socket `i ^ 2` (same kind, other leg).
pub(super) async fn run(
    caller: &Pair,
    callee: &Pair,
    mut control: mpsc::UnboundedReceiver<Control>,
    events: mpsc::UnboundedSender<RelayEvent>,
    meter: &Mutex<CallMeter>,
) -> std::io::Result<()> {
    let socks = [
        UdpSocket::from_std(caller.rtp.try_clone()?)?,
        UdpSocket::from_std(caller.rtcp.try_clone()?)?,
        UdpSocket::from_std(callee.rtp.try_clone()?)?,
        UdpSocket::from_std(callee.rtcp.try_clone()?)?,
    ];
    let mut latches: [Latch; 4] = Default::default();
    let mut bufs = [[0u8; MAX_PACKET]; 4];
    let mut watch = MediaWatch::new();
    let mut id = None;
    let sleep = tokio::time::sleep(IDLE);
    tokio::pin!(sleep);
    let mut armed: Option<Instant> = None;
    let mut dtmf: Option<Convert> = None;
    loop {
        // Packets only move the deadline later: the timer is moved when it must fire sooner,
        // and a timer that fires early finds nothing due and is set again. Moving it on every
        // packet would cost more than the packet.
        let injecting = dtmf.as_ref().and_then(|d| d.injector.poll_timeout());
        let next = match (watch.poll_timeout(), injecting) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(due) = next {
            if armed.is_none_or(|a| due < a) {
                armed = Some(due);
                sleep.as_mut().reset(tokio::time::Instant::from_std(due));
            }
        }
        let [b0, b1, b2, b3] = &mut bufs;
        let (i, got) = tokio::select! {
            c = control.recv() => {
                let Some(c) = c else { return Ok(()) };
                match c {
                    Control::Attach(call) => id = Some(call),
                    Control::Sdp(u) => {
                        apply(&mut latches, u);
                        let now = Instant::now();
                        watch.on_sdp(u.side, now, u.hold);
                        let mut m = lock(meter);
                        m.hold(u.side, now, u.hold);
                        m.clocks(&u.clocks);
                    }
                    Control::Watch(timeouts) => {
                        let now = Instant::now();
                        watch.start(now, timeouts);
                        lock(meter).answered(now);
                    }
                    Control::Dtmf { phone, pt } => {
                        dtmf = Some(Convert {
                            phone: rtp_index(phone),
                            detector: EventDetector::new(pt),
                            injector: EventInjector::new(pt),
                        });
                    }
                    Control::Digit { toward, digit } => {
                        if let Some(d) = dtmf.as_mut().filter(|d| d.phone == rtp_index(toward)) {
                            d.injector.push(Instant::now(), digit);
                        }
                    }
                }
                continue;
            }
            () = &mut sleep, if armed.is_some() => {
                armed = None;
                let now = Instant::now();
                if let (Some(silent), Some(id)) = (watch.handle_timeout(now), id) {
                    let _ = events.send(RelayEvent::MediaTimeout { id, silent });
                }
                if let Some(d) = dtmf.as_mut() {
                    while let Some(packet) = d.injector.poll_transmit(now) {
                        if let Some(dest) = latches[d.phone].destination() {
                            let _ = socks[d.phone].send_to(&packet, dest).await;
                        }
                    }
                }
                continue;
            }
            r = socks[0].recv_from(b0) => (0, r),
            r = socks[1].recv_from(b1) => (1, r),
            r = socks[2].recv_from(b2) => (2, r),
            r = socks[3].recv_from(b3) => (3, r),
        };
        // An ICMP error from an earlier send surfaces here: nothing to relay.
        let Ok((len, source)) = got else { continue };
        if !latches[i].accept(source) {
            let side = if i < 2 { Side::Caller } else { Side::Callee };
            lock(meter).refused(side);
            continue;
        }
        // RTP only: RTCP is neither audio nor counted as such.
        let sides = match i {
            0 => Some((Side::Caller, Side::Callee)),
            2 => Some((Side::Callee, Side::Caller)),
            _ => None,
        };
        match (sides, i) {
            (Some((from, _)), _) => {
                let now = Instant::now();
                watch.on_packet(from, now);
                lock(meter).received(from, now, &bufs[i][..len]);
            }
            // RTCP: its reception report says how the side hears what the relay sends it.
            (None, 1) => lock(meter).rtcp(Side::Caller, &bufs[i][..len]),
            (None, _) => lock(meter).rtcp(Side::Callee, &bufs[i][..len]),
        }
        let out = i ^ 2;
        if let Some(d) = dtmf.as_mut() {
            if i == d.phone {
                // The phone's digits go to the trunk as INFO, not as RTP it was not offered.
                if let Detected::Event(digits) = d.detector.on_packet(&bufs[i][..len]) {
                    for digit in digits {
                        if let (Some(id), Some((from, _))) = (id, sides) {
                            let _ = events.send(RelayEvent::Digit { id, from, digit });
                        }
                    }
                    continue;
                }
            } else if out == d.phone {
                d.injector.forward(&mut bufs[i][..len]);
            }
        }
        if let Some(dest) = latches[out].destination() {
            let sent = socks[out].send_to(&bufs[i][..len], dest).await;
            if let (Some((_, to)), Ok(n)) = (sides, sent) {
                lock(meter).sent(to, n);
            }
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
