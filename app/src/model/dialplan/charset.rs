//! The set of characters one position of a pattern accepts, as a bitmap
//! over ASCII. A literal digit is a set of one, so the sort weight of every
//! position is computed the same way (Asterisk gives `4` and `[4]` the same
//! weight too). Pure data: no parsing, no matching policy.

use std::fmt;

/// A set of ASCII characters; bit `c` stands for character `c`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct CharSet(u128);

impl CharSet {
    pub const EMPTY: CharSet = CharSet(0);
    /// `X`: any digit.
    pub const DIGITS: CharSet = CharSet::range(b'0', b'9');
    /// `Z`: 1 to 9.
    pub const Z: CharSet = CharSet::range(b'1', b'9');
    /// `N`: 2 to 9.
    pub const N: CharSet = CharSet::range(b'2', b'9');
    /// What a telephone keypad (or a `+` for international numbers) can send.
    /// This is the alphabet `.` and `!` stand for when we reason about which
    /// numbers a pattern covers.
    pub const DIALABLE: CharSet =
        CharSet(CharSet::DIGITS.0 | (1 << b'*' as u32) | (1 << b'#' as u32) | (1 << b'+' as u32));

    /// The characters `low..=high`; empty when `low > high` or either is not ASCII.
    pub const fn range(low: u8, high: u8) -> CharSet {
        if low > high || high > 127 {
            return CharSet::EMPTY;
        }
        let width = (high - low) as u32 + 1;
        let ones = if width == 128 {
            u128::MAX
        } else {
            (1u128 << width) - 1
        };
        CharSet(ones << low as u32)
    }

    pub const fn single(c: u8) -> CharSet {
        CharSet::range(c, c)
    }

    pub fn union(self, other: CharSet) -> CharSet {
        CharSet(self.0 | other.0)
    }

    pub fn intersection(self, other: CharSet) -> CharSet {
        CharSet(self.0 & other.0)
    }

    pub fn contains(self, c: u8) -> bool {
        c < 128 && self.0 & (1 << c as u32) != 0
    }

    pub fn is_subset_of(self, other: CharSet) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Lowest character, or `None` for the empty set.
    pub fn lowest(self) -> Option<u8> {
        // trailing_zeros < 128 whenever the set is non-empty, so it fits a u8.
        (!self.is_empty()).then(|| self.0.trailing_zeros() as u8)
    }

    /// The single character of a one-character set.
    pub fn as_single(self) -> Option<u8> {
        if self.len() == 1 {
            self.lowest()
        } else {
            None
        }
    }

    /// Asterisk's sort weight of a position: number of characters in bits
    /// 8-15, lowest character in bits 0-7 (so `X` = 0x0A30, `N` = 0x0832).
    pub fn weight(self) -> u32 {
        (self.len() << 8) | u32::from(self.lowest().unwrap_or(0))
    }

    /// Tie-break between two sets of equal weight: the set holding the
    /// lowest character the other lacks sorts first (Asterisk compares
    /// bitmaps whose most significant bit is the lowest character).
    pub fn cmp_bitmap(self, other: CharSet) -> std::cmp::Ordering {
        let diff = self.0 ^ other.0;
        if diff == 0 {
            return std::cmp::Ordering::Equal;
        }
        let first_difference = diff.trailing_zeros();
        if self.0 & (1 << first_difference) != 0 {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Greater
        }
    }

    /// The characters in ascending order.
    pub fn chars(self) -> impl Iterator<Item = u8> {
        (0u8..128).filter(move |c| self.contains(*c))
    }
}

/// How an administrator reads the set: `1`, `a digit from 2 to 9`,
/// `one of 3, 4`, `one of 1-3, 7`.
impl fmt::Display for CharSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(c) = self.as_single() {
            return write!(f, "{}", char::from(c));
        }
        let runs = runs(*self);
        if let [(low, high)] = runs[..] {
            if low.is_ascii_digit() && high.is_ascii_digit() && high - low >= 2 {
                return write!(
                    f,
                    "a digit from {} to {}",
                    char::from(low),
                    char::from(high)
                );
            }
        }
        f.write_str("one of ")?;
        for (i, (low, high)) in runs.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match high - low {
                0 => write!(f, "{}", char::from(*low))?,
                1 => write!(f, "{}, {}", char::from(*low), char::from(*high))?,
                _ => write!(f, "{}-{}", char::from(*low), char::from(*high))?,
            }
        }
        Ok(())
    }
}

/// Consecutive characters grouped as `(first, last)` runs.
fn runs(set: CharSet) -> Vec<(u8, u8)> {
    let mut out: Vec<(u8, u8)> = Vec::new();
    for c in set.chars() {
        match out.last_mut() {
            Some((_, high)) if *high + 1 == c => *high = c,
            _ => out.push((c, c)),
        }
    }
    out
}
