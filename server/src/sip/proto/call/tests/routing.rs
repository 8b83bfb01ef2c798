//! Dialogs through proxies that record-route (RFC 3261 §12.1, §12.2.1.1, §16.12), legs ACKed
//! on their own (§13.2.2.4), and our address written per destination.

use super::net::{addr, Net, SDP_B};
use super::ua::with_sdp;
use super::{call, contact, trunk};
use crate::sip::proto::call::{HangupCause, Target};
use crate::sip::proto::endpoint::addressing::{Addressing, Cidr, SentBy};
use crate::sip::proto::header::{Contact, NameAddr, RouteSet};
use crate::sip::proto::message::{Message, Method, Request, Response};

fn route(uris: &[&str]) -> RouteSet {
    RouteSet(uris.iter().map(|u| NameAddr::new(*u)).collect())
}

fn uris(set: &RouteSet) -> Vec<String> {
    set.0.iter().map(|r| r.uri.clone()).collect()
}

/// A provider's call (not a phone's) arriving through a record-routing proxy at 10.0.0.11.
#[test]
fn as_uas_the_record_route_is_copied_and_the_bye_follows_it() {
    let mut net = Net::new(1);
    let mut new = call(Target::Contacts(vec![contact(1)]));
    new.caller_is_phone = false;
    let rr = route(&["sip:10.0.0.11;lr;ftag=x", "sip:10.0.0.12;lr"]);
    let rr_sent = rr.clone();
    net.dial_with("sip:4185550000@10.0.0.2", new, move |invite| {
        invite.headers.record_route = rr_sent;
    });
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    net.reply(1, tx, &b_invite, 180);
    net.run(1.0);
    let ringing = net.response(0, 180);
    assert_eq!(
        uris(&ringing.headers.record_route),
        uris(&rr),
        "§12.1.1 on 180"
    );
    let b_ok = net.reply(1, tx, &b_invite, 200);
    net.run(1.0);
    let ok = net.response(0, 200);
    assert_eq!(uris(&ok.headers.record_route), uris(&rr), "§12.1.1 on 200");
    // The callee hangs up: our BYE to the caller goes through the proxies, in their order.
    let mut b = net.dialog(&b_invite, &b_ok, false);
    net.send_in_dialog(1, &mut b, Method::Bye, false);
    net.run(1.0);
    let byes = net.sent_to(addr(11), Method::Bye);
    assert_eq!(
        byes.len(),
        1,
        "BYE to the first proxy, not to the caller's Contact"
    );
    assert_eq!(uris(&byes[0].headers.route), uris(&rr));
    assert_eq!(byes[0].uri.to_string(), "sip:1000@10.0.0.1:5060");
    assert!(net.sent_to(addr(1), Method::Bye).is_empty());
}

/// The phone calls trunk 1, which answers through proxies `rr` with a Contact elsewhere
/// (10.0.0.13). Returns the phone's INVITE.
fn trunk_answers_through(net: &mut Net, rr: &RouteSet) -> Request {
    let invite = net.dial(
        "sip:4185551234@10.0.0.2",
        call(Target::Trunks(vec![trunk(1)])),
    );
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    let mut ok = Response::for_request(&b_invite, 200, "OK");
    ok.headers.to = ok.headers.to.with_tag("peer1");
    ok.headers.record_route = rr.clone();
    ok.headers.contact = vec![Contact::Addr(NameAddr::new("sip:callee@10.0.0.13:5070"))];
    with_sdp(&mut ok.headers.extra, &mut ok.body, SDP_B);
    let now = net.now;
    net.peers[1].ep.respond(now, tx, ok).expect("200 sent");
    invite
}

#[test]
fn as_uac_the_route_set_is_the_reversed_record_route_and_ack_bye_use_it() {
    let mut net = Net::new(1);
    let rr = route(&["sip:10.0.0.11;lr", "sip:10.0.0.12;lr"]);
    let invite = trunk_answers_through(&mut net, &rr);
    net.run(0.5);
    let acks = net.sent_to(addr(12), Method::Ack);
    assert_eq!(acks.len(), 1, "ACK to the last proxy that record-routed");
    assert_eq!(
        uris(&acks[0].headers.route),
        vec!["sip:10.0.0.12;lr", "sip:10.0.0.11;lr"],
        "§12.1.2: the route set is the Record-Route reversed"
    );
    assert_eq!(acks[0].uri.to_string(), "sip:callee@10.0.0.13:5070");
    let ok = net.response(0, 200);
    let mut a = net.dialog(&invite, &ok, true);
    net.send_in_dialog(0, &mut a, Method::Ack, false);
    net.send_in_dialog(0, &mut a, Method::Bye, false);
    net.run(1.0);
    let byes = net.sent_to(addr(12), Method::Bye);
    assert_eq!(byes.len(), 1, "BYE through the route set");
    assert_eq!(byes[0].uri.to_string(), "sip:callee@10.0.0.13:5070");
    assert!(net.sent_to(addr(13), Method::Bye).is_empty());
    assert!(net.sent_to(addr(13), Method::Ack).is_empty());
}

