//! Every row of the table in REFERENCE.md section 3: the sort order and the
//! winner, whatever order the patterns were entered in.

use super::super::{best_match, sorted, DialPattern};
use super::pats;

fn texts<'a>(items: impl IntoIterator<Item = &'a DialPattern>) -> Vec<String> {
    items.into_iter().map(|p| p.to_string()).collect()
}

/// Checks the sorted order for the given order, the reverse, and every
/// rotation, so the result cannot depend on insertion order.
fn assert_sorted(patterns: &str, expected: &str) {
    let given = pats(patterns);
    let expected: Vec<String> = expected.split_whitespace().map(str::to_owned).collect();
    let mut orders = vec![given.clone(), given.iter().rev().cloned().collect()];
    for k in 1..given.len() {
        let mut rotated = given.clone();
        rotated.rotate_left(k);
        orders.push(rotated);
    }
    for order in orders {
        assert_eq!(
            texts(sorted(&order)),
            expected,
            "input order {:?}",
            texts(&order)
        );
    }
}

fn winner(patterns: &str, dialed: &str) -> Option<String> {
    let given = pats(patterns);
    best_match(&given, dialed).winner().map(|p| p.to_string())
}

#[test]
fn row_6421_sorted_and_64nx_wins() {
    let patterns = "_6XX1 _64XX _640X _6. _64NX _6[45]NX _6[34]NX";
    assert_sorted(patterns, "_640X _64NX _64XX _6[34]NX _6[45]NX _6XX1 _6.");
    assert_eq!(winner(patterns, "6421").as_deref(), Some("_64NX"));
    let given = pats(patterns);
    let outcome = best_match(&given, "6421");
    assert_eq!(
        texts(outcome.candidates().iter().copied()),
        ["_64NX", "_64XX", "_6[34]NX", "_6[45]NX", "_6XX1", "_6."]
    );
}

#[test]
fn row_4185551234_sorted_and_418_wins() {
    let patterns = "_418. _XXXXXXXXXX _X.";
    assert_sorted(patterns, "_418. _XXXXXXXXXX _X.");
    assert_eq!(winner(patterns, "4185551234").as_deref(), Some("_418."));
}

#[test]
fn row_0041223456789_sorted_and_longest_fixed_wins() {
    let patterns = "_00. _0041. _0041XXXXXXXXX _0X.";
    assert_sorted(patterns, "_0041XXXXXXXXX _0041. _00. _0X.");
    assert_eq!(
        winner(patterns, "0041223456789").as_deref(),
        Some("_0041XXXXXXXXX")
    );
}

#[test]
fn row_1000_literal_sorts_first_and_wins() {
    let patterns = "_XXXX 1000 _1XXX _X.";
    assert_sorted(patterns, "1000 _1XXX _XXXX _X.");
    assert_eq!(winner(patterns, "1000").as_deref(), Some("1000"));
}

#[test]
fn row_418_matches_nothing_and_says_why() {
    assert_eq!(winner("_418.", "418"), None);
    let why = pats("_418.")[0].mismatch("418").map(|m| m.to_string());
    assert_eq!(
        why.as_deref(),
        Some("`_418.` needs at least one digit after 418")
    );
}

#[test]
fn row_412_sorted_and_bang_wins() {
    let patterns = "_41X _41X! _41X.";
    assert_sorted(patterns, "_41X. _41X! _41X");
    assert_eq!(winner(patterns, "412").as_deref(), Some("_41X!"));
}
