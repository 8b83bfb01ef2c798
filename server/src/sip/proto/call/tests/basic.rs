//! Calls to a user's contacts: answer and hang-up from either side, cancel, parallel fork.

use super::net::{addr, Net, SDP_A, SDP_B};
use super::{answered, call, contact, trunk};
use crate::sip::proto::call::{AttemptResult, CallState, HangupCause, Side, Target};
use crate::sip::proto::message::Method;

#[test]
fn answer_then_bye_from_the_caller() {
    let mut net = Net::new(1);
    let call = answered(&mut net, Target::Contacts(vec![contact(1)]), 1);
    // The offer reached B unchanged, the answer reached A unchanged, with our tag and Contact.
    assert_eq!(call.b_invite.body, SDP_A);
    assert_eq!(net.statuses(0), vec![100, 180, 200]);
    let ok = net.response(0, 200);
    assert_eq!(ok.body, SDP_B);
    assert_ne!(ok.headers.to.tag(), Some("peer1"));
    assert_eq!(
        ok.headers.contact[0].to_string(),
        "<sip:trunkline@10.0.0.2:5060>"
    );
    // A's ACK for the 2xx became an ACK on the B dialog.
    let acks = net.sent_to(addr(10), Method::Ack);
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].headers.to.tag(), Some("peer1"));
    let live = net.calls.snapshots();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].state, CallState::Answered);
    assert_eq!(live[0].caller, "Front Desk (1000)");
    assert!(live[0].answered.is_some());

    let mut a = call.a;
    net.send_in_dialog(0, &mut a, Method::Bye, false);
    net.run(1.0);
    assert_eq!(net.statuses(0), vec![100, 180, 200, 200], "200 to the BYE");
    let byes = net.sent_to(addr(10), Method::Bye);
    assert_eq!(byes.len(), 1, "BYE on the callee's leg");
    assert_eq!(byes[0].uri.to_string(), "sip:peer@10.0.0.10:5060");
    let record = net.record();
    assert_eq!(record.cause, HangupCause::Normal);
    assert_eq!(record.side, Some(Side::Caller));
    assert_eq!(record.attempts.len(), 1);
    assert_eq!(record.attempts[0].result, AttemptResult::Answered);
    assert!(record.answered.is_some());
    assert!(net.calls.snapshots().is_empty());
}

#[test]
fn an_ended_call_leaves_no_index_entry_nor_deadline() {
    let mut net = Net::new(1);
    let call = answered(&mut net, Target::Contacts(vec![contact(1)]), 1);
    assert!(net.calls.index_entries() > 0);
    let mut a = call.a;
    net.send_in_dialog(0, &mut a, Method::Bye, false);
    net.run(1.0);
    assert!(net.calls.snapshots().is_empty());
    assert_eq!(net.calls.index_entries(), 0, "the call's keys went with it");
    assert_eq!(net.calls.poll_timeout(), None);
}

#[test]
fn both_legs_call_ids_are_known_while_the_call_lasts_and_only_then() {
    let mut net = Net::new(1);
    let call = answered(&mut net, Target::Contacts(vec![contact(1)]), 1);
    let a_id = net.response(0, 200).headers.call_id.as_str().to_string();
    let b_id = call.b_invite.headers.call_id.as_str().to_string();
    assert_ne!(a_id, b_id, "two legs, two Call-IDs");
    assert!(net.calls.has_call_id(&a_id));
    assert!(net.calls.has_call_id(&b_id));
    assert!(!net.calls.has_call_id("stranger@203.0.113.9"));
    let mut a = call.a;
    net.send_in_dialog(0, &mut a, Method::Bye, false);
    net.run(1.0);
    assert!(!net.calls.has_call_id(&a_id));
    assert!(!net.calls.has_call_id(&b_id));
}

#[test]
fn answer_then_bye_from_the_callee() {
    let mut net = Net::new(1);
    let call = answered(&mut net, Target::Contacts(vec![contact(1)]), 1);
    let mut b = call.b;
    net.send_in_dialog(1, &mut b, Method::Bye, false);
    net.run(1.0);
    assert_eq!(net.statuses(1), vec![200], "200 to the callee's BYE");
    let byes = net.sent_to(addr(1), Method::Bye);
    assert_eq!(byes.len(), 1, "BYE on the caller's leg");
    let ok = net.response(0, 200);
    assert_eq!(byes[0].uri.to_string(), "sip:1000@10.0.0.1:5060");
    assert_eq!(byes[0].headers.from.tag(), ok.headers.to.tag());
    assert_eq!(byes[0].headers.to.tag(), call.a.local.param("tag"));
    let record = net.record();
    assert_eq!(record.cause, HangupCause::Normal);
    assert_eq!(record.side, Some(Side::Callee));
    assert!(net.calls.snapshots().is_empty());
}

#[test]
fn busy_trunk_answers_486_and_tries_no_further_trunk() {
    let mut net = Net::new(2);
    net.dial(
        "sip:4185551234@10.0.0.2",
        call(Target::Trunks(vec![trunk(1), trunk(2)])),
    );
    net.run(1.0);
    let (tx, invite) = net.take_request(1, Method::Invite);
    net.reply(1, tx, &invite, 486);
    net.run(5.0);
    assert_eq!(net.statuses(0), vec![100, 486]);
    assert!(net.sent_to(addr(11), Method::Invite).is_empty());
    let record = net.record();
    assert_eq!(record.cause, HangupCause::Busy);
    assert_eq!(record.status, Some(486));
    assert_eq!(record.attempts.len(), 1);
    assert_eq!(record.attempts[0].result, AttemptResult::Rejected(486));
}

