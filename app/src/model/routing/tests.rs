//! Tests of the route resolver on the seed dial plan (REFERENCE §4's
//! default contexts) and on small plans built for one rule each. Fixture
//! helpers panic on bad input: a typo in a test should fail loudly.

use super::*;
use crate::model::config::{DialPlan, Entry, TrunkRoute};
use crate::model::context::{Context, ContextKind, NumberRange};
use crate::model::dialplan::DialPattern;
use crate::model::incall::{CallerIdNameMode, Incall, IncallDestination};
use crate::model::outcall::{Outcall, OutcallExten};
use crate::model::user::{OutgoingCallerId, User};

fn context(name: &str, kind: ContextKind, includes: &[&str]) -> Context {
    Context {
        name: name.into(),
        label: name.into(),
        kind,
        user_ranges: Vec::new(),
        did_ranges: Vec::new(),
        did_length: None,
        number_lengths: Vec::new(),
        includes: includes.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn user(id: i64, first: &str, last: &str, exten: &str, context: &str) -> Entry<User> {
    Entry {
        id,
        value: User {
            firstname: first.into(),
            lastname: last.into(),
            exten: exten.into(),
            context: context.into(),
            line_username: exten.into(),
            outgoing_caller_id: OutgoingCallerId::Default,
            ringtime: 30,
        },
    }
}

/// A pattern row in Asterisk form (`_418.`), no strip, prefix or caller ID.
fn exten(pattern: &str) -> OutcallExten {
    OutcallExten {
        pattern: DialPattern::parse(pattern).unwrap_or_else(|e| panic!("fixture {pattern:?}: {e}")),
        strip: 0,
        prefix: String::new(),
        caller_id: String::new(),
    }
}

fn outcall(id: i64, name: &str, context: &str, trunks: &[i64], patterns: &str) -> Entry<Outcall> {
    Entry {
        id,
        value: Outcall {
            name: name.into(),
            context: context.into(),
            trunks: trunks.to_vec(),
            ringtime: 0,
            internal: false,
            extens: patterns.split_whitespace().map(exten).collect(),
        },
    }
}

fn trunk(id: i64, name: &str, caller_id: &str, disabled: bool) -> TrunkRoute {
    TrunkRoute {
        id,
        name: name.into(),
        caller_id: caller_id.into(),
        context: "from-extern".into(),
        disabled,
    }
}

/// The seed: XiVO's three default contexts, Front Desk (7) and Bob (8),
/// the provider trunk and a disabled backup, outgoing call "provider"
/// (`418.` through both) and the DID +1 418 555 0000 to Front Desk.
fn seed() -> DialPlan {
    let mut default = context("default", ContextKind::Internal, &["to-extern"]);
    default.user_ranges = vec![NumberRange {
        first: "1000".into(),
        last: "1999".into(),
    }];
    DialPlan {
        contexts: vec![
            default,
            context("from-extern", ContextKind::Incall, &[]),
            context("to-extern", ContextKind::Outcall, &[]),
        ],
        users: vec![
            user(7, "Front", "Desk", "1000", "default"),
            user(8, "Bob", "", "1001", "default"),
        ],
        outcalls: vec![outcall(1, "provider", "to-extern", &[1, 2], "_418.")],
        incalls: vec![Entry {
            id: 1,
            value: Incall {
                did: "14185550000".into(),
                context: "from-extern".into(),
                destination: IncallDestination::User { user_id: 7 },
                caller_id_mode: CallerIdNameMode::None,
                caller_id_text: String::new(),
            },
        }],
        trunks: vec![
            trunk(1, "provider_username", "\"Office\" <4185550000>", false),
            trunk(2, "backup", "", true),
        ],
    }
}

fn outgoing(plan: &DialPlan, caller: i64, dialed: &str) -> OutgoingResolution {
    plan.route_outgoing(caller, dialed)
        .unwrap_or_else(|e| panic!("route {dialed:?}: {e}"))
}

/// The External route's fields a test looks at.
struct Out<'a> {
    context: &'a str,
    outcall: &'a str,
    pattern: &'a str,
    candidates: &'a [Candidate],
    number: &'a str,
    trunks: &'a [TrunkAttempt],
}

fn external(resolution: &OutgoingResolution) -> Out<'_> {
    match &resolution.route {
        OutgoingRoute::External {
            context,
            outcall,
            pattern,
            candidates,
            number,
            trunks,
            ..
        } => Out {
            context,
            outcall,
            pattern,
            candidates,
            number,
            trunks,
        },
        other => panic!("expected an external route, got {other:?}"),
    }
}

fn reasons(resolution: &OutgoingResolution) -> &[String] {
    match &resolution.route {
        OutgoingRoute::NoMatch(no) => &no.reasons,
        other => panic!("expected no match, got {other:?}"),
    }
}

