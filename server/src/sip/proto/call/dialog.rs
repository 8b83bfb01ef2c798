//! Calls layer: requests inside a call. CANCEL of A's INVITE (§9.2), BYE from either side
//! (§15), ACK for 2xx carried across (§13.2.2.4), re-INVITE / UPDATE / INFO relayed to the other
//! leg with their answers relayed back, one at a time (a second gets 491, §14.2).

use std::time::Instant;

use super::leg::{self, Dialog};
use super::media::Carry;
use super::state::{Call, PendingAck, Relay, Shared, TxRole};
use super::{CallState, HangupCause, Side};
use crate::sip::proto::header::{Contact, NameAddr};
use crate::sip::proto::message::{Method, Request, Response};
use crate::sip::proto::{Endpoint, Event, TxId};

impl Call {
    /// `side`'s dialog: A's for the caller, the winning B leg's for the callee.
    pub(super) fn dialog_mut(&mut self, side: Side) -> Option<&mut Dialog> {
        match side {
            Side::Caller => Some(&mut self.a.dialog),
            Side::Callee => self
                .winner
                .and_then(|n| self.legs.get_mut(n))
                .and_then(|l| l.dialog.as_mut()),
        }
    }

    pub(super) fn answer(
        &self,
        now: Instant,
        ep: &mut Endpoint,
        tx: TxId,
        req: &Request,
        status: u16,
    ) {
        let reason = crate::sip::proto::message::default_reason(status);
        // None of these answers sets up a dialog; the Contact is only there for form.
        let contact = ep.config().contact(self.a.dialog.next_hop());
        let resp = leg::response(req, status, reason, &self.a.tag, &contact);
        let _ = ep.respond(now, tx, resp);
    }

    /// CANCEL of A's INVITE: 200 to the CANCEL; before the answer, 487 on A and CANCEL on B.
    pub(super) fn on_cancel(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        tx: TxId,
        cancel: &Request,
    ) {
        self.answer(now, ep, tx, cancel, 200);
        self.fail(now, ep, sh, 487, HangupCause::Cancelled, Some(Side::Caller));
    }

    pub(super) fn on_request(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        tx: TxId,
        req: &Request,
        side: Side,
    ) {
        match req.method {
            Method::Bye => self.on_bye(now, ep, sh, tx, req, side),
            Method::Info if self.take_dtmf_info(now, ep, sh, tx, req, side) => {}
            Method::Invite | Method::Update | Method::Info => {
                self.relay(now, ep, sh, tx, req, side);
            }
            _ => self.answer(now, ep, tx, req, 501),
        }
    }

    fn on_bye(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        tx: TxId,
        req: &Request,
        side: Side,
    ) {
        self.answer(now, ep, tx, req, 200);
        match (self.state, side) {
            (CallState::Answered, _) => {
                self.ok_retx = None;
                self.send_bye(now, ep, sh, other(side));
                self.finish(now, sh, HangupCause::Normal, Some(side), None);
            }
            // A BYE in A's early dialog abandons the call like a CANCEL.
            (CallState::Ringing, Side::Caller) => {
                self.fail(now, ep, sh, 487, HangupCause::Cancelled, Some(Side::Caller));
            }
            _ => {}
        }
    }

    /// Sends BYE on `side`'s leg.
    pub(super) fn send_bye(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        side: Side,
    ) {
        let id = self.id;
        let Some(d) = self.dialog_mut(side) else {
            return;
        };
        let (dest, transport) = (d.next_hop(), d.transport);
        let contact = ep.config().contact(dest);
        if let Some(bye) = d.request(Method::Bye, &contact) {
            if let Ok(tx) = ep.send_request(now, bye, dest, transport) {
                sh.track_tx(tx, id, TxRole::Other);
            }
        }
    }

    /// Passes a mid-call request to the other leg; 491 while another one is in flight.
    fn relay(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        tx: TxId,
        req: &Request,
        side: Side,
    ) {
        if self.state != CallState::Answered {
            let status = if self.state == CallState::Ended {
                481
            } else {
                491
            };
            return self.answer(now, ep, tx, req, status);
        }
        if self.relay.is_some() || self.pending_ack.is_some() {
            return self.answer(now, ep, tx, req, 491);
        }
        let Some(d) = self.dialog_mut(other(side)) else {
            return self.answer(now, ep, tx, req, 481);
        };
        let (dest, transport) = (d.next_hop(), d.transport);
        let contact = ep.config().contact(dest);
        let Some(mut out) = d.request(req.method.clone(), &contact) else {
            return self.answer(now, ep, tx, req, 500);
        };
        let carry = Carry {
            from: side,
            leg: None,
            headers: &req.headers,
            body: &req.body,
            to: dest,
            offer_to_trunk: None,
        };
        if self
            .carry(ep, sh, &carry, &mut out.headers, &mut out.body)
            .is_err()
        {
            return self.answer(now, ep, tx, req, 488);
        }
        match ep.send_request(now, out, dest, transport) {
            Ok(client) => {
                sh.track_tx(client, self.id, TxRole::Relay);
                self.relay = Some(Box::new(Relay {
                    from: side,
                    server_tx: tx,
                    request: req.clone(),
                }));
            }
            Err(_) => self.answer(now, ep, tx, req, 500),
        }
    }

