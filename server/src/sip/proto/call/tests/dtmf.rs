//! DTMF mode `info` on a trunk: the offer to the trunk has no telephone-event, the phone's
//! answer has the one it offered, its digits (read by the relay) go to the trunk as INFOs one
//! at a time whose answers stay in the PBX, and the trunk's INFOs are answered here and
//! played to the phone.

use super::media::anchored;
use super::net::{addr, Net, SDP_B};
use super::{trunk, Answered};
use crate::sip::proto::call::leg::Dialog;
use crate::sip::proto::call::{CallEvent, Side, Target, TrunkMedia};
use crate::sip::proto::message::{ExtraHeader, Method};
use crate::sip::proto::rtp::dtmf::MAX_QUEUED_DIGITS;
use crate::sip::proto::rtp::Digit;

/// A phone's offer with RFC 4733 events as payload type 96 (not the usual 101).
const PHONE_OFFER: &str = "v=0\r\n\
o=phone 1 1 IN IP4 10.0.0.1\r\n\
s=-\r\n\
c=IN IP4 10.0.0.1\r\n\
t=0 0\r\n\
m=audio 4000 RTP/AVP 0 96\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:96 telephone-event/8000\r\n\
a=fmtp:96 0-16\r\n\
a=sendrecv\r\n";

fn trunk_with(telephone_event: bool) -> Target {
    let mut t = trunk(1);
    t.media = TrunkMedia {
        telephone_event,
        ..TrunkMedia::default()
    };
    Target::Trunks(vec![t])
}

/// The phone calls out through trunk 1 with `PHONE_OFFER`, the trunk answers.
fn call_out(net: &mut Net, telephone_event: bool) -> (Answered, String) {
    call_out_answered(net, telephone_event, SDP_B)
}

/// [`call_out`], the trunk answering with `answer`.
fn call_out_answered(net: &mut Net, telephone_event: bool, answer: &[u8]) -> (Answered, String) {
    let invite = net.dial_with(
        "sip:4185551234@10.0.0.2",
        anchored(trunk_with(telephone_event)),
        |i| i.body = PHONE_OFFER.as_bytes().to_vec(),
    );
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    let offer = String::from_utf8_lossy(&b_invite.body).into_owned();
    let b_ok = net.reply_with(1, tx, &b_invite, 200, answer);
    net.run(1.0);
    let a = acked(net, &invite);
    let b = net.dialog(&b_invite, &b_ok, false);
    let answered = Answered {
        a,
        b,
        b_invite,
        b_ok,
    };
    (answered, offer)
}

/// The caller (peer 0) takes the PBX's 2xx to `invite` and ACKs it: its dialog.
fn acked(net: &mut Net, invite: &crate::sip::proto::message::Request) -> Dialog {
    let ok = net.response(0, 200);
    let mut a = net.dialog(invite, &ok, true);
    net.send_in_dialog(0, &mut a, Method::Ack, false);
    net.run(1.0);
    a
}

fn bodies(net: &Net, method: Method) -> Vec<String> {
    net.sent_to(addr(10), method)
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect()
}

/// The trunk (peer 1) sends an INFO of `content_type` with `body`.
fn trunk_info(net: &mut Net, b: &mut Dialog, content_type: &str, body: &str) {
    trunk_info_as(net, 1, b, content_type, body);
}

/// Peer `p` sends a `dtmf-relay` INFO with `body`.
fn trunk_info_from(net: &mut Net, p: usize, d: &mut Dialog, body: &str) {
    trunk_info_as(net, p, d, "application/dtmf-relay", body);
}

fn trunk_info_as(net: &mut Net, p: usize, b: &mut Dialog, content_type: &str, body: &str) {
    let now = net.now;
    let peer = &mut net.peers[p];
    let mut req = b.request(Method::Info, "sip:peer@10.0.0.10").expect("req");
    req.headers.extra.push(ExtraHeader {
        name: "Content-Type".into(),
        value: content_type.into(),
    });
    req.body = body.as_bytes().to_vec();
    peer.ep
        .send_request(now, req, b.dest, b.transport)
        .expect("sent");
}

/// What the relay was told to convert: the phone's side and payload type (`CallEvent::Dtmf`).
fn told_convert(net: &Net) -> Vec<(Side, u8)> {
    told(net, false)
}

/// What the relay was told to play INFO digits toward: the trunk's side and payload type
/// (`CallEvent::Play`).
fn told_play(net: &Net) -> Vec<(Side, u8)> {
    told(net, true)
}

