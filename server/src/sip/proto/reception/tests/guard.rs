//! The toll-fraud guard as reception applies it, on the fake clock: wrong
//! passwords are counted, then slowed down without their credentials being
//! read, then blocked for the ban time; a trunk's address is never counted.

use super::*;

fn wrong_invite(desk: &mut Desk) -> Outcome {
    let request = desk.request("INVITE", "4185551234", STRANGER, false);
    desk.send_as("1000", "guess", request, STRANGER)
}

fn right_invite(desk: &mut Desk) -> Outcome {
    let request = desk.request("INVITE", "4185551234", STRANGER, false);
    desk.send_as("1000", "secret-1000", request, STRANGER)
}

fn retry_after(outcome: &Outcome) -> u32 {
    let response = status_response(outcome);
    assert_eq!(response.status, 503, "throttled");
    response
        .headers
        .extra
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("Retry-After"))
        .and_then(|h| h.value.trim().parse().ok())
        .expect("Retry-After")
}

#[test]
fn wrong_passwords_are_counted_then_throttled_then_blocked() {
    let mut desk = Desk::new();
    desk.directory.guard = GuardConfig {
        free_tries: 3,
        max_retry: 5,
        find_time: Duration::from_secs(600),
        ban_time: Duration::from_secs(1800),
    };
    desk.reception.guard.configure(desk.directory.guard);
    for attempt in 1..=3 {
        let outcome = wrong_invite(&mut desk);
        assert_eq!(seen(&outcome), Seen::Status(407), "free try {attempt}");
        assert_eq!(outcome.guard, GuardNews::Counted, "free try {attempt}");
    }
    // Throttled: even the right password is not looked at until the wait is over.
    let request = desk.request("INVITE", "4185551234", STRANGER, false);
    let throttled = desk.send(&request, STRANGER);
    assert_eq!(retry_after(&throttled), 1);
    assert_eq!(throttled.guard, GuardNews::Unchanged);

    desk.now += Duration::from_secs(1);
    assert_eq!(seen(&wrong_invite(&mut desk)), Seen::Status(407));
    let request = desk.request("INVITE", "4185551234", STRANGER, false);
    assert_eq!(
        retry_after(&desk.send(&request, STRANGER)),
        2,
        "the wait doubles"
    );

    desk.now += Duration::from_secs(2);
    let fifth = wrong_invite(&mut desk);
    assert_eq!(fifth.guard, GuardNews::Blocked, "max_retry failures block");
    let request = desk.request("INVITE", "4185551234", STRANGER, false);
    assert_eq!(seen(&desk.send(&request, STRANGER)), Seen::Status(403));
    // REGISTER is barred the same way.
    let request = desk.request("REGISTER", "1000", STRANGER, false);
    assert_eq!(seen(&desk.send(&request, STRANGER)), Seen::Status(403));

    desk.now += Duration::from_secs(1800);
    assert!(
        matches!(seen(&right_invite(&mut desk)), Seen::Tries(_)),
        "the ban is over"
    );
}

#[test]
fn another_address_is_not_slowed_down_by_a_guessers_failures() {
    let mut desk = Desk::new();
    for _ in 0..3 {
        wrong_invite(&mut desk);
    }
    let request = desk.request("INVITE", "4185551234", STRANGER, false);
    assert_eq!(
        seen(&desk.send(&request, STRANGER)),
        Seen::Status(503),
        "the guesser waits"
    );
    let request = desk.request("INVITE", "4185551234", PHONE, false);
    let outcome = desk.send_as("1000", "secret-1000", request, PHONE);
    assert!(
        matches!(seen(&outcome), Seen::Tries(_)),
        "{:?}",
        seen(&outcome)
    );
}

#[test]
fn failures_from_a_trunks_address_are_never_counted() {
    let mut desk = Desk::new();
    // A forged REGISTER with a wrong password from the provider's address.
    for _ in 0..20 {
        let mut request = desk.request("REGISTER", "1000", PROVIDER, false);
        let challenge = desk.send(&request, PROVIDER);
        let mut client = DigestClient::new("1000", "guess", 3);
        client
            .answer(status_response(&challenge), &mut request, &mut Rng::new(1))
            .expect("answered");
        let outcome = desk.send(&request, PROVIDER);
        assert_eq!(seen(&outcome), Seen::Status(401));
        assert_eq!(outcome.guard, GuardNews::Unchanged);
    }
    let request = desk.request("INVITE", "14185550000", PROVIDER, false);
    assert_eq!(
        seen(&desk.send(&request, PROVIDER)),
        Seen::Rings(vec![FRONT_DESK_CONTACT.into()]),
        "the provider's calls still arrive"
    );
}
