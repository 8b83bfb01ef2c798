//! Digest authentication across the harness (RFC 3261 §22) and server refusals (RFC 7616 §3.3, §5).

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use common::*;
use trunkline::sip::proto::auth::{AuthError, DigestClient, DigestServer, Verdict};
use trunkline::sip::proto::harness::Harness;
use trunkline::sip::proto::header::{Algorithm, CSeq};
use trunkline::sip::proto::message::Method;
use trunkline::sip::proto::{Event, Request, Response, Rng, Transport};

fn server(algorithm: Algorithm, epoch: Instant) -> DigestServer {
    DigestServer::new(
        "trunkline.test",
        b"server-secret".to_vec(),
        epoch,
        Duration::from_secs(30),
        algorithm,
    )
}

/// Wires a registrar on B and a registering client on A; returns A's client errors.
fn register(
    algorithm: Algorithm,
    password: &'static str,
) -> (Harness, Rc<RefCell<Vec<AuthError>>>) {
    let mut h = Harness::new(Transport::Udp, 11);
    let mut srv = server(algorithm, h.start);
    h.b.on_event(move |now, ep, ev| {
        if let Event::Request { tx, request, .. } = ev {
            let resp = match srv.verify(now, request, |u| {
                (u == "alice").then(|| "secret".to_string())
            }) {
                Verdict::Accepted { .. } => Response::for_request(request, 200, "OK"),
                Verdict::Challenge(c) | Verdict::Refused(c) => {
                    DigestServer::unauthorized(request, c)
                }
            };
            let _ = ep.respond(now, *tx, resp);
        }
    });
    let first = request(&mut h.a.endpoint, Method::Register);
    let last = Rc::new(RefCell::new(first.clone()));
    let errors = Rc::new(RefCell::new(Vec::new()));
    let (last_c, errors_c, dest) = (last.clone(), errors.clone(), h.b.addr);
    let mut client = DigestClient::new("alice", password, 3);
    let mut rng = Rng::new(5);
    h.a.on_event(move |now, ep, ev| {
        let Event::Response { response, .. } = ev else {
            return;
        };
        if response.status != 401 {
            return;
        }
        let mut retry: Request = last_c.borrow().clone();
        retry.headers.via.clear();
        retry.headers.cseq = CSeq::new(retry.headers.cseq.seq + 1, Method::Register);
        match client.answer(response, &mut retry, &mut rng) {
            Ok(()) => {
                *last_c.borrow_mut() = retry.clone();
                let _ = ep.send_request(now, retry, dest, Transport::Udp);
            }
            Err(e) => errors_c.borrow_mut().push(e),
        }
    });
    let now = h.now;
    h.a.endpoint
        .send_request(now, first, dest, Transport::Udp)
        .expect("send");
    h.run_for(Duration::from_secs(60));
    (h, errors)
}

#[test]
fn challenge_answer_accept_md5_and_sha256() {
    for alg in [Algorithm::Md5, Algorithm::Sha256] {
        let (h, errors) = register(alg.clone(), "secret");
        let statuses: Vec<u16> = responses(&h.a.events).into_iter().map(|r| r.1).collect();
        assert_eq!(statuses, vec![401, 200], "{alg}");
        assert!(errors.borrow().is_empty());
        let authorized = h
            .wire
            .iter()
            .filter(|p| p.payload.windows(14).any(|w| w == b"Authorization:"))
            .count();
        assert_eq!(authorized, 1);
    }
}

#[test]
fn wrong_password_is_refused_and_client_gives_up() {
    let (h, errors) = register(Algorithm::Md5, "wrong");
    let statuses: Vec<u16> = responses(&h.a.events).into_iter().map(|r| r.1).collect();
    assert_eq!(statuses, vec![401, 401, 401, 401]);
    assert_eq!(*errors.borrow(), vec![AuthError::TooManyTries { tries: 3 }]);
}

fn signed(
    client: &mut DigestClient,
    challenge: &Response,
    rng: &mut Rng,
    ep: &mut trunkline::sip::proto::Endpoint,
) -> Request {
    let mut req = request(ep, Method::Register);
    req.headers
        .via
        .push(trunkline::sip::proto::header::Via::new(
            Transport::Udp,
            "10.0.0.1",
            Some(5060),
            "z9hG4bKx",
        ));
    client.answer(challenge, &mut req, rng).expect("answer");
    req
}