fn told(net: &Net, play: bool) -> Vec<(Side, u8)> {
    net.call_events
        .iter()
        .filter_map(|e| match (e, play) {
            (CallEvent::Dtmf { phone, pt, .. }, false) => Some((*phone, *pt)),
            (CallEvent::Play { toward, pt, .. }, true) => Some((*toward, *pt)),
            _ => None,
        })
        .collect()
}

fn digits_played(net: &Net) -> Vec<(Side, char, u32)> {
    net.call_events
        .iter()
        .filter_map(|e| match e {
            CallEvent::Digit { toward, digit, .. } => {
                Some((*toward, digit.symbol()?, digit.millis()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn an_info_trunk_is_offered_no_telephone_event_and_the_phone_keeps_its_own() {
    let mut net = Net::new(1);
    let (_, offer) = call_out(&mut net, false);
    assert!(offer.contains("m=audio 20002 RTP/AVP 0\r\n"), "{offer}");
    assert!(!offer.contains("telephone-event"), "{offer}");
    let answer = net.response(0, 200);
    let answer = String::from_utf8_lossy(&answer.body).into_owned();
    assert!(
        answer.contains("m=audio 20000 RTP/AVP 0 96\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains("a=rtpmap:96 telephone-event/8000\r\n"),
        "{answer}"
    );
    assert_eq!(
        told_convert(&net),
        vec![(Side::Caller, 96)],
        "the relay reads PT 96 from the phone"
    );
}

#[test]
fn the_phones_digits_go_to_the_trunk_as_infos_one_at_a_time_in_order() {
    let mut net = Net::new(1);
    let _ = call_out(&mut net, false);
    let id = net.calls.snapshots()[0].id;
    let now = net.now;
    let one = Digit {
        event: 1,
        duration: 800,
    };
    let hash = Digit {
        event: 11,
        duration: 1200,
    };
    assert!(net
        .calls
        .dtmf_digit(now, &mut net.pbx, id, Side::Caller, one));
    assert!(net
        .calls
        .dtmf_digit(now, &mut net.pbx, id, Side::Caller, hash));
    net.run(0.5);
    assert_eq!(
        bodies(&net, Method::Info),
        vec!["Signal=1\r\nDuration=100\r\n".to_string()],
        "the second waits for the first's answer"
    );
    let (tx, info) = net.take_request(1, Method::Info);
    assert_eq!(
        info.headers.extra("Content-Type"),
        Some("application/dtmf-relay")
    );
    net.reply(1, tx, &info, 200);
    net.run(0.5);
    let infos = net.sent_to(addr(10), Method::Info);
    assert_eq!(
        bodies(&net, Method::Info),
        vec![
            "Signal=1\r\nDuration=100\r\n".to_string(),
            "Signal=#\r\nDuration=150\r\n".to_string()
        ]
    );
    assert!(
        infos[1].headers.cseq.seq > infos[0].headers.cseq.seq,
        "own CSeq"
    );
    let (tx, info) = net.take_request(1, Method::Info);
    net.reply(1, tx, &info, 415);
    net.run(0.5);
    assert!(
        net.sent_to(addr(1), Method::Info).is_empty(),
        "nothing reaches the phone"
    );
    assert!(
        !net.statuses(0).contains(&415),
        "the trunk's answers stay in the PBX"
    );
}

#[test]
fn the_trunks_info_is_answered_here_and_played_to_the_phone() {
    let mut net = Net::new(1);
    let (mut call, _) = call_out(&mut net, false);
    trunk_info(
        &mut net,
        &mut call.b,
        "application/dtmf-relay",
        "Signal=5\r\nDuration=160\r\n",
    );
    net.run(0.5);
    trunk_info(&mut net, &mut call.b, "application/dtmf", "9");
    net.run(0.5);
    trunk_info(
        &mut net,
        &mut call.b,
        "application/dtmf-relay",
        "Signal=Z\r\n",
    );
    net.run(0.5);
    assert_eq!(
        net.statuses(1),
        vec![200, 200, 400],
        "a body it cannot read gets 400"
    );
    assert!(net.sent_to(addr(1), Method::Info).is_empty());
    assert_eq!(
        digits_played(&net),
        vec![(Side::Caller, '5', 160), (Side::Caller, '9', 160)]
    );
    // Another INFO (not DTMF) is relayed as before.
    trunk_info(&mut net, &mut call.b, "application/x-vendor", "hello");
    net.run(0.5);
    assert_eq!(net.sent_to(addr(1), Method::Info).len(), 1);
}

#[test]
fn an_rfc2833_trunk_keeps_telephone_event_and_converts_nothing() {
    let mut net = Net::new(1);
    let (mut call, offer) = call_out(&mut net, true);
    assert!(
        offer.contains("a=rtpmap:96 telephone-event/8000\r\n"),
        "{offer}"
    );
    assert!(told_convert(&net).is_empty());
    let id = net.calls.snapshots()[0].id;
    let now = net.now;
    let digit = Digit {
        event: 1,
        duration: 800,
    };
    assert!(!net
        .calls
        .dtmf_digit(now, &mut net.pbx, id, Side::Caller, digit));
    trunk_info(
        &mut net,
        &mut call.b,
        "application/dtmf-relay",
        "Signal=5\r\n",
    );
    net.run(0.5);
    assert_eq!(
        net.sent_to(addr(1), Method::Info).len(),
        1,
        "relayed as before"
    );
}

/// A phone that sends its digits in INFOs, calling out through an `rfc2833` trunk: the
/// relay is told to play digits to the trunk with the trunk's payload type, and the phone's
/// DTMF INFO is answered here and played to the trunk as events, as Asterisk turns DTMF
/// into the mode of the channel it goes to. Its other INFOs, and the trunk's, are relayed
/// as before.
#[test]
fn a_phones_info_is_played_to_an_rfc2833_trunk_as_events() {
    let mut net = Net::new(1);
    let (mut call, _) = call_out_answered(&mut net, true, EVENTS_101.as_bytes());
    assert_eq!(
        told_play(&net),
        vec![(Side::Callee, 101)],
        "the trunk's payload type"
    );
    assert!(told_convert(&net).is_empty());

    trunk_info_from(&mut net, 0, &mut call.a, "Signal=7\r\nDuration=200\r\n");
    net.run(0.5);
    trunk_info_as(&mut net, 0, &mut call.a, "application/dtmf", "#");
    net.run(0.5);
    trunk_info_from(&mut net, 0, &mut call.a, "Signal=Z\r\n");
    net.run(0.5);
    let infos = net.statuses(0);
    assert_eq!(infos[infos.len() - 3..], [200, 200, 400], "{infos:?}");
    assert!(
        net.sent_to(addr(10), Method::Info).is_empty(),
        "none relayed"
    );
    assert_eq!(
        digits_played(&net),
        vec![(Side::Callee, '7', 200), (Side::Callee, '#', 160)]
    );

    // The trunk's own DTMF INFO, then the phone's INFO of another kind: relayed.
    trunk_info(
        &mut net,
        &mut call.b,
        "application/dtmf-relay",
        "Signal=5\r\n",
    );
    net.run(0.5);
    assert_eq!(net.sent_to(addr(1), Method::Info).len(), 1);
    // One request relayed at a time: the phone answers it before its own goes.
    let (tx, info) = net.take_request(0, Method::Info);
    net.reply(0, tx, &info, 200);
    net.run(0.5);
    trunk_info_as(&mut net, 0, &mut call.a, "application/x-vendor", "hello");
    net.run(0.5);
    assert_eq!(net.sent_to(addr(10), Method::Info).len(), 1);
    assert_eq!(digits_played(&net).len(), 2);
}

/// The same on a call an `rfc2833` trunk brings in: the phone that answered sends its
/// digits in INFOs, and they are played to the trunk (the caller) with the payload type of
/// the trunk's offer.
#[test]
fn a_phones_info_is_played_to_the_rfc2833_trunk_that_called() {
    use crate::sip::proto::call::NewCall;
    let mut net = Net::new(1);
    // Peer 0 is the provider calling in (101 in its offer), peer 1 the phone.
    let new = NewCall {
        caller_is_phone: false,
        from_trunk: Some("provider".into()),
        ..anchored(Target::Contacts(vec![super::contact(1)]))
    };
    let invite = net.dial_with("sip:4185550000@10.0.0.2", new, |i| {
        i.body = EVENTS_101.as_bytes().to_vec();
    });
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    let b_ok = net.reply_with(1, tx, &b_invite, 200, SDP_B);
    net.run(1.0);
    assert_eq!(told_play(&net), vec![(Side::Caller, 101)]);
    acked(&mut net, &invite);
    let mut b = net.dialog(&b_invite, &b_ok, false);
    trunk_info_from(&mut net, 1, &mut b, "Signal=4\r\nDuration=120\r\n");
    net.run(0.5);
    assert_eq!(digits_played(&net), vec![(Side::Caller, '4', 120)]);
    assert!(net.sent_to(addr(1), Method::Info).is_empty(), "not relayed");
}

/// SDP with RFC 4733 events as payload type 101: a phone's answer numbering them as the
/// offer did, a trunk's answer numbering them otherwise than the phone (96), or a
/// provider's offer.
const EVENTS_101: &str = "v=0\r\n\
o=callee 1 1 IN IP4 10.0.0.10\r\n\
s=-\r\n\
c=IN IP4 10.0.0.10\r\n\
t=0 0\r\n\
m=audio 5000 RTP/AVP 0 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n";

#[test]
fn an_info_trunks_incoming_call_converts_too() {
    use crate::sip::proto::call::NewCall;
    use crate::sip::proto::header::{Contact, NameAddr};
    use crate::sip::proto::message::{default_reason, Response};
    let mut net = Net::new(1);
    // Peer 0 is the provider calling in (its offer has no telephone-event), peer 1 the phone.
    let new = NewCall {
        caller_is_phone: false,
        caller_dtmf_info: true,
        ..anchored(Target::Contacts(vec![super::contact(1)]))
    };
    let invite = net.dial("sip:4185550000@10.0.0.2", new);
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    let offer = String::from_utf8_lossy(&b_invite.body).into_owned();
    assert!(offer.contains("m=audio 20002 RTP/AVP 0 101\r\n"), "{offer}");
    assert!(
        offer.contains("a=rtpmap:101 telephone-event/8000\r\n"),
        "{offer}"
    );
    let mut ok = Response::for_request(&b_invite, 200, default_reason(200));
    ok.headers.to = ok.headers.to.with_tag("phone");
    ok.headers.contact = vec![Contact::Addr(NameAddr::new("sip:peer@10.0.0.10"))];
    ok.headers.extra.push(ExtraHeader {
        name: "Content-Type".into(),
        value: "application/sdp".into(),
    });
    ok.body = EVENTS_101.as_bytes().to_vec();
    let now = net.now;
    net.peers[1].ep.respond(now, tx, ok).expect("answered");
    net.run(1.0);
    let to_trunk = net.response(0, 200);
    let to_trunk = String::from_utf8_lossy(&to_trunk.body).into_owned();
    assert!(
        to_trunk.contains("m=audio 20000 RTP/AVP 0\r\n"),
        "{to_trunk}"
    );
    assert!(!to_trunk.contains("telephone-event"), "{to_trunk}");
    assert!(net.call_events.iter().any(|e| matches!(
        e,
        CallEvent::Dtmf {
            phone: Side::Callee,
            pt: 101,
            ..
        }
    )));
    let mut a = acked(&mut net, &invite);

    // The provider's INFO is answered here and played to the phone (the callee).
    trunk_info_from(&mut net, 0, &mut a, "Signal=*\r\nDuration=200\r\n");
    net.run(0.5);
    assert_eq!(digits_played(&net), vec![(Side::Callee, '*', 200)]);
    assert!(net.sent_to(addr(10), Method::Info).is_empty());
    // The phone's digit goes to the provider as INFO on the caller's leg.
    let id = net.calls.snapshots()[0].id;
    let now = net.now;
    let seven = Digit {
        event: 7,
        duration: 640,
    };
    assert!(net
        .calls
        .dtmf_digit(now, &mut net.pbx, id, Side::Callee, seven));
    net.run(0.5);
    let infos = net.sent_to(addr(1), Method::Info);
    assert_eq!(infos.len(), 1);
    assert_eq!(infos[0].body, b"Signal=7\r\nDuration=80\r\n");
}

/// A phone (or a stalled trunk) piling up digits: the INFO in flight and
/// `MAX_QUEUED_DIGITS` behind it are kept, the rest dropped.
#[test]
fn digits_for_a_trunk_that_does_not_answer_are_bounded() {
    let mut net = Net::new(1);
    let _ = call_out(&mut net, false);
    let id = net.calls.snapshots()[0].id;
    let now = net.now;
    for _ in 0..100 {
        let five = Digit {
            event: 5,
            duration: 800,
        };
        net.calls
            .dtmf_digit(now, &mut net.pbx, id, Side::Caller, five);
    }
    let mut sent = 0;
    for _ in 0..200 {
        net.run(0.1);
        let Some((tx, info)) = net.try_take_request(1, Method::Info) else {
            break;
        };
        net.reply(1, tx, &info, 200);
        sent += 1;
    }
    assert_eq!(sent, MAX_QUEUED_DIGITS + 1);
}
