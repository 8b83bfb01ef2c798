use super::*;
use crate::model::context::{Context, ContextKind, NumberRange};

fn rules() -> UserRules {
    UserRules {
        contexts: vec![
            Context {
                name: "default".into(),
                label: "Default".into(),
                kind: ContextKind::Internal,
                user_ranges: vec![NumberRange {
                    first: "1000".into(),
                    last: "1999".into(),
                }],
                did_ranges: Vec::new(),
                did_length: None,
                number_lengths: Vec::new(),
                includes: vec!["to-extern".into()],
            },
            Context {
                name: "to-extern".into(),
                label: "Outcalls".into(),
                kind: ContextKind::Outcall,
                user_ranges: Vec::new(),
                did_ranges: Vec::new(),
                did_length: None,
                number_lengths: Vec::new(),
                includes: Vec::new(),
            },
        ],
    }
}

fn front_desk() -> UserInput {
    UserInput {
        firstname: "Front".into(),
        lastname: "Desk".into(),
        exten: "1000".into(),
        ..UserInput::default()
    }
}

#[test]
fn front_desk_with_defaults() {
    let (user, password) = front_desk().validate(&rules()).expect("valid");
    assert_eq!(user.display(), "Front Desk (1000)");
    assert_eq!(user.line_username, "1000", "line named after the extension");
    assert_eq!(user.outgoing_caller_id, OutgoingCallerId::Default);
    assert_eq!(user.ringtime, DEFAULT_RINGTIME);
    assert_eq!(password, None, "blank: the service generates one");
    assert_eq!(user.to_input().exten, "1000");
}

#[test]
fn extension_outside_the_range_names_the_range() {
    let mut form = front_desk();
    form.exten = "2000".into();
    let errors = form.validate(&rules()).unwrap_err();
    assert_eq!(
        errors.get("exten"),
        Some("Extension 2000 is outside the user ranges of context \u{201c}default\u{201d} (1000-1999); choose a number in them or widen the ranges under PBX settings \u{2192} Contexts.")
    );
}

#[test]
fn every_field_is_judged() {
    let form = UserInput {
        firstname: String::new(),
        lastname: String::new(),
        exten: "10a0".into(),
        context: "to-extern".into(),
        line_username: "front desk".into(),
        line_password: "short".into(),
        caller_id_mode: "custom".into(),
        caller_id_number: "418-555".into(),
        ringtime: "900".into(),
        direct_media: true,
    };
    let errors = form.validate(&rules()).unwrap_err();
    for field in [
        "firstname",
        "exten",
        "context",
        "line_username",
        "line_password",
        "caller_id_number",
        "ringtime",
    ] {
        assert!(errors.get(field).is_some(), "{field}: {errors:?}");
    }
    assert!(errors
        .get("context")
        .is_some_and(|m| m.contains("Choose an internal context (Default (default))")));
}

#[test]
fn direct_media_is_off_unless_ticked_and_survives_the_form() {
    let (user, _) = front_desk().validate(&rules()).expect("valid");
    assert!(
        !user.direct_media,
        "anchored by default, as Asterisk's directmedia=no"
    );
    let form = UserInput {
        direct_media: true,
        ..front_desk()
    };
    let (user, _) = form.validate(&rules()).expect("valid");
    assert!(user.direct_media);
    assert!(
        user.to_input().direct_media,
        "the form shows what is stored"
    );
}

#[test]
fn a_user_stored_before_direct_media_reads_it_off() {
    let (user, _) = front_desk().validate(&rules()).expect("valid");
    let mut stored = serde_json::to_value(&user).expect("json");
    stored
        .as_object_mut()
        .map(|o| o.remove("direct_media"))
        .expect("an object with the field");
    let read: User = serde_json::from_value(stored).expect("an older row still reads");
    assert!(!read.direct_media);
}

#[test]
fn caller_id_modes() {
    let mut form = front_desk();
    form.caller_id_mode = "custom".into();
    form.caller_id_number = "+14185550000".into();
    let (user, _) = form.validate(&rules()).expect("valid");
    assert_eq!(
        user.outgoing_caller_id,
        OutgoingCallerId::Custom("+14185550000".into())
    );
    form.caller_id_mode = "anonymous".into();
    let (user, _) = form.validate(&rules()).expect("valid");
    assert_eq!(user.outgoing_caller_id, OutgoingCallerId::Anonymous);
    form.caller_id_mode = "custom".into();
    form.caller_id_number = String::new();
    assert!(form.validate(&rules()).is_err());
}

#[test]
fn saved_user_debug_hides_the_generated_password() {
    let (user, _) = front_desk().validate(&rules()).expect("valid");
    let saved = UserSaved {
        view: UserView {
            id: 1,
            version: 1,
            user,
        },
        generated_password: Some("s3cret-generated".into()),
    };
    assert!(!format!("{saved:?}").contains("s3cret"));
}
