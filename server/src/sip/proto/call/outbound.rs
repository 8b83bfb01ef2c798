//! Calls layer: the B legs' INVITEs. Parallel fork to contacts, trunk failover (REFERENCE §4:
//! 486/600 stop, 503/408/timeout/transport error go on), one digest answer to a provider's
//! 401/407, CANCEL (§9.1), call limits. Must not send a CANCEL before a provisional (§9.1).

use std::net::SocketAddr;
use std::time::Instant;

use super::leg::{self, BLeg, Dialog, LegState};
use super::{Call, CallState, Plan, Shared, TxRole};
use super::{Attempt, AttemptResult, CallEvent, CallRecord, ContactTarget, HangupCause, Side};
use crate::sip::proto::auth::DigestClient;
use crate::sip::proto::header::{params::quote, NameAddr};
use crate::sip::proto::message::{parse_request_uri, ExtraHeader, Method, Request, Transport};
use crate::sip::proto::{Endpoint, Event};

/// Statuses that mean "busy": stop trying and tell the caller (REFERENCE §4).
fn is_busy(status: u16) -> bool {
    matches!(status, 486 | 600 | 603)
}

impl Call {
    pub(super) fn ring_contacts(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        contacts: &[ContactTarget],
    ) {
        let to = NameAddr {
            params: Vec::new(),
            ..self.a.invite.headers.to.0.clone()
        };
        for c in contacts {
            let from = self.from.clone();
            let target = (c.uri.clone(), c.dest, c.transport);
            self.start_leg(now, ep, sh, target, from, to.clone(), Vec::new(), None);
        }
        if !self.legs.iter().any(BLeg::ringing) {
            self.fail(now, ep, sh, 480, HangupCause::NoAnswer, None);
        }
    }