#[test]
fn cancel_before_answer_cancels_every_ringing_leg() {
    let mut net = Net::new(2);
    let invite = net.dial(
        "sip:1001@10.0.0.2",
        call(Target::Contacts(vec![contact(1), contact(2)])),
    );
    net.run(1.0);
    for p in [1, 2] {
        let (tx, b) = net.take_request(p, Method::Invite);
        net.reply(p, tx, &b, 180);
    }
    net.run(1.0);
    net.cancel(&invite);
    net.run(2.0);
    assert_eq!(net.statuses(0), vec![100, 180, 180, 200, 487]);
    for to in [addr(10), addr(11)] {
        assert_eq!(net.sent_to(to, Method::Cancel).len(), 1, "CANCEL to {to}");
    }
    let record = net.record();
    assert_eq!(record.cause, HangupCause::Cancelled);
    assert_eq!(record.side, Some(Side::Caller));
    assert!(record
        .attempts
        .iter()
        .all(|a| a.result == AttemptResult::Cancelled));
    assert!(net.calls.snapshots().is_empty());
}

#[test]
fn parallel_fork_first_answer_wins_and_the_other_is_cancelled() {
    let mut net = Net::new(2);
    net.dial(
        "sip:1001@10.0.0.2",
        call(Target::Contacts(vec![contact(1), contact(2)])),
    );
    net.run(1.0);
    let (tx1, b1) = net.take_request(1, Method::Invite);
    let (tx2, b2) = net.take_request(2, Method::Invite);
    net.reply(1, tx1, &b1, 180);
    net.reply(2, tx2, &b2, 180);
    net.run(1.0);
    net.reply(2, tx2, &b2, 200);
    net.run(2.0);
    assert_eq!(net.response(0, 200).body, SDP_B);
    assert_eq!(net.sent_to(addr(10), Method::Cancel).len(), 1);
    assert!(net.sent_to(addr(11), Method::Cancel).is_empty());
    assert_eq!(
        net.answers_from(addr(10)),
        vec![100, 180, 200, 487],
        "the loser was cancelled"
    );
    let record_pending = net
        .call_events
        .iter()
        .any(|e| matches!(e, crate::sip::proto::call::CallEvent::Ended(_)));
    assert!(!record_pending, "the call goes on");
    let live = net.calls.snapshots();
    assert_eq!(live[0].state, CallState::Answered);
}

#[test]
fn cancel_waits_for_a_provisional_and_100_trying_is_one() {
    let mut net = Net::new(1);
    let invite = net.dial(
        "sip:1001@10.0.0.2",
        call(Target::Contacts(vec![contact(1)])),
    );
    // The callee's answers vanish: no 100 reaches the PBX yet, so no CANCEL may go (§9.1).
    net.lose = Box::new(|p| p.from == addr(10));
    net.run(1.0);
    net.lose = Box::new(|_| false);
    net.cancel(&invite);
    net.run(0.1);
    assert!(net.sent_to(addr(10), Method::Cancel).is_empty());
    assert_eq!(net.statuses(0), vec![100, 200, 487]);
    // The INVITE retransmission draws the 100 again; then the CANCEL goes.
    net.run(2.0);
    assert_eq!(net.sent_to(addr(10), Method::Cancel).len(), 1);
    assert_eq!(net.record().cause, HangupCause::Cancelled);
    assert!(net.calls.snapshots().is_empty());
}

#[test]
fn the_administrator_hangs_up_an_answered_call() {
    let mut net = Net::new(1);
    let call = answered(&mut net, Target::Contacts(vec![contact(1)]), 1);
    let id = net.calls.snapshots()[0].id;
    let now = net.now;
    assert!(net.calls.hang_up(now, &mut net.pbx, id));
    net.run(1.0);
    // Both sides got BYE, each inside its own dialog.
    let to_caller = net.sent_to(addr(1), Method::Bye);
    let to_callee = net.sent_to(addr(10), Method::Bye);
    assert_eq!((to_caller.len(), to_callee.len()), (1, 1));
    assert_eq!(to_caller[0].headers.to.tag(), call.a.local.param("tag"));
    assert_eq!(to_callee[0].headers.to.tag(), Some("peer1"));
    let record = net.record();
    assert_eq!(record.cause, HangupCause::Administrator);
    assert_eq!(record.side, None);
    assert!(net.calls.snapshots().is_empty());
    assert!(
        !net.calls.hang_up(net.now, &mut net.pbx, id),
        "already over"
    );
}

#[test]
fn the_administrator_hangs_up_a_ringing_call() {
    let mut net = Net::new(2);
    net.dial(
        "sip:1001@10.0.0.2",
        call(Target::Contacts(vec![contact(1), contact(2)])),
    );
    net.run(1.0);
    for p in [1, 2] {
        let (tx, b) = net.take_request(p, Method::Invite);
        net.reply(p, tx, &b, 180);
    }
    net.run(1.0);
    let id = net.calls.snapshots()[0].id;
    let now = net.now;
    assert!(net.calls.hang_up(now, &mut net.pbx, id));
    net.run(2.0);
    assert_eq!(net.statuses(0), vec![100, 180, 180, 480]);
    for to in [addr(10), addr(11)] {
        assert_eq!(net.sent_to(to, Method::Cancel).len(), 1, "CANCEL to {to}");
    }
    assert_eq!(net.record().cause, HangupCause::Administrator);
    assert!(net.calls.snapshots().is_empty());
}
