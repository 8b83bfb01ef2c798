//! Transaction layer: non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8).
//! Must not pass retransmitted requests to the TU: it absorbs them and resends the last response.

use std::time::Instant;

use super::{Armed, Output, Timer, TimerConfig};

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
    /// Exactly sized: it waits out Timer J (32 s over UDP) with thousands of others.
    last_response: Option<Box<[u8]>>,
    reliable: bool,
    armed: Armed,
}

impl ServerNonInvite {
    pub(crate) fn new(reliable: bool) -> Self {
        Self {
            state: State::Trying,
            last_response: None,
            reliable,
            armed: Armed::default(),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// Bytes kept to answer retransmitted requests.
    pub fn held_bytes(&self) -> usize {
        self.last_response.as_ref().map_or(0, |r| r.len())
    }

    /// Answered and only waiting out Timer J: dropping it early loses nothing but the resend.
    pub fn is_finished(&self) -> bool {
        self.state == State::Completed
    }

    /// A retransmission of the request.
    pub(crate) fn on_request(&mut self, out: &mut Output) {
        if matches!(self.state, State::Proceeding | State::Completed) {
            if let Some(r) = &self.last_response {
                out.retransmit(r);
            }
        }
    }

    /// The TU answers with `status`, encoded as `bytes`. Responses after the final are refused
    /// by returning false.
    pub(crate) fn send_response(
        &mut self,
        now: Instant,
        cfg: &TimerConfig,
        status: u16,
        bytes: Vec<u8>,
        out: &mut Output,
    ) -> bool {
        if !matches!(self.state, State::Trying | State::Proceeding) {
            return false;
        }
        self.last_response = Some(bytes.as_slice().into());
        out.send.push(bytes);
        if status < 200 {
            self.state = State::Proceeding;
        } else if self.reliable {
            // Timer J is zero on reliable transports.
            self.state = State::Terminated;
        } else {
            self.state = State::Completed;
            self.armed.set(Timer::J, now + cfg.t1x64(), out);
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
