//! Asterisk's order of extensions inside one context (`pbx.c`, `ext_cmp`):
//! literals first in ASCII order, then patterns compared position by
//! position by weight, lower first. The first match in that order wins.
//! This module only orders and picks; it does not know about contexts,
//! includes or trunks.

use std::cmp::Ordering;

use super::charset::CharSet;
use super::pattern::{DialPattern, Tail};

/// Weight of `.` (one or more of anything).
pub const WEIGHT_ONE_OR_MORE: u32 = 0x18000;
/// Weight of `!` (zero or more of anything), less specific than `.`.
pub const WEIGHT_ZERO_OR_MORE: u32 = 0x28000;
/// Weight of the end of a pattern: a pattern that ends sorts after one
/// that goes on, at the same position.
pub const WEIGHT_END: u32 = 0x30000;

/// One step of a pattern as the sort sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    Set(CharSet),
    Tail(Tail),
}

impl Step {
    fn weight(self) -> u32 {
        match self {
            Step::Set(set) => set.weight(),
            Step::Tail(Tail::OneOrMore) => WEIGHT_ONE_OR_MORE,
            Step::Tail(Tail::ZeroOrMore) => WEIGHT_ZERO_OR_MORE,
            Step::Tail(Tail::Exact) => WEIGHT_END,
        }
    }
}

fn step(pattern: &DialPattern, i: usize) -> Step {
    match pattern.positions().get(i) {
        Some(set) => Step::Set(*set),
        None => Step::Tail(pattern.tail()),
    }
}

/// Asterisk's weights of each position, the tail's weight last. Shown by
/// the route tester to explain the order.
pub fn sort_weights(pattern: &DialPattern) -> Vec<u32> {
    (0..=pattern.positions().len())
        .map(|i| step(pattern, i).weight())
        .collect()
}

fn cmp_patterns(left: &DialPattern, right: &DialPattern) -> Ordering {
    let mut i = 0;
    loop {
        let (a, b) = (step(left, i), step(right, i));
        let by_weight = a.weight().cmp(&b.weight());
        let ordering = match (a, b) {
            (Step::Set(x), Step::Set(y)) => by_weight.then(x.cmp_bitmap(y)),
            _ => by_weight,
        };
        // Equal tails mean both patterns ended identically.
        if ordering != Ordering::Equal || matches!(a, Step::Tail(_)) {
            return ordering;
        }
        i += 1;
    }
}

fn cmp_literals(left: &DialPattern, right: &DialPattern) -> Ordering {
    // A literal's positions are single characters (dashes already gone),
    // so comparing them is strcmp on the dash-less text.
    let chars = |p: &DialPattern| -> Vec<u8> {
        p.positions()
            .iter()
            .filter_map(|set| set.as_single())
            .collect()
    };
    chars(left).cmp(&chars(right))
}

impl Ord for DialPattern {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.is_pattern(), other.is_pattern()) {
            (false, true) => Ordering::Less,
            (true, false) => Ordering::Greater,
            (false, false) => cmp_literals(self, other),
            (true, true) => cmp_patterns(self, other),
        }
    }
}

impl PartialOrd for DialPattern {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `items` in Asterisk's order. Stable: items whose patterns are the same
/// extension keep their given order (Asterisk keeps the first one added).
pub fn sorted<T: AsRef<DialPattern>>(items: &[T]) -> Vec<&T> {
    let mut out: Vec<&T> = items.iter().collect();
    out.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
    out
}

/// The outcome of looking a number up in one context's patterns.
#[derive(Debug)]
pub struct RouteMatch<'a, T> {
    candidates: Vec<&'a T>,
}

impl<'a, T> RouteMatch<'a, T> {
    /// The extension Asterisk runs, if any.
    pub fn winner(&self) -> Option<&'a T> {
        self.candidates.first().copied()
    }

    /// Every item whose pattern matched, in Asterisk's order.
    pub fn candidates(&self) -> &[&'a T] {
        &self.candidates
    }
}

/// Which of `items` match `number`, most specific first: the first is the
/// winner. Works on anything holding a pattern (an outgoing call's
/// pattern row, for instance) so the caller gets its own rows back.
pub fn best_match<'a, T: AsRef<DialPattern>>(items: &'a [T], number: &str) -> RouteMatch<'a, T> {
    let mut candidates: Vec<&'a T> = items
        .iter()
        .filter(|i| i.as_ref().matches(number))
        .collect();
    candidates.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
    RouteMatch { candidates }
}
