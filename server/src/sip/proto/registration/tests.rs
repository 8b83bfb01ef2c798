//! Registration client, success paths on the fake clock: digest answer, refresh timing (both
//! chan_sip rules), expiry precedence, NAT learning (RFC 3581), un-register and history.

use std::time::{Duration, Instant};

use super::*;
use crate::sip::proto::auth::{DigestServer, Verdict};
use crate::sip::proto::header::{Algorithm, Contact, Expires};
use crate::sip::proto::message::{Method, Request, Response};
use crate::sip::proto::testrig::{ok, status, Reply, Rig};

pub(super) fn cfg() -> RegistrationConfig {
    let mut c = RegistrationConfig::new("voip.provider.example.com", "provider_user", "secret");
    c.expiry = 120;
    c
}

pub(super) fn client(cfg: RegistrationConfig) -> RegistrationClient {
    RegistrationClient::new(cfg, HostPort::new("10.0.0.1", 5060), 7)
}

/// A registrar that challenges every unauthenticated REGISTER and answers `grant` to the rest.
pub(super) fn registrar(
    start: Instant,
    mut grant: impl FnMut(&Request) -> Response + 'static,
) -> impl FnMut(Instant, &Request) -> Reply {
    let mut srv = DigestServer::new(
        "provider",
        b"k".to_vec(),
        start,
        Duration::from_secs(3600),
        Algorithm::Md5,
    );
    move |now, req| match srv.verify(now, req, |u| {
        (u == "provider_user").then(|| "secret".into())
    }) {
        Verdict::Accepted { .. } => Reply::Respond(grant(req)),
        Verdict::Challenge(c) | Verdict::Refused(c) => {
            Reply::Respond(DigestServer::unauthorized(req, c))
        }
    }
}

pub(super) fn start(rig: &mut Rig, c: &mut RegistrationClient) {
    c.start(rig.now, rig.peer_addr);
}

fn states(c: &RegistrationClient) -> Vec<&'static str> {
    let s = c.status();
    let mut v: Vec<_> = s.history.iter().map(|h| h.to.as_str()).collect();
    v.insert(0, "Unregistered");
    v
}

fn with_contact_expires(req: &Request, secs: u32) -> Response {
    let mut r = ok(req);
    let mut c = req.headers.contact.clone();
    if let Some(Contact::Addr(a)) = c.first_mut() {
        a.set_param("expires", Some(secs.to_string()));
    }
    r.headers.contact = c;
    r
}

#[test]
fn challenge_then_ok_registers_and_refreshes_15s_early() {
    let mut rig = Rig::new(|_, _| Reply::Drop);
    rig.set_peer(registrar(rig.start, ok));
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 1.0);
    assert_eq!(c.state(), RegistrationState::Registered);
    assert_eq!(
        states(&c),
        ["Unregistered", "Request Sent", "Auth. Sent", "Registered"]
    );
    let first = &rig.wire[0].1;
    assert!(first.headers.authorization.is_empty());
    assert_eq!(first.headers.expires, Some(Expires(120)));
    assert_eq!(first.uri.to_string(), "sip:voip.provider.example.com");
    assert_eq!(
        first.headers.contact[0].to_string(),
        "<sip:provider_user@10.0.0.1:5060>"
    );
    let second = &rig.wire[1].1;
    assert_eq!(second.headers.authorization[0].username, "provider_user");
    assert_eq!(second.headers.call_id, first.headers.call_id);
    assert_eq!(second.headers.cseq.seq, first.headers.cseq.seq + 1);
    let s = c.status();
    assert_eq!(s.refresh_interval, Some(Duration::from_secs(105)));
    assert_eq!(
        s.last_response.map(|l| l.to_string()).as_deref(),
        Some("200 OK")
    );
    assert_eq!(s.attempts, 0);
    // Refresh: no Expires granted, so the configured 120 s holds: 105 s after the 200 (+20 ms).
    rig.run_until(&mut c, 300.0);
    let times = rig.times(Method::Register);
    assert_eq!(times, [0.0, 0.01, 105.02, 105.03, 210.04, 210.05]);
    assert_eq!(c.state(), RegistrationState::Registered);
}

#[test]
fn short_expiry_uses_twenty_percent_rule_and_contact_beats_expires() {
    let mut rig = Rig::new(|_, _| Reply::Drop);
    rig.set_peer(registrar(rig.start, |r| {
        let mut resp = with_contact_expires(r, 5);
        resp.headers.expires = Some(Expires(3600));
        resp
    }));
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 9.0);
    // Granted 5 s: refresh after 5 - max(1, 0.5) = 4 s.
    assert_eq!(
        rig.times(Method::Register),
        [0.0, 0.01, 4.02, 4.03, 8.04, 8.05]
    );
    assert_eq!(c.status().granted_expiry, Some(5));
    assert_eq!(c.status().refresh_interval, Some(Duration::from_secs(4)));

    let mut rig = Rig::new(|_, req| {
        let mut r = ok(req);
        r.headers.expires = Some(Expires(2));
        Reply::Respond(r)
    });
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 3.5);
    // Expires header alone, 2 s: refresh after 2 - 0.5 = 1.5 s.
    assert_eq!(rig.times(Method::Register), [0.0, 1.51, 3.02]);
}

