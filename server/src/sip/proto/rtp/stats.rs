//! Receive statistics of one RTP stream as the relay sees it (RFC 3550 §6.4.1, appendix A.1,
//! A.3 and A.8): packets and bytes, the extended highest sequence number against the first
//! to count the packets expected and lost, and the interarrival jitter. Sans-IO: the relay
//! hands each packet in with its arrival time, in the stream's timestamp units.
//!
//! - Jitter is measured on the audio payload types whose clock is known (`PayloadClocks`:
//!   RFC 3551's static types, and the dynamic ones the call's SDP maps, Opus at 48000 Hz for
//!   one), each in its own clock's units, and kept in seconds so that a change of codec
//!   carries it over. RFC 4733 events are left out: an event repeats one timestamp for its
//!   whole duration, which would read as jitter that no listener hears.
//! - A new SSRC starts a new source (the sender restarted): what the old one expected and
//!   lost is kept, its sequence numbers are not compared with the new ones.

use super::PayloadClocks;

/// RFC 3550 A.1: a jump of more than this many sequence numbers ahead is not loss but a
/// restart (or a stranger); two such packets in a row start the count again from them.
const MAX_DROPOUT: u16 = 3000;
/// Sequence numbers this far behind the highest are late packets, not a restart.
const MAX_MISORDER: u16 = 100;
const SEQ_MOD: u64 = 1 << 16;

/// The fields of an RTP header the statistics read (RFC 3550 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub payload_type: u8,
    pub seq: u16,
    pub timestamp: u32,
    pub ssrc: u32,
}

impl Header {
    /// The header of `packet`; `None` when it is not RTP version 2 (an RTCP packet sent to
    /// the RTP port, STUN, garbage).
    pub fn parse(packet: &[u8]) -> Option<Self> {
        let b = packet.get(..12)?;
        if b[0] >> 6 != 2 {
            return None;
        }
        let payload_type = b[1] & 0x7f;
        // 72-76 with the marker bit are RTCP's packet types (RFC 5761 §4).
        if (72..=76).contains(&payload_type) {
            return None;
        }
        Some(Self {
            payload_type,
            seq: u16::from_be_bytes([b[2], b[3]]),
            timestamp: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            ssrc: u32::from_be_bytes([b[8], b[9], b[10], b[11]]),
        })
    }
}

/// One source's sequence state (RFC 3550 A.1's `source`).
#[derive(Debug, Clone, Copy)]
struct Source {
    ssrc: u32,
    max_seq: u16,
    /// Wraps of the sequence number, times 2^16.
    cycles: u64,
    base_seq: u64,
    /// The sequence number after a large jump: one more from it and the count restarts.
    bad_seq: Option<u16>,
    received: u64,
}

impl Source {
    fn new(h: Header) -> Self {
        Self {
            ssrc: h.ssrc,
            max_seq: h.seq,
            cycles: 0,
            base_seq: u64::from(h.seq),
            bad_seq: None,
            received: 1,
        }
    }

    fn extended_max(&self) -> u64 {
        self.cycles + u64::from(self.max_seq)
    }

    fn expected(&self) -> u64 {
        (self.extended_max() + 1).saturating_sub(self.base_seq)
    }

    /// RFC 3550 A.1 `update_seq`, without the probation of a new source (the relay only
    /// takes packets from the latched source: a stranger's never reach here). False when the
    /// sender restarted its sequence numbers: the count starts again from `h`.
    fn update(&mut self, h: Header) -> bool {
        let delta = h.seq.wrapping_sub(self.max_seq);
        if delta < MAX_DROPOUT {
            if h.seq < self.max_seq {
                self.cycles += SEQ_MOD;
            }
            self.max_seq = h.seq;
        } else if delta <= u16::MAX - MAX_MISORDER {
            // A very large jump: the sender restarted without a new SSRC if the next packet
            // follows on from this one. This one is not counted: it may be a stray.
            if self.bad_seq == Some(h.seq) {
                return false;
            }
            self.bad_seq = Some(h.seq.wrapping_add(1));
            return true;
        }
        // Otherwise a duplicate or a late packet: counted, the maximum stays.
        self.received += 1;
        true
    }
}

