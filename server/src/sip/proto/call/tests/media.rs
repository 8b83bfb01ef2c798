//! Anchored calls: each leg's SDP names the PBX and that leg's relay port, the relay hears
//! where each side receives, the offer toward a trunk keeps the trunk's codecs, and SDP that
//! cannot be carried is answered 488 with the reason in the call log.

use std::net::SocketAddr;

use super::net::{addr, Net, SDP_A};
use super::{call, trunk};
use crate::sip::proto::call::{
    AttemptResult, CallEvent, HangupCause, MediaPorts, NewCall, Side, Target, TrunkMedia,
};
use crate::sip::proto::message::{ExtraHeader, Method, Request};

const PORTS: MediaPorts = MediaPorts {
    caller: 20000,
    callee: 20002,
};

/// A phone's offer with three codecs and RFC 4733 events.
const RICH_OFFER: &str = "v=0\r\n\
o=phone 1 1 IN IP4 10.0.0.1\r\n\
s=-\r\n\
c=IN IP4 10.0.0.1\r\n\
t=0 0\r\n\
m=audio 4000 RTP/AVP 9 0 8 101\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=sendrecv\r\n";

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

pub(super) fn anchored(target: Target) -> NewCall {
    NewCall {
        media: Some(PORTS),
        ..call(target)
    }
}

/// Trunk 1 offering alaw then ulaw, DTMF as RFC 4733.
pub(super) fn alaw_trunk() -> Target {
    let mut t = trunk(1);
    t.media = TrunkMedia {
        codecs: vec!["alaw".into(), "ulaw".into()],
        telephone_event: true,
        symmetric_rtp: false,
        ..TrunkMedia::default()
    };
    Target::Trunks(vec![t])
}

fn set_body(req: &mut Request, body: &str) {
    req.body = body.as_bytes().to_vec();
}

/// The relay's instructions so far: (side, where it receives, symmetric RTP).
fn media(net: &Net) -> Vec<(Side, Option<SocketAddr>, bool)> {
    net.call_events
        .iter()
        .filter_map(|e| match e {
            CallEvent::Media {
                side,
                rtp,
                symmetric_rtp,
                ..
            } => Some((*side, *rtp, *symmetric_rtp)),
            _ => None,
        })
        .collect()
}

fn sock(s: &str) -> Option<SocketAddr> {
    Some(s.parse().expect("address"))
}

#[test]
fn an_outgoing_call_is_anchored_on_both_legs_with_the_trunks_codecs() {
    let mut net = Net::new(1);
    net.dial_with("sip:4185551234@10.0.0.2", anchored(alaw_trunk()), |i| {
        set_body(i, RICH_OFFER);
    });
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    let offer = text(&b_invite.body);
    assert!(offer.contains("c=IN IP4 10.0.0.2\r\n"), "{offer}");
    assert!(offer.contains("o=phone 1 1 IN IP4 10.0.0.2\r\n"), "{offer}");
    assert!(
        offer.contains("m=audio 20002 RTP/AVP 8 0 101\r\n"),
        "trunk's order, numbers kept: {offer}"
    );
    assert!(!offer.contains("G722") && offer.contains("a=fmtp:101 0-16\r\n"));
    assert_eq!(
        b_invite.headers.extra("Content-Type"),
        Some("application/sdp")
    );
    assert_eq!(
        media(&net),
        vec![(Side::Caller, sock("10.0.0.1:4000"), true)],
        "the phone is answered where it sends from"
    );

    // 183 with early media, then the answer: both name the PBX and the caller's port.
    net.reply(1, tx, &b_invite, 183);
    net.run(1.0);
    let early = net.response(0, 183);
    let early = text(&early.body);
    assert!(early.contains("c=IN IP4 10.0.0.2\r\n"), "{early}");
    assert!(early.contains("m=audio 20000 RTP/AVP 0\r\n"), "{early}");
    net.reply(1, tx, &b_invite, 200);
    net.run(1.0);
    let ok = net.response(0, 200);
    assert!(
        text(&ok.body).contains("m=audio 20000 "),
        "{}",
        text(&ok.body)
    );
    assert_eq!(
        media(&net)[1..],
        [
            (Side::Callee, sock("10.0.0.9:5000"), false),
            (Side::Callee, sock("10.0.0.9:5000"), false)
        ],
        "a provider without nat=comedia is sent to its SDP"
    );
}

#[test]
fn a_call_with_direct_media_passes_sdp_unchanged() {
    let mut net = Net::new(1);
    net.dial("sip:4185551234@10.0.0.2", call(alaw_trunk()));
    net.run(1.0);
    let (_, b_invite) = net.take_request(1, Method::Invite);
    assert_eq!(b_invite.body, SDP_A);
    assert!(media(&net).is_empty());
}

#[test]
fn no_common_codec_is_488_and_the_call_log_says_so() {
    let mut net = Net::new(1);
    let mut t = trunk(1);
    t.media.codecs = vec!["g729".into()];
    net.dial("sip:4185551234@10.0.0.2", anchored(Target::Trunks(vec![t])));
    net.run(1.0);
    assert!(net.sent_to(addr(10), Method::Invite).is_empty());
    assert_eq!(net.statuses(0), vec![488]);
    let record = net.record();
    assert_eq!(record.cause, HangupCause::NotAcceptable);
    assert_eq!(
        record.attempts[0].result,
        AttemptResult::NotAcceptable("no common codec".into())
    );
}

