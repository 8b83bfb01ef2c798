//! Matching with Asterisk semantics, including edges an administrator hits.

use super::{pat, Rng};

#[test]
fn dot_needs_one_more_bang_accepts_none() {
    assert!(!pat("_418.").matches("418"));
    assert!(pat("_418.").matches("4181"));
    assert!(pat("_418.").matches("4185551234"));
    assert!(pat("_418!").matches("418"));
    assert!(pat("_418!").matches("4185551234"));
    assert!(!pat("_418!").matches("41"));
}

#[test]
fn no_wildcard_means_exact_length() {
    assert!(pat("_41X").matches("412"));
    assert!(!pat("_41X").matches("41"));
    assert!(!pat("_41X").matches("4123"));
    assert!(pat("1000").matches("1000"));
    assert!(!pat("1000").matches("10000"));
    assert!(!pat("1000").matches("100"));
}

#[test]
fn x_z_n_boundaries() {
    for d in '0'..='9' {
        let number = d.to_string();
        assert!(pat("_X").matches(&number));
        assert_eq!(pat("_Z").matches(&number), d >= '1', "Z {d}");
        assert_eq!(pat("_N").matches(&number), d >= '2', "N {d}");
    }
    assert!(!pat("_X").matches("*"));
}

#[test]
fn sets_with_ranges() {
    let p = pat("_[1237-9]");
    let accepted: String = ('0'..='9').filter(|d| p.matches(&d.to_string())).collect();
    assert_eq!(accepted, "123789");
    assert!(pat("_[*#]X").matches("#1"));
}

#[test]
fn special_characters_and_dashes() {
    assert!(pat("*98").matches("*98"));
    assert!(pat("_+33X.").matches("+33123456789"));
    // `.` takes any character, as in Asterisk.
    assert!(pat("_9.").matches("9*#"));
    // Dashes in the dialed number are eye candy too.
    assert!(pat("_418.").matches("418-555-1234"));
    assert!(pat("555-1234").matches("5551234"));
    assert!(!pat("_X").matches("é"));
}

#[test]
fn empty_number() {
    assert!(pat("_!").matches(""));
    assert!(!pat("_.").matches(""));
    assert!(!pat("_X!").matches(""));
}

/// Property: a literal pattern matches exactly itself.
#[test]
fn literal_matches_exactly_itself() {
    let mut rng = Rng::new(0x5eed);
    for _ in 0..500 {
        let len = 1 + rng.below(12);
        let number = rng.digits(len);
        let literal = pat(&number);
        assert!(literal.matches(&number), "{number}");
        assert!(
            !literal.matches(&format!("{number}{}", rng.below(10))),
            "{number}+"
        );
        assert!(!literal.matches(&number[1..]), "{number} shortened");
        let i = rng.below(len);
        let bytes = number.as_bytes();
        let changed = (bytes[i] - b'0' + 1 + rng.below(9) as u8) % 10 + b'0';
        let mut other = bytes.to_vec();
        other[i] = changed;
        let other = String::from_utf8(other).unwrap_or_default();
        assert!(!literal.matches(&other), "{number} vs {other}");
        assert!(literal.mismatch(&number).is_none());
        assert!(literal.mismatch(&other).is_some());
    }
}
