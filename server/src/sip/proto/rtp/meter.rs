//! The quality meter of one anchored call: per leg, the receive statistics of what that side
//! sends (`RtpReceiver`), what the relay sends it, an E-model MOS, and the one-way flag. The
//! relay feeds every RTP packet it forwards with the time it read; the driver reads the
//! figures for the live calls and, at the end, for the call log. Sans-IO.
//!
//! One-way audio: once the call is answered and while neither side holds, a side heard within
//! the last second while the other has sent nothing for more than 5 s. The flag is kept for
//! the log once seen, as it is the first thing an administrator asks about.

use std::time::{Duration, Instant};

use app::model::quality::{CallQuality, LegQuality};

use super::emodel;
use super::rtcp::{first_report, ReportBlock};
use super::stats::RtpReceiver;
use super::PayloadClocks;
use crate::sip::proto::call::Side;

/// Silence from one side, while the other talks, that makes a call one-way.
pub const ONE_WAY_AFTER: Duration = Duration::from_secs(5);
/// A side counts as talking when heard within this.
const TALKING: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Default)]
struct Leg {
    rx: RtpReceiver,
    tx_packets: u64,
    tx_bytes: u64,
    last_rx: Option<Instant>,
    hold: bool,
    /// The latest RTCP reception report this side sent: its view of what it receives.
    reported: Option<ReportBlock>,
    /// Datagrams on this side's ports from elsewhere than this side, refused by its latch.
    dropped: u64,
}

#[derive(Debug, Clone)]
pub struct CallMeter {
    /// The instant arrival times are counted from.
    epoch: Instant,
    legs: [Leg; 2],
    /// When one-way silence starts to count: the answer, or the last change of hold.
    calm_since: Option<Instant>,
    one_way_seen: Option<Side>,
    /// The clocks of the payload types both sides' SDP mapped.
    clocks: PayloadClocks,
}

fn at(side: Side) -> usize {
    match side {
        Side::Caller => 0,
        Side::Callee => 1,
    }
}

fn word(side: Side) -> String {
    match side {
        Side::Caller => "caller",
        Side::Callee => "callee",
    }
    .to_owned()
}

impl CallMeter {
    pub fn new(epoch: Instant) -> Self {
        Self {
            epoch,
            legs: Default::default(),
            calm_since: None,
            one_way_seen: None,
            clocks: PayloadClocks::default(),
        }
    }

    /// An RTP-port datagram from `side`, accepted at `now`.
    pub fn received(&mut self, side: Side, now: Instant, packet: &[u8]) {
        let arrival = now.saturating_duration_since(self.epoch).as_secs_f64();
        let leg = &mut self.legs[at(side)];
        leg.rx.record(packet, arrival, &self.clocks);
        leg.last_rx = Some(now);
        // Seen here, not only when someone reads the figures: the log keeps the flag of a call
        // nobody watched. A packet is when it can start, as one side must be heard.
        if self.one_way_seen.is_none() {
            self.one_way_seen = self.one_way_now(now);
        }
    }

    /// An RTCP-port datagram from `side`: its reception report, if it has one, is kept.
    pub fn rtcp(&mut self, side: Side, packet: &[u8]) {
        if let Some(report) = first_report(packet) {
            self.legs[at(side)].reported = Some(report);
        }
    }

    /// A datagram on `side`'s port (RTP or RTCP) from a source its latch refused. Counted
    /// here rather than in the latch, which new SDP replaces.
    pub fn refused(&mut self, side: Side) {
        self.legs[at(side)].dropped += 1;
    }

    /// Payload types an SDP of the call maps to a clock (Opus and other dynamic types).
    pub fn clocks(&mut self, clocks: &PayloadClocks) {
        self.clocks.merge(clocks);
    }

    /// A datagram of `len` bytes sent to `side`.
    pub fn sent(&mut self, side: Side, len: usize) {
        let leg = &mut self.legs[at(side)];
        leg.tx_packets += 1;
        leg.tx_bytes += len as u64;
    }

    /// The call is answered at `now`.
    pub fn answered(&mut self, now: Instant) {
        self.calm_since = Some(now);
    }