fn patterns(candidates: &[Candidate]) -> Vec<&str> {
    candidates.iter().map(|c| c.pattern.as_str()).collect()
}

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

// --- Caller ID precedence --------------------------------------------------

fn caller_ids(plan: &DialPlan) -> Vec<CallerIdChoice> {
    let r = outgoing(plan, 7, "4185551234");
    external(&r)
        .trunks
        .iter()
        .map(|t| t.caller_id.clone())
        .collect()
}

fn cid(name: Option<&str>, number: Option<&str>, source: CallerIdSource) -> CallerIdChoice {
    CallerIdChoice {
        name: name.map(str::to_owned),
        number: number.map(str::to_owned),
        presentation: Presentation::Allowed,
        source,
    }
}

/// Every level of the precedence set at once; each test removes the levels
/// above the one it checks.
fn everything_set() -> DialPlan {
    let mut plan = seed();
    plan.outcalls[0].value.internal = true;
    plan.outcalls[0].value.extens[0].caller_id = "4185559999".into();
    plan.users[0].value.outgoing_caller_id = OutgoingCallerId::Custom("+14185550123".into());
    plan
}

#[test]
fn caller_id_internal_flag_keeps_the_callers_own() {
    let ids = caller_ids(&everything_set());
    assert_eq!(
        ids[0],
        cid(Some("Front Desk"), Some("1000"), CallerIdSource::CallerOwn)
    );
    assert_eq!(ids[0], ids[1]);
}

#[test]
fn caller_id_users_custom_number_comes_next() {
    let mut plan = everything_set();
    plan.outcalls[0].value.internal = false;
    let ids = caller_ids(&plan);
    assert_eq!(
        ids[0],
        cid(None, Some("+14185550123"), CallerIdSource::User)
    );
}

#[test]
fn caller_id_anonymous_user_hides_the_number() {
    let mut plan = everything_set();
    plan.outcalls[0].value.internal = false;
    plan.users[0].value.outgoing_caller_id = OutgoingCallerId::Anonymous;
    let ids = caller_ids(&plan);
    assert_eq!(
        ids[0],
        CallerIdChoice {
            name: None,
            number: None,
            presentation: Presentation::Prohibited,
            source: CallerIdSource::User,
        }
    );
}

#[test]
fn caller_id_pattern_number_before_trunk_default() {
    let mut plan = everything_set();
    plan.outcalls[0].value.internal = false;
    plan.users[0].value.outgoing_caller_id = OutgoingCallerId::Default;
    let ids = caller_ids(&plan);
    assert_eq!(
        ids[0],
        cid(None, Some("4185559999"), CallerIdSource::Pattern)
    );
    assert_eq!(ids[1], ids[0], "the pattern's number goes to every trunk");
}

#[test]
fn caller_id_trunk_default_per_trunk_then_none() {
    let mut plan = seed();
    plan.trunks.push(trunk(3, "plain", "4185550001", false));
    plan.trunks
        .push(trunk(4, "bare-name", "Office <+14185550002>", false));
    plan.outcalls[0].value.trunks = vec![1, 2, 3, 4];
    let ids = caller_ids(&plan);
    assert_eq!(
        ids,
        [
            cid(Some("Office"), Some("4185550000"), CallerIdSource::Trunk),
            cid(None, None, CallerIdSource::None),
            cid(None, Some("4185550001"), CallerIdSource::Trunk),
            cid(Some("Office"), Some("+14185550002"), CallerIdSource::Trunk),
        ]
    );
}

// --- Callers and bad input -------------------------------------------------

#[test]
fn find_caller_by_line_username_then_extension() {
    let mut plan = seed();
    plan.users.push(Entry {
        id: 9,
        value: User {
            line_username: "1001x".into(),
            ..user(9, "Sales", "", "2000", "sales").value
        },
    });
    assert_eq!(plan.find_caller("1000").map(|u| u.id), Ok(7));
    assert_eq!(plan.find_caller(" 1001x ").map(|u| u.id), Ok(9));
    assert_eq!(plan.find_caller("2000").map(|u| u.id), Ok(9));
    // A line username wins over another user's extension.
    plan.users[1].value.line_username = "2000".into();
    assert_eq!(plan.find_caller("2000").map(|u| u.id), Ok(8));
    assert_eq!(
        plan.find_caller("nobody").map(|u| u.id),
        Err(RouteError::UnknownCaller("nobody".into()))
    );
}

