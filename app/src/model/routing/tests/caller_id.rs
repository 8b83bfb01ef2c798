//! Caller ID precedence (REFERENCE §4).

use super::*;

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
