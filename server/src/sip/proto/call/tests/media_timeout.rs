//! Media timeouts: an anchored call answered by a trunk is watched with that trunk's RTP
//! timeouts, the SDP tells the relay when a side holds, and a side gone silent ends the call
//! with BYE on both legs and "media timeout" in the call log.

use std::time::Duration;

use super::call;
use super::media::{alaw_trunk, anchored};
use super::net::{addr, Net, SDP_A};
use crate::sip::proto::call::{CallEvent, HangupCause, Side, Target};
use crate::sip::proto::message::Method;
use crate::sip::proto::rtp::MediaTimeouts;

const TIMEOUTS: MediaTimeouts = MediaTimeouts {
    rtp: Some(Duration::from_secs(60)),
    hold: Some(Duration::from_secs(300)),
};

fn watched(net: &Net) -> Vec<MediaTimeouts> {
    net.call_events
        .iter()
        .filter_map(|e| match e {
            CallEvent::Watch { timeouts, .. } => Some(*timeouts),
            _ => None,
        })
        .collect()
}

/// (side, hold) of every SDP the relay was told of.
fn holds(net: &Net) -> Vec<(Side, bool)> {
    net.call_events
        .iter()
        .filter_map(|e| match e {
            CallEvent::Media { side, hold, .. } => Some((*side, *hold)),
            _ => None,
        })
        .collect()
}

fn timed_trunk() -> Target {
    let Target::Trunks(mut trunks) = alaw_trunk() else {
        return alaw_trunk();
    };
    for t in &mut trunks {
        t.media.timeouts = TIMEOUTS;
    }
    Target::Trunks(trunks)
}

#[test]
fn a_silent_side_hangs_up_both_legs_with_media_timeout_in_the_log() {
    let mut net = Net::new(1);
    let call = super::answered_with(&mut net, anchored(timed_trunk()), 1);
    assert_eq!(watched(&net), vec![TIMEOUTS], "watched from the answer");
    assert_eq!(
        holds(&net),
        vec![(Side::Caller, false), (Side::Callee, false)]
    );

    let id = net.calls.snapshots()[0].id;
    let now = net.now;
    assert!(net.calls.media_timeout(now, &mut net.pbx, id));
    net.run(1.0);
    let to_caller = net.sent_to(addr(1), Method::Bye);
    let to_callee = net.sent_to(addr(10), Method::Bye);
    assert_eq!((to_caller.len(), to_callee.len()), (1, 1), "BYE each way");
    assert_eq!(to_caller[0].headers.to.tag(), call.a.local.param("tag"));
    let record = net.record();
    assert_eq!(record.cause, HangupCause::MediaTimeout);
    assert_eq!(record.side, None, "the PBX ended it");
    assert!(net.calls.snapshots().is_empty());
    assert!(
        !net.calls.media_timeout(net.now, &mut net.pbx, id),
        "a late report changes nothing"
    );
}

#[test]
fn a_ringing_call_is_not_ended_by_a_media_timeout() {
    let mut net = Net::new(1);
    net.dial("sip:4185551234@10.0.0.2", anchored(timed_trunk()));
    net.run(1.0);
    let id = net.calls.snapshots()[0].id;
    assert!(!net.calls.media_timeout(net.now, &mut net.pbx, id));
    assert_eq!(net.calls.snapshots().len(), 1);
}

#[test]
fn a_hold_tells_the_relay_which_timeout_applies() {
    let mut net = Net::new(1);
    let call = super::answered_with(&mut net, anchored(timed_trunk()), 1);
    let mut a = call.a;
    let hold = std::str::from_utf8(SDP_A).expect("utf-8").replace(
        "m=audio 4000 RTP/AVP 0\r\n",
        "m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n",
    );
    net.send_in_dialog_with(0, &mut a, Method::Invite, &hold);
    net.run(1.0);
    assert_eq!(holds(&net).last(), Some(&(Side::Caller, true)));
}

#[test]
fn calls_without_timeouts_are_watched_without_and_calls_without_relay_not_at_all() {
    // Between two phones: no trunk, no timeout (as Asterisk's lines by default); the relay
    // still hears of the answer, for its one-way audio flag.
    let mut net = Net::new(1);
    super::answered_with(
        &mut net,
        anchored(Target::Contacts(vec![super::contact(1)])),
        1,
    );
    assert_eq!(watched(&net), vec![MediaTimeouts::default()]);
    // Direct media: nothing is relayed, nothing to watch.
    let mut net = Net::new(1);
    super::answered_with(&mut net, call(timed_trunk()), 1);
    assert!(watched(&net).is_empty());
    // An incoming call keeps the timeouts of the trunk it came in on.
    let mut net = Net::new(1);
    let mut new = anchored(Target::Contacts(vec![super::contact(1)]));
    new.caller_timeouts = TIMEOUTS;
    super::answered_with(&mut net, new, 1);
    assert_eq!(watched(&net), vec![TIMEOUTS]);
}