#[test]
fn an_extension_in_several_contexts_is_ambiguous() {
    let mut plan = seed();
    plan.users.push(Entry {
        id: 9,
        value: User {
            line_username: "sales1000".into(),
            ..user(9, "Sales", "", "1000", "sales").value
        },
    });
    plan.users[0].value.line_username = "frontdesk".into();
    let err = plan.find_caller("1000").map(|u| u.id);
    assert_eq!(
        err,
        Err(RouteError::AmbiguousCaller(
            "1000".into(),
            "default, sales".into()
        ))
    );
    assert!(err
        .unwrap_err()
        .to_string()
        .contains("give the line username instead"));
    assert_eq!(plan.find_caller("sales1000").map(|u| u.id), Ok(9));
}

#[test]
fn bad_and_empty_numbers_and_unknown_callers_are_refused() {
    let plan = seed();
    assert_eq!(plan.route_outgoing(7, " - "), Err(RouteError::EmptyNumber));
    assert_eq!(plan.route_outgoing(7, ""), Err(RouteError::EmptyNumber));
    assert_eq!(
        plan.route_outgoing(7, " 418a "),
        Err(RouteError::BadNumber("418a".into()))
    );
    assert_eq!(
        plan.route_outgoing(7, "(418) 555"),
        Err(RouteError::BadNumber("(418) 555".into()))
    );
    assert_eq!(
        plan.route_outgoing(99, "1000"),
        Err(RouteError::UnknownCaller("99".into()))
    );
    assert!(
        plan.route_outgoing(7, "*98#").is_ok(),
        "* and # are dialable"
    );
}

// --- Incoming --------------------------------------------------------------

fn incoming(plan: &DialPlan, context: &str, did: &str) -> IncomingResolution {
    plan.route_incoming(context, did)
        .unwrap_or_else(|e| panic!("route {did:?}: {e}"))
}

#[test]
fn seed_did_with_or_without_plus_reaches_front_desk() {
    let plan = seed();
    for did in ["+14185550000", "14185550000", "+1 418-555-0000"] {
        let r = incoming(&plan, "from-extern", did);
        assert_eq!(r.did, "14185550000");
        assert_eq!(r.context, "from-extern");
        assert_eq!(
            r.route,
            IncomingRoute::User {
                incall_id: 1,
                user_id: 7,
                user: "Front Desk (1000)".into(),
                context: "default".into(),
                exten: "1000".into(),
                caller_id_name: "Leave as received".into(),
            },
            "{did}"
        );
    }
}

#[test]
fn caller_id_name_rule_is_described() {
    let mut plan = seed();
    plan.incalls[0].value.caller_id_mode = CallerIdNameMode::Prepend;
    plan.incalls[0].value.caller_id_text = "Sales: ".into();
    match incoming(&plan, "from-extern", "14185550000").route {
        IncomingRoute::User { caller_id_name, .. } => {
            assert_eq!(caller_id_name, "Prepend \u{201c}Sales: \u{201d}");
        }
        other => panic!("expected a user, got {other:?}"),
    }
}

#[test]
fn unknown_did_names_the_did_and_the_context() {
    let r = incoming(&seed(), "from-extern", "+14185550001");
    assert_eq!(
        r.route,
        IncomingRoute::NoMatch {
            reason: "No incoming call for DID 14185550001 in context \u{201c}from-extern\u{201d}."
                .into()
        }
    );
    let elsewhere = incoming(&seed(), "sales-in", "14185550000");
    assert!(
        matches!(elsewhere.route, IncomingRoute::NoMatch { .. }),
        "the DID is looked up in the given context only"
    );
}

#[test]
fn hangup_destination() {
    let mut plan = seed();
    plan.incalls[0].value.destination = IncallDestination::Hangup;
    assert_eq!(
        incoming(&plan, "from-extern", "14185550000").route,
        IncomingRoute::Hangup { incall_id: 1 }
    );
}

#[test]
fn a_deleted_destination_user_is_no_match_with_the_reason() {
    let mut plan = seed();
    plan.users.retain(|u| u.id != 7);
    match incoming(&plan, "from-extern", "14185550000").route {
        IncomingRoute::NoMatch { reason } => {
            assert!(
                reason.contains("no longer exists") && reason.contains("#7"),
                "{reason}"
            );
        }
        other => panic!("expected no match, got {other:?}"),
    }
}

#[test]
fn bad_did_is_refused() {
    assert_eq!(
        seed().route_incoming("from-extern", " 418-CALL "),
        Err(RouteError::BadDid("418-CALL".into()))
    );
}

#[test]
fn incoming_from_trunk_uses_the_trunks_context() {
    let plan = seed();
    let r = plan
        .route_incoming_from_trunk("Provider_Username", "+14185550000")
        .expect("known trunk");
    assert_eq!(r.context, "from-extern");
    assert!(matches!(r.route, IncomingRoute::User { user_id: 7, .. }));
    assert_eq!(
        plan.route_incoming_from_trunk("nope", "14185550000"),
        Err(RouteError::UnknownTrunk("nope".into()))
    );
}
