//! Tests of the dial-plan matcher, one file per concern. Helpers here
//! panic on bad fixtures: a typo in a test should fail loudly.

mod explain;
mod matching;
mod order;
mod parse;
mod plan;
mod table;
mod warnings;

use super::DialPattern;

/// Parses a fixture in Asterisk form.
pub(super) fn pat(text: &str) -> DialPattern {
    DialPattern::parse(text).unwrap_or_else(|e| panic!("fixture {text:?}: {e}"))
}

/// Parses a space-separated list of fixtures.
pub(super) fn pats(list: &str) -> Vec<DialPattern> {
    list.split_whitespace().map(pat).collect()
}

/// Tiny deterministic generator (xorshift64) so property tests need no
/// extra dependency and fail reproducibly.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    pub(super) fn digits(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    /// A random valid pattern (or literal) in Asterisk form.
    pub(super) fn pattern(&mut self) -> DialPattern {
        const TOKENS: [&str; 12] = [
            "0", "1", "4", "6", "9", "X", "N", "Z", "[34]", "[45]", "[1-5]", "[35]",
        ];
        if self.below(5) == 0 {
            let len = 1 + self.below(5);
            return pat(&self.digits(len));
        }
        let mut text = String::from("_");
        for _ in 0..self.below(5) {
            text.push_str(TOKENS[self.below(TOKENS.len())]);
        }
        match self.below(3) {
            0 => text.push('.'),
            1 => text.push('!'),
            _ if text.len() == 1 => text.push('X'),
            _ => {}
        }
        pat(&text)
    }
}
