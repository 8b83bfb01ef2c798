//! Which numbers a pattern matches, seen as a set, so that two patterns can
//! be compared exactly: does every number one matches also match the other?
//! Numbers are taken over the dialable alphabet (`0-9 * # +`), which is
//! what `.` and `!` stand for here. Decides; does not word warnings.

use super::charset::CharSet;
use super::pattern::{DialPattern, Tail};

/// The characters `pattern` accepts at 0-based position `i`, for numbers
/// long enough to have one; `None` when no matching number is that long.
pub(super) fn accepted_at(pattern: &DialPattern, i: usize) -> Option<CharSet> {
    match pattern.positions().get(i) {
        Some(set) => Some(*set),
        None if pattern.tail() == Tail::Exact => None,
        None => Some(CharSet::DIALABLE),
    }
}

/// True when every number `inner` matches is also matched by `outer`.
///
/// Exact because a pattern is a product: for each length it allows, a
/// number matches when each digit is in that position's set. So inclusion
/// holds iff the lengths are included and each position's set is.
pub fn covers(outer: &DialPattern, inner: &DialPattern) -> bool {
    let lengths_included = inner.min_len() >= outer.min_len()
        && match (outer.max_len(), inner.max_len()) {
            (None, _) => true,
            (Some(outer_max), Some(inner_max)) => inner_max <= outer_max,
            (Some(_), None) => false,
        };
    if !lengths_included {
        return false;
    }
    // Past both patterns' fixed positions every set is the whole alphabet,
    // so one position beyond the longer one settles the question.
    let horizon = outer.positions().len().max(inner.positions().len()) + 1;
    (0..horizon).all(|i| match accepted_at(inner, i) {
        None => true,
        Some(inner_set) => {
            accepted_at(outer, i).is_some_and(|outer_set| inner_set.is_subset_of(outer_set))
        }
    })
}