#[test]
fn stale_nonce_gets_stale_challenge_and_retry_is_not_a_failure() {
    let t0 = Instant::now();
    let mut srv = server(Algorithm::Sha256, t0);
    let mut ep = trunkline::sip::proto::Endpoint::new(Default::default(), 1);
    let mut rng = Rng::new(2);
    let mut client = DigestClient::new("alice", "secret", 2);
    let plain = request(&mut ep, Method::Register);
    let ch = DigestServer::unauthorized(&plain, srv.challenge(t0, false));
    let req = signed(&mut client, &ch, &mut rng, &mut ep);
    // 31 s later the nonce has expired: refused with stale=true.
    let later = t0 + Duration::from_secs(31);
    let Verdict::Challenge(stale) = srv.verify(later, &req, |_| Some("secret".into())) else {
        panic!("stale nonce accepted");
    };
    assert!(stale.stale);
    let again = DigestServer::unauthorized(&req, stale);
    let req2 = signed(&mut client, &again, &mut rng, &mut ep);
    assert_eq!(
        srv.verify(later, &req2, |_| Some("secret".into())),
        Verdict::Accepted {
            username: "alice".into()
        }
    );
}

#[test]
fn replayed_nonce_count_and_forged_nonce_are_refused() {
    let t0 = Instant::now();
    let mut srv = server(Algorithm::Md5, t0);
    let mut ep = trunkline::sip::proto::Endpoint::new(Default::default(), 1);
    let mut rng = Rng::new(3);
    let mut client = DigestClient::new("alice", "secret", 3);
    let plain = request(&mut ep, Method::Register);
    let ch = DigestServer::unauthorized(&plain, srv.challenge(t0, false));
    let req = signed(&mut client, &ch, &mut rng, &mut ep);
    let ok = |u: &str| (u == "alice").then(|| "secret".to_string());
    assert!(matches!(srv.verify(t0, &req, ok), Verdict::Accepted { .. }));
    // The identical request again (same nonce, same nc) is a replay.
    let Verdict::Challenge(c) = srv.verify(t0, &req, ok) else {
        panic!("replay accepted")
    };
    assert!(!c.stale);
    // A forged nonce is refused too.
    let mut forged = req.clone();
    forged.headers.authorization[0].nonce = format!("{:016x}{}", 0, "0".repeat(32));
    assert!(matches!(srv.verify(t0, &forged, ok), Verdict::Challenge(_)));
}

#[test]
fn unknown_user_and_wrong_password_get_the_same_401() {
    let t0 = Instant::now();
    let mut srv = server(Algorithm::Md5, t0);
    let mut ep = trunkline::sip::proto::Endpoint::new(Default::default(), 1);
    let mut rng = Rng::new(4);
    let plain = request(&mut ep, Method::Register);
    let ch = DigestServer::unauthorized(&plain, srv.challenge(t0, false));
    let mut outcomes = Vec::new();
    for (user, pass) in [("alice", "wrong"), ("mallory", "whatever")] {
        let mut c = DigestClient::new(user, pass, 3);
        let req = signed(&mut c, &ch, &mut rng, &mut ep);
        // Both count as a failure for the toll-fraud guard; neither shows.
        let Verdict::Refused(c) =
            srv.verify(t0, &req, |u| (u == "alice").then(|| "secret".to_string()))
        else {
            panic!("accepted, or not counted as a failure");
        };
        outcomes.push(DigestServer::unauthorized(&req, c));
    }
    assert_eq!(outcomes[0].status, outcomes[1].status);
    assert_eq!(outcomes[0].reason, outcomes[1].reason);
    // Every challenge carries a fresh nonce; apart from it, nothing tells
    // an unknown user from a wrong password.
    let shape = |r: &Response| {
        let mut c = r.headers.www_authenticate[0].clone();
        assert_eq!(c.nonce.len(), 56);
        c.nonce.clear();
        c
    };
    assert_eq!(shape(&outcomes[0]), shape(&outcomes[1]));
    assert_ne!(
        outcomes[0].headers.www_authenticate[0].nonce,
        outcomes[1].headers.www_authenticate[0].nonce,
        "two challenges never share a nonce"
    );
}
