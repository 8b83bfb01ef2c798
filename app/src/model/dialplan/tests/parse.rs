//! Parsing: errors an administrator can act on, XiVO's `_` rule, display
//! round trip, and serde in Asterisk form.

use serde::de::value::{Error as DeError, StringDeserializer};
use serde::Deserialize;

use super::super::{DialPattern, PatternError, Tail, MAX_PATTERN_LEN};
use super::pat;

fn parse_err(text: &str) -> PatternError {
    match DialPattern::parse(text) {
        Ok(p) => panic!("{text:?} parsed as {p}"),
        Err(e) => e,
    }
}

#[test]
fn unclosed_set_names_its_position() {
    assert_eq!(
        parse_err("_6[34"),
        PatternError::UnclosedSet { position: 3 }
    );
    assert_eq!(
        parse_err("_6[34").to_string(),
        "unclosed `[` at position 3: add the `]` that ends the set"
    );
}

#[test]
fn positions_count_what_the_admin_typed() {
    // Typed without `_`: the `[` is the 2nd character typed.
    assert_eq!(
        DialPattern::from_user_input("6[34"),
        Err(PatternError::UnclosedSet { position: 2 })
    );
    assert_eq!(
        DialPattern::from_user_input("  6[34"),
        Err(PatternError::UnclosedSet { position: 4 })
    );
    assert!(matches!(
        DialPattern::parse(" 41a"),
        Err(PatternError::InvalidCharacter {
            found: 'a',
            position: 4,
            ..
        })
    ));
}

#[test]
fn empty_set_is_refused() {
    assert_eq!(parse_err("_6[]X"), PatternError::EmptySet { position: 3 });
    assert!(parse_err("_6[]X")
        .to_string()
        .starts_with("empty set `[]` at position 3"));
}

#[test]
fn wildcard_must_be_last() {
    assert_eq!(
        parse_err("_41.X"),
        PatternError::WildcardNotLast {
            wildcard: '.',
            position: 4
        }
    );
    assert_eq!(
        parse_err("_4!1"),
        PatternError::WildcardNotLast {
            wildcard: '!',
            position: 3
        }
    );
    assert!(parse_err("_41.X")
        .to_string()
        .starts_with("`.` must be the last character"));
    // A dash after the wildcard is eye candy, not a mistake.
    assert_eq!(pat("_41X.-"), pat("_41X."));
}

#[test]
fn reversed_and_incomplete_ranges() {
    assert_eq!(
        parse_err("_6[9-1]"),
        PatternError::ReversedRange {
            low: '9',
            high: '1',
            position: 4
        }
    );
    assert_eq!(
        parse_err("_6[9-1]").to_string(),
        "bad range `9-1` at position 4: a range goes from low to high, e.g. `[1-9]`"
    );
    assert_eq!(
        parse_err("_6[1-]"),
        PatternError::IncompleteRange { position: 4 }
    );
    assert_eq!(
        parse_err("_6[-5]"),
        PatternError::IncompleteRange { position: 4 }
    );
}

#[test]
fn invalid_characters_get_a_hint() {
    assert!(matches!(
        parse_err("_41a"),
        PatternError::InvalidCharacter {
            found: 'a',
            position: 4,
            ..
        }
    ));
    // Inside a set X is a plain letter to Asterisk, which no keypad sends.
    assert!(matches!(
        parse_err("_[X1]"),
        PatternError::InvalidCharacter {
            found: 'X',
            position: 3,
            ..
        }
    ));
    assert_eq!(parse_err("_41]"), PatternError::UnopenedSet { position: 4 });
    let literal = parse_err("418.").to_string();
    assert!(literal.contains("start it with `_`"), "{literal}");
    let lower = DialPattern::from_user_input("418x").map_err(|e| e.to_string());
    assert!(lower.is_err_and(|e| e.contains("capital letters")));
    assert!(parse_err("_41 2")
        .to_string()
        .starts_with("invalid character ` ` at position 4"));
}

#[test]
fn empty_and_too_long() {
    for text in ["", "   ", "_", "---", "_--"] {
        assert_eq!(
            DialPattern::parse(text),
            Err(PatternError::Empty),
            "{text:?}"
        );
    }
    let long = format!("_{}", "X".repeat(80));
    assert_eq!(parse_err(&long), PatternError::TooLong { length: 81 });
}

