//! Calls layer tests: a phone, the PBX and callees or providers on a simulated wire, asserting
//! what is on the wire and in the call record.

mod basic;
mod dtmf;
mod failover;
mod media;
mod media_timeout;
mod midcall;
mod nat;
mod net;
mod routing;
mod ua;

use super::leg::Dialog;
use super::{CallerId, ContactTarget, NewCall, Target, TrunkCredentials, TrunkTarget};
use crate::sip::proto::header::NameAddr;
use crate::sip::proto::message::{Method, Request, Response};
use crate::sip::proto::Transport;
use net::{addr, Net};

/// Peer `p` of the rig (1 = 10.0.0.10, 2 = 10.0.0.11…) as a registered contact.
fn contact(p: u8) -> ContactTarget {
    ContactTarget {
        uri: format!("sip:peer@{}", addr(9 + p)),
        dest: addr(9 + p),
        transport: Transport::Udp,
    }
}

/// Peer `p` as trunk number `p`.
fn trunk(p: u8) -> TrunkTarget {
    TrunkTarget {
        trunk_id: i64::from(p),
        name: format!("provider{p}"),
        request_uri: format!("sip:4185551234@{}", addr(9 + p)),
        from_domain: "pbx.example.com".into(),
        from_user: None,
        caller_id: CallerId {
            name: Some("Front Desk".into()),
            number: Some("4185550000".into()),
            anonymous: false,
        },
        dest: addr(9 + p),
        transport: Transport::Udp,
        credentials: Some(TrunkCredentials {
            username: format!("user{p}"),
            password: "secret".into(),
        }),
        media: super::TrunkMedia::default(),
        call_limit: 0,
        skipped: None,
        force_rport: false,
    }
}

fn call(target: Target) -> NewCall {
    NewCall {
        target,
        labels: super::CallLabels {
            caller: "Front Desk (1000)".into(),
            callee: "callee".into(),
            dialed: "4185551234".into(),
        },
        from: NameAddr::new("sip:1000@pbx.example.com"),
        ring_time: None,
        caller_is_phone: true,
        caller_force_rport: false,
        from_trunk: None,
        direct_media: false,
        caller_symmetric_rtp: true,
        caller_timeouts: Default::default(),
        caller_dtmf_info: false,
        media: None,
    }
}

/// An answered call: the phone dialed, peer `p` answered, the phone ACKed.
struct Answered {
    /// The phone's dialog (UAC side).
    a: Dialog,
    /// Peer `p`'s dialog (UAS side).
    b: Dialog,
    b_invite: Request,
    /// Peer `p`'s 200, for a test that sends it again.
    b_ok: Response,
}

fn answered(net: &mut Net, target: Target, p: usize) -> Answered {
    answered_with(net, call(target), p)
}

/// `answered`, for a call routed as `new` says.
fn answered_with(net: &mut Net, new: NewCall, p: usize) -> Answered {
    let invite = net.dial("sip:4185551234@10.0.0.2", new);
    net.run(1.0);
    let (tx, b_invite) = net.take_request(p, Method::Invite);
    net.reply(p, tx, &b_invite, 180);
    net.run(1.0);
    let b_ok = net.reply(p, tx, &b_invite, 200);
    net.run(1.0);
    let ok = net.response(0, 200);
    let mut a = net.dialog(&invite, &ok, true);
    net.send_in_dialog(0, &mut a, Method::Ack, false);
    net.run(1.0);
    let b = net.dialog(&b_invite, &b_ok, false);
    Answered {
        a,
        b,
        b_invite,
        b_ok,
    }
}
