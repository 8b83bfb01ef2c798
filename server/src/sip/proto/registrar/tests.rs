//! The registrar against hand-written REGISTERs answered with a real digest
//! client, on a fake clock (wall seconds and an `Instant` moved by hand).

use std::time::{Duration, Instant};

use super::*;
use crate::sip::proto::auth::DigestClient;
use crate::sip::proto::header::Algorithm;
use crate::sip::proto::message::{parse, Message};
use crate::sip::proto::Rng;

const PHONE: &str = "192.0.2.10:5062";

struct Fixture {
    registrar: Registrar,
    auth: DigestServer,
    now: Instant,
    wall: u64,
    cseq: u32,
    /// Where the phone's REGISTERs come from, and over what.
    source: SocketAddr,
    transport: Transport,
}

impl Fixture {
    fn new() -> Self {
        let now = Instant::now();
        Self {
            registrar: Registrar::new(RegistrarConfig::default()),
            auth: DigestServer::new(
                "trunkline",
                b"test-secret".to_vec(),
                now,
                Duration::from_secs(300),
                Algorithm::Md5,
            ),
            now,
            wall: 1_700_000_000,
            cseq: 0,
            source: PHONE.parse().expect("addr"),
            transport: Transport::Udp,
        }
    }

    fn request(&mut self, to_user: &str, contacts: &[&str], expires: Option<u32>) -> Request {
        self.cseq += 1;
        let mut text = format!(
            "REGISTER sip:pbx.example.com SIP/2.0\r\n\
             Via: SIP/2.0/UDP {PHONE};branch=z9hG4bK-reg-{}\r\n\
             From: <sip:{to_user}@pbx.example.com>;tag=ph1\r\n\
             To: <sip:{to_user}@pbx.example.com>\r\n\
             Call-ID: phone-reg-1\r\n\
             CSeq: {} REGISTER\r\n\
             Max-Forwards: 70\r\n\
             User-Agent: TestPhone 1.0\r\n",
            self.cseq, self.cseq
        );
        for c in contacts {
            text.push_str(&format!("Contact: {c}\r\n"));
        }
        if let Some(e) = expires {
            text.push_str(&format!("Expires: {e}\r\n"));
        }
        text.push_str("Content-Length: 0\r\n\r\n");
        match parse(text.as_bytes(), &Default::default()) {
            Ok(Message::Request(r)) => r,
            other => panic!("not a request: {other:?}"),
        }
    }

    fn send(&mut self, request: &Request) -> Outcome {
        self.registrar.handle(
            &mut self.auth,
            self.now,
            self.wall,
            request,
            self.source,
            self.transport,
            |user| (user == "1000" || user == "1001").then(|| format!("secret-{user}")),
        )
    }

    /// Sends `request`, answers the 401 as line `user` with `password`,
    /// and returns the outcome of the authenticated retry.
    fn register_as(&mut self, user: &str, password: &str, mut request: Request) -> Outcome {
        let challenge = self.send(&request);
        assert_eq!(
            challenge.response.status, 401,
            "first REGISTER is challenged"
        );
        assert!(!challenge.bad_credentials, "no credentials is no failure");
        let mut client = DigestClient::new(user, password, 3);
        self.cseq += 1;
        request.headers.cseq.seq = self.cseq;
        client
            .answer(&challenge.response, &mut request, &mut Rng::new(3))
            .expect("answered");
        self.send(&request)
    }

    fn register(&mut self, contacts: &[&str], expires: Option<u32>) -> Outcome {
        let request = self.request("1000", contacts, expires);
        self.register_as("1000", "secret-1000", request)
    }
}

fn contact_expires(outcome: &Outcome) -> Vec<(String, Option<u32>)> {
    outcome
        .response
        .headers
        .contact
        .iter()
        .map(|c| match c {
            Contact::Addr(a) => (a.uri.clone(), c.expires()),
            Contact::Wildcard => ("*".into(), None),
        })
        .collect()
}

#[test]
fn digest_register_binds_and_lists_the_contact() {
    let mut f = Fixture::new();
    let outcome = f.register(&["<sip:1000@192.0.2.10:5062>"], Some(300));
    assert_eq!(outcome.response.status, 200);
    assert!(outcome.changed);
    assert_eq!(outcome.line.as_deref(), Some("1000"));
    assert!(!outcome.bad_credentials);
    assert_eq!(
        contact_expires(&outcome),
        vec![("sip:1000@192.0.2.10:5062".to_string(), Some(300))]
    );
    let b = &f.registrar.contacts("1000")[0];
    assert_eq!(b.user_agent, "TestPhone 1.0");
    assert_eq!(b.source.to_string(), PHONE);
    assert_eq!(b.expires_at, f.wall + 300);
}

