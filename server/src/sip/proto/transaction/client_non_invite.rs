//! Transaction layer: non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6).
//! Must not retransmit on reliable transports nor let Timer E exceed T2.

use std::time::{Duration, Instant};

use super::{Armed, Output, Timer, TimerConfig, TuEvent};
use crate::sip::proto::message::Response;

/// Figure 6 states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Trying,
    Proceeding,
    Completed,
    Terminated,
}

#[derive(Debug)]
pub struct ClientNonInvite {
    state: State,
    /// Emptied once a final response came: only retransmissions used it.
    request: Box<[u8]>,
    reliable: bool,
    /// Current Timer E interval.
    interval: Duration,
    armed: Armed,
}

impl ClientNonInvite {
    /// Sends the request and arms Timer E (unreliable only) and Timer F.
    pub(crate) fn start(
        now: Instant,
        cfg: &TimerConfig,
        request: Vec<u8>,
        reliable: bool,
        out: &mut Output,
    ) -> Self {
        let mut tx = Self {
            state: State::Trying,
            request: request.as_slice().into(),
            reliable,
            interval: cfg.t1,
            armed: Armed::default(),
        };
        out.send.push(request);
        if !reliable {
            tx.armed.set(Timer::E, now + cfg.t1, out);
        }
        tx.armed.set(Timer::F, now + cfg.t1x64(), out);
        tx
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub(crate) fn on_response(
        &mut self,
        now: Instant,
        cfg: &TimerConfig,
        resp: Response,
        out: &mut Output,
    ) {
        match (self.state, resp.is_provisional()) {
            (State::Trying | State::Proceeding, true) => {
                self.state = State::Proceeding;
                out.tu.push(TuEvent::Response(resp));
            }
            (State::Trying | State::Proceeding, false) => {
                self.armed.clear(Timer::E);
                self.armed.clear(Timer::F);
                out.tu.push(TuEvent::Response(resp));
                self.request = Box::default();
                self.complete(now, cfg, out);
            }
            // Completed buffers retransmitted responses (§17.1.2.2); nothing reaches the TU.
            _ => {}
        }
    }

    fn complete(&mut self, now: Instant, cfg: &TimerConfig, out: &mut Output) {
        if self.reliable {
            // Timer K is zero on reliable transports.
            self.state = State::Terminated;
        } else {
            self.state = State::Completed;
            self.armed.set(Timer::K, now + cfg.t4, out);
        }
    }

    pub(crate) fn on_timer(
        &mut self,
        now: Instant,
        cfg: &TimerConfig,
        timer: Timer,
        at: Instant,
        out: &mut Output,
    ) {
        if !self.armed.take(timer, at) {
            return;
        }
        match (timer, self.state) {
            (Timer::E, State::Trying) => {
                out.retransmit(&self.request);
                self.interval = (self.interval * 2).min(cfg.t2);
                self.armed.set(Timer::E, now + self.interval, out);
            }
            (Timer::E, State::Proceeding) => {
                // §17.1.2.2: in Proceeding, Timer E is reset to T2.
                out.retransmit(&self.request);
                self.interval = cfg.t2;
                self.armed.set(Timer::E, now + self.interval, out);
            }
            (Timer::F, State::Trying | State::Proceeding) => {
                self.state = State::Terminated;
                out.tu.push(TuEvent::Timeout);
            }
            (Timer::K, State::Completed) => self.state = State::Terminated,
            _ => {}
        }
    }

    pub(crate) fn on_transport_error(&mut self, out: &mut Output) {
        if matches!(self.state, State::Trying | State::Proceeding) {
            out.tu.push(TuEvent::TransportError);
        }
        self.state = State::Terminated;
    }
}
