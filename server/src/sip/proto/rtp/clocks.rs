//! The RTP clock of each payload type of a call's audio, for the jitter of streams whose
//! clock is not 8000 Hz. Static payload types have theirs in RFC 3551 (table 4); dynamic
//! ones (96-127: Opus at 48000 Hz, L16, AMR-WB...) only in the SDP's `a=rtpmap`. RFC 4733
//! events are left out on purpose: an event repeats one timestamp while it lasts, which
//! would read as jitter that no listener hears.

/// Dynamic payload types a call's SDP maps that are kept: an offer lists a handful.
const MOST: usize = 8;

/// Payload type → RTP clock rate (Hz) of a call's audio.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PayloadClocks {
    dynamic: [(u8, u32); MOST],
    len: u8,
}

/// RFC 3551 table 4's audio payload types and their clock rates.
fn static_clock(pt: u8) -> Option<u32> {
    match pt {
        0 | 3 | 4 | 5 | 7 | 8 | 9 | 12 | 13 | 15 | 18 => Some(8000),
        6 => Some(16000),
        10 | 11 => Some(44100),
        14 => Some(90000),
        16 => Some(11025),
        17 => Some(22050),
        _ => None,
    }
}

impl PayloadClocks {
    /// Maps dynamic payload type `pt` of encoding `name` to `clock_hz`; ignored for a static
    /// type, for `telephone-event`, for a zero clock, and past `MOST` entries. A type mapped
    /// again takes the new clock (a later SDP wins).
    pub fn insert(&mut self, pt: u8, name: &str, clock_hz: u32) {
        if !(96..=127).contains(&pt)
            || clock_hz == 0
            || name.eq_ignore_ascii_case("telephone-event")
        {
            return;
        }
        self.put(pt, clock_hz);
    }

    /// Adds what `other` maps (its clock wins for a type both map).
    pub fn merge(&mut self, other: &PayloadClocks) {
        for &(pt, hz) in &other.dynamic[..usize::from(other.len)] {
            self.put(pt, hz);
        }
    }

    fn put(&mut self, pt: u8, clock_hz: u32) {
        let len = usize::from(self.len);
        if let Some(entry) = self.dynamic[..len].iter_mut().find(|(p, _)| *p == pt) {
            entry.1 = clock_hz;
        } else if len < MOST {
            self.dynamic[len] = (pt, clock_hz);
            self.len += 1;
        }
    }

    /// The clock of payload type `pt`; `None` for an event type or one nobody mapped.
    pub fn clock(&self, pt: u8) -> Option<u32> {
        static_clock(pt).or_else(|| {
            self.dynamic[..usize::from(self.len)]
                .iter()
                .find(|(p, _)| *p == pt)
                .map(|(_, hz)| *hz)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_types_have_rfc_3551_clocks_and_dynamic_ones_the_sdp_s() {
        let mut c = PayloadClocks::default();
        assert_eq!(c.clock(0), Some(8000));
        assert_eq!(
            c.clock(9),
            Some(8000),
            "G.722's RTP clock is 8000 (RFC 3551 §4.5.2)"
        );
        assert_eq!(c.clock(111), None);
        c.insert(111, "opus", 48000);
        c.insert(101, "telephone-event", 8000);
        c.insert(0, "PCMU", 16000);
        assert_eq!(c.clock(111), Some(48000));
        assert_eq!(c.clock(101), None, "events measure no jitter");
        assert_eq!(c.clock(0), Some(8000), "a static type keeps its clock");
        c.insert(111, "opus", 16000);
        assert_eq!(c.clock(111), Some(16000), "remapped");
    }

    #[test]
    fn it_holds_a_handful_and_merges() {
        let mut c = PayloadClocks::default();
        for pt in 96..120 {
            c.insert(pt, "L16", 16000);
        }
        assert_eq!(c.clock(96 + MOST as u8 - 1), Some(16000));
        assert_eq!(c.clock(96 + MOST as u8), None, "bounded");
        let mut other = PayloadClocks::default();
        other.insert(96, "L16", 44100);
        other.insert(125, "opus", 48000);
        let mut small = PayloadClocks::default();
        small.insert(97, "AMR-WB", 16000);
        small.merge(&other);
        assert_eq!(
            (small.clock(96), small.clock(97), small.clock(125)),
            (Some(44100), Some(16000), Some(48000))
        );
    }
}