/// The statistics of one stream into the relay.
#[derive(Debug, Clone, Default)]
pub struct RtpReceiver {
    /// Every datagram and its bytes, RTP or not.
    pub packets: u64,
    pub bytes: u64,
    source: Option<Source>,
    /// What earlier sources (SSRCs) of the stream expected and received.
    expected_before: u64,
    received_before: u64,
    /// Interarrival jitter (RFC 3550 A.8's `jitter`, unscaled), in seconds.
    jitter: f64,
    /// The arrival time (s), timestamp and clock (Hz) of the last packet jitter was measured
    /// on.
    last: Option<(f64, u32, u32)>,
}

impl RtpReceiver {
    pub fn new() -> Self {
        Self::default()
    }

    /// A datagram of `packet` arrived at `arrival`, in seconds since any fixed instant (only
    /// differences count); `clocks` says the RTP clock of its payload type.
    pub fn record(&mut self, packet: &[u8], arrival: f64, clocks: &PayloadClocks) {
        self.packets += 1;
        self.bytes += packet.len() as u64;
        let Some(h) = Header::parse(packet) else {
            return;
        };
        let same = match &mut self.source {
            Some(s) if s.ssrc == h.ssrc => s.update(h),
            _ => false,
        };
        if !same {
            if let Some(old) = self.source.take() {
                self.expected_before += old.expected();
                self.received_before += old.received;
            }
            self.source = Some(Source::new(h));
            self.last = None;
        }
        if let Some(hz) = clocks.clock(h.payload_type) {
            self.jitter_of(h.timestamp, arrival, hz);
        }
    }

    /// RFC 3550 A.8: D(i-1, i) = (R_i - R_{i-1}) - (S_i - S_{i-1}), J += (|D| - J) / 16, with
    /// the timestamps turned into seconds by their clock. A packet of another clock than the
    /// last (a codec change) starts the differences again.
    fn jitter_of(&mut self, timestamp: u32, arrival: f64, hz: u32) {
        if let Some((last_arrival, last_ts, last_hz)) = self.last {
            if last_hz == hz {
                // Timestamps wrap: their difference is read as a signed 32-bit number.
                let sent = f64::from(timestamp.wrapping_sub(last_ts) as i32) / f64::from(hz);
                let d = (arrival - last_arrival) - sent;
                self.jitter += (d.abs() - self.jitter) / 16.0;
            }
        }
        self.last = Some((arrival, timestamp, hz));
    }

    /// Packets the sequence numbers say were sent (RFC 3550 A.3).
    pub fn expected(&self) -> u64 {
        self.expected_before + self.source.map_or(0, |s| s.expected())
    }

    /// RTP packets counted toward loss.
    pub fn received(&self) -> u64 {
        self.received_before + self.source.map_or(0, |s| s.received)
    }

    /// Expected but not received; duplicates can make RFC 3550's figure negative, read as 0.
    pub fn lost(&self) -> u64 {
        self.expected().saturating_sub(self.received())
    }

    /// Interarrival jitter in the timestamp units of the last measured packet's clock (as RTCP
    /// reports it); 0 before any.
    pub fn jitter(&self) -> f64 {
        self.jitter * f64::from(self.last.map_or(0, |(_, _, hz)| hz))
    }

    /// Interarrival jitter in milliseconds.
    pub fn jitter_ms(&self) -> f64 {
        self.jitter * 1000.0
    }