#[test]
fn wrong_password_and_unknown_line_get_the_same_challenge() {
    let mut f = Fixture::new();
    let request = f.request("1000", &["<sip:1000@192.0.2.10>"], None);
    let wrong = f.register_as("1000", "guess", request);
    let request = f.request("9999", &["<sip:9999@192.0.2.10>"], None);
    let unknown = f.register_as("9999", "guess", request);
    for outcome in [&wrong, &unknown] {
        assert_eq!(outcome.response.status, 401);
        assert!(!outcome.changed);
        assert!(outcome.bad_credentials, "counted by the toll-fraud guard");
        assert_eq!(outcome.response.headers.www_authenticate.len(), 1);
    }
    assert_eq!(f.registrar.all().count(), 0);
}

#[test]
fn a_line_cannot_register_another_line() {
    let mut f = Fixture::new();
    let request = f.request("1001", &["<sip:1001@192.0.2.10>"], None);
    let outcome = f.register_as("1000", "secret-1000", request);
    assert_eq!(outcome.response.status, 403);
    assert!(f.registrar.contacts("1001").is_empty());
}

#[test]
fn expiry_bounds_default_clamp_and_423() {
    let mut f = Fixture::new();
    let brief = f.register(&["<sip:1000@192.0.2.10>"], Some(30));
    assert_eq!(brief.response.status, 423);
    assert_eq!(brief.response.headers.min_expires, Some(MinExpires(60)));
    assert!(f.registrar.contacts("1000").is_empty());
    let long = f.register(&["<sip:1000@192.0.2.10>;expires=86400"], None);
    assert_eq!(contact_expires(&long)[0].1, Some(3600), "clamped to max");
    let default = f.register(&["<sip:1000@192.0.2.11>"], None);
    assert_eq!(
        contact_expires(&default),
        vec![
            ("sip:1000@192.0.2.10".to_string(), Some(3600)),
            ("sip:1000@192.0.2.11".to_string(), Some(120)),
        ],
        "several contacts per line, default expiry for the new one"
    );
}

#[test]
fn contacts_lapse_on_time_and_unregister_removes_them() {
    let mut f = Fixture::new();
    f.register(&["<sip:1000@192.0.2.10>"], Some(60));
    f.register(&["<sip:1000@192.0.2.11>"], Some(600));
    assert!(!f.registrar.expire(f.wall + 59));
    assert!(f.registrar.expire(f.wall + 60));
    assert_eq!(f.registrar.contacts("1000").len(), 1);
    let gone = f.register(&["<sip:1000@192.0.2.11>"], Some(0));
    assert!(gone.changed);
    assert!(contact_expires(&gone).is_empty());
    assert!(f.registrar.contacts("1000").is_empty());
}

#[test]
fn wildcard_unregisters_all_only_with_expires_zero() {
    let mut f = Fixture::new();
    f.register(
        &["<sip:1000@192.0.2.10>", "<sip:1000@192.0.2.11>"],
        Some(600),
    );
    assert_eq!(f.registrar.contacts("1000").len(), 2);
    let bad = f.register(&["*"], Some(600));
    assert_eq!(bad.response.status, 400);
    assert_eq!(f.registrar.contacts("1000").len(), 2);
    let all = f.register(&["*"], Some(0));
    assert_eq!(all.response.status, 200);
    assert!(f.registrar.contacts("1000").is_empty());
}

#[test]
fn query_without_contact_changes_nothing() {
    let mut f = Fixture::new();
    f.register(&["<sip:1000@192.0.2.10>"], Some(600));
    f.wall += 100;
    let query = f.register(&[], None);
    assert_eq!(query.response.status, 200);
    assert!(!query.changed);
    assert_eq!(contact_expires(&query)[0].1, Some(500), "remaining time");
}

