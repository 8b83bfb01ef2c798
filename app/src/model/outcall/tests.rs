use super::*;
use crate::model::context::{Context, ContextKind};

fn context(name: &str, kind: ContextKind, lengths: &[u8]) -> Context {
    Context {
        name: name.into(),
        label: name.into(),
        kind,
        user_ranges: Vec::new(),
        did_ranges: Vec::new(),
        did_length: None,
        number_lengths: lengths.to_vec(),
        includes: Vec::new(),
    }
}

fn rules(others: Vec<Outcall>) -> OutcallRules {
    OutcallRules {
        contexts: vec![
            context("default", ContextKind::Internal, &[]),
            context("to-extern", ContextKind::Outcall, &[10]),
        ],
        trunks: vec![(1, "provider_username".into()), (2, "backup".into())],
        others,
    }
}

fn row(pattern: &str) -> ExtenInput {
    ExtenInput {
        pattern: pattern.into(),
        ..ExtenInput::default()
    }
}

fn seed() -> OutcallInput {
    OutcallInput {
        name: "provider".into(),
        trunks: vec![1, 2],
        extens: vec![row("418.")],
        ..OutcallInput::default()
    }
}

#[test]
fn the_seed_outgoing_call_is_accepted_with_the_underscore_added() {
    let outcall = seed().validate(&rules(Vec::new())).expect("valid");
    assert_eq!(outcall.context, "to-extern");
    assert_eq!(outcall.trunks, vec![1, 2]);
    assert_eq!(outcall.extens[0].pattern.as_asterisk(), "_418.");
    assert_eq!(outcall.to_input().extens[0].pattern, "418.");
}

#[test]
fn strip_then_prefix() {
    let mut form = seed();
    form.extens[0].strip = "3".into();
    form.extens[0].prefix = "+1418".into();
    let outcall = form.validate(&rules(Vec::new())).expect("valid");
    assert_eq!(outcall.extens[0].transform("4185551234"), "+14185551234");
    let mut x = outcall.extens[0].clone();
    x.strip = 20;
    assert_eq!(
        x.transform("4185551234"),
        "+1418",
        "stripping more than there is leaves the prefix"
    );
}

#[test]
fn malformed_pattern_and_bad_rows_name_their_field() {
    let mut form = seed();
    form.extens = vec![
        ExtenInput {
            pattern: "[418".into(),
            strip: "21".into(),
            prefix: "9a".into(),
            caller_id: "x".into(),
        },
        row(""),
    ];
    let errors = form.validate(&rules(Vec::new())).unwrap_err();
    assert!(
        errors
            .get("extens.0.pattern")
            .is_some_and(|m| m.contains("[418") && m.contains('[')),
        "{errors:?}"
    );
    for field in [
        "extens.0.strip",
        "extens.0.prefix",
        "extens.0.caller_id",
        "extens.1.pattern",
        "extens",
    ] {
        assert!(errors.get(field).is_some(), "{field}: {errors:?}");
    }
}

#[test]
fn trunks_context_and_ringtime_are_checked() {
    let mut form = seed();
    form.trunks = vec![];
    form.context = "default".into();
    form.ringtime = "301".into();
    let errors = form.validate(&rules(Vec::new())).unwrap_err();
    assert!(errors
        .get("trunks")
        .is_some_and(|m| m.contains("at least one trunk")));
    assert!(errors
        .get("context")
        .is_some_and(|m| m.contains("to-extern")));
    assert!(errors.get("ringtime").is_some());
    form.trunks = vec![1, 1];
    let errors = form.validate(&rules(Vec::new())).unwrap_err();
    assert!(errors
        .get("trunks")
        .is_some_and(|m| m.contains("provider_username is listed twice")));
    form.trunks = vec![9];
    let errors = form.validate(&rules(Vec::new())).unwrap_err();
    assert!(errors.get("trunks").is_some_and(|m| m.contains("Trunk 9")));
}

#[test]
fn the_same_pattern_twice_in_a_context_is_refused() {
    let existing = seed().validate(&rules(Vec::new())).expect("valid");
    let mut form = seed();
    form.name = "other".into();
    form.extens = vec![row("418."), row("_418.")];
    let errors = form.validate(&rules(vec![existing])).unwrap_err();
    assert!(errors
        .get("extens.0.pattern")
        .is_some_and(|m| m.contains("\u{201c}provider\u{201d}")));
    assert!(errors
        .get("extens.1.pattern")
        .is_some_and(|m| m.contains("row 1")));
    let mut dup_name = seed();
    dup_name.name = "Provider".into();
    dup_name.extens = vec![row("514.")];
    let existing = seed().validate(&rules(Vec::new())).expect("valid");
    assert!(dup_name
        .validate(&rules(vec![existing]))
        .unwrap_err()
        .get("name")
        .is_some());
}

#[test]
fn warnings_at_save_time() {
    let local = {
        let mut f = seed();
        f.name = "local".into();
        f.extens = vec![row("418XXXXXXX")];
        f.validate(&rules(Vec::new())).expect("valid")
    };
    let mut form = seed();
    form.extens = vec![row("X."), row("41X.")];
    let r = rules(vec![local]);
    let outcall = form.validate(&r).expect("warnings never block");
    let found = warnings(&outcall, &r);
    assert!(
        found
            .iter()
            .any(|w| w.contains("`_X.`") && w.contains("catch-all")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .all(|w| !w.contains("\u{201c}local\u{201d} is never used")),
        "{found:?}"
    );
    let mut unreachable = seed();
    unreachable.extens = vec![row("418XXX")];
    let outcall = unreachable.validate(&r).expect("valid");
    let found = warnings(&outcall, &r);
    assert!(
        found.iter().any(|w| w.contains("`_418XXX`")),
        "number lengths are 10: {found:?}"
    );
}