#[test]
fn malformed_sdp_from_the_caller_is_488_with_the_reason_logged() {
    let mut net = Net::new(1);
    net.dial_with("sip:4185551234@10.0.0.2", anchored(alaw_trunk()), |i| {
        set_body(i, "v=0\r\nthis is not SDP\r\n")
    });
    net.run(1.0);
    assert!(net.sent_to(addr(10), Method::Invite).is_empty());
    assert_eq!(net.statuses(0), vec![488]);
    let record = net.record();
    assert_eq!(record.cause, HangupCause::NotAcceptable);
    assert!(
        matches!(&record.attempts[0].result, AttemptResult::NotAcceptable(why) if why.starts_with("malformed SDP")),
        "{:?}",
        record.attempts
    );
}

/// A late offer: no SDP in the INVITE, the callee offers in its 200, the phone answers in
/// its ACK. Both cross rewritten.
#[test]
fn a_late_offer_in_the_200_and_its_answer_in_the_ack_are_anchored() {
    let mut net = Net::new(1);
    let invite = net.dial_with(
        "sip:1001@10.0.0.2",
        anchored(Target::Contacts(vec![super::contact(1)])),
        |i| {
            i.body.clear();
            i.headers
                .extra
                .retain(|h| !h.name.eq_ignore_ascii_case("Content-Type"));
        },
    );
    net.run(1.0);
    let (tx, b_invite) = net.take_request(1, Method::Invite);
    assert!(b_invite.body.is_empty());
    let b_ok = net.reply(1, tx, &b_invite, 200);
    net.run(1.0);
    let ok = net.response(0, 200);
    assert!(text(&ok.body).contains("m=audio 20000 "));
    assert_eq!(
        media(&net),
        vec![(Side::Callee, sock("10.0.0.9:5000"), true)],
        "a phone callee is answered where it sends from"
    );
    let a = net.dialog(&invite, &ok, true);
    let ack = {
        let phone = &mut net.peers[0];
        let mut ack = a.ack(&mut phone.ep, a.local_cseq).expect("ack");
        set_body(&mut ack, std::str::from_utf8(SDP_A).expect("utf-8"));
        ack.headers.extra.push(ExtraHeader {
            name: "Content-Type".into(),
            value: "application/sdp".into(),
        });
        phone.ep.send_ack(&ack, a.dest, a.transport);
        ack
    };
    assert!(!ack.body.is_empty());
    net.run(1.0);
    let acks = net.sent_to(addr(10), Method::Ack);
    assert_eq!(acks.len(), 1);
    let answer = text(&acks[0].body);
    assert!(
        answer.contains("c=IN IP4 10.0.0.2\r\n") && answer.contains("m=audio 20002 "),
        "{answer}"
    );
    assert_eq!(media(&net)[1], (Side::Caller, sock("10.0.0.1:4000"), true));
    let _ = b_ok;
}

#[test]
fn hold_and_resume_from_a_new_address_are_relayed_and_tell_the_relay() {
    let mut net = Net::new(1);
    let call = super::answered_with(&mut net, anchored(alaw_trunk()), 1);
    let mut a = call.a;
    let base = media(&net).len();

    let hold = std::str::from_utf8(SDP_A).expect("utf-8").replace(
        "m=audio 4000 RTP/AVP 0\r\n",
        "m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n",
    );
    net.send_in_dialog_with(0, &mut a, Method::Invite, &hold);
    net.run(1.0);
    let (tx, reinvite) = net.take_request(1, Method::Invite);
    let held = text(&reinvite.body);
    assert!(
        held.contains("a=sendonly\r\n") && held.contains("m=audio 20002 "),
        "{held}"
    );
    net.reply(1, tx, &reinvite, 200);
    net.run(1.0);
    net.send_in_dialog(0, &mut a, Method::Ack, false);
    net.run(1.0);

    let moved = std::str::from_utf8(SDP_A)
        .expect("utf-8")
        .replace("10.0.0.1", "10.0.0.5")
        .replace("m=audio 4000", "m=audio 4100");
    net.send_in_dialog_with(0, &mut a, Method::Invite, &moved);
    net.run(1.0);
    let (tx, resume) = net.take_request(1, Method::Invite);
    assert!(text(&resume.body).contains("c=IN IP4 10.0.0.2\r\n"));
    net.reply(1, tx, &resume, 200);
    net.run(1.0);
    let events = media(&net);
    let callers: Vec<_> = events[base..]
        .iter()
        .filter(|(s, ..)| *s == Side::Caller)
        .map(|(_, rtp, _)| *rtp)
        .collect();
    assert_eq!(
        callers,
        vec![sock("10.0.0.1:4000"), sock("10.0.0.5:4100")],
        "the relay follows the phone's new address"
    );
}

#[test]
fn a_reinvite_with_malformed_sdp_is_refused_488_and_not_relayed() {
    let mut net = Net::new(1);
    let call = super::answered_with(&mut net, anchored(alaw_trunk()), 1);
    let mut a = call.a;
    let before = net.sent_to(addr(10), Method::Invite).len();
    net.send_in_dialog_with(0, &mut a, Method::Invite, "v=0\r\ngarbage\r\n");
    net.run(1.0);
    assert_eq!(net.sent_to(addr(10), Method::Invite).len(), before);
    assert_eq!(net.statuses(0).last(), Some(&488));
}
