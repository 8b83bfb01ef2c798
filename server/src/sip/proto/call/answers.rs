//! Calls layer: what the B legs' INVITEs came to. Provisionals relayed to A, the first 2xx
//! wins (the others are cancelled, a late one is ACKed and hung up), failures mapped back per
//! REFERENCE §4: 486/600/603 stop with busy, anything else tries the next trunk.

use std::time::Instant;

use super::leg::{self, BLeg, Dialog, LegState};
use super::media::Carry;
use super::state::{Call, Plan, Shared, TxRole};
use super::CallState;
use super::{AttemptResult, CallEvent, HangupCause, Side};
use crate::sip::proto::message::Method;
use crate::sip::proto::sdp::SdpError;
use crate::sip::proto::{Endpoint, Event, Response};

/// Statuses that mean "busy": stop trying and tell the caller (REFERENCE §4).
fn is_busy(status: u16) -> bool {
    matches!(status, 486 | 600 | 603)
}

impl Call {
    pub(super) fn on_tx_event(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        role: TxRole,
        ev: &Event,
    ) {
        match role {
            TxRole::BInvite(n) => self.on_invite_outcome(now, ep, sh, n, ev),
            TxRole::Relay => self.on_relay_outcome(now, ep, sh, ev),
            TxRole::Dtmf => self.on_info_outcome(now, ep, sh, ev),
            // A cannot be reached any more (§18.4): nobody is left to connect B to.
            TxRole::AInvite if matches!(ev, Event::TransportError { .. }) => {
                for n in 0..self.legs.len() {
                    self.cancel_leg(now, ep, sh, n);
                }
                if self.state == CallState::Ringing {
                    self.finish(now, sh, HangupCause::Cancelled, None, None);
                }
            }
            TxRole::AInvite | TxRole::Other => {}
        }
    }

    fn on_invite_outcome(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        n: usize,
        ev: &Event,
    ) {
        let Some(status) = ev.status() else { return };
        let response = match ev {
            Event::Response { response, .. } => Some(response),
            _ => None,
        };
        match (status, response) {
            (100..=199, Some(resp)) => self.on_provisional(now, ep, sh, n, resp),
            (200..=299, Some(resp)) => self.on_answer(now, ep, sh, n, resp),
            _ => self.on_leg_failure(now, ep, sh, n, status, ev),
        }
    }

    fn on_provisional(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        n: usize,
        resp: &Response,
    ) {
        let Some(l) = self.legs.get_mut(n) else {
            return;
        };
        if l.state == LegState::Calling {
            l.state = LegState::Early;
        }
        if l.cancel_pending {
            l.cancel_pending = false;
            let cancel = l.invite.as_deref().map(leg::cancel);
            if let Some(Ok(tx)) = cancel.map(|c| ep.send_request(now, c, l.dest, l.transport)) {
                sh.track_tx(tx, self.id, TxRole::Other);
            }
            return;
        }
        // 100 is hop-by-hop (§16.7): it allows the CANCEL but A already had ours.
        if self.state != CallState::Ringing || l.cancelled || resp.status == 100 {
            return;
        }
        // Early media that cannot be carried is left out; the call rings on.
        let (out, _) = self.relayed_to_a(ep, sh, n, resp, true);
        let _ = ep.respond(now, self.a.tx, out);
    }

    /// B leg `n`'s response `resp` as A gets it, its SDP carried when `carry` (the relay
    /// then told where B receives).
    fn relayed_to_a(
        &self,
        ep: &Endpoint,
        sh: &mut Shared,
        n: usize,
        resp: &Response,
        carry: bool,
    ) -> (Response, Result<(), SdpError>) {
        let contact = ep.config().contact(self.a.dialog.next_hop());
        let mut out = leg::response(
            &self.a.invite,
            resp.status,
            &resp.reason,
            &self.a.tag,
            &contact,
        );
        if !carry {
            return (out, Ok(()));
        }
        let c = Carry {
            from: Side::Callee,
            leg: Some(n),
            headers: &resp.headers,
            body: &resp.body,
            to: self.a.dialog.next_hop(),
            offer_to_trunk: None,
        };
        let carried = self.carry(ep, sh, &c, &mut out.headers, &mut out.body);
        (out, carried)
    }

