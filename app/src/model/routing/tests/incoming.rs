//! Callers, bad input, and incoming calls.

use super::*;

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
