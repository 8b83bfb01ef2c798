//! Why a number does not match a pattern, in a sentence the route tester
//! can show as the administrator types ("`_418.` needs at least one digit
//! after 418"). Diagnoses one pattern against one number; which pattern
//! wins is `order`'s business.

use std::fmt;

use super::charset::CharSet;
use super::pattern::{accepts, dialed, DialPattern, Tail};

/// The first reason `number` does not match `pattern`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// Asterisk form of the pattern, e.g. `_6XX1`.
    pub pattern: String,
    /// The number as it takes part in matching (dashes removed).
    pub number: String,
    pub reason: MismatchReason,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MismatchReason {
    /// The character at 1-based `position` is not one the pattern accepts.
    WrongCharacter {
        position: usize,
        found: char,
        wanted: CharSet,
    },
    /// The number stops where the pattern's `.` needs one more digit.
    NeedsOneMore,
    /// Fewer digits than the pattern's fixed positions; `open_ended` when
    /// the pattern also accepts longer numbers.
    TooShort {
        have: usize,
        need: usize,
        open_ended: bool,
    },
    /// More digits than a pattern without wildcard allows.
    TooLong { have: usize, allowed: usize },
}

impl DialPattern {
    /// Why `number` does not match, or `None` when it does. A wrong digit
    /// is reported before a wrong length, since it is usually the real
    /// mistake (`_6XX1` and 7: "digit 1 is 7", not "too short").
    pub fn mismatch(&self, number: &str) -> Option<Mismatch> {
        let digits = dialed(number);
        let reason = reason(self, &digits)?;
        Some(Mismatch {
            pattern: self.as_asterisk().to_owned(),
            number: digits.iter().collect(),
            reason,
        })
    }
}

fn reason(pattern: &DialPattern, digits: &[char]) -> Option<MismatchReason> {
    let positions = pattern.positions();
    let wrong = positions
        .iter()
        .zip(digits)
        .position(|(set, c)| !accepts(*set, *c));
    if let Some(i) = wrong {
        return Some(MismatchReason::WrongCharacter {
            position: i + 1,
            found: digits[i],
            wanted: positions[i],
        });
    }
    let (have, fixed) = (digits.len(), positions.len());
    match pattern.tail() {
        tail if have < fixed => Some(MismatchReason::TooShort {
            have,
            need: pattern.min_len(),
            open_ended: tail != Tail::Exact,
        }),
        Tail::OneOrMore if have == fixed => Some(MismatchReason::NeedsOneMore),
        Tail::Exact if have > fixed => Some(MismatchReason::TooLong {
            have,
            allowed: fixed,
        }),
        _ => None,
    }
}

fn noun(c: char) -> &'static str {
    if c.is_ascii_digit() {
        "digit"
    } else {
        "character"
    }
}

fn digits(n: usize) -> &'static str {
    if n == 1 {
        "digit"
    } else {
        "digits"
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (pattern, number) = (&self.pattern, &self.number);
        match &self.reason {
            MismatchReason::WrongCharacter {
                position,
                found,
                wanted,
            } => write!(
                f,
                "{} {position} is {found} but `{pattern}` wants {wanted}",
                noun(*found)
            ),
            MismatchReason::NeedsOneMore if number.is_empty() => {
                write!(f, "`{pattern}` needs at least one digit")
            }
            MismatchReason::NeedsOneMore => {
                write!(f, "`{pattern}` needs at least one digit after {number}")
            }
            MismatchReason::TooShort {
                have,
                need,
                open_ended,
            } => {
                let at_least = if *open_ended { "at least " } else { "" };
                let has = match have {
                    0 => "no number was given".to_owned(),
                    _ => format!("{number} has only {have}"),
                };
                write!(
                    f,
                    "`{pattern}` needs {at_least}{need} {} but {has}",
                    digits(*need)
                )
            }
            MismatchReason::TooLong { have, allowed } => write!(
                f,
                "`{pattern}` matches exactly {allowed} {} but {number} has {have}",
                digits(*allowed)
            ),
        }
    }
}