/// A registrar that sees every REGISTER come from 203.0.113.7:40000, as behind a NAT router.
fn behind_nat() -> Rig {
    Rig::new(|_, req| {
        let mut r = ok(req);
        r.headers.via[0].stamp_source("203.0.113.7:40000".parse().expect("addr"));
        Reply::Respond(r)
    })
}

#[test]
fn learns_rport_removes_the_stale_binding_and_reregisters_once_with_public_contact() {
    let mut rig = behind_nat();
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 1.0);
    let regs: Vec<(String, Option<u32>)> = rig
        .wire
        .iter()
        .map(|(_, r)| {
            let expires = r.headers.expires.map(|e| e.0);
            (r.headers.contact[0].to_string(), expires)
        })
        .collect();
    let contact = |c: &str, e: u32| (c.to_string(), Some(e));
    assert_eq!(
        regs,
        [
            contact("<sip:provider_user@10.0.0.1:5060>", 120),
            contact("<sip:provider_user@10.0.0.1:5060>", 0),
            contact("<sip:provider_user@203.0.113.7:40000>", 120),
        ],
        "the old binding is removed before the learned one is registered"
    );
    assert_eq!(
        c.learned().map(ToString::to_string).as_deref(),
        Some("203.0.113.7:40000")
    );
    assert_eq!(rig.last().headers.via[0].sent_by(), "203.0.113.7:40000");
    assert_eq!(c.state(), RegistrationState::Registered);
    assert_eq!(c.status().contact, "sip:provider_user@203.0.113.7:40000");
}

#[test]
fn a_registrar_on_the_lan_gets_the_local_address_and_nothing_is_learned() {
    let mut rig = behind_nat();
    let mut conf = cfg();
    conf.external_address = Some(HostPort::new("198.51.100.1", 5070));
    let mut c = client(conf);
    c.set_local(HostPort::new("192.168.77.2", 5060), true);
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 1.0);
    assert_eq!(rig.wire.len(), 1, "no re-registration on the LAN");
    assert_eq!(
        rig.last().headers.contact[0].to_string(),
        "<sip:provider_user@192.168.77.2:5060>",
        "a LAN registrar is never given the external address"
    );
    assert!(c.learned().is_none());
}

#[test]
fn external_address_goes_in_contact_and_via_and_is_not_overridden() {
    let mut rig = behind_nat();
    let mut conf = cfg();
    conf.external_address = Some(HostPort::new("198.51.100.1", 5070));
    conf.contact_user = Some("4185550000".into());
    let mut c = client(conf);
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 1.0);
    assert_eq!(rig.wire.len(), 1);
    let r = rig.last();
    assert_eq!(
        r.headers.contact[0].to_string(),
        "<sip:4185550000@198.51.100.1:5070>"
    );
    assert_eq!(r.headers.via[0].sent_by(), "198.51.100.1:5070");
}

#[test]
fn unregister_sends_expires_zero_with_credentials_then_finishes() {
    let mut rig = Rig::new(|_, _| Reply::Drop);
    rig.set_peer(registrar(rig.start, ok));
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 1.0);
    c.unregister(rig.now);
    rig.run_until(&mut c, 2.0);
    let expires: Vec<u32> = rig
        .wire
        .iter()
        .filter_map(|(_, r)| r.headers.expires.map(|e| e.0))
        .collect();
    assert_eq!(expires, [120, 120, 0, 0]);
    assert!(!rig.last().headers.authorization.is_empty());
    assert!(c.is_finished());
    assert_eq!(c.state(), RegistrationState::Unregistered);
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn unregister_before_anything_was_sent_sends_nothing() {
    let mut c = client(cfg());
    let now = Instant::now();
    c.unregister(now);
    assert!(c.is_finished());
    assert!(c.poll_transmit().is_none());
}

#[test]
fn reconfigure_keeps_call_id_for_same_binding_and_registers_at_once() {
    let mut rig = Rig::new(|_, req| Reply::Respond(status(req, 403)));
    let mut c = client(cfg());
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 1.0);
    assert_eq!(c.state(), RegistrationState::NoAuthentication);
    rig.set_peer(|_, req| Reply::Respond(ok(req)));
    let mut fixed = cfg();
    fixed.password = "right".into();
    c.reconfigure(rig.now, fixed);
    rig.run_until(&mut c, 2.0);
    assert_eq!(c.state(), RegistrationState::Registered);
    assert_eq!(rig.wire[0].1.headers.call_id, rig.wire[1].1.headers.call_id);
    assert_eq!(rig.times(Method::Register), [0.0, 1.0]);
}

#[test]
fn history_is_bounded_and_says_why() {
    let mut rig = Rig::new(|_, _| Reply::Drop);
    let mut conf = cfg();
    conf.register_timeout = Duration::from_secs(1);
    let mut c = client(conf);
    start(&mut rig, &mut c);
    rig.run_until(&mut c, 60.0);
    let s = c.status();
    assert_eq!(s.history.len(), HISTORY_LEN);
    let last = s.history.iter().last().expect("entry");
    assert_eq!(
        (last.from, last.to),
        (
            RegistrationState::Unregistered,
            RegistrationState::RequestSent
        )
    );
    assert!(
        last.reason.starts_with("retry (attempt "),
        "{}",
        last.reason
    );
    let before = s.history.iter().nth(HISTORY_LEN - 2).expect("entry");
    assert_eq!(&*before.reason, "no response within 1 s");
}
