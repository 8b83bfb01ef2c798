//! A dial-plan pattern or literal extension, parsed once and then matched
//! against dialed numbers with Asterisk's semantics (`pbx.c`,
//! `_extension_match_core`). Sorting lives in `order`, diagnostics in
//! `explain`; this module must not grow policy about which pattern wins.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::charset::CharSet;
use super::parse::{parse_literal, parse_pattern_body, PatternError, MAX_PATTERN_LEN};

/// Characters that make XiVO's console add the `_` to what the
/// administrator typed (and hide it again on display).
pub const XIVO_PATTERN_CHARS: [char; 8] = ['N', 'X', 'Z', '-', '[', ']', '!', '.'];

/// What a pattern accepts after its fixed positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tail {
    /// No wildcard: the number has exactly as many digits as positions.
    Exact,
    /// `.`: one or more further characters.
    OneOrMore,
    /// `!`: zero or more further characters.
    ZeroOrMore,
}

/// A parsed extension: a literal such as `1000` or a pattern such as
/// `_418.`. Equality, hashing and ordering look at what the pattern
/// matches and how Asterisk sorts it, not at its spelling: `_6-4X`,
/// `_64x` and `_64[0-9]` are the same extension to Asterisk.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DialPattern {
    /// Asterisk form as typed (trimmed), with the `_` for patterns.
    text: String,
    is_pattern: bool,
    positions: Vec<CharSet>,
    tail: Tail,
}

impl DialPattern {
    /// Parses Asterisk's form: `_418.`, `_6[34]NX`, `_41X!` or a literal
    /// such as `1000` (dashes ignored).
    ///
    /// # Errors
    /// A [`PatternError`] naming the position of the first mistake.
    pub fn parse(text: &str) -> Result<DialPattern, PatternError> {
        let (typed, lead) = trim_counting(text);
        check_length(typed)?;
        match typed.strip_prefix('_') {
            Some(body) => DialPattern::pattern(typed.to_owned(), body, lead + 1),
            None => DialPattern::literal(typed, lead),
        }
    }

    /// Parses what an administrator typed in the console, as XiVO does:
    /// the `_` is implied when the text holds any of `N X Z - [ ] ! .`
    /// (`418.` means `_418.`). Text already starting with `_` is taken as is.
    ///
    /// # Errors
    /// A [`PatternError`]; positions count the characters typed.
    pub fn from_user_input(text: &str) -> Result<DialPattern, PatternError> {
        let (typed, lead) = trim_counting(text);
        check_length(typed)?;
        if typed.starts_with('_') || !typed.contains(XIVO_PATTERN_CHARS) {
            return DialPattern::parse(text);
        }
        let typed_len = typed.chars().count();
        if typed_len + 1 > MAX_PATTERN_LEN {
            return Err(PatternError::TooLongWithUnderscore { typed: typed_len });
        }
        DialPattern::pattern(format!("_{typed}"), typed, lead)
    }

    fn pattern(text: String, body: &str, offset: usize) -> Result<DialPattern, PatternError> {
        let (positions, tail) = parse_pattern_body(body, offset)?;
        Ok(DialPattern {
            text,
            is_pattern: true,
            positions,
            tail,
        })
    }

    fn literal(typed: &str, offset: usize) -> Result<DialPattern, PatternError> {
        let positions = parse_literal(typed).map_err(|e| shift(e, offset))?;
        Ok(DialPattern {
            text: typed.to_owned(),
            is_pattern: false,
            positions,
            tail: Tail::Exact,
        })
    }

    /// The Asterisk form, `_` included: what goes into the dial plan.
    pub fn as_asterisk(&self) -> &str {
        &self.text
    }

    /// What the console shows: the Asterisk form without the `_` when
    /// [`DialPattern::from_user_input`] would put it back (`418.`). A
    /// pattern such as `_1000` keeps its `_`, since `1000` would read back
    /// as a literal.
    pub fn display(&self) -> &str {
        match self.text.strip_prefix('_') {
            Some(body) if body.contains(XIVO_PATTERN_CHARS) => body,
            _ => &self.text,
        }
    }

