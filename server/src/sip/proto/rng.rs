//! Sans-IO randomness: a seeded xorshift generator for branches, tags, nonces and cnonces.
//! Must not read OS entropy itself; the runtime seeds it, tests pass fixed seeds so runs repeat.

use super::auth::digest::push_hex;

/// xorshift64* generator. Not cryptographic: the values it makes (branch, tag, cnonce) only need
/// to be unique per RFC 3261 §8.1.1.7; the digest server's secret comes from the caller.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// Creates a generator; a zero seed is remapped because xorshift would stay at zero.
    pub fn new(seed: u64) -> Self {
        let state = if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        };
        Self { state }
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A lowercase hex token of `len` characters (at most 32), usable as tag or cnonce.
    pub fn token(&mut self, len: usize) -> String {
        // Every transaction we answer gets a tag: written digit by digit,
        // not through a format string.
        let mut s = String::with_capacity(32);
        for _ in 0..2 {
            push_hex(&mut s, self.next_u64(), 16);
        }
        s.truncate(len.min(32));
        s
    }

    /// A Via branch that starts with the RFC 3261 §8.1.1.7 magic cookie.
    pub fn branch(&mut self) -> String {
        format!("z9hG4bK{}", self.token(20))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_branch_has_cookie() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.next_u64(), b.next_u64());
        let branch = a.branch();
        assert!(branch.starts_with("z9hG4bK"));
        assert_eq!(branch.len(), 27);
        assert_ne!(Rng::new(0).next_u64(), 0);
        let (mut c, mut d) = (Rng::new(9), Rng::new(9));
        let token = c.token(20);
        assert_eq!(
            token,
            format!("{:016x}{:016x}", d.next_u64(), d.next_u64())[..20]
        );
    }
}
