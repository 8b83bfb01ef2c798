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
            direct_media: false,
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
        index: Default::default(),
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

mod caller_id;
mod contexts;
mod incoming;
mod seed;

/// The engine's plan is indexed (`PbxConfig::dial_plan`), a test's or the browser's is
/// scanned: both must route every call the same, separators in extensions and users of
/// the same number in two contexts included.
#[test]
fn an_indexed_plan_routes_as_the_scanned_one() {
    let mut plan = seed();
    plan.contexts
        .push(context("annex", ContextKind::Internal, &["to-extern"]));
    plan.users.push(user(9, "Sales", "", "10-02", "default"));
    plan.users.push(user(10, "Annex", "Desk", "1000", "annex"));
    plan.users.push(user(11, "Dup", "Id", "1003", "default"));
    plan.incalls.push(Entry {
        id: 2,
        value: Incall {
            did: "14185550001".into(),
            context: "from-extern".into(),
            destination: IncallDestination::User { user_id: 9 },
            caller_id_mode: CallerIdNameMode::None,
            caller_id_text: String::new(),
        },
    });
    let indexed = plan.clone().indexed();
    for caller in [7, 8, 9, 10, 11, 12] {
        for dialed in [
            "1000",
            "1001",
            "1002",
            "10-02",
            "1003",
            "1004",
            "4185551234",
            "418",
        ] {
            assert_eq!(
                plan.route_outgoing(caller, dialed),
                indexed.route_outgoing(caller, dialed),
                "user {caller} dialing {dialed}"
            );
        }
    }
    for did in ["14185550000", "14185550001", "14185550002"] {
        assert_eq!(
            plan.route_incoming("from-extern", did),
            indexed.route_incoming("from-extern", did),
            "{did}"
        );
    }
    // The index finds what a scan finds: the user with separators by its digits, each
    // context's own 1000.
    match &indexed.route_outgoing(7, "1002").expect("routes").route {
        OutgoingRoute::Internal { user_id, .. } => assert_eq!(*user_id, 9),
        other => panic!("1002 should reach user 9: {other:?}"),
    }
    match &indexed.route_outgoing(10, "1000").expect("routes").route {
        OutgoingRoute::Internal { user_id, .. } => assert_eq!(*user_id, 10),
        other => panic!("1000 from the annex should stay there: {other:?}"),
    }
    assert_eq!(indexed.user_by_id(9).map(|u| u.id), Some(9));
    assert!(indexed.user_by_id(12).is_none());
}

/// The engine changes its plan's users one by one (`put_user`, issue 20's incremental
/// apply): after users are added, renumbered, moved to another context and removed, the
/// index kept current equals one built afresh from the same users, and routes the same.
#[test]
fn an_index_kept_current_equals_one_built_afresh() {
    let mut plan = seed();
    plan.contexts
        .push(context("annex", ContextKind::Internal, &["to-extern"]));
    let mut kept = plan.clone().indexed();
    let changes = [
        (9, Some(user(9, "Sales", "", "10-02", "default"))),
        (10, Some(user(10, "Annex", "Desk", "1000", "annex"))),
        (7, Some(user(7, "Moved", "Front", "1004", "default"))),
        (9, Some(user(9, "Sales", "", "1009", "annex"))),
        (8, None),
        (11, Some(user(11, "Late", "Comer", "1001", "default"))),
        (12, None),
    ];
    for (id, row) in changes {
        kept.put_user(id, row.clone());
        crate::model::config::delta::put(&mut plan.users, id, row);
        let afresh = plan.clone().indexed();
        assert_eq!(kept, afresh, "after user {id} changed");
    }
    for caller in [7, 8, 9, 10, 11] {
        for dialed in ["1000", "1001", "1002", "1004", "1009", "4185551234"] {
            assert_eq!(
                kept.route_outgoing(caller, dialed),
                plan.route_outgoing(caller, dialed),
                "user {caller} dialing {dialed}"
            );
        }
    }
    assert!(kept.user_by_id(8).is_none());
    assert_eq!(
        kept.user_by_id(11).map(|u| u.value.exten.as_str()),
        Some("1001")
    );
}
