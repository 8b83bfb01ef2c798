//! Registration client, failure paths on the fake clock: 403, fatal codes, 423, three auth tries,
//! no answer with retry and attempt counter, `Failed`, transport errors, Retry-After, the
//! auth-failure back-off, recovery and "re-register now" leaving a fatal state.

use std::time::Duration;

use super::tests::{cfg, client, registrar, start};
use super::*;
use crate::sip::proto::header::{Expires, MinExpires};
use crate::sip::proto::message::{ExtraHeader, Method};
use crate::sip::proto::testrig::{ok, status, Reply, Rig};

fn answer(code: u16) -> Rig {
    Rig::new(move |_, req| Reply::Respond(status(req, code)))
}

#[test]
fn forbidden_is_no_authentication_and_stays_quiet() {
    let mut rig = answer(403);
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 3600.0);
    assert_eq!(c.state().as_str(), "No Authentication");
    let s = c.status();
    assert_eq!(
        s.last_response.map(|l| l.to_string()).as_deref(),
        Some("403 Forbidden")
    );
    assert_eq!(rig.times(Method::Register), [0.0]);
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn reregister_now_leaves_a_fatal_state() {
    let mut rig = answer(403);
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 10.0);
    rig.set_peer(|_, req| Reply::Respond(ok(req)));
    c.reregister_now(rig.now);
    rig.run_until(&mut c, 11.0);
    assert_eq!(c.state(), RegistrationState::Registered);
    assert_eq!(rig.times(Method::Register), [0.0, 10.0]);
}

#[test]
fn fatal_codes_are_rejected() {
    for code in [400, 404, 414, 479, 493] {
        let mut rig = answer(code);
        let mut c = client(cfg());
        start(&mut rig, &mut c);
        rig.run_until(&mut c, 600.0);
        assert_eq!(c.state().as_str(), "Rejected", "{code}");
        assert_eq!(rig.wire.len(), 1, "{code}");
    }
}

#[test]
fn interval_too_brief_retries_with_min_expires_or_rejects_above_max() {
    let mut rig = Rig::new(|_, req| {
        if req.headers.expires.is_some_and(|e| e.0 < 300) {
            let mut r = status(req, 423);
            r.reason = "Interval Too Brief".into();
            r.headers.min_expires = Some(MinExpires(300));
            return Reply::Respond(r);
        }
        Reply::Respond(ok(req))
    });
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 1.0);
    let asked: Vec<_> = rig.wire.iter().map(|(_, r)| r.headers.expires).collect();
    assert_eq!(asked, [Some(Expires(120)), Some(Expires(300))]);
    assert_eq!(c.state(), RegistrationState::Registered);
    assert_eq!(c.status().refresh_interval, Some(Duration::from_secs(285)));

    let mut rig = Rig::new(|_, req| {
        let mut r = status(req, 423);
        r.headers.min_expires = Some(MinExpires(7200));
        Reply::Respond(r)
    });
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 100.0);
    assert_eq!(c.state(), RegistrationState::Rejected);
    assert_eq!(rig.wire.len(), 1);
}

#[test]
fn wrong_password_gets_three_auth_tries_then_no_authentication() {
    let mut rig = Rig::new(|_, _| Reply::Drop);
    rig.set_peer(registrar(rig.start, ok));
    let mut conf = cfg();
    conf.password = "wrong".into();
    let mut c = client(conf);
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 600.0);
    assert_eq!(c.state(), RegistrationState::NoAuthentication);
    // One plain REGISTER and three with credentials.
    let with_auth = rig
        .wire
        .iter()
        .filter(|(_, r)| !r.headers.authorization.is_empty())
        .count();
    assert_eq!((rig.wire.len(), with_auth), (4, 3));
}

#[test]
fn no_answer_goes_unregistered_and_retries_every_register_timeout() {
    let mut rig = Rig::new(|_, _| Reply::Drop);
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 19.0);
    assert_eq!(c.state(), RegistrationState::RequestSent);
    assert_eq!(c.status().attempts, 1);
    rig.run_until(&mut c, 20.0);
    assert_eq!(c.status().attempts, 2);
    let h: Vec<_> = c.status().history.iter().map(|e| e.to).collect();
    assert_eq!(
        h,
        [
            RegistrationState::RequestSent,
            RegistrationState::Unregistered,
            RegistrationState::RequestSent
        ]
    );
    rig.run_until(&mut c, 75.0);
    assert_eq!(rig.times(Method::Register), [0.0, 20.0, 40.0, 60.0]);
    assert_eq!(c.status().attempts, 4);
    // Nothing came back: the column says so rather than print a 408 nobody sent.
    let last = c.status().last_response.expect("synthetic");
    assert_eq!(last.to_string(), "no response within 20 s");
}