#[test]
fn a_strict_router_gets_the_request_uri_and_the_target_goes_last() {
    let mut net = Net::new(1);
    let rr = route(&["sip:10.0.0.11"]);
    trunk_answers_through(&mut net, &rr);
    net.run(0.5);
    let acks = net.sent_to(addr(11), Method::Ack);
    assert_eq!(acks.len(), 1, "ACK to the strict router");
    assert_eq!(acks[0].uri.to_string(), "sip:10.0.0.11");
    assert_eq!(
        uris(&acks[0].headers.route),
        vec!["sip:callee@10.0.0.13:5070"],
        "§12.2.1.1: the remote target as the last Route"
    );
}

#[test]
fn a_lost_caller_ack_leaves_the_callee_acked_and_the_200_retransmitted_then_bye_both() {
    let mut net = Net::new(1);
    // Every ACK from the phone is lost.
    net.lose = Box::new(|p| {
        p.from == addr(1) && matches!(&p.msg, Message::Request(r) if r.method == Method::Ack)
    });
    net.dial(
        "sip:1001@10.0.0.2",
        call(Target::Contacts(vec![contact(1)])),
    );
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    net.reply(1, tx, &b_invite, 200);
    net.run(0.1);
    assert_eq!(
        net.sent_to(addr(10), Method::Ack).len(),
        1,
        "B ACKed at once"
    );
    net.run(5.0);
    let oks = net
        .answers_from_pbx(addr(1))
        .iter()
        .filter(|s| **s == 200)
        .count();
    assert!(
        oks >= 4,
        "Timer G: the 200 to the caller retransmitted, {oks}"
    );
    let callee_oks = net
        .answers_from(addr(10))
        .iter()
        .filter(|s| **s == 200)
        .count();
    assert_eq!(callee_oks, 1, "the callee never had to retransmit");
    net.run(40.0);
    assert_eq!(net.sent_to(addr(1), Method::Bye).len(), 1);
    assert_eq!(net.sent_to(addr(10), Method::Bye).len(), 1);
    assert_eq!(net.record().cause, HangupCause::NoAck);
}

#[test]
fn a_late_offer_waits_for_the_callers_ack_to_carry_the_answer() {
    let mut net = Net::new(1);
    net.dial_with(
        "sip:1001@10.0.0.2",
        call(Target::Contacts(vec![contact(1)])),
        |invite| {
            invite.body.clear();
            invite.headers.extra.retain(|h| h.name != "Content-Type");
        },
    );
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    net.reply(1, tx, &b_invite, 200);
    net.run(0.1);
    assert!(
        net.sent_to(addr(10), Method::Ack).is_empty(),
        "the answer to B's offer is in A's ACK"
    );
}

#[test]
fn the_lan_gets_our_lan_address_and_the_provider_the_external_one() {
    let mut net = Net::new(1);
    *net.pbx.addressing_mut() = Addressing {
        // The phone and the PBX are on 10.0.0.0/30; the trunk at 10.0.0.10 is "outside".
        local: vec![(
            Cidr {
                addr: "10.0.0.0".parse().expect("ip"),
                prefix: 30,
            },
            SentBy::new("10.0.0.2", 5060),
        )],
        external: Some(SentBy::new("198.51.100.1", 5060)),
        learned: Default::default(),
    };
    net.dial(
        "sip:4185551234@10.0.0.2",
        call(Target::Trunks(vec![trunk(1)])),
    );
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    let via = b_invite.headers.via[0].to_string();
    assert!(
        via.contains("198.51.100.1:5060"),
        "Via to the provider: {via}"
    );
    let wire = String::from_utf8_lossy(&b_invite.encode()).into_owned();
    assert!(
        !wire.contains("trunkline@10.0.0.2") && !wire.contains("SIP/2.0/UDP 10.0.0.2"),
        "no LAN address of ours toward the provider:\n{wire}"
    );
    assert_eq!(
        b_invite.headers.contact[0].to_string(),
        "<sip:trunkline@198.51.100.1:5060>"
    );
    net.reply(1, tx, &b_invite, 200);
    net.run(1.0);
    let ok = net.response(0, 200);
    assert_eq!(
        ok.headers.contact[0].to_string(),
        "<sip:trunkline@10.0.0.2:5060>",
        "the phone gets an address it can reach"
    );
}
