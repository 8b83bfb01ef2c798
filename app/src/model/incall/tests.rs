use super::*;
use crate::model::context::{Context, ContextKind, NumberRange};

fn context(name: &str, label: &str, kind: ContextKind, dids: &[(&str, &str)]) -> Context {
    Context {
        name: name.into(),
        label: label.into(),
        kind,
        user_ranges: Vec::new(),
        did_ranges: dids
            .iter()
            .map(|(a, b)| NumberRange {
                first: (*a).into(),
                last: (*b).into(),
            })
            .collect(),
        did_length: None,
        number_lengths: Vec::new(),
        includes: Vec::new(),
    }
}

fn rules(others: Vec<Incall>) -> IncallRules {
    IncallRules {
        contexts: vec![
            context("from-extern", "Incalls", ContextKind::Incall, &[]),
            context(
                "sales-in",
                "Sales",
                ContextKind::Incall,
                &[("4185550100", "4185550199")],
            ),
            context("default", "Default", ContextKind::Internal, &[]),
        ],
        users: vec![(7, "Front Desk (1000)".into())],
        others,
    }
}

fn seed() -> IncallInput {
    IncallInput {
        did: "+1 418-555-0000".into(),
        user_id: Some(7),
        ..IncallInput::default()
    }
}

#[test]
fn the_seed_incoming_call_is_accepted() {
    let incall = seed().validate(&rules(Vec::new())).expect("valid");
    assert_eq!(incall.did, "14185550000", "+, spaces and dashes dropped");
    assert_eq!(incall.context, "from-extern");
    assert_eq!(incall.destination, IncallDestination::User { user_id: 7 });
    assert_eq!(incall.to_input().user_id, Some(7));
}

#[test]
fn did_ranges_and_uniqueness() {
    let mut form = seed();
    form.context = "sales-in".into();
    form.did = "4185550200".into();
    let errors = form.validate(&rules(Vec::new())).unwrap_err();
    assert!(errors.get("did").is_some_and(
        |m| m.contains("outside the DID ranges") && m.contains("4185550100-4185550199")
    ));
    form.did = "4185550142".into();
    let first = form.validate(&rules(Vec::new())).expect("in range");
    let errors = form.validate(&rules(vec![first])).unwrap_err();
    assert!(errors
        .get("did")
        .is_some_and(|m| m.contains("already has an incoming call")));
}

#[test]
fn every_field_is_judged() {
    let form = IncallInput {
        did: "418-CALL".into(),
        context: "default".into(),
        destination: "user".into(),
        user_id: Some(99),
        caller_id_mode: "prepend".into(),
        caller_id_text: String::new(),
    };
    let errors = form.validate(&rules(Vec::new())).unwrap_err();
    for field in ["did", "context", "destination", "caller_id_text"] {
        assert!(errors.get(field).is_some(), "{field}: {errors:?}");
    }
    let mut no_user = seed();
    no_user.user_id = None;
    assert!(no_user
        .validate(&rules(Vec::new()))
        .unwrap_err()
        .get("destination")
        .is_some());
    let mut hangup = seed();
    hangup.destination = "hangup".into();
    hangup.user_id = None;
    assert_eq!(
        hangup
            .validate(&rules(Vec::new()))
            .expect("valid")
            .destination,
        IncallDestination::Hangup
    );
}

#[test]
fn caller_id_name_modes() {
    assert_eq!(
        CallerIdNameMode::Prepend.apply("Sales: ", "Bob"),
        "Sales: Bob"
    );
    assert_eq!(
        CallerIdNameMode::Append.apply(" (Sales)", "Bob"),
        "Bob (Sales)"
    );
    assert_eq!(CallerIdNameMode::Overwrite.apply("Sales", "Bob"), "Sales");
    assert_eq!(CallerIdNameMode::None.apply("Sales", "Bob"), "Bob");
}
