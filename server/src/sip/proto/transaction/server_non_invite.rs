//! Transaction layer: non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8).
//! Must not pass retransmitted requests to the TU: it absorbs them and resends the last response.

use std::time::Instant;

use super::{Armed, Output, Timer, TimerConfig};
use crate::sip::proto::message::Response;

/// Figure 8 states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Trying,
    Proceeding,
    Completed,
    Terminated,
}

#[derive(Debug)]
pub struct ServerNonInvite {
    state: State,
    last_response: Option<Vec<u8>>,
    reliable: bool,
    cfg: TimerConfig,
    armed: Armed,
}

impl ServerNonInvite {
    pub(crate) fn new(reliable: bool, cfg: TimerConfig) -> Self {
        Self {
            state: State::Trying,
            last_response: None,
            reliable,
            cfg,
            armed: Armed::default(),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// A retransmission of the request.
    pub(crate) fn on_request(&mut self, out: &mut Output) {
        if matches!(self.state, State::Proceeding | State::Completed) {
            if let Some(r) = &self.last_response {
                out.retransmit(r);
            }
        }
    }

    /// The TU answers. Responses after the final are refused by returning false.
    pub(crate) fn send_response(
        &mut self,
        now: Instant,
        resp: &Response,
        out: &mut Output,
    ) -> bool {
        if !matches!(self.state, State::Trying | State::Proceeding) {
            return false;
        }
        let bytes = resp.encode();
        out.send.push(bytes.clone());
        self.last_response = Some(bytes);
        if resp.is_provisional() {
            self.state = State::Proceeding;
        } else if self.reliable {
            // Timer J is zero on reliable transports.
            self.state = State::Terminated;
        } else {
            self.state = State::Completed;
            self.armed.set(Timer::J, now + self.cfg.t1x64(), out);
        }
        true
    }

    pub(crate) fn on_timer(&mut self, timer: Timer, at: Instant) {
        if self.armed.take(timer, at) && timer == Timer::J && self.state == State::Completed {
            self.state = State::Terminated;
        }
    }

    pub(crate) fn on_transport_error(&mut self) {
        self.state = State::Terminated;
    }
}
