//! Trunk failover (REFERENCE §4), provider authentication, ring time and call limits.

use std::time::Instant;

use super::net::{addr, Net};
use super::{answered, call, contact, trunk};
use crate::sip::proto::auth::DigestServer;
use crate::sip::proto::call::{Attempt, AttemptResult, CallEvent, HangupCause, Target};
use crate::sip::proto::header::Algorithm;
use crate::sip::proto::message::Method;

/// The attempts reported so far, as (target, result).
fn attempts(net: &Net) -> Vec<(String, AttemptResult)> {
    net.call_events
        .iter()
        .filter_map(|e| match e {
            CallEvent::Attempt {
                attempt: Attempt { target, result, .. },
                ..
            } => Some((target.clone(), result.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn failover_503_then_timeout_then_answer() {
    let mut net = Net::new(3);
    net.silent.push(addr(11));
    let trunks = vec![trunk(1), trunk(2), trunk(3)];
    net.dial("sip:4185551234@10.0.0.2", call(Target::Trunks(trunks)));
    net.run(1.0);
    let (tx, invite) = net.take_request(1, Method::Invite);
    net.reply(1, tx, &invite, 503);
    net.run(1.0);
    // Trunk 2 never answers: its INVITE is retransmitted until Timer B (64*T1 = 32 s).
    assert!(net.sent_to(addr(12), Method::Invite).is_empty());
    net.run(30.0);
    assert!(net.t() < 32.5 && net.sent_to(addr(12), Method::Invite).is_empty());
    net.run(10.0);
    let (tx, invite) = net.take_request(3, Method::Invite);
    assert_eq!(invite.uri.to_string(), "sip:4185551234@10.0.0.12:5060");
    assert_eq!(
        invite.headers.from.to_string().split(";tag").next(),
        Some("\"Front Desk\" <sip:4185550000@pbx.example.com>")
    );
    net.reply(3, tx, &invite, 200);
    net.run(1.0);
    assert_eq!(net.statuses(0), vec![100, 200]);
    assert_eq!(
        attempts(&net),
        vec![
            ("provider1".into(), AttemptResult::Rejected(503)),
            ("provider2".into(), AttemptResult::Timeout),
            ("provider3".into(), AttemptResult::Answered),
        ]
    );
    let live = net.calls.snapshots();
    assert_eq!(live[0].trunk.as_deref(), Some("provider3"));
}

#[test]
fn failover_on_transport_error() {
    let mut net = Net::new(2);
    net.unreachable.push(addr(10));
    net.dial(
        "sip:4185551234@10.0.0.2",
        call(Target::Trunks(vec![trunk(1), trunk(2)])),
    );
    net.run(1.0);
    let (tx, invite) = net.take_request(2, Method::Invite);
    net.reply(2, tx, &invite, 200);
    net.run(1.0);
    assert_eq!(net.statuses(0), vec![100, 200]);
    assert_eq!(attempts(&net)[0].1, AttemptResult::TransportError);
}

#[test]
fn no_trunk_left_is_congestion() {
    let mut net = Net::new(1);
    net.dial(
        "sip:4185551234@10.0.0.2",
        call(Target::Trunks(vec![trunk(1)])),
    );
    net.run(1.0);
    let (tx, invite) = net.take_request(1, Method::Invite);
    net.reply(1, tx, &invite, 503);
    net.run(1.0);
    assert_eq!(net.statuses(0), vec![100, 503]);
    assert_eq!(net.record().cause, HangupCause::Congestion);
}

#[test]
fn provider_407_is_answered_with_the_trunk_credentials() {
    let mut net = Net::new(1);
    net.dial(
        "sip:4185551234@10.0.0.2",
        call(Target::Trunks(vec![trunk(1)])),
    );
    net.run(1.0);
    let (tx, invite) = net.take_request(1, Method::Invite);
    let digest = DigestServer::new(
        "provider",
        b"k".to_vec(),
        Instant::now(),
        std::time::Duration::from_secs(30),
        Algorithm::Md5,
    );
    let mut challenge = crate::sip::proto::Response::for_request(&invite, 407, "Proxy Auth");
    challenge.headers.to = challenge.headers.to.with_tag("p407");
    challenge
        .headers
        .proxy_authenticate
        .push(digest.challenge(net.now, false));
    net.peers[1]
        .ep
        .respond(net.now, tx, challenge)
        .expect("sent");
    net.run(1.0);
    let (tx, retry) = net.take_request(1, Method::Invite);
    assert_eq!(retry.headers.cseq.seq, invite.headers.cseq.seq + 1);
    assert_eq!(retry.headers.call_id, invite.headers.call_id);
    assert_eq!(retry.headers.proxy_authorization.len(), 1);
    assert_eq!(retry.headers.proxy_authorization[0].username, "user1");
    net.reply(1, tx, &retry, 200);
    net.run(1.0);
    assert_eq!(net.statuses(0), vec![100, 200], "the 407 stays between us");
    assert_eq!(
        attempts(&net),
        vec![("provider1".into(), AttemptResult::Answered)]
    );
}

#[test]
fn ring_time_expiry_cancels_and_answers_480() {
    let mut net = Net::new(1);
    let mut c = call(Target::Contacts(vec![contact(1)]));
    c.ring_time = Some(std::time::Duration::from_secs(20));
    net.next_call = None;
    let start = net.now;
    let invite = net.dial("sip:1001@10.0.0.2", c);
    let _ = invite;
    net.run(1.0);
    let (tx, b) = net.take_request(1, Method::Invite);
    net.reply(1, tx, &b, 180);
    net.run(18.0);
    assert_eq!(net.statuses(0), vec![100, 180], "still ringing at 19 s");
    net.run(3.0);
    assert_eq!(net.statuses(0), vec![100, 180, 480]);
    assert_eq!(net.sent_to(addr(10), Method::Cancel).len(), 1);
    let record = net.record();
    assert_eq!(record.cause, HangupCause::NoAnswer);
    assert_eq!((record.ended - start).as_secs(), 20);
}

#[test]
fn full_trunk_is_skipped() {
    let mut net = Net::new(2);
    let mut limited = trunk(1);
    limited.call_limit = 1;
    answered(&mut net, Target::Trunks(vec![limited.clone()]), 1);
    assert_eq!(net.calls.active_on_trunk(1), 1);
    net.call_events.clear();
    net.dial(
        "sip:4185551234@10.0.0.2",
        call(Target::Trunks(vec![limited, trunk(2)])),
    );
    net.run(1.0);
    assert_eq!(
        net.sent_to(addr(10), Method::Invite).len(),
        1,
        "only the first call"
    );
    let (tx, invite) = net.take_request(2, Method::Invite);
    net.reply(2, tx, &invite, 200);
    net.run(1.0);
    assert_eq!(
        attempts(&net),
        vec![
            (
                "provider1".into(),
                AttemptResult::Skipped("call limit 1 reached".into())
            ),
            ("provider2".into(), AttemptResult::Answered),
        ]
    );
    assert_eq!(net.calls.snapshots().len(), 2);
}

#[test]
fn anonymous_caller_id_hides_from_and_asserts_the_number() {
    let mut net = Net::new(1);
    let mut t = trunk(1);
    t.caller_id.anonymous = true;
    net.dial("sip:4185551234@10.0.0.2", call(Target::Trunks(vec![t])));
    net.run(1.0);
    let (_, invite) = net.take_request(1, Method::Invite);
    assert!(invite
        .headers
        .from
        .to_string()
        .starts_with("\"Anonymous\" <sip:anonymous@anonymous.invalid>"));
    assert_eq!(
        invite.headers.extra("P-Asserted-Identity"),
        Some("\"Front Desk\" <sip:4185550000@pbx.example.com>")
    );
    assert_eq!(invite.headers.extra("Privacy"), Some("id"));
    assert_eq!(invite.headers.max_forwards.map(|m| m.0), Some(69));
}
