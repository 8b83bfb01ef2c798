//! Why a number does not match: the sentence the route tester shows.

use super::super::MismatchReason;
use super::pat;

fn why(pattern: &str, number: &str) -> Option<String> {
    pat(pattern).mismatch(number).map(|m| m.to_string())
}

#[test]
fn dot_with_nothing_after() {
    assert_eq!(
        why("_418.", "418").as_deref(),
        Some("`_418.` needs at least one digit after 418")
    );
    assert_eq!(
        why("_.", "").as_deref(),
        Some("`_.` needs at least one digit")
    );
}

#[test]
fn wrong_digit_names_position_and_wish() {
    assert_eq!(
        why("_6XX1", "6425").as_deref(),
        Some("digit 4 is 5 but `_6XX1` wants 1")
    );
    assert_eq!(
        why("_6NX", "615").as_deref(),
        Some("digit 2 is 1 but `_6NX` wants a digit from 2 to 9")
    );
    assert_eq!(
        why("_6[34]X", "651").as_deref(),
        Some("digit 2 is 5 but `_6[34]X` wants one of 3, 4")
    );
    assert_eq!(
        why("_6[1-37]X", "651").as_deref(),
        Some("digit 2 is 5 but `_6[1-37]X` wants one of 1-3, 7")
    );
    assert_eq!(
        why("_9X", "9*").as_deref(),
        Some("character 2 is * but `_9X` wants a digit from 0 to 9")
    );
    // A wrong first digit beats a wrong length: it is the real mistake.
    assert_eq!(
        why("_6XX1", "7").as_deref(),
        Some("digit 1 is 7 but `_6XX1` wants 6")
    );
}

#[test]
fn too_short_and_too_long() {
    assert_eq!(
        why("_6XX1", "642").as_deref(),
        Some("`_6XX1` needs 4 digits but 642 has only 3")
    );
    assert_eq!(
        why("_41X!", "41").as_deref(),
        Some("`_41X!` needs at least 3 digits but 41 has only 2")
    );
    assert_eq!(
        why("_418.", "41").as_deref(),
        Some("`_418.` needs at least 4 digits but 41 has only 2")
    );
    assert_eq!(
        why("_418.", "").as_deref(),
        Some("`_418.` needs at least 4 digits but no number was given")
    );
    assert_eq!(
        why("_6XX1", "64211").as_deref(),
        Some("`_6XX1` matches exactly 4 digits but 64211 has 5")
    );
    assert_eq!(
        why("1000", "10001").as_deref(),
        Some("`1000` matches exactly 4 digits but 10001 has 5")
    );
}

#[test]
fn a_match_has_no_explanation_and_reasons_are_typed() {
    assert_eq!(why("_64NX", "6421"), None);
    let m = pat("_6XX1").mismatch("6-4-2-5");
    assert_eq!(m.as_ref().map(|m| m.number.as_str()), Some("6425"));
    assert!(matches!(
        m.map(|m| m.reason),
        Some(MismatchReason::WrongCharacter {
            position: 4,
            found: '5',
            ..
        })
    ));
}