    /// The other leg answered a relayed request (or never did): the same answer goes back.
    pub(super) fn on_relay_outcome(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        ev: &Event,
    ) {
        let Some(relay) = &self.relay else { return };
        let Some(status) = ev.status() else { return };
        if status == 100 {
            return;
        }
        let tag = self.a.tag.clone();
        let mut out = Response::for_request(&relay.request, status, "");
        if out.headers.to.tag().is_none() {
            out.headers.to = out.headers.to.with_tag(&tag);
        }
        let (from, method) = (relay.from, relay.request.method.clone());
        let early_offer = !relay.request.body.is_empty();
        let seq = relay.request.headers.cseq.seq;
        match ev {
            Event::Response { response, .. } => {
                out.reason = response.reason.clone();
                let back = self.dialog_mut(from).map(|d| d.next_hop());
                let carry = Carry {
                    from: other(from),
                    leg: None,
                    headers: &response.headers,
                    body: &response.body,
                    to: back.unwrap_or(self.a.dialog.dest),
                    offer_to_trunk: None,
                };
                // An answer that cannot be carried is left out: the offerer keeps its media.
                let _ = self.carry(ep, sh, &carry, &mut out.headers, &mut out.body);
                if status < 300 && matches!(method, Method::Invite | Method::Update) {
                    let back = self.dialog_mut(from).map(|d| d.next_hop());
                    let contact = back.map_or_else(String::new, |d| ep.config().contact(d));
                    out.headers.contact = vec![Contact::Addr(NameAddr::new(contact))];
                }
                if (200..300).contains(&status) && method == Method::Invite {
                    let downstream_seq = response.headers.cseq.seq;
                    if early_offer {
                        // As for the call's answer: this leg's 2xx is ACKed on this leg now;
                        // the originator's ACK is then absorbed.
                        if let Some(d) = self.dialog_mut(other(from)).map(|d| d.clone()) {
                            if let Some(ack) = d.ack(ep, downstream_seq) {
                                ep.send_ack(&ack, d.next_hop(), d.transport);
                            }
                        }
                    } else {
                        self.pending_ack = Some(PendingAck {
                            from,
                            seq,
                            downstream_seq,
                        });
                    }
                }
            }
            _ => {
                out.reason = crate::sip::proto::message::default_reason(status).into();
            }
        }
        let Some(relay) = &self.relay else { return };
        let server_tx = relay.server_tx;
        if status >= 200 {
            self.relay = None;
        }
        let _ = ep.respond(now, server_tx, out);
    }

    /// An ACK for a 2xx: A's for the call's answer, or the originator's for a relayed re-INVITE.
    pub(super) fn on_ack(&mut self, ep: &mut Endpoint, sh: &mut Shared, ack: &Request, side: Side) {
        let seq = ack.headers.cseq.seq;
        if side == Side::Caller && seq == self.a.invite.headers.cseq.seq {
            self.ok_retx = None;
            leg::settle_answered_invite(&mut self.a.invite);
            let Some(l) = self.winner.and_then(|n| self.legs.get(n)) else {
                return;
            };
            let (Some(d), None) = (l.dialog.clone(), &l.ack) else {
                return;
            };
            if let Some(mut out) = d.ack(ep, l.seq) {
                self.carry_ack(ep, sh, ack, side, d.next_hop(), &mut out);
                let sent = ep.send_ack_kept(&out, d.next_hop(), d.transport);
                if let Some(l) = self.winner.and_then(|n| self.legs.get_mut(n)) {
                    l.ack = Some(sent);
                }
            }
            return;
        }
        let Some(p) = self.pending_ack.filter(|p| p.from == side && p.seq == seq) else {
            return;
        };
        self.pending_ack = None;
        let Some(d) = self.dialog_mut(other(side)) else {
            return;
        };
        let d = d.clone();
        if let Some(mut out) = d.ack(ep, p.downstream_seq) {
            self.carry_ack(ep, sh, ack, side, d.next_hop(), &mut out);
            ep.send_ack(&out, d.next_hop(), d.transport);
        }
    }

    /// The answer a late offer gets in the ACK, carried to the other leg's ACK `out`.
    fn carry_ack(
        &self,
        ep: &Endpoint,
        sh: &mut Shared,
        ack: &Request,
        side: Side,
        to: std::net::SocketAddr,
        out: &mut Request,
    ) {
        let carry = Carry {
            from: side,
            leg: None,
            headers: &ack.headers,
            body: &ack.body,
            to,
            offer_to_trunk: None,
        };
        // An ACK cannot be refused: an answer that cannot be carried is left out.
        let _ = self.carry(ep, sh, &carry, &mut out.headers, &mut out.body);
    }

    /// A retransmitted 2xx from B for the INVITE with CSeq `seq`: our ACK was lost, send it
    /// again (§13.2.2.4).
    pub(super) fn reack(&self, ep: &mut Endpoint, key: &(String, String), seq: u32) {
        for l in &self.legs {
            if let (Some(d), Some(ack)) = (&l.dialog, &l.ack) {
                if &d.key() == key && l.seq == seq {
                    ep.resend_ack(ack, d.next_hop(), d.transport);
                }
            }
        }
    }
}

/// The leg across from `side`.
pub(super) fn other(side: Side) -> Side {
    match side {
        Side::Caller => Side::Callee,
        Side::Callee => Side::Caller,
    }
}