/// What the console accepts must read back once stored: typed without
/// its `_`, a pattern may have 79 characters, since the stored form gains one.
#[test]
fn a_typed_pattern_fits_with_the_underscore_it_gains() {
    let fits = format!("{}.", "4".repeat(78));
    let stored = DialPattern::from_user_input(&fits).expect("79 typed characters fit");
    assert_eq!(stored.as_asterisk().chars().count(), MAX_PATTERN_LEN);
    assert_eq!(DialPattern::parse(stored.as_asterisk()), Ok(stored.clone()));

    let over = format!("{}.", "4".repeat(79));
    let refused = DialPattern::from_user_input(&over);
    assert_eq!(
        refused,
        Err(PatternError::TooLongWithUnderscore { typed: 80 })
    );
    let message = refused.map(|_| ()).unwrap_err().to_string();
    assert!(
        message.contains("80 characters") && message.contains("81"),
        "{message}"
    );
    // Already written with its `_`, 80 characters are Asterisk's own limit.
    assert!(DialPattern::from_user_input(&format!("_{}", "4".repeat(79))).is_ok());
}

#[test]
fn dashes_and_lower_case_wildcards_are_asterisk_equivalents() {
    assert_eq!(pat("_555-XXXX"), pat("_555XXXX"));
    assert_eq!(pat("555-1234"), pat("5551234"));
    assert_eq!(pat("_41x"), pat("_41X"));
    assert_eq!(pat("_X"), pat("_[0-9]"));
    assert_eq!(pat("_N"), pat("_[2-9]"));
    assert_ne!(pat("_1000"), pat("1000"));
}

#[test]
fn xivo_rule_adds_the_underscore() {
    let cases = [
        ("418.", "_418.", true),
        ("1000", "1000", false),
        ("6[34]NX", "_6[34]NX", true),
        ("41X!", "_41X!", true),
        ("555-1234", "_555-1234", true),
        ("_1000", "_1000", true),
        ("*98", "*98", false),
    ];
    for (typed, asterisk, is_pattern) in cases {
        let p = DialPattern::from_user_input(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
        assert_eq!(p.as_asterisk(), asterisk);
        assert_eq!(p.to_string(), asterisk);
        assert_eq!(p.is_pattern(), is_pattern, "{typed}");
    }
}

#[test]
fn display_round_trips_through_user_input() {
    for typed in [
        "418.", "1000", "6[34]NX", "41X!", "555-1234", "_1000", "_XXXX", "+33X.",
    ] {
        let p = DialPattern::from_user_input(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
        let again = DialPattern::from_user_input(p.display()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, p);
        assert_eq!(again.as_asterisk(), p.as_asterisk());
    }
    assert_eq!(pat("_418.").display(), "418.");
    // Without `_`, `1000` would read back as a literal: the `_` stays.
    assert_eq!(pat("_1000").display(), "_1000");
}

#[test]
fn tails_and_lengths() {
    assert_eq!(pat("_418.").tail(), Tail::OneOrMore);
    assert_eq!(pat("_418!").tail(), Tail::ZeroOrMore);
    assert_eq!(pat("_418").tail(), Tail::Exact);
    assert_eq!((pat("_418.").min_len(), pat("_418.").max_len()), (4, None));
    assert_eq!(
        (pat("_418!").min_len(), pat("_6XX1").max_len()),
        (3, Some(4))
    );
    assert_eq!(
        pat("_418.").stem().map(|s| s.to_string()).as_deref(),
        Some("_418")
    );
}

#[test]
fn serde_uses_the_asterisk_form() {
    let p = DialPattern::deserialize(StringDeserializer::<DeError>::new("_6[34]NX".into()));
    assert_eq!(p.as_ref().map(|p| p.as_asterisk()), Ok("_6[34]NX"));
    let bad = DialPattern::deserialize(StringDeserializer::<DeError>::new("_6[34".into()));
    assert!(bad.is_err_and(|e| e.to_string().contains("unclosed `[` at position 3")));
    assert_eq!(String::from(pat("_418.")), "_418.");
}
