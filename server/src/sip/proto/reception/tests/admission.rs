//! Who may call: one row per kind of caller, each on a fresh reception.
//! "No unauthenticated INVITE reaches a trunk" is the rows whose caller
//! proves nothing: they get a challenge or a refusal, never a call.

use super::*;

/// How the caller presents itself.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// No credentials, from `source`.
    Plain(&'static str),
    /// Answers the challenge as `user` with `password`, from `source`.
    Proves(&'static str, &'static str, &'static str),
}

struct Case {
    name: &'static str,
    method: &'static str,
    who: Who,
    to: &'static str,
    in_dialog: bool,
    expect: Seen,
    guard: GuardNews,
    /// The DID and trunk recorded as unmatched, if any.
    unmatched: Option<(&'static str, &'static str)>,
}

fn case(name: &'static str, who: Who, to: &'static str, expect: Seen) -> Case {
    Case {
        name,
        method: "INVITE",
        who,
        to,
        in_dialog: false,
        expect,
        guard: GuardNews::Unchanged,
        unmatched: None,
    }
}

fn rings_front_desk() -> Seen {
    Seen::Rings(vec![FRONT_DESK_CONTACT.into()])
}

fn national() -> Seen {
    Seen::Tries(vec![
        ("provider".into(), None),
        (
            "backup".into(),
            Some("Trunk backup is UNREACHABLE, so calls skip it.".into()),
        ),
        (
            "spare".into(),
            Some("Trunk spare has no address to call.".into()),
        ),
    ])
}

fn cases() -> Vec<Case> {
    use Who::{Plain, Proves};
    let phone = |user, password| Proves(user, password, PHONE);
    vec![
        case(
            "a stranger dialling out is challenged",
            Plain(STRANGER),
            "4185551234",
            Seen::Status(407),
        ),
        case(
            "a stranger calling a DID is challenged",
            Plain(STRANGER),
            "14185550000",
            Seen::Status(407),
        ),
        case(
            "a stranger calling a user is challenged",
            Plain(STRANGER),
            "1000",
            Seen::Status(407),
        ),
        Case {
            guard: GuardNews::Counted,
            ..case(
                "a wrong password is challenged again and counted",
                phone("1000", "guess"),
                "4185551234",
                Seen::Status(407),
            )
        },
        Case {
            guard: GuardNews::Counted,
            ..case(
                "an unknown line is answered as a wrong password",
                phone("9999", "guess"),
                "4185551234",
                Seen::Status(407),
            )
        },
        case(
            "a phone with its password dials out through the trunks",
            phone("1000", "secret-1000"),
            "4185551234",
            national(),
        ),
        case(
            "a phone calls a registered user",
            phone("1001", "secret-1001"),
            "1000",
            rings_front_desk(),
        ),
        case(
            "a phone calls a user with no phone registered",
            phone("1000", "secret-1000"),
            "1001",
            Seen::Status(480),
        ),
        case(
            "a number no pattern matches is not found",
            phone("1000", "secret-1000"),
            "999",
            Seen::Status(404),
        ),
        case(
            "the provider's call to the DID rings the user",
            Plain(PROVIDER),
            "14185550000",
            rings_front_desk(),
        ),
        case(
            "the provider's call to an offline user's DID",
            Plain(PROVIDER),
            "14185550001",
            Seen::Status(480),
        ),
        Case {
            unmatched: Some(("14185559999", "provider")),
            ..case(
                "the provider's call to an unknown DID is recorded",
                Plain(PROVIDER),
                "14185559999",
                Seen::Status(404),
            )
        },
        Case {
            unmatched: Some(("4185551234", "provider")),
            ..case(
                "a provider cannot dial out through us",
                Plain(PROVIDER),
                "4185551234",
                Seen::Status(404),
            )
        },
        case(
            "the provider's host from another port is a stranger",
            Plain("203.0.113.5:5070"),
            "14185550000",
            Seen::Status(407),
        ),
        case(
            "a carrier proving its trunk's credentials reaches the DID",
            Proves("carrier", "carrier-secret", STRANGER),
            "14185550000",
            rings_front_desk(),
        ),
        Case {
            unmatched: Some(("4185551234", "carrier")),
            ..case(
                "a carrier proving its credentials cannot dial out",
                Proves("carrier", "carrier-secret", STRANGER),
                "4185551234",
                Seen::Status(404),
            )
        },
        Case {
            guard: GuardNews::Counted,
            ..case(
                "a peer-only trunk's credentials prove nothing",
                Proves("provider_username", "provider-secret", STRANGER),
                "14185550000",
                Seen::Status(407),
            )
        },
        Case {
            method: "REGISTER",
            ..case(
                "a REGISTER without credentials is challenged",
                Plain(PHONE),
                "1000",
                Seen::Status(401),
            )
        },
        Case {
            method: "OPTIONS",
            ..case(
                "OPTIONS is answered",
                Plain(STRANGER),
                "1000",
                Seen::Status(200),
            )
        },
        Case {
            method: "BYE",
            in_dialog: true,
            ..case(
                "a request in a dialog nobody knows",
                Plain(STRANGER),
                "1000",
                Seen::Status(481),
            )
        },
        Case {
            method: "ACK",
            in_dialog: true,
            ..case(
                "an ACK for nobody is not answered",
                Plain(STRANGER),
                "1000",
                Seen::Nothing,
            )
        },
    ]
}

#[test]
fn each_caller_gets_what_its_proof_allows() {
    for case in cases() {
        let mut desk = Desk::new();
        let (source, request) = match case.who {
            Who::Plain(source) | Who::Proves(_, _, source) => (
                source,
                desk.request(case.method, case.to, source, case.in_dialog),
            ),
        };
        let outcome = match case.who {
            Who::Plain(_) => desk.send(&request, source),
            Who::Proves(user, password, _) => desk.send_as(user, password, request, source),
        };
        assert_eq!(seen(&outcome), case.expect, "{}", case.name);
        assert_eq!(outcome.guard, case.guard, "{}: guard", case.name);
        assert_eq!(
            outcome
                .unmatched
                .as_ref()
                .map(|u| (u.did.as_str(), u.trunk.as_str())),
            case.unmatched,
            "{}: unmatched",
            case.name
        );
        if let Some(unmatched) = &outcome.unmatched {
            assert_eq!(unmatched.at, 1_700_000_000, "{}: recorded at", case.name);
        }
        // What the phones see: the challenge names our realm for the proxy.
        if case.expect == Seen::Status(407) {
            let challenge = status_response(&outcome);
            assert_eq!(
                challenge.headers.proxy_authenticate.len(),
                1,
                "{}",
                case.name
            );
        }
    }
}

#[test]
fn nothing_unauthenticated_reaches_a_trunk_whatever_is_dialled() {
    let mut desk = Desk::new();
    for dialed in [
        "4185551234",
        "5145551234",
        "14185550000",
        "1000",
        "999",
        "*97",
    ] {
        let request = desk.request("INVITE", dialed, STRANGER, false);
        let outcome = desk.send(&request, STRANGER);
        assert!(
            !matches!(seen(&outcome), Seen::Tries(_) | Seen::Rings(_)),
            "{dialed}: {:?}",
            seen(&outcome)
        );
    }
}
