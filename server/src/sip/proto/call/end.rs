//! Calls layer: the end of legs and calls. Trunk usage released, attempts recorded once, the
//! call record emitted once. Must not send anything but the final answer to A and CANCELs.

use std::time::Instant;

use super::leg::{self, LegState};
use super::state::{Call, Shared};
use super::CallState;
use super::{Attempt, AttemptResult, CallEvent, CallRecord, HangupCause, Side};
use crate::sip::proto::Endpoint;

impl Call {
    /// Marks leg `n` over: no longer counted on its trunk, its attempt recorded.
    pub(super) fn leg_done(&mut self, sh: &mut Shared, n: usize, result: AttemptResult) {
        if let Some(l) = self.legs.get_mut(n) {
            l.state = LegState::Done;
        }
        self.release(sh, n);
        self.record_leg(sh, n, result);
    }

    pub(super) fn release(&mut self, sh: &mut Shared, n: usize) {
        let Some(l) = self.legs.get_mut(n).filter(|l| l.counted) else {
            return;
        };
        l.counted = false;
        if let Some(c) = l.trunk_id.and_then(|id| sh.trunk_active.get_mut(&id)) {
            *c = c.saturating_sub(1);
        }
    }

    pub(super) fn record_leg(&mut self, sh: &mut Shared, n: usize, result: AttemptResult) {
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

    pub(super) fn record(&mut self, sh: &mut Shared, attempt: Attempt) {
        sh.events.push_back(CallEvent::Attempt {
            id: self.id,
            attempt: attempt.clone(),
        });
        // Usually one (the trunk or contact that answered): room for four, as a Vec's first
        // growth makes, would stay with the call for nothing.
        self.attempts.reserve_exact(1);
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
        let contact = ep.config().contact(self.a.dialog.next_hop());
        let resp = leg::response(&self.a.invite, status, reason, &self.a.tag, &contact);
        let _ = ep.respond(now, self.a.tx, resp);
        for n in 0..self.legs.len() {
            self.cancel_leg(now, ep, sh, n);
        }
        self.finish(now, sh, cause, side, Some(status));
    }

    /// Ends an answered call from the PBX's side: BYE to both, the record says `cause`.
    pub(super) fn end_answered(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        cause: HangupCause,
    ) {
        self.ok_retx = None;
        self.send_bye(now, ep, sh, Side::Caller);
        self.send_bye(now, ep, sh, Side::Callee);
        self.finish(now, sh, cause, None, None);
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
            quality: None,
        }));
    }
}
