//! A numbering plan: which numbers exist at all (lengths such as 10 for a
//! national number, or ranges such as 1000-1999 for users). Used to warn
//! about patterns no real number reaches. Pure: the console decides which
//! plan applies to which context.

use super::charset::CharSet;
use super::cover::accepted_at;
use super::pattern::DialPattern;

/// One kind of number that exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanEntry {
    /// Any number of exactly this many digits.
    Length(usize),
    /// The digit strings from `first` to `last`, both included, all of the
    /// same length (leading zeros count: `0100-0199`).
    Range { first: String, last: String },
}

/// Why a numbering plan was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("a number length must be at least 1")]
    ZeroLength,
    #[error("`{0}` is not a number made of digits")]
    NotDigits(String),
    #[error("the range {first}-{last} has ends of different lengths; split it by length")]
    LengthsDiffer { first: String, last: String },
    #[error("the range {first}-{last} ends before it starts")]
    Reversed { first: String, last: String },
}

/// The numbers that exist; empty means "unknown", and then no pattern is
/// judged unreachable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NumberingPlan {
    entries: Vec<PlanEntry>,
}

impl NumberingPlan {
    /// # Errors
    /// A [`PlanError`] for a zero length or a malformed range.
    pub fn new(entries: Vec<PlanEntry>) -> Result<NumberingPlan, PlanError> {
        for entry in &entries {
            match entry {
                PlanEntry::Length(0) => return Err(PlanError::ZeroLength),
                PlanEntry::Length(_) => {}
                PlanEntry::Range { first, last } => check_range(first, last)?,
            }
        }
        Ok(NumberingPlan { entries })
    }

    pub fn entries(&self) -> &[PlanEntry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The shortest, then lowest, number of the plan that `pattern`
    /// matches; `None` when no number of the plan does.
    pub fn first_number(&self, pattern: &DialPattern) -> Option<String> {
        self.entries
            .iter()
            .filter_map(|entry| match entry {
                PlanEntry::Length(len) => lowest_in(pattern, &"0".repeat(*len), &"9".repeat(*len)),
                PlanEntry::Range { first, last } => lowest_in(pattern, first, last),
            })
            .min_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)))
    }
}

fn check_range(first: &str, last: &str) -> Result<(), PlanError> {
    for end in [first, last] {
        if end.is_empty() || !end.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PlanError::NotDigits(end.to_owned()));
        }
    }
    let (first, last) = (first.to_owned(), last.to_owned());
    if first.len() != last.len() {
        return Err(PlanError::LengthsDiffer { first, last });
    }
    if first > last {
        return Err(PlanError::Reversed { first, last });
    }
    Ok(())
}

/// The lowest digit string between `low` and `high` (same length, both
/// included) that `pattern` matches.
fn lowest_in(pattern: &DialPattern, low: &str, high: &str) -> Option<String> {
    let len = low.len();
    if len < pattern.min_len() || pattern.max_len().is_some_and(|max| len > max) {
        return None;
    }
    let sets = (0..len)
        .map(|i| accepted_at(pattern, i).map(|set| set.intersection(CharSet::DIGITS)))
        .collect::<Option<Vec<_>>>()?;
    if sets.iter().any(|set| set.is_empty()) {
        return None;
    }
    let mut out = Vec::with_capacity(len);
    search(
        &sets,
        low.as_bytes(),
        high.as_bytes(),
        (true, true),
        &mut out,
    )
    .then(|| out.iter().map(|b| char::from(*b)).collect())
}

/// Depth-first, lowest digit first. Once a prefix is strictly inside the
/// range every completion is, so at most the two edge paths backtrack.
fn search(
    sets: &[CharSet],
    low: &[u8],
    high: &[u8],
    tight: (bool, bool),
    out: &mut Vec<u8>,
) -> bool {
    let i = out.len();
    let Some(set) = sets.get(i) else {
        return true;
    };
    for digit in set.chars() {
        if tight.0 && digit < low[i] {
            continue;
        }
        if tight.1 && digit > high[i] {
            break;
        }
        out.push(digit);
        if search(
            sets,
            low,
            high,
            (tight.0 && digit == low[i], tight.1 && digit == high[i]),
            out,
        ) {
            return true;
        }
        out.pop();
    }
    false
}
