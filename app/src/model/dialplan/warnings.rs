//! Warnings shown when patterns are saved (issue 3, item 7). They never
//! block a save: each is a pure judgement over the list of patterns of one
//! context, each tagged with its owner (an outgoing call's name).
//!
//! Rules, decided exactly where the question is decidable:
//! - Shadowed: another pattern sorts first and matches every number this
//!   one matches (exact set inclusion, see `cover`). A union of several
//!   patterns covering it together is not detected.
//! - Duplicate: the same extension to Asterisk (`_64X` and `_6-4[0-9]`);
//!   only the first listed is used.
//! - `.` where `!` was meant: the pattern ends in `.`, the numbering plan
//!   holds a number made of its fixed part alone (418 for `_418.`), and no
//!   pattern of the list matches that number. Without a plan we cannot
//!   tell a prefix from a number, so this rule stays silent.
//! - Catch-all: ends in `.` or `!` and every fixed position accepts every
//!   digit (`_.`, `_!`, `_X.`, `_XX!`).
//! - Unreachable: the plan is not empty and none of its numbers matches.

use std::fmt;

use super::charset::CharSet;
use super::cover::covers;
use super::pattern::{DialPattern, Tail};
use super::plan::NumberingPlan;

/// A pattern and who owns it, as listed in one context.
#[derive(Clone, Copy, Debug)]
pub struct PatternEntry<'a> {
    pub owner: &'a str,
    pub pattern: &'a DialPattern,
}

/// One warning about the entry at `index` of the list given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternWarning {
    pub index: usize,
    pub owner: String,
    pub pattern: DialPattern,
    pub kind: WarningKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WarningKind {
    /// Every number it matches is taken first by `by_pattern`.
    Shadowed {
        by_owner: String,
        by_pattern: DialPattern,
    },
    /// The same extension as an earlier entry.
    Duplicate {
        of_owner: String,
        of_pattern: DialPattern,
    },
    /// `example` is in the plan, only misses the final `.`, and nothing matches it.
    DotWhereBangMeant { example: String },
    /// Takes every number of at least `min_digits` digits nobody else takes.
    CatchAll { min_digits: usize },
    /// No number of the numbering plan matches.
    Unreachable,
}

/// All warnings for `entries`, in the order of the entries.
pub fn pattern_warnings(entries: &[PatternEntry<'_>], plan: &NumberingPlan) -> Vec<PatternWarning> {
    let mut out = shadowed(entries);
    out.extend(dot_where_bang_meant(entries, plan));
    out.extend(catch_alls(entries));
    out.extend(unreachable(entries, plan));
    // Stable, so each entry's warnings keep the order of the rules above.
    out.sort_by_key(|w| w.index);
    out
}

fn warning(entries: &[PatternEntry<'_>], index: usize, kind: WarningKind) -> PatternWarning {
    let entry = entries[index];
    PatternWarning {
        index,
        owner: entry.owner.to_owned(),
        pattern: entry.pattern.clone(),
        kind,
    }
}

/// Shadowed and duplicate patterns.
pub fn shadowed(entries: &[PatternEntry<'_>]) -> Vec<PatternWarning> {
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let mut takers: Vec<(usize, &PatternEntry<'_>)> = entries
            .iter()
            .enumerate()
            .filter(|(j, other)| {
                let first =
                    other.pattern < entry.pattern || (other.pattern == entry.pattern && *j < i);
                first && covers(other.pattern, entry.pattern)
            })
            .collect();
        // Name the taker Asterisk tries first.
        takers.sort_by(|a, b| a.1.pattern.cmp(b.1.pattern).then(a.0.cmp(&b.0)));
        let Some((_, taker)) = takers.first() else {
            continue;
        };
        let kind = if taker.pattern == entry.pattern {
            WarningKind::Duplicate {
                of_owner: taker.owner.to_owned(),
                of_pattern: taker.pattern.clone(),
            }
        } else {
            WarningKind::Shadowed {
                by_owner: taker.owner.to_owned(),
                by_pattern: taker.pattern.clone(),
            }
        };
        out.push(warning(entries, i, kind));
    }
    out
}

/// Patterns ending in `.` whose fixed part alone is a number of the plan
/// that nothing routes.
pub fn dot_where_bang_meant(
    entries: &[PatternEntry<'_>],
    plan: &NumberingPlan,
) -> Vec<PatternWarning> {
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.pattern.tail() != Tail::OneOrMore {
            continue;
        }
        let Some(example) = entry
            .pattern
            .stem()
            .and_then(|stem| plan.first_number(&stem))
        else {
            continue;
        };
        if entries.iter().any(|other| other.pattern.matches(&example)) {
            continue;
        }
        out.push(warning(
            entries,
            i,
            WarningKind::DotWhereBangMeant { example },
        ));
    }
    out
}

/// Patterns that take every number from some length on.
pub fn catch_alls(entries: &[PatternEntry<'_>]) -> Vec<PatternWarning> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| {
            let p = entry.pattern;
            p.tail() != Tail::Exact
                && p.positions()
                    .iter()
                    .all(|set| CharSet::DIGITS.is_subset_of(*set))
        })
        .map(|(i, entry)| {
            warning(
                entries,
                i,
                WarningKind::CatchAll {
                    min_digits: entry.pattern.min_len(),
                },
            )
        })
        .collect()
}

/// Patterns no number of a (non-empty) plan matches.
pub fn unreachable(entries: &[PatternEntry<'_>], plan: &NumberingPlan) -> Vec<PatternWarning> {
    if plan.is_empty() {
        return Vec::new();
    }
    (0..entries.len())
        .filter(|i| plan.first_number(entries[*i].pattern).is_none())
        .map(|i| warning(entries, i, WarningKind::Unreachable))
        .collect()
}

impl fmt::Display for PatternWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (pattern, owner) = (&self.pattern, &self.owner);
        write!(f, "`{pattern}` in \u{201c}{owner}\u{201d} ")?;
        match &self.kind {
            WarningKind::Shadowed {
                by_owner,
                by_pattern,
            } => write!(
                f,
                "is never used: every number it matches is taken first by the more specific \
                 `{by_pattern}` in \u{201c}{by_owner}\u{201d}"
            ),
            WarningKind::Duplicate {
                of_owner,
                of_pattern,
            } => write!(
                f,
                "is the same pattern as `{of_pattern}` in \u{201c}{of_owner}\u{201d}; only the \
                 first one is used"
            ),
            WarningKind::DotWhereBangMeant { example } => {
                let bang = pattern.stem().map(|s| format!("{s}!")).unwrap_or_default();
                write!(
                    f,
                    "does not match {example} itself (`.` needs at least one more digit) and no \
                     other pattern does, yet {example} is in the numbering plan; write `{bang}` \
                     if {example} should match too"
                )
            }
            WarningKind::CatchAll { min_digits } if *min_digits <= 1 => write!(
                f,
                "is a catch-all: every number no more specific pattern takes, mistyped ones \
                 included, goes out through it"
            ),
            WarningKind::CatchAll { min_digits } => write!(
                f,
                "is a catch-all: every number of {min_digits} or more digits that no more \
                 specific pattern takes, mistyped ones included, goes out through it"
            ),
            WarningKind::Unreachable => {
                write!(
                    f,
                    "can never be dialed: no number of the numbering plan matches it"
                )
            }
        }
    }
}