    /// False for a literal extension such as `1000`.
    pub fn is_pattern(&self) -> bool {
        self.is_pattern
    }

    /// The accepted characters of each fixed position, in order.
    pub fn positions(&self) -> &[CharSet] {
        &self.positions
    }

    pub fn tail(&self) -> Tail {
        self.tail
    }

    /// Fewest digits a matching number has.
    pub fn min_len(&self) -> usize {
        self.positions.len() + usize::from(self.tail == Tail::OneOrMore)
    }

    /// Most digits a matching number has; `None` when unbounded.
    pub fn max_len(&self) -> Option<usize> {
        (self.tail == Tail::Exact).then_some(self.positions.len())
    }

    /// The pattern without its `.` or `!`: the numbers made of its fixed
    /// positions alone (`_418.` gives `_418`). `None` without a wildcard
    /// or without fixed positions.
    pub fn stem(&self) -> Option<DialPattern> {
        if self.tail == Tail::Exact || self.positions.is_empty() {
            return None;
        }
        let mut text = self.text.trim_end_matches('-').to_owned();
        text.pop();
        Some(DialPattern {
            text,
            tail: Tail::Exact,
            ..self.clone()
        })
    }

    /// Whether Asterisk would run this extension for `number` (dashes in
    /// the number are ignored, as Asterisk does).
    pub fn matches(&self, number: &str) -> bool {
        let dialed = dialed(number);
        dialed.len() >= self.min_len()
            && self.max_len().is_none_or(|max| dialed.len() <= max)
            && self
                .positions
                .iter()
                .zip(&dialed)
                .all(|(set, c)| accepts(*set, *c))
    }
}

/// The characters of a dialed number that take part in matching.
pub(super) fn dialed(number: &str) -> Vec<char> {
    number.trim().chars().filter(|c| *c != '-').collect()
}

pub(super) fn accepts(set: CharSet, c: char) -> bool {
    u8::try_from(c).is_ok_and(|b| set.contains(b))
}

/// The trimmed text and how many characters the trim removed in front.
fn trim_counting(text: &str) -> (&str, usize) {
    let start = text.trim_start();
    (
        start.trim_end(),
        text.chars().count() - start.chars().count(),
    )
}

fn check_length(typed: &str) -> Result<(), PatternError> {
    let length = typed.chars().count();
    if length > MAX_PATTERN_LEN {
        return Err(PatternError::TooLong { length });
    }
    Ok(())
}

/// Moves an error's position by the leading blanks the trim removed.
fn shift(error: PatternError, by: usize) -> PatternError {
    use PatternError::*;
    match error {
        InvalidCharacter {
            found,
            position,
            in_literal,
        } => InvalidCharacter {
            found,
            position: position + by,
            in_literal,
        },
        other => other,
    }
}

impl PartialEq for DialPattern {
    fn eq(&self, other: &Self) -> bool {
        self.is_pattern == other.is_pattern
            && self.tail == other.tail
            && self.positions == other.positions
    }
}

impl Eq for DialPattern {}

impl Hash for DialPattern {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.is_pattern.hash(state);
        self.tail.hash(state);
        self.positions.hash(state);
    }
}

impl AsRef<DialPattern> for DialPattern {
    fn as_ref(&self) -> &DialPattern {
        self
    }
}

/// The Asterisk form (`_418.`).
impl fmt::Display for DialPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for DialPattern {
    type Err = PatternError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DialPattern::parse(s)
    }
}

impl TryFrom<String> for DialPattern {
    type Error = PatternError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        DialPattern::parse(&value)
    }
}

impl From<DialPattern> for String {
    fn from(pattern: DialPattern) -> String {
        pattern.text
    }
}