    /// New SDP from `side` at `now`: whether it holds the stream.
    pub fn hold(&mut self, side: Side, now: Instant, hold: bool) {
        let leg = &mut self.legs[at(side)];
        if leg.hold != hold {
            leg.hold = hold;
            if self.calm_since.is_some() {
                self.calm_since = Some(now);
            }
        }
    }

    /// The side alone heard at `now`, if the call is one-way now.
    fn one_way_now(&self, now: Instant) -> Option<Side> {
        let calm = self.calm_since?;
        if self.legs.iter().any(|l| l.hold) {
            return None;
        }
        let talking = |l: &Leg| {
            l.last_rx
                .is_some_and(|t| now.saturating_duration_since(t) <= TALKING)
        };
        let silent = |l: &Leg| {
            let since = l.last_rx.map_or(calm, |t| t.max(calm));
            now.saturating_duration_since(since) > ONE_WAY_AFTER
        };
        let [caller, callee] = &self.legs;
        if talking(caller) && silent(callee) {
            Some(Side::Caller)
        } else if talking(callee) && silent(caller) {
            Some(Side::Callee)
        } else {
            None
        }
    }

    /// The figures at `now`. `live`: the one-way flag says whether the call is one-way now;
    /// else whether it ever was (the call log's).
    pub fn quality(&mut self, now: Instant, live: bool) -> CallQuality {
        let now_one_way = self.one_way_now(now);
        if self.one_way_seen.is_none() {
            self.one_way_seen = now_one_way;
        }
        let flag = if live { now_one_way } else { self.one_way_seen };
        let [caller, callee] = &self.legs;
        CallQuality {
            caller: leg_quality(caller, callee),
            callee: leg_quality(callee, caller),
            one_way: flag.map(word),
        }
    }
}

