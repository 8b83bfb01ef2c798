//! Save-time warnings (issue 3, item 7).

use super::super::{
    catch_alls, covers, pattern_warnings, shadowed, unreachable, DialPattern, NumberingPlan,
    PatternEntry, PlanEntry, WarningKind,
};
use super::{pat, pats};

fn entries<'a>(rows: &'a [(&'a str, DialPattern)]) -> Vec<PatternEntry<'a>> {
    rows.iter()
        .map(|(owner, pattern)| PatternEntry { owner, pattern })
        .collect()
}

fn lengths(lengths: &[usize]) -> NumberingPlan {
    let entries = lengths.iter().map(|l| PlanEntry::Length(*l)).collect();
    NumberingPlan::new(entries).unwrap_or_else(|e| panic!("fixture plan: {e}"))
}

#[test]
fn pattern_shadowed_by_a_more_general_one_that_sorts_first() {
    let rows = [("Local", pat("_41X")), ("Quebec", pat("_41X!"))];
    let found = shadowed(&entries(&rows));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].index, 0);
    assert_eq!(
        found[0].kind,
        WarningKind::Shadowed {
            by_owner: "Quebec".into(),
            by_pattern: pat("_41X!")
        }
    );
    assert_eq!(
        found[0].to_string(),
        "`_41X` in \u{201c}Local\u{201d} is never used: every number it matches is taken first \
         by the more specific `_41X!` in \u{201c}Quebec\u{201d}"
    );
}

#[test]
fn literal_shadows_the_same_number_as_pattern() {
    let rows = [("A", pat("_1000")), ("B", pat("1000"))];
    let found = shadowed(&entries(&rows));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].owner, "A");
}

#[test]
fn table_patterns_shadow_nothing() {
    let rows: Vec<(&str, DialPattern)> = pats("_6XX1 _64XX _640X _6. _64NX _6[45]NX _6[34]NX")
        .into_iter()
        .map(|p| ("X", p))
        .collect();
    assert!(shadowed(&entries(&rows)).is_empty());
    // A general pattern that sorts after a specific one does not hide it.
    let rows = [("A", pat("_X.")), ("B", pat("_418."))];
    assert!(shadowed(&entries(&rows)).is_empty());
}

#[test]
fn duplicates_name_the_first_owner() {
    let rows = [("A", pat("_64X")), ("B", pat("_6-4[0-9]"))];
    let found = shadowed(&entries(&rows));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].owner, "B");
    assert!(matches!(&found[0].kind, WarningKind::Duplicate { of_owner, .. } if of_owner == "A"));
    assert!(found[0].to_string().contains("only the first one is used"));
}

#[test]
fn covers_is_exact_set_inclusion() {
    assert!(covers(&pat("_41X!"), &pat("_41X")));
    assert!(covers(&pat("_X."), &pat("_418.")));
    assert!(covers(&pat("_4!"), &pat("_418.")));
    assert!(!covers(&pat("_418."), &pat("_418!")));
    assert!(!covers(&pat("_X."), &pat("_X!")));
    // `.` also stands for * # +, which X does not take.
    assert!(!covers(&pat("_9X!"), &pat("_9.")));
    assert!(covers(&pat("_64XX"), &pat("_64NX")));
    assert!(!covers(&pat("_64NX"), &pat("_64XX")));
}

#[test]
fn catch_alls_are_flagged() {
    let rows: Vec<(&str, DialPattern)> = pats("_. _! _X. _XX! _0X. _418. _X 1000")
        .into_iter()
        .map(|p| ("Out", p))
        .collect();
    let found = catch_alls(&entries(&rows));
    let flagged: Vec<String> = found.iter().map(|w| w.pattern.to_string()).collect();
    assert_eq!(flagged, ["_.", "_!", "_X.", "_XX!"]);
    assert_eq!(found[2].kind, WarningKind::CatchAll { min_digits: 2 });
    assert!(found[0]
        .to_string()
        .contains("is a catch-all: every number no more specific"));
    assert!(found[2]
        .to_string()
        .contains("every number of 2 or more digits"));
}

#[test]
fn dot_where_bang_was_meant_needs_a_plan() {
    let rows = [("Quebec", pat("_418."))];
    let short_and_long = lengths(&[3, 10]);
    let found = pattern_warnings(&entries(&rows), &short_and_long);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].kind,
        WarningKind::DotWhereBangMeant {
            example: "418".into()
        }
    );
    assert!(found[0]
        .to_string()
        .contains("write `_418!` if 418 should match too"));
    // Without a plan we cannot tell a prefix from a number.
    assert!(pattern_warnings(&entries(&rows), &NumberingPlan::default()).is_empty());
    // Only 10-digit numbers: 418 is a prefix, `.` is right.
    assert!(pattern_warnings(&entries(&rows), &lengths(&[10])).is_empty());
    // Another pattern already routes 418.
    let covered = [("Quebec", pat("_418.")), ("Short", pat("418"))];
    assert!(pattern_warnings(&entries(&covered), &short_and_long).is_empty());
}

#[test]
fn unreachable_patterns_need_a_plan() {
    let users = NumberingPlan::new(vec![PlanEntry::Range {
        first: "1000".into(),
        last: "1999".into(),
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    let rows = [("A", pat("_1XXX")), ("B", pat("_2XXX")), ("C", pat("_X."))];
    let found = unreachable(&entries(&rows), &users);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].index, &found[0].kind),
        (1, &WarningKind::Unreachable)
    );
    assert!(found[0]
        .to_string()
        .ends_with("can never be dialed: no number of the numbering plan matches it"));
    assert!(unreachable(&entries(&rows), &NumberingPlan::default()).is_empty());
    let international = [("Intl", pat("_0041XXXXXXXXX"))];
    assert_eq!(
        unreachable(&entries(&international), &lengths(&[10])).len(),
        1
    );
}

#[test]
fn all_warnings_come_in_entry_order() {
    let rows = [
        ("Catch", pat("_X.")),
        ("Local", pat("_41X")),
        ("Quebec", pat("_41X!")),
        ("Odd", pat("_2X")),
    ];
    let found = pattern_warnings(&entries(&rows), &lengths(&[3, 10]));
    let summary: Vec<(usize, &str)> = found
        .iter()
        .map(|w| {
            let kind = match w.kind {
                WarningKind::Shadowed { .. } => "shadowed",
                WarningKind::Duplicate { .. } => "duplicate",
                WarningKind::DotWhereBangMeant { .. } => "dot",
                WarningKind::CatchAll { .. } => "catch-all",
                WarningKind::Unreachable => "unreachable",
            };
            (w.index, kind)
        })
        .collect();
    assert_eq!(
        summary,
        [(0, "catch-all"), (1, "shadowed"), (3, "unreachable")]
    );
}
