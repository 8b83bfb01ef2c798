use super::*;

fn seeded() -> Vec<Context> {
    let ctx = |name: &str, label: &str, kind, includes: &[&str]| Context {
        name: name.into(),
        label: label.into(),
        kind,
        user_ranges: Vec::new(),
        did_ranges: Vec::new(),
        did_length: None,
        number_lengths: Vec::new(),
        includes: includes.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        ctx("default", "Default", ContextKind::Internal, &["to-extern"]),
        ctx("from-extern", "Incalls", ContextKind::Incall, &[]),
        ctx("to-extern", "Outcalls", ContextKind::Outcall, &[]),
    ]
}

fn rules(editing: Option<&str>) -> ContextRules {
    ContextRules {
        existing: seeded(),
        editing: editing.map(Into::into),
    }
}

fn input(name: &str, kind: &str) -> ContextInput {
    ContextInput {
        name: name.into(),
        label: "Sales".into(),
        kind: kind.into(),
        ..ContextInput::default()
    }
}

fn range(first: &str, last: &str) -> RangeInput {
    RangeInput {
        first: first.into(),
        last: last.into(),
    }
}

#[test]
fn internal_context_with_range_and_include() {
    let mut form = input("sales", "internal");
    form.user_ranges = vec![range("2000", "2099"), range("2500", "")];
    form.includes = vec!["to-extern".into()];
    let ctx = form.validate(&rules(None)).expect("valid");
    assert!(ctx.allows_user_exten("2042"));
    assert!(ctx.allows_user_exten("2500"));
    assert!(!ctx.allows_user_exten("2100"));
    assert!(!ctx.allows_user_exten("20420"), "length counts");
    assert_eq!(Context::ranges_label(&ctx.user_ranges), "2000-2099, 2500");
}

#[test]
fn range_errors_name_the_row() {
    let mut form = input("sales", "internal");
    form.user_ranges = vec![range("2000", "2099"), range("300", "2999"), range("9", "1")];
    let errors = form.validate(&rules(None)).unwrap_err();
    assert_eq!(errors.get("user_ranges.0"), None);
    assert!(errors
        .get("user_ranges.1")
        .is_some_and(|m| m.contains("different lengths")));
    assert!(errors
        .get("user_ranges.2")
        .is_some_and(|m| m.contains("ends before it starts")));
    let mut overlap = input("sales", "internal");
    overlap.user_ranges = vec![range("2000", "2099"), range("2050", "2150")];
    let errors = overlap.validate(&rules(None)).unwrap_err();
    assert!(errors
        .get("user_ranges")
        .is_some_and(|m| m.contains("overlap")));
}

#[test]
fn did_ranges_with_did_length_compare_the_last_digits() {
    let mut form = input("dids", "incall");
    form.did_ranges = vec![range("0100", "0199")];
    form.did_length = "4".into();
    let ctx = form.validate(&rules(None)).expect("valid");
    assert!(ctx.allows_did("4185550142"));
    assert!(!ctx.allows_did("4185550242"));
    let open = input("any", "incall")
        .validate(&rules(None))
        .expect("valid");
    assert!(open.allows_did("4185550000"), "no ranges: any DID");
}

#[test]
fn ranges_belong_to_their_kind() {
    let mut form = input("out", "outcall");
    form.user_ranges = vec![range("1000", "1999")];
    form.did_length = "4".into();
    let errors = form.validate(&rules(None)).unwrap_err();
    assert!(errors.get("user_ranges").is_some());
    assert!(errors.get("did_ranges").is_some());
}

#[test]
fn names_are_checked_and_fixed_once_created() {
    let errors = input("de fault", "internal")
        .validate(&rules(None))
        .unwrap_err();
    assert!(errors
        .get("name")
        .is_some_and(|m| m.contains("\u{201c} \u{201d}")));
    let errors = input("Default", "internal")
        .validate(&rules(None))
        .unwrap_err();
    assert!(errors
        .get("name")
        .is_some_and(|m| m.contains("already exists")));
    let errors = input("renamed", "internal")
        .validate(&rules(Some("default")))
        .unwrap_err();
    assert!(errors
        .get("name")
        .is_some_and(|m| m.contains("cannot change")));
    let errors = input("default", "incall")
        .validate(&rules(Some("default")))
        .unwrap_err();
    assert!(errors
        .get("kind")
        .is_some_and(|m| m.contains("cannot change")));
}

#[test]
fn includes_must_exist_and_not_loop() {
    let mut form = input("to-extern", "outcall");
    form.includes = vec!["default".into()];
    let errors = form.validate(&rules(Some("to-extern"))).unwrap_err();
    assert_eq!(
        errors.get("includes"),
        Some("These includes would make a loop: to-extern \u{2192} default \u{2192} to-extern. Remove one of them.")
    );
    let mut form = input("sales", "internal");
    form.includes = vec!["nowhere".into()];
    let errors = form.validate(&rules(None)).unwrap_err();
    assert!(errors
        .get("includes")
        .is_some_and(|m| m.contains("nowhere")));
    form.includes = vec!["sales".into()];
    let errors = form.validate(&rules(None)).unwrap_err();
    assert!(errors.get("includes").is_some_and(|m| m.contains("itself")));
}