    /// The clock of the last packet jitter was measured on: what this stream's receiver
    /// reports its jitter in.
    pub fn clock(&self) -> Option<u32> {
        self.last.map(|(_, _, hz)| hz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records `packet` arriving at `units` of an 8000 Hz clock: the RFC's examples' units.
    fn rec(r: &mut RtpReceiver, packet: &[u8], units: f64) {
        r.record(packet, units / 8000.0, &PayloadClocks::default());
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// A G.711 packet (payload type 0): 12 header bytes and 160 of audio.
    fn rtp(seq: u16, timestamp: u32, ssrc: u32) -> Vec<u8> {
        rtp_pt(0, seq, timestamp, ssrc)
    }

    fn rtp_pt(pt: u8, seq: u16, timestamp: u32, ssrc: u32) -> Vec<u8> {
        let mut p = vec![0x80, pt];
        p.extend_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&timestamp.to_be_bytes());
        p.extend_from_slice(&ssrc.to_be_bytes());
        p.resize(172, 0xff);
        p
    }

    /// Packets `seqs` of a 20 ms stream, each arriving exactly on time.
    fn on_time(r: &mut RtpReceiver, seqs: impl IntoIterator<Item = u16>) {
        for seq in seqs {
            let ts = u32::from(seq) * 160;
            rec(r, &rtp(seq, ts, 1), f64::from(ts));
        }
    }

    #[test]
    fn a_whole_stream_on_time_has_no_loss_and_no_jitter() {
        let mut r = RtpReceiver::new();
        on_time(&mut r, 0..500);
        assert_eq!((r.packets, r.bytes), (500, 500 * 172));
        assert_eq!((r.expected(), r.received(), r.lost()), (500, 500, 0));
        assert!(close(r.jitter(), 0.0), "{}", r.jitter());
    }

    #[test]
    fn missing_sequence_numbers_are_lost() {
        let mut r = RtpReceiver::new();
        on_time(&mut r, (0..10).filter(|s| *s != 3 && *s != 7));
        assert_eq!((r.expected(), r.received(), r.lost()), (10, 8, 2));
    }

    #[test]
    fn a_late_packet_is_not_lost_and_a_duplicate_does_not_go_negative() {
        let mut r = RtpReceiver::new();
        on_time(&mut r, [0, 1, 3, 2, 4, 4, 5]);
        assert_eq!((r.expected(), r.received(), r.lost()), (6, 7, 0));
    }

    #[test]
    fn the_sequence_number_wraps() {
        let mut r = RtpReceiver::new();
        for (n, seq) in [65534u16, 65535, 0, 2].into_iter().enumerate() {
            let ts = n as u32 * 160;
            rec(&mut r, &rtp(seq, ts, 1), f64::from(ts));
        }
        assert_eq!((r.expected(), r.received(), r.lost()), (5, 4, 1));
    }

    /// RFC 3550 A.8 by hand: on time (D = 0), then one packet 80 units (10 ms) late, D = 80:
    /// J = 80/16 = 5; the next on time again, 80 after it while its timestamp is 160 on,
    /// D = -80: J = 5 + (80 - 5)/16 = 9.6875; the next on time, D = 0: J = 9.6875 * 15/16.
    #[test]
    fn jitter_follows_rfc_3550_a8() {
        let mut r = RtpReceiver::new();
        rec(&mut r, &rtp(0, 0, 1), 1000.0);
        rec(&mut r, &rtp(1, 160, 1), 1160.0);
        assert!(close(r.jitter(), 0.0), "{}", r.jitter());
        rec(&mut r, &rtp(2, 320, 1), 1400.0);
        assert!(close(r.jitter(), 5.0), "{}", r.jitter());
        rec(&mut r, &rtp(3, 480, 1), 1480.0);
        assert!(close(r.jitter(), 9.6875), "{}", r.jitter());
        rec(&mut r, &rtp(4, 640, 1), 1640.0);
        assert!(close(r.jitter(), 9.6875 * 15.0 / 16.0));
        assert!((r.jitter_ms() - 9.6875 * 15.0 / 16.0 / 8.0).abs() < 1e-9);
    }

    #[test]
    fn timestamps_that_wrap_give_no_jitter() {
        let mut r = RtpReceiver::new();
        let start = u32::MAX - 159;
        rec(&mut r, &rtp(0, start, 1), 0.0);
        rec(&mut r, &rtp(1, start.wrapping_add(160), 1), 160.0);
        rec(&mut r, &rtp(2, start.wrapping_add(320), 1), 320.0);
        assert!(close(r.jitter(), 0.0), "{}", r.jitter());
    }

    #[test]
    fn dtmf_events_count_but_do_not_make_jitter() {
        let mut r = RtpReceiver::new();
        on_time(&mut r, 0..3);
        // An RFC 4733 event: one timestamp repeated while it lasts.
        for (n, seq) in (3u16..6).enumerate() {
            rec(&mut r, &rtp_pt(101, seq, 480, 1), 480.0 + 160.0 * n as f64);
        }
        assert!(close(r.jitter(), 0.0), "{}", r.jitter());
        assert_eq!((r.expected(), r.lost()), (6, 0));
    }

    #[test]
    fn a_new_ssrc_starts_a_new_count_and_keeps_the_old_one() {
        let mut r = RtpReceiver::new();
        on_time(&mut r, (0..10).filter(|s| *s != 5));
        // The sender restarts with another SSRC and random sequence numbers.
        for (n, seq) in (40_000u16..40_010).enumerate() {
            let ts = 9_000 + n as u32 * 160;
            rec(&mut r, &rtp(seq, ts, 2), f64::from(ts));
        }
        assert_eq!((r.expected(), r.received(), r.lost()), (20, 19, 1));
    }

    #[test]
    fn a_jump_without_a_new_ssrc_restarts_on_the_second_packet() {
        let mut r = RtpReceiver::new();
        on_time(&mut r, 0..10);
        on_time(&mut r, 20_000..20_010);
        // The first packet after the jump is not counted (it could have been a stray),
        // then the count goes on from it.
        assert_eq!(r.lost(), 0);
        assert_eq!(r.expected(), 10 + 9);
    }

    #[test]
    fn what_is_not_rtp_is_counted_but_not_measured() {
        let mut r = RtpReceiver::new();
        rec(&mut r, b"not rtp", 0.0);
        // An RTCP receiver report (packet type 201) on the RTP port.
        rec(&mut r, &[0x81, 201, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0], 0.0);
        assert_eq!((r.packets, r.expected()), (2, 0));
    }

    /// Opus (dynamic type 111, 48000 Hz clock, 20 ms = 960 units): one packet 10 ms late
    /// gives D = 10 ms, J = 10/16 ms, which RTCP would report as 480/16 = 30 units.
    #[test]
    fn a_dynamic_type_is_measured_in_the_clock_its_sdp_maps() {
        let mut clocks = PayloadClocks::default();
        clocks.insert(111, "opus", 48000);
        let mut r = RtpReceiver::new();
        let at = |n: u32| f64::from(n) * 0.020;
        r.record(&rtp_pt(111, 0, 0, 1), at(0), &clocks);
        r.record(&rtp_pt(111, 1, 960, 1), at(1), &clocks);
        r.record(&rtp_pt(111, 2, 1920, 1), at(2) + 0.010, &clocks);
        assert!(close(r.jitter_ms(), 10.0 / 16.0), "{}", r.jitter_ms());
        assert!(close(r.jitter(), 30.0), "{}", r.jitter());
        assert_eq!(r.clock(), Some(48000));
        // Unmapped, the same stream measures nothing.
        let mut blind = RtpReceiver::new();
        let none = PayloadClocks::default();
        blind.record(&rtp_pt(111, 0, 0, 1), at(0), &none);
        blind.record(&rtp_pt(111, 2, 1920, 1), at(2) + 0.010, &none);
        assert_eq!((blind.jitter_ms(), blind.clock()), (0.0, None));
    }

    /// A switch from G.711 (8000 Hz) to Opus (48000 Hz) mid-stream: the timestamps of the two
    /// clocks are not compared, and the jitter measured so far is carried over.
    #[test]
    fn a_change_of_clock_starts_the_differences_again() {
        let mut clocks = PayloadClocks::default();
        clocks.insert(111, "opus", 48000);
        let mut r = RtpReceiver::new();
        r.record(&rtp_pt(0, 0, 0, 1), 0.0, &clocks);
        r.record(&rtp_pt(0, 1, 160, 1), 0.030, &clocks);
        let before = r.jitter_ms();
        assert!(close(before, 10.0 / 16.0));
        r.record(&rtp_pt(111, 2, 123_456, 1), 0.050, &clocks);
        assert!(close(r.jitter_ms(), before), "no difference across clocks");
        r.record(&rtp_pt(111, 3, 123_456 + 960, 1), 0.070, &clocks);
        assert!(close(r.jitter_ms(), before * 15.0 / 16.0));
    }
}
