//! A lab endpoint's RTCP receiver reports (RFC 3550 §6.4.2), as a phone
//! sends them: the reception statistics of the one stream it hears, kept
//! as RFC 3550 appendix A.3 and A.8 count them, written into a compound
//! packet (RR, then SDES with a CNAME, §6.1). The endpoint may lose a known
//! share of what arrives on purpose, so that the loss it reports is a
//! figure the test chose, not the network's.

/// What one receiver report said of the stream (RFC 3550 §6.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub source: u32,
    pub fraction_lost: u8,
    pub cumulative_lost: i32,
    /// Extended highest sequence number received.
    pub highest_seq: u32,
    /// Interarrival jitter in the stream's timestamp units (8000 Hz).
    pub jitter: u32,
}

/// Reception statistics of one stream (the first SSRC heard).
#[derive(Debug, Default)]
pub struct Reception {
    /// Every `lose_every`-th packet by sequence number (0: none) is taken
    /// as lost: not counted as received, as if the network had dropped it.
    pub lose_every: u16,
    /// Packets taken as lost on purpose.
    pub lost_on_purpose: u32,
    source: Option<u32>,
    base_seq: u32,
    /// Extended highest sequence number (cycles in the upper 16 bits).
    max_seq: u32,
    received: u32,
    /// Transit time of the previous packet, in timestamp units.
    transit: Option<f64>,
    jitter: f64,
    expected_prior: u32,
    received_prior: u32,
}

impl Reception {
    pub fn lose_every(n: u16) -> Self {
        Reception {
            lose_every: n,
            ..Reception::default()
        }
    }

    /// An RTP packet of `ssrc`, `arrival` seconds into the endpoint's life.
    pub fn record(&mut self, ssrc: u32, seq: u16, timestamp: u32, arrival: f64) {
        if *self.source.get_or_insert(ssrc) != ssrc {
            return;
        }
        if self.lose_every > 0 && seq % self.lose_every == self.lose_every - 1 {
            self.lost_on_purpose += 1;
            return;
        }
        let seq = u32::from(seq);
        if self.received == 0 {
            self.base_seq = seq;
            self.max_seq = seq;
        } else {
            // Within half the sequence space ahead: the stream went on,
            // wrapping when the low half falls behind.
            let cycles = self.max_seq & !0xffff;
            let low = self.max_seq & 0xffff;
            let ahead = seq.wrapping_sub(low) & 0xffff;
            if ahead != 0 && ahead < 0x8000 {
                self.max_seq = if seq < low { cycles + 0x1_0000 } else { cycles } | seq;
            }
        }
        self.received += 1;
        // RFC 3550 A.8: J += (|D| - J) / 16, in timestamp units.
        let transit = arrival * 8000.0 - f64::from(timestamp);
        if let Some(prior) = self.transit.replace(transit) {
            let d = (transit - prior).abs();
            self.jitter += (d - self.jitter) / 16.0;
        }
    }

    /// The report of what was received so far (none before a packet), and
    /// the start of the next interval.
    pub fn report(&mut self) -> Option<Report> {
        let source = self.source.filter(|_| self.received > 0)?;
        let expected = self.max_seq - self.base_seq + 1;
        let lost = i64::from(expected) - i64::from(self.received);
        let expected_interval = expected - self.expected_prior;
        let received_interval = self.received - self.received_prior;
        self.expected_prior = expected;
        self.received_prior = self.received;
        let lost_interval = i64::from(expected_interval) - i64::from(received_interval);
        let fraction_lost = if expected_interval == 0 || lost_interval <= 0 {
            0
        } else {
            ((lost_interval << 8) / i64::from(expected_interval)).min(255) as u8
        };
        Some(Report {
            source,
            fraction_lost,
            // 24 bits, clamped as §6.4.1 says.
            cumulative_lost: lost.clamp(-0x80_0000, 0x7f_ffff) as i32,
            highest_seq: self.max_seq,
            jitter: self.jitter as u32,
        })
    }
}

/// The compound RTCP packet of `report` from `ssrc`: an RR with its one
/// block (no SR heard: LSR and DLSR 0), then SDES with CNAME `cname`.
pub fn receiver_report(ssrc: u32, report: &Report, cname: &str) -> Vec<u8> {
    let mut p = vec![0x81, 201, 0, 7];
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(&report.source.to_be_bytes());
    let lost = (report.cumulative_lost as u32) & 0xff_ffff;
    p.push(report.fraction_lost);
    p.extend_from_slice(&lost.to_be_bytes()[1..]);
    p.extend_from_slice(&report.highest_seq.to_be_bytes());
    p.extend_from_slice(&report.jitter.to_be_bytes());
    p.extend_from_slice(&[0; 8]);
    // SDES: SSRC, CNAME item, a null item ending the list, padded to 32 bits.
    let mut sdes = ssrc.to_be_bytes().to_vec();
    sdes.push(1);
    sdes.push(cname.len() as u8);
    sdes.extend_from_slice(cname.as_bytes());
    sdes.push(0);
    while !sdes.len().is_multiple_of(4) {
        sdes.push(0);
    }
    p.extend_from_slice(&[0x81, 202]);
    p.extend_from_slice(&((sdes.len() / 4) as u16).to_be_bytes());
    p.extend(sdes);
    p
}
