//! What an unmatched incoming call may cost the store: each field cut to a length a person can
//! read, and a token bucket per source address, so datagrams forged with a provider's address
//! cannot fill the disk (issue 17). Must not do I/O or read the clock: `now` is an argument.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Longest DID or trunk name recorded, in characters; longer ones end in `…`. No DID in any
/// numbering plan comes near it (E.164 has 15 digits, with prefixes a few more).
pub const MAX_DID: usize = 64;
/// Longest reason recorded: the dial plan's sentence, which may quote the DID.
pub const MAX_REASON: usize = 200;

/// Records one source may make at once, after being quiet.
const BURST: f64 = 20.0;
/// Records one source may make per second in the long run: one every six seconds is far more
/// than wrong DIDs a real provider sends, and 14,400 rows a day at worst.
const PER_SECOND: f64 = 1.0 / 6.0;
/// Sources whose buckets are kept at most; past it, new sources are not recorded until a
/// sweep frees room (a flood from spoofed addresses must not grow this map either).
const MAX_SOURCES: usize = 4096;

/// `s` cut to `max` characters, the last of them `…` when it was longer.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max.saturating_sub(1)) {
        Some((cut, _)) if s.chars().nth(max).is_some() => {
            let mut out = String::with_capacity(cut + 3);
            out.push_str(&s[..cut]);
            out.push('…');
            out
        }
        _ => s.to_owned(),
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Decides which unmatched calls are recorded: a token bucket per source address.
#[derive(Debug, Default)]
pub struct RecordLimit {
    buckets: HashMap<IpAddr, Bucket>,
    /// Unmatched calls not recorded since start, for `sip show stats`.
    pub dropped: u64,
}

impl RecordLimit {
    /// True when an unmatched call from `source` at `now` may be recorded; counts it otherwise.
    pub fn admit(&mut self, now: Instant, source: IpAddr) -> bool {
        if !self.buckets.contains_key(&source) && self.buckets.len() >= MAX_SOURCES {
            self.sweep(now);
        }
        let room = self.buckets.len() < MAX_SOURCES;
        let admitted = match self.buckets.get_mut(&source) {
            Some(b) => {
                let refill = now.saturating_duration_since(b.at).as_secs_f64() * PER_SECOND;
                b.tokens = (b.tokens + refill).min(BURST);
                b.at = now;
                if b.tokens >= 1.0 {
                    b.tokens -= 1.0;
                    true
                } else {
                    false
                }
            }
            None if room => {
                let bucket = Bucket {
                    tokens: BURST - 1.0,
                    at: now,
                };
                self.buckets.insert(source, bucket);
                true
            }
            None => false,
        };
        if !admitted {
            self.dropped += 1;
        }
        admitted
    }

    /// Forgets sources whose bucket has refilled: they are as new ones.
    fn sweep(&mut self, now: Instant) {
        let full = Duration::from_secs_f64(BURST / PER_SECOND);
        self.buckets
            .retain(|_, b| now.saturating_duration_since(b.at) < full);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_fields_are_cut_with_an_ellipsis() {
        assert_eq!(clip("4185550000", MAX_DID), "4185550000");
        let exact = "1".repeat(MAX_DID);
        assert_eq!(clip(&exact, MAX_DID), exact);
        let cut = clip(&"9".repeat(6000), MAX_DID);
        assert_eq!(cut.chars().count(), MAX_DID);
        assert!(cut.ends_with("99…"));
        assert_eq!(clip("éééé", 3), "éé…");
    }

    #[test]
    fn a_flood_from_one_source_is_recorded_at_the_bucket_rate() {
        let t0 = Instant::now();
        let mut limit = RecordLimit::default();
        let provider: IpAddr = "192.0.2.10".parse().expect("ip");
        let recorded = (0..20_000).filter(|_| limit.admit(t0, provider)).count();
        assert_eq!(recorded, BURST as usize);
        assert_eq!(limit.dropped, 20_000 - BURST as u64);
        // Six seconds later one more; another source is not held back by the first.
        assert!(limit.admit(t0 + Duration::from_secs(6), provider));
        assert!(!limit.admit(t0 + Duration::from_secs(6), provider));
        assert!(limit.admit(t0, "192.0.2.11".parse().expect("ip")));
    }

    #[test]
    fn spoofed_sources_do_not_grow_the_table() {
        let t0 = Instant::now();
        let mut limit = RecordLimit::default();
        let recorded = (0..20_000u32)
            .filter(|i| limit.admit(t0, IpAddr::from(i.to_be_bytes())))
            .count();
        assert_eq!(recorded, MAX_SOURCES);
        assert_eq!(limit.buckets.len(), MAX_SOURCES);
        // Once their buckets have refilled, the old sources make room for new ones.
        let later = t0 + Duration::from_secs_f64(BURST / PER_SECOND + 1.0);
        assert!(limit.admit(later, "198.51.100.1".parse().expect("ip")));
        assert_eq!(limit.buckets.len(), 1);
    }
}