#[test]
fn gives_up_as_failed_after_register_attempts() {
    let mut rig = Rig::new(|_, _| Reply::Drop);
    let mut conf = cfg();
    conf.register_attempts = 3;
    let mut c = client(conf);
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 600.0);
    assert_eq!(c.state().as_str(), "Failed");
    assert_eq!(rig.times(Method::Register), [0.0, 20.0, 40.0]);
}

#[test]
fn transport_error_retries_one_register_timeout_after_the_send() {
    let mut rig = Rig::new(|_, _| Reply::Fail);
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 1.0);
    assert_eq!(c.state(), RegistrationState::Unregistered);
    let last = c.status().last_response.expect("synthetic");
    assert_eq!(last.to_string(), "not sent: transport error");
    assert_eq!(c.status().next_attempt.map(|t| rig.t(t)), Some(20.0));
    rig.run_until(&mut c, 45.0);
    assert_eq!(rig.times(Method::Register), [0.0, 20.0, 40.0]);
}

#[test]
fn retry_after_is_honoured() {
    let mut rig = Rig::new(|_, req| {
        let mut r = status(req, 503);
        r.headers.extra.push(ExtraHeader {
            name: "Retry-After".into(),
            value: "90 (maintenance)".into(),
        });
        Reply::Respond(r)
    });
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 200.0);
    assert_eq!(rig.times(Method::Register), [0.0, 90.01, 180.02]);
    assert_eq!(c.state(), RegistrationState::Unregistered);
}

#[test]
fn repeated_refusals_back_off_exponentially_when_retrying() {
    let mut rig = answer(403);
    let mut conf = cfg();
    conf.retry_auth_failures = true;
    let mut c = client(conf);
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 400.0);
    // 20 s, then 40, 80, 160: the provider sees our rate fall.
    assert_eq!(
        rig.times(Method::Register),
        [0.0, 20.01, 60.02, 140.03, 300.04]
    );
    assert_eq!(c.state(), RegistrationState::NoAuthentication);
}

#[test]
fn recovers_when_the_registrar_comes_back() {
    let mut rig = Rig::new(|_, _| Reply::Drop);
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 30.0);
    assert_eq!(c.state(), RegistrationState::RequestSent);
    rig.set_peer(|_, req| Reply::Respond(ok(req)));
    rig.run_until(&mut c, 41.0);
    assert_eq!(c.state(), RegistrationState::Registered);
    assert_eq!(c.status().attempts, 0);
    assert_eq!(rig.times(Method::Register), [0.0, 20.0, 40.0]);
}

#[test]
fn unresolvable_registrar_is_timeout_then_asks_again() {
    let mut c = client(cfg());
    let t0 = std::time::Instant::now();
    c.destination_failed(t0, "DNS: voip.provider.example.com does not resolve");
    assert_eq!(c.state().as_str(), "Timeout");
    let last = c.status().last_response.map(|l| l.to_string());
    assert_eq!(
        last.as_deref(),
        Some("DNS: voip.provider.example.com does not resolve")
    );
    assert!(!c.needs_destination());
    c.handle_timeout(t0 + Duration::from_secs(20));
    assert!(c.needs_destination());
    c.start(
        t0 + Duration::from_secs(21),
        "192.0.2.10:5060".parse().expect("addr"),
    );
    assert_eq!(c.state(), RegistrationState::RequestSent);
    assert!(c.poll_transmit().is_some());
}

#[test]
fn late_ok_to_an_abandoned_attempt_still_registers() {
    // The answer arrives after the register timeout, while the transaction still retransmits.
    let mut rig = Rig::new(|_, req| Reply::Later(Duration::from_secs(25), ok(req)));
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 26.0);
    assert_eq!(c.state(), RegistrationState::Registered);
    let last = c.status().history.iter().last().map(|h| h.reason.clone());
    assert_eq!(last.as_deref(), Some("200 OK (late)"));
}
