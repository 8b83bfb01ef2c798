//! Inside an answered call: re-INVITE relayed across, glare answered 491, the 2xx on A
//! retransmitted until its ACK (§13.3.1.4).

use super::net::{addr, Net, SDP_A};
use super::{answered, contact};
use crate::sip::proto::call::{CallEvent, HangupCause, Target};
use crate::sip::proto::message::{Message, Method};
use crate::sip::proto::Transport;

#[test]
fn reinvite_from_callee_is_relayed_to_the_caller_and_its_200_back() {
    let mut net = Net::new(1);
    let call = answered(&mut net, Target::Contacts(vec![contact(1)]), 1);
    let mut b = call.b;
    net.send_in_dialog(1, &mut b, Method::Invite, true);
    net.run(1.0);
    let relayed = net.sent_to(addr(1), Method::Invite);
    assert_eq!(relayed.len(), 1, "re-INVITE on the caller's leg");
    assert_eq!(relayed[0].body, SDP_A, "the offer passes unchanged");
    assert_eq!(relayed[0].headers.to.tag(), call.a.local.param("tag"));
    let (tx, reinvite) = net.take_request(0, Method::Invite);
    net.reply(0, tx, &reinvite, 200);
    net.run(1.0);
    let ok = net.response(1, 200);
    assert_eq!(
        ok.headers.cseq.seq, b.local_cseq,
        "200 for the callee's re-INVITE"
    );
    assert_eq!(ok.body, super::net::SDP_B);
    net.send_in_dialog(1, &mut b, Method::Ack, false);
    net.run(1.0);
    let acks = net.sent_to(addr(1), Method::Ack);
    assert_eq!(acks.len(), 1, "the ACK crosses to the caller");
    assert_eq!(acks[0].headers.cseq.seq, reinvite.headers.cseq.seq);
}

#[test]
fn glare_second_reinvite_gets_491() {
    let mut net = Net::new(1);
    let call = answered(&mut net, Target::Contacts(vec![contact(1)]), 1);
    let (mut a, mut b) = (call.a, call.b);
    net.send_in_dialog(0, &mut a, Method::Invite, true);
    net.run(1.0);
    let (tx, reinvite) = net.take_request(1, Method::Invite);
    net.send_in_dialog(1, &mut b, Method::Invite, true);
    net.run(1.0);
    assert_eq!(
        net.statuses(1),
        vec![491],
        "the callee's re-INVITE meets ours (at once: no 100 Trying)"
    );
    net.reply(1, tx, &reinvite, 200);
    net.run(1.0);
    let ok = net.response(0, 200);
    assert_eq!(
        ok.headers.cseq.seq, a.local_cseq,
        "the caller's re-INVITE went through"
    );
    assert_eq!(
        net.sent_to(addr(10), Method::Invite).len(),
        2,
        "initial and re-INVITE"
    );
}

#[test]
fn lost_ack_the_answer_is_retransmitted_until_it_comes() {
    let mut net = Net::new(1);
    let mut first_ack = true;
    net.lose = Box::new(move |p| {
        let ack = matches!(&p.msg, Message::Request(r) if r.method == Method::Ack);
        let lost = ack && p.to == addr(2) && first_ack;
        first_ack &= !lost;
        lost
    });
    let call = answered(&mut net, Target::Contacts(vec![contact(1)]), 1);
    assert_eq!(
        net.sent_to(addr(10), Method::Ack).len(),
        1,
        "the callee's 2xx is ACKed on its own leg, whatever the caller does"
    );
    let mut a = call.a;
    net.run(1.0);
    let count_oks = |net: &Net| {
        let sent = net.answers_from_pbx(addr(1));
        sent.iter().filter(|s| **s == 200).count()
    };
    let oks = count_oks(&net);
    assert!(oks >= 2, "2xx retransmitted, got {oks}");
    net.send_in_dialog(0, &mut a, Method::Ack, false);
    net.run(10.0);
    let after = count_oks(&net);
    assert!(after <= oks + 1, "retransmissions stop after the ACK");
    assert_eq!(net.sent_to(addr(10), Method::Ack).len(), 1);
    assert!(net
        .call_events
        .iter()
        .all(|e| !matches!(e, CallEvent::Ended(_))));
}

/// §13.2.2.4: the callee's 2xx, retransmitted (our ACK was lost), gets the ACK again, the
/// same one: same branch, CSeq and body. The call keeps it as sent, not as a request.
#[test]
fn a_retransmitted_answer_from_the_callee_gets_the_same_ack_again() {
    let mut net = Net::new(1);
    let call = answered(&mut net, Target::Contacts(vec![contact(1)]), 1);
    // ACKs on the wire to the callee, each retransmission counted.
    let acks_sent = |net: &Net| {
        net.wire
            .iter()
            .filter(|p| p.from == addr(2) && p.to == addr(10))
            .filter(|p| matches!(&p.msg, Message::Request(r) if r.method == Method::Ack))
            .count()
    };
    assert_eq!(acks_sent(&net), 1, "the callee's 200 ACKed once");
    let to_caller = net.answers_from_pbx(addr(1));
    net.peers[1]
        .ep
        .send_response(&call.b_ok, addr(2), Transport::Udp);
    net.run(1.0);
    assert_eq!(acks_sent(&net), 2, "the retransmitted 200 is ACKed again");
    let acks = net.sent_to(addr(10), Method::Ack);
    assert_eq!(acks.len(), 1, "the same ACK, branch and all: {acks:?}");
    assert_eq!(acks[0].headers.cseq.seq, call.b_invite.headers.cseq.seq);
    assert_eq!(
        net.answers_from_pbx(addr(1)),
        to_caller,
        "the caller, who ACKed, is sent nothing more"
    );
}

#[test]
fn no_ack_at_all_ends_the_call_with_bye_on_both_legs() {
    let mut net = Net::new(1);
    net.lose = Box::new(|p| matches!(&p.msg, Message::Request(r) if r.method == Method::Ack));
    answered(&mut net, Target::Contacts(vec![contact(1)]), 1);
    net.run(40.0);
    assert_eq!(net.sent_to(addr(1), Method::Bye).len(), 1);
    assert_eq!(net.sent_to(addr(10), Method::Bye).len(), 1);
    assert_eq!(net.record().cause, HangupCause::NoAck);
}

#[test]
fn retransmitted_invite_after_the_answer_makes_no_second_call() {
    let mut net = Net::new(1);
    let invite = net.dial(
        "sip:1001@10.0.0.2",
        super::call(Target::Contacts(vec![contact(1)])),
    );
    net.run(1.0);
    let (tx, b) = net.take_request(1, Method::Invite);
    net.reply(1, tx, &b, 200);
    net.run(0.1);
    let bytes = invite.encode();
    net.pbx
        .handle_datagram(net.now, addr(1), crate::sip::proto::Transport::Udp, &bytes);
    net.run(0.1);
    assert_eq!(
        net.sent_to(addr(10), Method::Invite).len(),
        1,
        "one B leg only"
    );
    assert_eq!(net.calls.snapshots().len(), 1);
    assert!(
        net.answers_from_pbx(addr(1))
            .iter()
            .filter(|s| **s == 200)
            .count()
            >= 2
    );
}
