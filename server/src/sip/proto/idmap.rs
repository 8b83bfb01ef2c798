//! Hash maps of the SIP core. Keyed by the ids this core hands out itself
//! (transactions, calls): peers do not choose them, so resistance to
//! chosen keys buys nothing there, and SipHash cost a few percent of the
//! SIP thread under load (BENCHMARKS.md). Keyed by what comes off the
//! wire (Call-ID, tags, branches): a peer chooses those, so the hash must
//! be keyed with secret random keys, as the standard one is; aHash is
//! (keys drawn from the OS at start-up, varied for each map) and hashes
//! short strings several times faster than SipHash-1-3.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Fibonacci hashing: one multiply spreads sequential ids over all bits.
const SPREAD: u64 = 0x9E37_79B9_7F4A_7C15;

#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(SPREAD);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(SPREAD);
    }
}

/// A map from one of our ids.
pub type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A map from what a peer sent (Call-IDs, tags, branches, user names).
pub type WireMap<K, V> = HashMap<K, V, ahash::RandomState>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn sequential_ids_land_in_distinct_buckets() {
        let build = BuildHasherDefault::<IdHasher>::default();
        // The low bits pick the bucket: 1024 consecutive ids fill 1024 buckets.
        let buckets: std::collections::HashSet<u64> =
            (0..1024u64).map(|id| build.hash_one(id) & 1023).collect();
        assert_eq!(buckets.len(), 1024);
        let mut map: IdMap<u64, u64> = IdMap::default();
        for id in 0..10_000 {
            map.insert(id, id * 2);
        }
        assert_eq!(map.get(&4321), Some(&8642));
    }
}
