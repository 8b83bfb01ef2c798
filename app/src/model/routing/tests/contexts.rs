//! Contexts, includes, the number sent and the trunks.

use super::*;

// --- Contexts and includes -------------------------------------------------

#[test]
fn a_users_extension_beats_a_pattern_in_the_same_context() {
    let mut plan = seed();
    plan.outcalls
        .push(outcall(2, "local", "default", &[1], "_1XXX"));
    let r = outgoing(&plan, 7, "1001");
    match &r.route {
        OutgoingRoute::Internal { candidates, .. } => assert_eq!(
            candidates,
            &[
                Candidate {
                    pattern: "1001".into(),
                    owner: "user Bob (1001)".into()
                },
                Candidate {
                    pattern: "1XXX".into(),
                    owner: "outgoing call local".into()
                },
            ]
        ),
        other => panic!("expected Bob, got {other:?}"),
    }
}

#[test]
fn a_users_extension_is_dialed_without_its_separators() {
    let mut plan = seed();
    // Longer, shorter and same-length neighbours must not be taken for it.
    plan.users.push(user(9, "Carol", "", "10-02", "default"));
    plan.users.push(user(10, "Dan", "", "100", "default"));
    plan.users.push(user(11, "Eve", "", "10-0-3", "default"));
    for (dialed, id) in [("1002", 9), ("10-02", 9), ("100", 10), ("1003", 11)] {
        let r = outgoing(&plan, 7, dialed);
        match r.route {
            OutgoingRoute::Internal { user_id, .. } => assert_eq!(user_id, id, "{dialed}"),
            other => panic!("{dialed}: expected user {id}, got {other:?}"),
        }
    }
    assert!(!matches!(
        outgoing(&plan, 7, "10020").route,
        OutgoingRoute::Internal { .. }
    ));
}

#[test]
fn a_users_extension_in_the_callers_context_beats_a_pattern_in_an_include() {
    let mut plan = seed();
    plan.outcalls[0].value.extens.push(exten("_1XXX"));
    let r = outgoing(&plan, 7, "1001");
    assert!(matches!(
        r.route,
        OutgoingRoute::Internal { user_id: 8, .. }
    ));
    assert_eq!(r.contexts, ["default"]);
}

#[test]
fn a_pattern_in_the_callers_context_beats_a_user_in_an_include() {
    let mut plan = seed();
    plan.contexts
        .push(context("office", ContextKind::Internal, &["default"]));
    plan.users.push(user(9, "Carol", "", "2000", "office"));
    plan.outcalls
        .push(outcall(2, "branch", "office", &[1], "_1XXX"));
    let r = outgoing(&plan, 9, "1001");
    assert_eq!(r.contexts, ["office"]);
    let out = external(&r);
    assert_eq!((out.outcall, out.pattern), ("branch", "1XXX"));
}

#[test]
fn context_order_beats_specificity() {
    // `X.` in the caller's own context wins over the more specific `418.`
    // of the included context: Asterisk only looks at includes when the
    // context itself has no match.
    let mut plan = seed();
    plan.outcalls
        .push(outcall(2, "anything", "default", &[2], "_X."));
    let r = outgoing(&plan, 7, "4185551234");
    assert_eq!(r.contexts, ["default"]);
    let out = external(&r);
    assert_eq!(
        (out.context, out.outcall, out.pattern),
        ("default", "anything", "X.")
    );
}

#[test]
fn includes_are_searched_depth_first_in_order() {
    let mut plan = seed();
    plan.contexts = vec![
        context("a", ContextKind::Internal, &["b", "d"]),
        context("b", ContextKind::Outcall, &["c"]),
        context("c", ContextKind::Outcall, &[]),
        context("d", ContextKind::Outcall, &["c"]),
    ];
    plan.users = vec![user(1, "Ann", "", "100", "a")];
    plan.outcalls = vec![
        outcall(1, "from-c", "c", &[1], "_5XX"),
        outcall(2, "from-d", "d", &[1], "_5."),
    ];
    let r = outgoing(&plan, 1, "555");
    assert_eq!(
        r.contexts,
        ["a", "b", "c"],
        "c, reached through b, answers before d"
    );
    assert_eq!(external(&r).outcall, "from-c");
    let none = outgoing(&plan, 1, "7");
    assert_eq!(none.contexts, ["a", "b", "c", "d"], "c is searched once");
}

#[test]
fn an_include_cycle_does_not_loop() {
    let mut plan = seed();
    plan.contexts[2].includes = vec!["default".into(), "to-extern".into()];
    let r = outgoing(&plan, 7, "5551234");
    assert_eq!(r.contexts, ["default", "to-extern"]);
    assert_eq!(reasons(&r).len(), 1);
    assert!(reasons(&r)[0].contains("`_418.`"), "{:?}", reasons(&r));
}

#[test]
fn reasons_name_the_context_when_several_hold_patterns() {
    let mut plan = seed();
    plan.outcalls
        .push(outcall(2, "local", "default", &[1], "_5XX _4XXX"));
    let r = outgoing(&plan, 7, "418");
    assert_eq!(
        reasons(&r),
        [
            "In \u{201c}default\u{201d}: `_4XXX` needs 4 digits but 418 has only 3",
            "In \u{201c}default\u{201d}: digit 1 is 4 but `_5XX` wants 5",
            "In \u{201c}to-extern\u{201d}: `_418.` needs at least one digit after 418",
        ]
    );
}

#[test]
fn no_pattern_anywhere_gives_one_reason_naming_the_contexts() {
    let mut plan = seed();
    plan.outcalls.clear();
    let r = outgoing(&plan, 7, "4185551234");
    assert_eq!(
        reasons(&r),
        ["Contexts \u{201c}default\u{201d}, \u{201c}to-extern\u{201d} hold no extension or outgoing-call pattern matching 4185551234."]
    );
}

// --- Number sent and trunks ------------------------------------------------

#[test]
fn strip_then_prefix_gives_the_number_every_trunk_receives() {
    let mut plan = seed();
    let row = &mut plan.outcalls[0].value.extens[0];
    row.pattern = exten("_1418NXXXXXX").pattern;
    row.strip = 1;
    row.prefix = "+1".into();
    let r = outgoing(&plan, 7, "14185551234");
    let out = external(&r);
    assert_eq!(out.number, "+14185551234");
    assert!(out.trunks.iter().all(|t| t.number == "+14185551234"));

    let mut plan = seed();
    plan.outcalls[0].value.extens = vec![OutcallExten {
        strip: 1,
        ..exten("_9.")
    }];
    assert_eq!(
        external(&outgoing(&plan, 7, "94185551234")).number,
        "4185551234"
    );
}

#[test]
fn unknown_trunks_are_left_out_and_the_order_kept() {
    let mut plan = seed();
    plan.outcalls[0].value.trunks = vec![2, 42, 1];
    let r = outgoing(&plan, 7, "4185551234");
    let ids: Vec<i64> = external(&r).trunks.iter().map(|t| t.trunk_id).collect();
    assert_eq!(ids, [2, 1]);
}
