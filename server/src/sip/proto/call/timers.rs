//! Calls layer: the call's own timers. Ring time (CANCEL every B leg, 480 on A) and the 2xx on
//! A, which we retransmit until A's ACK: T1 doubling to T2, given up after 64*T1 with a BYE on
//! both legs (§13.3.1.4). Must not read the clock: `now` is an argument.

use std::time::Instant;

use super::state::{Call, Retransmit, Shared};
use super::{CallState, HangupCause};
use crate::sip::proto::{Endpoint, Response};

impl Call {
    /// When `on_timeout` should next run for this call.
    pub(super) fn next_deadline(&self) -> Option<Instant> {
        let ring = self
            .ring_deadline
            .filter(|_| self.state == CallState::Ringing);
        let retx = self.ok_retx.as_ref().map(|r| r.next.min(r.give_up));
        ring.into_iter().chain(retx).min()
    }

    pub(super) fn on_timeout(&mut self, now: Instant, ep: &mut Endpoint, sh: &mut Shared) {
        if self.state == CallState::Ringing && self.ring_deadline.is_some_and(|d| d <= now) {
            self.fail(now, ep, sh, 480, HangupCause::NoAnswer, None);
        }
        let Some(r) = &mut self.ok_retx else { return };
        if r.give_up <= now {
            self.ok_retx = None;
            if self.state == CallState::Answered {
                self.end_answered(now, ep, sh, HangupCause::NoAck);
            }
        } else if r.next <= now {
            let t = ep.config().timers;
            // The 2xx goes where A's INVITE came from, as its first copy did (§18.2.2).
            ep.send_response(&r.response, self.a.dialog.dest, self.a.dialog.transport);
            r.interval = (r.interval * 2).min(t.t2);
            r.next = now + r.interval;
        }
    }

    /// Keeps the 2xx sent on A for retransmission (UDP only: a reliable transport delivers it).
    pub(super) fn arm_ok_retx(&mut self, now: Instant, ep: &Endpoint, response: Response) {
        let t = ep.config().timers;
        let reliable = self.a.dialog.transport.is_reliable();
        self.ok_retx = Some(Box::new(Retransmit {
            response,
            next: if reliable {
                now + t.t1x64()
            } else {
                now + t.t1
            },
            interval: t.t1,
            give_up: now + t.t1x64(),
        }));
    }
}