    /// Starts the next trunk that is neither passed over nor full; 503 on A when none is left.
    pub(super) fn try_next_trunk(&mut self, now: Instant, ep: &mut Endpoint, sh: &mut Shared) {
        loop {
            let Plan::Trunks { trunks, next } = &mut self.plan else {
                return;
            };
            let Some(t) = trunks.get(*next).cloned() else {
                self.fail(now, ep, sh, 503, HangupCause::Congestion, None);
                return;
            };
            let index = *next;
            *next += 1;
            let active = sh.trunk_active.get(&t.trunk_id).copied().unwrap_or(0);
            let skip = t.skipped.clone().or_else(|| {
                (t.call_limit > 0 && active >= t.call_limit)
                    .then(|| format!("call limit {} reached", t.call_limit))
            });
            if let Some(reason) = skip {
                self.record(
                    sh,
                    Attempt {
                        target: t.name.clone(),
                        trunk_id: Some(t.trunk_id),
                        result: AttemptResult::Skipped(reason),
                    },
                );
                continue;
            }
            let (from, extra) = trunk_from(&t.caller_id, &t.from_domain);
            let to = NameAddr::new(t.request_uri.clone());
            let target = (t.request_uri.clone(), t.dest, t.transport);
            self.start_leg(now, ep, sh, target, from, to, extra, Some((index, &t)));
            if self.legs.last().is_some_and(BLeg::ringing) {
                return;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn start_leg(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        (uri, dest, transport): (String, SocketAddr, Transport),
        from: NameAddr,
        to: NameAddr,
        extra: Vec<ExtraHeader>,
        trunk: Option<(usize, &super::TrunkTarget)>,
    ) {
        let label = trunk.map_or_else(|| uri.clone(), |(_, t)| t.name.clone());
        let trunk_id = trunk.map(|(_, t)| t.trunk_id);
        let Ok(ruri) = parse_request_uri(&uri) else {
            let result = AttemptResult::Rejected(416);
            let attempt = Attempt {
                target: label,
                trunk_id,
                result,
            };
            self.record(sh, attempt);
            return;
        };
        let mut invite = ep.new_request(Method::Invite, ruri, from, to);
        invite.headers.contact = vec![crate::sip::proto::header::Contact::Addr(NameAddr::new(
            sh.cfg.contact.clone(),
        ))];
        invite.headers.extra = extra;
        let a = &self.a.invite;
        leg::copy_body(&a.headers, &a.body, &mut invite.headers, &mut invite.body);
        // Our Via is added here, not by the endpoint: the CANCEL must copy it (§9.1).
        leg::push_via(ep, &mut invite, transport);
        let n = self.legs.len();
        let Ok(tx) = ep.send_request(now, invite.clone(), dest, transport) else {
            return;
        };
        sh.txs.insert(tx, (self.id, TxRole::BInvite(n)));
        if let Some(id) = trunk_id {
            *sh.trunk_active.entry(id).or_default() += 1;
        }
        self.legs.push(BLeg {
            label,
            trunk_id,
            trunk: trunk.map(|(i, _)| i),
            invite,
            tx,
            dest,
            transport,
            state: LegState::Calling,
            auth_tried: false,
            cancel_pending: false,
            cancelled: false,
            recorded: false,
            counted: trunk_id.is_some(),
            dialog: None,
            ack: None,
        });
    }

    /// Cancels a ringing leg now, or as soon as it has sent a provisional.
    pub(super) fn cancel_leg(&mut self, now: Instant, ep: &mut Endpoint, sh: &mut Shared, n: usize) {
        let Some(l) = self.legs.get_mut(n).filter(|l| l.ringing() && !l.cancelled) else {
            return;
        };
        l.cancelled = true;
        if l.state == LegState::Early {
            if let Ok(tx) = ep.send_request(now, leg::cancel(&l.invite), l.dest, l.transport) {
                sh.txs.insert(tx, (self.id, TxRole::Other));
            }
        } else {
            l.cancel_pending = true;
        }
    }

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
            (100, _) => {}
            (101..=199, Some(resp)) => self.on_provisional(now, ep, sh, n, resp),
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
        resp: &crate::sip::proto::Response,
    ) {
        let Some(l) = self.legs.get_mut(n) else { return };
        if l.state == LegState::Calling {
            l.state = LegState::Early;
        }
        if l.cancel_pending {
            l.cancel_pending = false;
            if let Ok(tx) = ep.send_request(now, leg::cancel(&l.invite), l.dest, l.transport) {
                sh.txs.insert(tx, (self.id, TxRole::Other));
            }
            return;
        }
        if self.state != CallState::Ringing || l.cancelled {
            return;
        }
        let mut out = leg::response(
            &self.a.invite,
            resp.status,
            &resp.reason,
            &self.a.tag,
            &sh.cfg.contact,
        );
        leg::copy_body(&resp.headers, &resp.body, &mut out.headers, &mut out.body);
        let _ = ep.respond(now, self.a.tx, out);
    }

    fn on_answer(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        n: usize,
        resp: &crate::sip::proto::Response,
    ) {
        let Some(l) = self.legs.get_mut(n) else { return };
        l.state = LegState::Answered;
        let mut route = resp.headers.record_route.clone();
        route.0.reverse();
        let dialog = Dialog {
            call_id: resp.headers.call_id.clone(),
            local: l.invite.headers.from.0.clone(),
            remote: resp.headers.to.0.clone(),
            remote_target: leg::contact_uri(&resp.headers.contact)
                .unwrap_or_else(|| l.invite.uri.to_string()),
            route,
            local_cseq: l.invite.headers.cseq.seq,
            dest: l.dest,
            transport: l.transport,
        };
        let seq = l.invite.headers.cseq.seq;
        if self.state != CallState::Ringing || self.winner.is_some() {
            // Too late (another contact won, or the call is over): ACK and hang it up (§15).
            let mut d = dialog;
            if let Some(ack) = d.ack(ep, seq) {
                ep.send_ack(&ack, d.dest, d.transport);
            }
            if let Some(bye) = d.request(Method::Bye, &sh.cfg.contact) {
                if let Ok(tx) = ep.send_request(now, bye, d.dest, d.transport) {
                    sh.txs.insert(tx, (self.id, TxRole::Other));
                }
            }
            self.leg_done(sh, n, AttemptResult::Cancelled);
            return;
        }
        sh.dialogs.insert(dialog.key(), (self.id, Side::Callee));
        l.dialog = Some(dialog);
        self.winner = Some(n);
        self.state = CallState::Answered;
        self.answered = Some(now);
        if l.trunk_id.is_some() {
            self.trunk = Some(l.label.clone());
        }
        let mut out = leg::response(
            &self.a.invite,
            resp.status,
            &resp.reason,
            &self.a.tag,
            &sh.cfg.contact,
        );
        leg::copy_body(&resp.headers, &resp.body, &mut out.headers, &mut out.body);
        let _ = ep.respond(now, self.a.tx, out);
        self.record_leg(sh, n, AttemptResult::Answered);
        sh.events.push_back(CallEvent::Answered { id: self.id });
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
        let Some(l) = self.legs.get_mut(n) else { return };
        if let (Event::Response { response, .. }, 401 | 407) = (ev, status) {
            if self.state == CallState::Ringing && !l.cancelled && !l.auth_tried {
                if self.auth_retry(now, ep, sh, n, response).is_some() {
                    return;
                }
            }
        }
        let Some(l) = self.legs.get_mut(n) else { return };
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
                let busy = self.attempts.iter().any(
                    |a| matches!(a.result, AttemptResult::Rejected(s) if is_busy(s)),
                );
                if busy {
                    self.fail(now, ep, sh, 486, HangupCause::Busy, Some(Side::Callee));
                } else {
                    self.fail(now, ep, sh, 480, HangupCause::NoAnswer, None);
                }
            }
        }
    }

