//! Reading a pattern as an administrator types it, with errors that say
//! what is wrong and where. Only syntax lives here: no matching, no sorting.
//!
//! Positions in errors are 1-based and count characters of the text the
//! administrator typed, so the console can point at them.

use super::charset::CharSet;
use super::pattern::Tail;

/// Asterisk's `AST_MAX_EXTENSION`: longer extensions are cut by Asterisk.
pub const MAX_PATTERN_LEN: usize = 80;

/// Why a pattern was refused. Every variant is the administrator's typing;
/// none is a fault of the program.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// Nothing but spaces, dashes or a lone `_`.
    #[error("the pattern is empty: type a number such as 1000 or a pattern such as 418.")]
    Empty,
    /// Longer than Asterisk accepts.
    #[error("the pattern has {length} characters; Asterisk accepts at most {MAX_PATTERN_LEN}")]
    TooLong { length: usize },
    /// Fits as typed, but not with the `_` the console adds (`418.` is
    /// stored as `_418.`): what is stored must read back.
    #[error(
        "the pattern has {typed} characters and is stored with a `_` in front, {}; Asterisk accepts at most {MAX_PATTERN_LEN}: remove a character",
        typed + 1
    )]
    TooLongWithUnderscore { typed: usize },
    /// A character that is neither dialable nor pattern syntax.
    #[error("invalid character `{found}` at position {position}: {}", invalid_hint(*.found, *.in_literal))]
    InvalidCharacter {
        found: char,
        position: usize,
        /// True when the text has no `_`, so wildcards are not allowed.
        in_literal: bool,
    },
    /// `[` without its `]`.
    #[error("unclosed `[` at position {position}: add the `]` that ends the set")]
    UnclosedSet { position: usize },
    /// `]` with no `[` before it.
    #[error("`]` at position {position} closes no `[`")]
    UnopenedSet { position: usize },
    /// `[]`.
    #[error("empty set `[]` at position {position}: list the digits it accepts, e.g. `[34]`")]
    EmptySet { position: usize },
    /// `[9-1]`.
    #[error("bad range `{low}-{high}` at position {position}: a range goes from low to high, e.g. `[{high}-{low}]`")]
    ReversedRange {
        low: char,
        high: char,
        position: usize,
    },
    /// `[1-]` or `[-5]`.
    #[error("incomplete range at position {position}: a range needs a character on both sides of `-`, e.g. `[1-5]`")]
    IncompleteRange { position: usize },
    /// `.` or `!` followed by something.
    #[error("`{wildcard}` must be the last character (it is at position {position}): it already stands for all the digits that follow")]
    WildcardNotLast { wildcard: char, position: usize },
}

fn invalid_hint(found: char, in_literal: bool) -> &'static str {
    let wildcard_like = matches!(found, 'N' | 'X' | 'Z' | '[' | ']' | '.' | '!');
    if in_literal && wildcard_like {
        "a number without `_` is taken literally; start it with `_` to use wildcards"
    } else if matches!(found, 'n' | 'x' | 'z') && in_literal {
        "wildcards are capital letters: X, Z, N"
    } else {
        "use digits, `*`, `#`, `+`, the wildcards X Z N, sets such as `[1-5]`, and `.` or `!` at the end"
    }
}

/// The parsed positions and tail of a pattern body (the text after `_`).
/// `offset` is how many typed characters precede `body`, for positions.
pub(super) fn parse_pattern_body(
    body: &str,
    offset: usize,
) -> Result<(Vec<CharSet>, Tail), PatternError> {
    let chars: Vec<char> = body.chars().collect();
    let mut positions = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let position = offset + i + 1;
        match c {
            // Asterisk ignores dashes outside sets: `_555-XXXX` is `_555XXXX`.
            '-' => {}
            'X' | 'x' => positions.push(CharSet::DIGITS),
            'Z' | 'z' => positions.push(CharSet::Z),
            'N' | 'n' => positions.push(CharSet::N),
            '.' | '!' => {
                // A trailing dash is eye candy, anything else is a mistake.
                if chars[i + 1..].iter().any(|c| *c != '-') {
                    return Err(PatternError::WildcardNotLast {
                        wildcard: c,
                        position,
                    });
                }
                let tail = if c == '.' {
                    Tail::OneOrMore
                } else {
                    Tail::ZeroOrMore
                };
                return finish(positions, tail);
            }
            '[' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|c| *c == ']')
                    .ok_or(PatternError::UnclosedSet { position })?;
                let members = &chars[i + 1..i + 1 + close];
                positions.push(parse_set(members, position)?);
                i += close + 1;
            }
            ']' => return Err(PatternError::UnopenedSet { position }),
            _ => positions.push(dialable(c, position, false)?),
        }
        i += 1;
    }
    finish(positions, Tail::Exact)
}

fn finish(positions: Vec<CharSet>, tail: Tail) -> Result<(Vec<CharSet>, Tail), PatternError> {
    if positions.is_empty() && tail == Tail::Exact {
        return Err(PatternError::Empty);
    }
    Ok((positions, tail))
}

/// The members between `[` (at 1-based `open`) and `]`. Inside a set `X`,
/// `N` and `Z` are plain letters for Asterisk; none is dialable, so we
/// refuse them rather than build a set no keypad can reach.
fn parse_set(members: &[char], open: usize) -> Result<CharSet, PatternError> {
    if members.is_empty() {
        return Err(PatternError::EmptySet { position: open });
    }
    let mut set = CharSet::EMPTY;
    let mut j = 0;
    while j < members.len() {
        let position = open + j + 1;
        let low = members[j];
        if low == '-' {
            return Err(PatternError::IncompleteRange { position });
        }
        let low_set = dialable(low, position, false)?;
        if members.get(j + 1) == Some(&'-') {
            let high = *members
                .get(j + 2)
                .ok_or(PatternError::IncompleteRange { position })?;
            dialable(high, position + 2, false)?;
            if high < low {
                return Err(PatternError::ReversedRange {
                    low,
                    high,
                    position,
                });
            }
            // Both ends are ASCII (checked by `dialable`), so the casts are exact.
            let range = CharSet::range(low as u8, high as u8).intersection(CharSet::DIALABLE);
            set = set.union(range);
            j += 3;
        } else {
            set = set.union(low_set);
            j += 1;
        }
    }
    Ok(set)
}

/// A literal number (no `_`): dialable characters, dashes ignored.
pub(super) fn parse_literal(text: &str) -> Result<Vec<CharSet>, PatternError> {
    let mut positions = Vec::new();
    for (i, c) in text.chars().enumerate() {
        if c != '-' {
            positions.push(dialable(c, i + 1, true)?);
        }
    }
    finish(positions, Tail::Exact).map(|(positions, _)| positions)
}

fn dialable(c: char, position: usize, in_literal: bool) -> Result<CharSet, PatternError> {
    let invalid = PatternError::InvalidCharacter {
        found: c,
        position,
        in_literal,
    };
    let byte = u8::try_from(c).map_err(|_| invalid.clone())?;
    if CharSet::DIALABLE.contains(byte) {
        Ok(CharSet::single(byte))
    } else {
        Err(invalid)
    }
}