    fn on_answer(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        n: usize,
        resp: &Response,
    ) {
        let Some(l) = self.legs.get_mut(n) else {
            return;
        };
        l.state = LegState::Answered;
        // Our From and the Request-URI, from the INVITE; once it is let go (a second 2xx,
        // from another branch of a forking proxy), the same as the first dialog's.
        let (local, target) = match (&l.invite, &l.dialog) {
            (Some(invite), _) => (invite.headers.from.0.clone(), invite.uri.to_string()),
            (None, Some(first)) => (first.local.clone(), first.remote_target.clone()),
            (None, None) => return,
        };
        let mut route = resp.headers.record_route.clone();
        route.0.reverse();
        let seq = l.seq;
        let dialog = Dialog {
            call_id: resp.headers.call_id.clone(),
            local,
            remote: resp.headers.to.0.clone(),
            remote_target: leg::contact_uri(&resp.headers.contact).unwrap_or(target),
            route,
            local_cseq: seq,
            dest: l.dest,
            symmetric: l.symmetric,
            transport: l.transport,
        };
        let late = self.state != CallState::Ringing || self.winner.is_some();
        let (out, refused) = self.relayed_to_a(ep, sh, n, resp, !late);
        if late || refused.is_err() {
            // Too late (another contact won, or the call is over): ACK and hang it up (§15).
            let mut d = dialog;
            if let Some(ack) = d.ack(ep, seq) {
                ep.send_ack(&ack, d.next_hop(), d.transport);
            }
            let contact = ep.config().contact(d.next_hop());
            if let Some(bye) = d.request(Method::Bye, &contact) {
                if let Ok(tx) = ep.send_request(now, bye, d.next_hop(), d.transport) {
                    sh.track_tx(tx, self.id, TxRole::Other);
                }
            }
            match refused {
                Err(e) if !late => {
                    // Its answer cannot be carried (RFC 3261 §13.2.2.4: ACK, then BYE).
                    self.leg_done(sh, n, AttemptResult::NotAcceptable(e.to_string()));
                    if !self.legs.iter().any(BLeg::ringing) {
                        self.fail(now, ep, sh, 488, HangupCause::NotAcceptable, None);
                    }
                }
                _ => self.leg_done(sh, n, AttemptResult::Cancelled),
            }
            return;
        }
        let Some(l) = self.legs.get_mut(n) else {
            return;
        };
        sh.track_dialog(dialog.key(), self.id, Side::Callee);
        if !self.a.invite.body.is_empty() {
            // The offer came with A's INVITE, so B's ACK carries nothing of A's: it goes now,
            // on B's leg alone, and B stops retransmitting its 2xx whatever A does (a late or
            // lost ACK from A is A's leg's business, Timer G/H). With a late offer the answer
            // is in A's ACK, which the ACK to B must carry: it waits (`on_ack`).
            if let Some(ack) = dialog.ack(ep, seq) {
                l.ack = Some(ep.send_ack_kept(&ack, dialog.next_hop(), dialog.transport));
            }
        }
        l.dialog = Some(dialog);
        l.invite = None;
        self.winner = Some(n);
        self.state = CallState::Answered;
        self.answered = Some(now);
        if l.trunk_id.is_some() {
            self.trunk = Some(l.label.clone());
        }
        self.arm_ok_retx(now, ep, out.clone());
        let _ = ep.respond(now, self.a.tx, out);
        self.record_leg(sh, n, AttemptResult::Answered);
        sh.events.push_back(CallEvent::Answered { id: self.id });
        self.watch_media(sh, n);
        self.start_dtmf(sh, n, &resp.body);
        for other in 0..self.legs.len() {
            if other != n {
                self.cancel_leg(now, ep, sh, other);
            }
        }
    }

    fn on_leg_failure(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        n: usize,
        status: u16,
        ev: &Event,
    ) {
        let Some(l) = self.legs.get(n) else {
            return;
        };
        // A provider's challenge is answered once with the trunk's credentials.
        let retry = self.state == CallState::Ringing && !l.cancelled && !l.auth_tried;
        if let (Event::Response { response, .. }, 401 | 407, true) = (ev, status, retry) {
            if self.auth_retry(now, ep, sh, n, response).is_some() {
                return;
            }
        }
        let Some(l) = self.legs.get_mut(n) else {
            return;
        };
        let result = match ev {
            _ if l.cancelled => AttemptResult::Cancelled,
            Event::Timeout { .. } => AttemptResult::Timeout,
            Event::TransportError { .. } => AttemptResult::TransportError,
            _ => AttemptResult::Rejected(status),
        };
        self.leg_done(sh, n, result);
        if self.state != CallState::Ringing {
            return;
        }
        match self.plan {
            Plan::Trunks { .. } if is_busy(status) => {
                self.fail(now, ep, sh, 486, HangupCause::Busy, Some(Side::Callee));
            }
            Plan::Trunks { .. } => self.try_next_trunk(now, ep, sh),
            Plan::Contacts if self.legs.iter().any(BLeg::ringing) => {}
            Plan::Contacts => {
                let busy = self
                    .attempts
                    .iter()
                    .any(|a| matches!(a.result, AttemptResult::Rejected(s) if is_busy(s)));
                if busy {
                    self.fail(now, ep, sh, 486, HangupCause::Busy, Some(Side::Callee));
                } else {
                    self.fail(now, ep, sh, 480, HangupCause::NoAnswer, None);
                }
            }
        }
    }
}