    /// Resends leg `n`'s INVITE with digest credentials, once (CSeq + 1, new branch).
    fn auth_retry(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        n: usize,
        challenge: &crate::sip::proto::Response,
    ) -> Option<()> {
        let Plan::Trunks { trunks, .. } = &self.plan else {
            return None;
        };
        let l = self.legs.get_mut(n)?;
        let creds = trunks.get(l.trunk?)?.credentials.clone()?;
        let mut retry: Request = l.invite.clone();
        retry.headers.via.clear();
        retry.headers.cseq.seq += 1;
        let mut client = DigestClient::new(creds.username, creds.password, 1);
        client.answer(challenge, &mut retry, ep.rng()).ok()?;
        leg::push_via(ep, &mut retry, l.transport);
        let tx = ep.send_request(now, retry.clone(), l.dest, l.transport).ok()?;
        sh.txs.insert(tx, (self.id, TxRole::BInvite(n)));
        l.invite = retry;
        l.tx = tx;
        l.auth_tried = true;
        l.state = LegState::Calling;
        Some(())
    }

    /// Marks leg `n` over: no longer counted on its trunk, its attempt recorded.
    fn leg_done(&mut self, sh: &mut Shared, n: usize, result: AttemptResult) {
        if let Some(l) = self.legs.get_mut(n) {
            l.state = LegState::Done;
        }
        self.release(sh, n);
        self.record_leg(sh, n, result);
    }

    fn release(&mut self, sh: &mut Shared, n: usize) {
        let Some(l) = self.legs.get_mut(n).filter(|l| l.counted) else {
            return;
        };
        l.counted = false;
        if let Some(c) = l.trunk_id.and_then(|id| sh.trunk_active.get_mut(&id)) {
            *c = c.saturating_sub(1);
        }
    }

    fn record_leg(&mut self, sh: &mut Shared, n: usize, result: AttemptResult) {
        let Some(l) = self.legs.get_mut(n).filter(|l| !l.recorded) else {
            return;
        };
        l.recorded = true;
        let attempt = Attempt {
            target: l.label.clone(),
            trunk_id: l.trunk_id,
            result,
        };
        self.record(sh, attempt);
    }

    fn record(&mut self, sh: &mut Shared, attempt: Attempt) {
        sh.events.push_back(CallEvent::Attempt {
            id: self.id,
            attempt: attempt.clone(),
        });
        self.attempts.push(attempt);
    }

    /// Ends an unanswered call: `status` on A, CANCEL on every ringing B leg.
    pub(super) fn fail(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        status: u16,
        cause: HangupCause,
        side: Option<Side>,
    ) {
        if self.state != CallState::Ringing {
            return;
        }
        let reason = crate::sip::proto::message::default_reason(status);
        let resp = leg::response(&self.a.invite, status, reason, &self.a.tag, &sh.cfg.contact);
        let _ = ep.respond(now, self.a.tx, resp);
        for n in 0..self.legs.len() {
            self.cancel_leg(now, ep, sh, n);
        }
        self.finish(now, sh, cause, side, Some(status));
    }

    /// The call is over: every leg released and recorded, the record emitted.
    pub(super) fn finish(
        &mut self,
        now: Instant,
        sh: &mut Shared,
        cause: HangupCause,
        side: Option<Side>,
        status: Option<u16>,
    ) {
        self.state = CallState::Ended;
        for n in 0..self.legs.len() {
            self.release(sh, n);
            self.record_leg(sh, n, AttemptResult::Cancelled);
        }
        sh.events.push_back(CallEvent::Ended(CallRecord {
            id: self.id,
            labels: self.labels.clone(),
            started: self.started,
            answered: self.answered,
            ended: now,
            trunk: self.trunk.clone(),
            attempts: self.attempts.clone(),
            cause,
            side,
            status,
        }));
    }
}

/// From for a trunk: the caller ID, or anonymous with the number in P-Asserted-Identity and
/// `Privacy: id` (RFC 3323, RFC 3325) when presentation is prohibited.
fn trunk_from(cid: &super::CallerId, domain: &str) -> (NameAddr, Vec<ExtraHeader>) {
    let user = cid.number.clone().unwrap_or_else(|| "anonymous".into());
    let real = NameAddr {
        display: cid.name.as_deref().map(quote),
        ..NameAddr::new(format!("sip:{user}@{domain}"))
    };
    if !cid.anonymous {
        return (real, Vec::new());
    }
    let from = NameAddr {
        display: Some(quote("Anonymous")),
        ..NameAddr::new("sip:anonymous@anonymous.invalid")
    };
    let extra = vec![
        ExtraHeader {
            name: "P-Asserted-Identity".into(),
            value: real.to_string(),
        },
        ExtraHeader {
            name: "Privacy".into(),
            value: "id".into(),
        },
    ];
    (from, extra)
}
