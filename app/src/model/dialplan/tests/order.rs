//! Asterisk's sort: weights, tie-breaks and order properties.

use std::cmp::Ordering;

use super::super::{best_match, sort_weights, sorted, DialPattern, WEIGHT_END};
use super::{pat, pats, Rng};

#[test]
fn weights_match_asterisk() {
    assert_eq!(
        sort_weights(&pat("_6[34]NX.")),
        [0x0136, 0x0233, 0x0832, 0x0A30, 0x18000]
    );
    assert_eq!(sort_weights(&pat("_Z!")), [0x0931, 0x28000]);
    assert_eq!(sort_weights(&pat("_1")), [0x0131, WEIGHT_END]);
}

#[test]
fn equal_weights_put_lower_characters_first() {
    // Same count and same lowest character: the set with 4 beats the one with 5.
    assert_eq!(pat("_[34]").cmp(&pat("_[35]")), Ordering::Less);
    assert_eq!(pat("_[359]").cmp(&pat("_[368]")), Ordering::Less);
    assert_eq!(pat("_[1-3]").cmp(&pat("_[123]")), Ordering::Equal);
}

#[test]
fn literals_first_in_ascii_order() {
    let items = pats("_X. 2000 _1XXX 1000 100 *98");
    let order: Vec<String> = sorted(&items).iter().map(|p| p.to_string()).collect();
    assert_eq!(order, ["*98", "100", "1000", "2000", "_1XXX", "_X."]);
}

#[test]
fn best_match_returns_the_callers_rows() {
    struct Row {
        owner: &'static str,
        pattern: DialPattern,
    }
    impl AsRef<DialPattern> for Row {
        fn as_ref(&self) -> &DialPattern {
            &self.pattern
        }
    }
    let rows = [
        Row {
            owner: "international",
            pattern: pat("_00."),
        },
        Row {
            owner: "quebec",
            pattern: pat("_418."),
        },
        Row {
            owner: "first duplicate",
            pattern: pat("_X."),
        },
        Row {
            owner: "second duplicate",
            pattern: pat("_[0-9]."),
        },
    ];
    let outcome = best_match(&rows, "4185551234");
    assert_eq!(outcome.winner().map(|r| r.owner), Some("quebec"));
    let owners: Vec<&str> = outcome.candidates().iter().map(|r| r.owner).collect();
    // Equal patterns keep the order they were given in (stable).
    assert_eq!(owners, ["quebec", "first duplicate", "second duplicate"]);
    assert!(best_match(&rows, "").winner().is_none());
}

/// Property: the order is total (antisymmetric, transitive, consistent
/// with `==`) on random patterns.
#[test]
fn sorting_is_a_total_order() {
    let mut rng = Rng::new(42);
    let items: Vec<DialPattern> = (0..120).map(|_| rng.pattern()).collect();
    for a in &items {
        for b in &items {
            assert_eq!(a.cmp(b), b.cmp(a).reverse(), "{a} vs {b}");
            assert_eq!(a.cmp(b) == Ordering::Equal, a == b, "{a} vs {b}");
        }
    }
    let order = sorted(&items);
    for (i, a) in order.iter().enumerate() {
        for b in &order[i..] {
            assert_ne!(a.cmp(b), Ordering::Greater, "{a} before {b}");
        }
    }
}

/// Property: sorting is stable and does not depend on the input order.
#[test]
fn sorting_is_stable_and_order_independent() {
    let mut rng = Rng::new(7);
    let items: Vec<(usize, DialPattern)> = (0..60).map(|i| (i, rng.pattern())).collect();
    struct Tagged<'a>(&'a (usize, DialPattern));
    impl AsRef<DialPattern> for Tagged<'_> {
        fn as_ref(&self) -> &DialPattern {
            &self.0 .1
        }
    }
    let tagged: Vec<Tagged<'_>> = items.iter().map(Tagged).collect();
    let order = sorted(&tagged);
    for pair in order.windows(2) {
        if pair[0].0 .1 == pair[1].0 .1 {
            assert!(pair[0].0 .0 < pair[1].0 .0, "equal patterns swapped");
        }
    }
    let mut reversed: Vec<DialPattern> = items.iter().rev().map(|(_, p)| p.clone()).collect();
    let forward: Vec<DialPattern> = items.iter().map(|(_, p)| p.clone()).collect();
    reversed.sort();
    let mut forward_sorted = forward;
    forward_sorted.sort();
    assert_eq!(forward_sorted, reversed);
}
