//! The seed and REFERENCE §3's table through the resolver.

use super::*;

// --- The seed -------------------------------------------------------------

#[test]
fn seed_long_distance_goes_out_through_provider_then_disabled_backup() {
    let plan = seed();
    let r = outgoing(&plan, 7, "4185551234");
    assert_eq!(r.caller, "Front Desk (1000)");
    assert_eq!(r.dialed, "4185551234");
    assert_eq!(r.contexts, ["default", "to-extern"]);
    let out = external(&r);
    assert_eq!(out.context, "to-extern");
    assert_eq!(out.outcall, "provider");
    assert_eq!(out.pattern, "418.");
    assert_eq!(out.number, "4185551234");
    assert_eq!(
        out.candidates,
        [Candidate {
            pattern: "418.".into(),
            owner: "outgoing call provider".into()
        }]
    );
    let names: Vec<&str> = out.trunks.iter().map(|t| t.trunk.as_str()).collect();
    assert_eq!(names, ["provider_username", "backup"]);
    assert_eq!(out.trunks[0].trunk_id, 1);
    assert_eq!(out.trunks[0].skipped, None);
    assert!(out.trunks[1]
        .skipped
        .as_deref()
        .is_some_and(|s| s.contains("disabled")));
    assert!(out.trunks.iter().all(|t| t.number == "4185551234"));
    assert_eq!(
        out.trunks[0].caller_id,
        CallerIdChoice {
            name: Some("Office".into()),
            number: Some("4185550000".into()),
            presentation: Presentation::Allowed,
            source: CallerIdSource::Trunk,
        }
    );
}

#[test]
fn seed_418_matches_nothing_and_says_why() {
    let r = outgoing(&seed(), 7, "418");
    assert_eq!(r.contexts, ["default", "to-extern"]);
    assert_eq!(reasons(&r), ["`_418.` needs at least one digit after 418"]);
}

#[test]
fn seed_1001_rings_bob_in_the_callers_context() {
    let r = outgoing(&seed(), 7, "1001");
    assert_eq!(
        r.contexts,
        ["default"],
        "the first context that matches decides"
    );
    match r.route {
        OutgoingRoute::Internal {
            context,
            user_id,
            user,
            exten,
            candidates,
        } => {
            assert_eq!(context, "default");
            assert_eq!(user_id, 8);
            assert_eq!(user, "Bob (1001)");
            assert_eq!(exten, "1001");
            assert_eq!(
                candidates,
                [Candidate {
                    pattern: "1001".into(),
                    owner: "user Bob (1001)".into()
                }]
            );
        }
        other => panic!("expected Bob, got {other:?}"),
    }
}

#[test]
fn spaces_and_dashes_are_dropped_from_the_number_dialed() {
    let r = outgoing(&seed(), 7, " 418-555 1234 ");
    assert_eq!(r.dialed, "4185551234");
    assert_eq!(external(&r).number, "4185551234");
}

// --- REFERENCE §3's table, through the resolver ----------------------------

/// A caller (exten 9999, matching none of the numbers dialed) in `default`,
/// which includes `to-extern`, where outgoing call "table" holds `given`.
/// Checks the winner and the candidates for the given order and its
/// reverse, so the outcome cannot depend on the order of entry.
fn assert_row(given: &str, dialed: &str, expected: &[&str]) {
    let forward: Vec<&str> = given.split_whitespace().collect();
    let backward: Vec<&str> = forward.iter().rev().copied().collect();
    for order in [forward, backward] {
        let mut plan = seed();
        plan.users = vec![user(1, "Table", "Caller", "9999", "default")];
        plan.outcalls = vec![outcall(5, "table", "to-extern", &[1], &order.join(" "))];
        let r = outgoing(&plan, 1, dialed);
        let shown: Vec<String> = expected
            .iter()
            .map(|p| exten(p).pattern.display().to_owned())
            .collect();
        if expected.is_empty() {
            assert!(!reasons(&r).is_empty(), "{dialed} with {order:?}");
            continue;
        }
        let out = external(&r);
        assert_eq!(out.pattern, shown[0], "{dialed} with {order:?}");
        assert_eq!(patterns(out.candidates), shown, "{dialed} with {order:?}");
        assert!(out
            .candidates
            .iter()
            .all(|c| c.owner == "outgoing call table"));
    }
}

#[test]
fn table_6421_64nx_wins() {
    assert_row(
        "_6XX1 _64XX _640X _6. _64NX _6[45]NX _6[34]NX",
        "6421",
        &["_64NX", "_64XX", "_6[34]NX", "_6[45]NX", "_6XX1", "_6."],
    );
}

#[test]
fn table_4185551234_418_wins() {
    assert_row(
        "_418. _XXXXXXXXXX _X.",
        "4185551234",
        &["_418.", "_XXXXXXXXXX", "_X."],
    );
}

#[test]
fn table_0041223456789_longest_fixed_wins() {
    assert_row(
        "_00. _0041. _0041XXXXXXXXX _0X.",
        "0041223456789",
        &["_0041XXXXXXXXX", "_0041.", "_00.", "_0X."],
    );
}

#[test]
fn table_1000_literal_wins() {
    assert_row(
        "_XXXX 1000 _1XXX _X.",
        "1000",
        &["1000", "_1XXX", "_XXXX", "_X."],
    );
}

#[test]
fn table_418_no_match() {
    assert_row("_418.", "418", &[]);
}

#[test]
fn table_412_bang_wins() {
    assert_row("_41X _41X! _41X.", "412", &["_41X!", "_41X"]);
}