/// `l`'s figures; `other` sends what `l` receives from the relay, whose clock `l`'s RTCP
/// reports its jitter in.
fn leg_quality(l: &Leg, other: &Leg) -> LegQuality {
    let expected = l.rx.expected();
    let lost = l.rx.lost();
    let mos = if expected == 0 {
        0
    } else {
        let loss = lost as f64 * 100.0 / expected as f64;
        // Two decimals kept in a whole number; MOS lies within 1-4.5.
        (emodel::mos(loss, l.rx.jitter_ms()) * 100.0).round() as u16
    };
    LegQuality {
        rx_packets: l.rx.packets,
        rx_bytes: l.rx.bytes,
        tx_packets: l.tx_packets,
        tx_bytes: l.tx_bytes,
        expected,
        lost,
        jitter_us: (l.rx.jitter_ms() * 1000.0).round() as u64,
        mos_centi: mos,
        reported_lost: l.reported.map(|r| i64::from(r.cumulative_lost)),
        reported_jitter_us: l.reported.map(|r| {
            let hz = other.rx.clock().unwrap_or(8000);
            (f64::from(r.jitter) * 1_000_000.0 / f64::from(hz)).round() as u64
        }),
        dropped: l.dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rtp(seq: u16) -> Vec<u8> {
        let mut p = vec![0x80, 0];
        p.extend_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&(u32::from(seq) * 160).to_be_bytes());
        p.extend_from_slice(&7u32.to_be_bytes());
        p.resize(172, 0);
        p
    }

    const PTIME: Duration = Duration::from_millis(20);

    /// `side` sends packets `seqs` on time from `t0`, each forwarded to the other side.
    fn stream(m: &mut CallMeter, side: Side, t0: Instant, seqs: impl IntoIterator<Item = u16>) {
        let other = match side {
            Side::Caller => Side::Callee,
            Side::Callee => Side::Caller,
        };
        for seq in seqs {
            let p = rtp(seq);
            m.received(side, t0 + PTIME * u32::from(seq), &p);
            m.sent(other, p.len());
        }
    }

    #[test]
    fn a_clean_call_reads_whole_with_a_good_mos() {
        let t0 = Instant::now();
        let mut m = CallMeter::new(t0);
        m.answered(t0);
        // Both ways at once, as a call goes: the callee loses one packet in a hundred.
        for seq in 0..500 {
            stream(&mut m, Side::Caller, t0, [seq]);
            if seq % 100 != 0 {
                stream(&mut m, Side::Callee, t0, [seq]);
            }
        }
        let q = m.quality(t0 + PTIME * 500, false);
        assert_eq!(q.caller.rx_packets, 500);
        assert_eq!(q.caller.rx_bytes, 500 * 172);
        assert_eq!((q.caller.expected, q.caller.lost), (500, 0));
        assert_eq!(
            q.caller.tx_packets, 495,
            "the callee's audio, sent to the caller"
        );
        assert_eq!(q.callee.tx_packets, 500);
        assert_eq!(q.caller.mos_centi, 440);
        assert_eq!(q.caller.jitter_us, 0);
        // Packets 100, 200, 300, 400 lost of 0-499 (0 is the first: not lost but missing
        // before the count starts, RFC 3550's base).
        assert_eq!((q.callee.expected, q.callee.lost), (499, 4));
        assert_eq!(q.one_way, None);
    }

    #[test]
    fn audio_one_way_for_more_than_5_s_is_flagged_and_kept_for_the_log() {
        let t0 = Instant::now();
        let mut m = CallMeter::new(t0);
        m.answered(t0);
        stream(&mut m, Side::Caller, t0, 0..300);
        // 5 s in: not yet.
        assert_eq!(m.quality(t0 + Duration::from_secs(5), true).one_way, None);
        let q = m.quality(t0 + Duration::from_millis(5_990), true);
        assert_eq!(q.one_way.as_deref(), Some("caller"));
        // The callee starts sending: live it is over, the log keeps it.
        let t1 = t0 + Duration::from_secs(6);
        m.received(Side::Callee, t1, &rtp(0));
        assert_eq!(m.quality(t1, true).one_way, None);
        assert_eq!(m.quality(t1, false).one_way.as_deref(), Some("caller"));
    }

    #[test]
    fn the_log_keeps_a_one_way_spell_that_nobody_watched() {
        let t0 = Instant::now();
        let mut m = CallMeter::new(t0);
        m.answered(t0);
        // 8 s of the caller alone, then both ways: no one read the figures meanwhile.
        stream(&mut m, Side::Caller, t0, 0..400);
        stream(&mut m, Side::Callee, t0, 400..600);
        stream(&mut m, Side::Caller, t0, 400..600);
        let end = t0 + PTIME * 600;
        assert_eq!(m.quality(end, true).one_way, None, "both ways at the end");
        assert_eq!(m.quality(end, false).one_way.as_deref(), Some("caller"));
    }

    #[test]
    fn before_the_answer_and_on_hold_one_way_audio_is_expected() {
        let t0 = Instant::now();
        let mut m = CallMeter::new(t0);
        // Early media (a ringback or an announcement) flows one way only.
        stream(&mut m, Side::Callee, t0, 0..400);
        assert_eq!(m.quality(t0 + PTIME * 400, true).one_way, None);
        m.answered(t0 + PTIME * 400);
        // Held: the holder's music plays one way.
        m.hold(Side::Caller, t0 + PTIME * 400, true);
        stream(&mut m, Side::Callee, t0, 400..1000);
        assert_eq!(m.quality(t0 + PTIME * 1000, false).one_way, None);
        // Resumed: the silence counts from the resume.
        m.hold(Side::Caller, t0 + PTIME * 1000, false);
        stream(&mut m, Side::Callee, t0, 1000..1200);
        assert_eq!(m.quality(t0 + PTIME * 1200, true).one_way, None, "4 s");
        stream(&mut m, Side::Callee, t0, 1200..1310);
        assert_eq!(
            m.quality(t0 + PTIME * 1310, true).one_way.as_deref(),
            Some("callee")
        );
    }

    #[test]
    fn a_lossy_stream_has_a_lower_mos() {
        let t0 = Instant::now();
        let mut m = CallMeter::new(t0);
        stream(&mut m, Side::Caller, t0, (0..1000).filter(|s| s % 20 != 7));
        let q = m.quality(t0 + PTIME * 1000, false);
        assert_eq!((q.caller.expected, q.caller.lost), (1000, 50));
        assert_eq!(q.caller.mos_centi, 390, "5 % loss");
    }
}
