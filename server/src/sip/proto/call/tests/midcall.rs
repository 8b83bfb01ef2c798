//! Requests inside an answered call: re-INVITE relayed across, glare answered 491.

use super::answered;
use super::contact;
use super::net::{addr, Net, SDP_A};
use crate::sip::proto::call::Target;
use crate::sip::proto::message::Method;

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
        vec![100, 491],
        "the callee's re-INVITE meets ours"
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