/// A refresh of one of a line's contacts (the registrar's in-place path) moves that binding's
/// expiry on and leaves its sibling and their order as they were; a too brief or
/// out-of-order refresh still changes nothing, and one from a new registration (another
/// Call-ID) is taken whatever its CSeq.
#[test]
fn a_refresh_changes_its_own_binding_only() {
    let mut f = Fixture::new();
    f.register(
        &["<sip:1000@192.0.2.10>", "<sip:1000@192.0.2.11>"],
        Some(600),
    );
    let sibling = f.registrar.contacts("1000")[1].clone();
    f.wall += 100;
    let refreshed = f.register(&["<sip:1000@192.0.2.10>"], Some(300));
    assert_eq!(refreshed.response.status, 200);
    assert!(refreshed.changed);
    assert_eq!(
        contact_expires(&refreshed),
        vec![
            ("sip:1000@192.0.2.10".to_string(), Some(300)),
            ("sip:1000@192.0.2.11".to_string(), Some(500)),
        ]
    );
    let bound = f.registrar.contacts("1000");
    assert_eq!(bound[1], sibling, "the other contact is untouched");
    assert_eq!((bound[0].expires_at, bound[0].cseq), (f.wall + 300, f.cseq));

    let brief = f.register(&["<sip:1000@192.0.2.10>"], Some(30));
    assert_eq!(brief.response.status, 423);
    let kept = f.registrar.contacts("1000")[0].clone();
    assert_eq!(kept.expires_at, f.wall + 300);

    // The same registration (Call-ID) with an older CSeq: §10.3 step 7.
    f.cseq = 0;
    let stale = f.register(&["<sip:1000@192.0.2.10>"], Some(900));
    assert_eq!(stale.response.status, 500);
    assert_eq!(f.registrar.contacts("1000")[0], kept);

    // A new registration of the same contact, after the phone restarted.
    f.cseq = 0;
    let mut request = f.request("1000", &["<sip:1000@192.0.2.10>"], Some(900));
    request.headers.call_id = crate::sip::proto::header::CallId::new("phone-reg-2");
    let renewed = f.register_as("1000", "secret-1000", request);
    assert_eq!(renewed.response.status, 200);
    let bound = f.registrar.contacts("1000");
    assert_eq!(
        (bound[0].call_id.as_str(), bound[0].expires_at),
        ("phone-reg-2", f.wall + 900)
    );
    assert_eq!(bound[1], sibling);
}

/// A phone whose NAT router gave it a new public port refreshes with the same Contact: calls
/// to it must go where that REGISTER came from, over its transport, not to the old mapping.
#[test]
fn a_refresh_from_a_new_nat_mapping_moves_the_binding_there() {
    let mut f = Fixture::new();
    f.register(&["<sip:1000@192.168.1.20:5060>"], Some(600));
    let moved: SocketAddr = "198.51.100.7:40321".parse().expect("addr");
    (f.source, f.transport) = (moved, Transport::Tcp);
    let outcome = f.register(&["<sip:1000@192.168.1.20:5060>"], Some(600));
    assert_eq!(outcome.response.status, 200);
    let bound = f.registrar.contacts("1000");
    assert_eq!(bound.len(), 1);
    assert_eq!(
        (bound[0].source, bound[0].transport),
        (moved, Transport::Tcp)
    );
}

#[test]
fn too_many_contacts_are_refused_whole() {
    let mut f = Fixture::new();
    let many: Vec<String> = (0..11).map(|i| format!("<sip:1000@192.0.2.{i}>")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let outcome = f.register(&refs, Some(600));
    assert_eq!(outcome.response.status, 403);
    assert!(f.registrar.contacts("1000").is_empty());
}

#[test]
fn restore_drops_lapsed_bindings_and_retain_forgets_deleted_lines() {
    let mut f = Fixture::new();
    f.register(&["<sip:1000@192.0.2.10>"], Some(600));
    let saved: Vec<Binding> = f.registrar.all().cloned().collect();
    let mut restarted = Registrar::new(RegistrarConfig::default());
    restarted.restore(saved.clone(), f.wall + 10);
    assert_eq!(restarted.contacts("1000"), saved.as_slice());
    let mut late = Registrar::new(RegistrarConfig::default());
    late.restore(saved, f.wall + 600);
    assert_eq!(late.all().count(), 0);
    assert!(restarted.retain_lines(|line| line != "1000"));
    assert_eq!(restarted.all().count(), 0);
}

#[test]
fn uri_user_reads_the_user_part() {
    assert_eq!(uri_user("sip:1000@pbx"), Some("1000"));
    assert_eq!(uri_user("sips:alice;x=y@pbx:5061"), Some("alice"));
    assert_eq!(uri_user("sip:pbx.example.com"), None);
    assert_eq!(uri_user("tel:+14185550000"), None);
}
