//! A provider behind NAT (chan_sip `nat=force_rport` on its trunk): it writes its private
//! address in Via and Contact and asks for no `rport`. With the setting, Trunkline answers it
//! at the port its requests come from (RFC 3581 §4, as if it had asked) and sends the call's
//! in-dialog requests where it sends from; without it, both go to the private address and are
//! lost, which is what the setting is for.

use std::collections::HashSet;
use std::sync::Arc;

use super::net::{addr, Net, SDP_B};
use super::ua::with_sdp;
use super::{call, contact, trunk};
use crate::sip::proto::call::Target;
use crate::sip::proto::header::{Contact, NameAddr, RouteSet, Rport, Via};
use crate::sip::proto::message::{Method, Response, Transport};

/// Where the provider believes it is: its LAN address and port behind its router.
const PRIVATE: &str = "192.168.1.5";
const PRIVATE_PORT: u16 = 5062;

/// The provider (peer 0, at 10.0.0.1:5060 as the PBX sees it) calls in with its private Via
/// and Contact; the PBX forwards to contact 1, which answers. Returns whether the provider
/// got the 200, and the net.
fn provider_calls_in(force_rport: bool) -> (bool, Net) {
    let mut net = Net::new(1);
    if force_rport {
        net.pbx.set_force_rport(Arc::new(HashSet::from([addr(1)])));
    }
    let mut new = call(Target::Contacts(vec![contact(1)]));
    new.caller_is_phone = false;
    new.caller_force_rport = force_rport;
    net.dial_with("sip:4185550000@10.0.0.2", new, |invite| {
        let branch = invite.headers.via[0]
            .branch()
            .unwrap_or_default()
            .to_owned();
        let mut via = Via::new(Transport::Udp, PRIVATE, Some(PRIVATE_PORT), &branch);
        // A peer that does not ask for rport (RFC 3581 is optional for it).
        via.params.retain(|p| !p.name.eq_ignore_ascii_case("rport"));
        invite.headers.via = vec![via];
        invite.headers.contact = vec![Contact::Addr(NameAddr::new(format!(
            "sip:provider@{PRIVATE}:{PRIVATE_PORT}"
        )))];
    });
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    let b_ok = net.reply(1, tx, &b_invite, 200);
    net.run(1.0);
    let answered = net.peers[0].events.iter().any(|e| {
        matches!(e, crate::sip::proto::Event::Response { response, .. } if response.status == 200)
    });
    // The callee hangs up: the BYE toward the provider.
    let mut b = net.dialog(&b_invite, &b_ok, false);
    net.send_in_dialog(1, &mut b, Method::Bye, false);
    net.run(1.0);
    (answered, net)
}

#[test]
fn a_force_rport_trunk_is_answered_at_its_source_port_and_its_dialog_reached_there() {
    let (answered, net) = provider_calls_in(true);
    assert!(answered, "the 200 reached the provider's source port");
    let ok = net.response(0, 200);
    let via = &ok.headers.via[0];
    assert_eq!(via.received(), Some(addr(1).ip()), "received= its source");
    assert_eq!(via.rport(), Rport::Value(5060), "rport= its source port");
    assert_eq!(
        net.sent_to(addr(1), Method::Bye).len(),
        1,
        "BYE where the provider sends from"
    );
    assert_eq!(
        net.sent_to(addr(1), Method::Bye)[0].uri.to_string(),
        format!("sip:provider@{PRIVATE}:{PRIVATE_PORT}"),
        "the Request-URI is still its Contact"
    );
}

#[test]
fn without_force_rport_the_same_provider_is_answered_at_its_via_port_and_loses_the_call() {
    let (answered, net) = provider_calls_in(false);
    assert!(!answered, "RFC 3261 §18.2.2: received IP, Via port (5062)");
    assert!(net.sent_to(addr(1), Method::Bye).is_empty());
}

/// The phone calls trunk 1, which answers with a Contact at its private address: with
/// `force_rport` the ACK and BYE go to the trunk's address, not to that Contact.
#[test]
fn a_force_rport_trunk_that_answers_with_a_private_contact_gets_ack_and_bye_at_its_address() {
    let mut net = Net::new(1);
    let mut t = trunk(1);
    t.force_rport = true;
    let invite = net.dial("sip:4185551234@10.0.0.2", call(Target::Trunks(vec![t])));
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    let mut ok = Response::for_request(&b_invite, 200, "OK");
    ok.headers.to = ok.headers.to.with_tag("peer1");
    ok.headers.contact = vec![Contact::Addr(NameAddr::new(format!(
        "sip:provider@{PRIVATE}:{PRIVATE_PORT}"
    )))];
    with_sdp(&mut ok.headers.extra, &mut ok.body, SDP_B);
    let now = net.now;
    net.peers[1].ep.respond(now, tx, ok).expect("200 sent");
    net.run(0.5);
    assert_eq!(
        net.sent_to(addr(10), Method::Ack).len(),
        1,
        "ACK to the trunk"
    );
    let ok = net.response(0, 200);
    let mut a = net.dialog(&invite, &ok, true);
    net.send_in_dialog(0, &mut a, Method::Ack, false);
    net.send_in_dialog(0, &mut a, Method::Bye, false);
    net.run(1.0);
    assert_eq!(
        net.sent_to(addr(10), Method::Bye).len(),
        1,
        "BYE to the trunk"
    );
}

/// The same trunk behind its own record-routing proxy, which writes its private address
/// (lab_proxy_rr.rs has it for real): §12.2.1.1 would send the ACK and BYE to that first
/// Route, unreachable; with `force_rport` they go to the trunk's address, as chan_sip
/// sends a NATed peer's requests where it sends from, still carrying the route set as
/// Route and the Contact as Request-URI, so that the proxy routes them on.
#[test]
fn a_force_rport_trunk_behind_a_private_record_routing_proxy_gets_ack_and_bye_with_its_route() {
    let mut net = Net::new(1);
    let mut t = trunk(1);
    t.force_rport = true;
    let invite = net.dial("sip:4185551234@10.0.0.2", call(Target::Trunks(vec![t])));
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    let mut ok = Response::for_request(&b_invite, 200, "OK");
    ok.headers.to = ok.headers.to.with_tag("peer1");
    let proxy = "sip:192.168.1.1;lr;ftag=x";
    ok.headers.record_route = RouteSet(vec![NameAddr::new(proxy)]);
    let target = format!("sip:provider@{PRIVATE}:{PRIVATE_PORT}");
    ok.headers.contact = vec![Contact::Addr(NameAddr::new(target.clone()))];
    with_sdp(&mut ok.headers.extra, &mut ok.body, SDP_B);
    let now = net.now;
    net.peers[1].ep.respond(now, tx, ok).expect("200 sent");
    net.run(0.5);
    let ok = net.response(0, 200);
    let mut a = net.dialog(&invite, &ok, true);
    net.send_in_dialog(0, &mut a, Method::Ack, false);
    net.send_in_dialog(0, &mut a, Method::Bye, false);
    net.run(1.0);
    for method in [Method::Ack, Method::Bye] {
        let sent = net.sent_to(addr(10), method.clone());
        assert_eq!(sent.len(), 1, "{method:?} to the trunk's address");
        assert_eq!(
            sent[0].uri.to_string(),
            target,
            "{method:?}: the remote target"
        );
        let route: Vec<&str> = sent[0]
            .headers
            .route
            .0
            .iter()
            .map(|r| r.uri.as_str())
            .collect();
        assert_eq!(route, vec![proxy], "{method:?}: the route set");
    }
}
