//! Transaction layer: INVITE server transaction (RFC 3261 §17.2.1, Figure 7).
//! Must not retransmit 2xx (that is the TU's job, §13.3.1.4) nor exceed T2 between Timer G shots.

use std::time::{Duration, Instant};

use super::{Armed, Output, Timer, TimerConfig, TuEvent, TRYING_DELAY};

/// Figure 7 states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Proceeding,
    Completed,
    Confirmed,
    Terminated,
}

#[derive(Debug)]
pub struct ServerInvite {
    state: State,
    last_response: Option<Box<[u8]>>,
    reliable: bool,
    interval: Duration,
    armed: Armed,
}

impl ServerInvite {
    /// A new transaction holding `trying` (its 100 Trying, encoded; none when too large to
    /// send), sent if the TU has not answered within 200 ms or when the INVITE is retransmitted
    /// first.
    pub(crate) fn new(
        now: Instant,
        reliable: bool,
        cfg: &TimerConfig,
        trying: Option<Vec<u8>>,
        out: &mut Output,
    ) -> Self {
        let mut tx = Self {
            state: State::Proceeding,
            last_response: trying.map(Into::into),
            reliable,
            interval: cfg.t1,
            armed: Armed::default(),
        };
        tx.armed.set(Timer::Trying, now + TRYING_DELAY, out);
        tx
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// Bytes kept for Timer G and for retransmitted INVITEs.
    pub fn held_bytes(&self) -> usize {
        self.last_response.as_ref().map_or(0, |r| r.len())
    }

    /// A final response sent, waiting for the ACK (Timers G, H) or out Timer I: dropping it
    /// early loses only retransmissions.
    pub fn is_finished(&self) -> bool {
        matches!(self.state, State::Completed | State::Confirmed)
    }

    /// A retransmitted INVITE: resend the last provisional or the final.
    pub(crate) fn on_invite(&mut self, out: &mut Output) {
        if self.state == State::Proceeding {
            // The 100 Trying goes out now if it was still waiting: not a second time later.
            // (Only here: in Completed the same slot holds Timer G.)
            self.armed.clear(Timer::Trying);
        }
        if matches!(self.state, State::Proceeding | State::Completed) {
            if let Some(r) = &self.last_response {
                out.retransmit(r);
            }
        }
    }

    /// The ACK for a non-2xx final: Completed -> Confirmed, then Timer I absorbs further ACKs.
    pub(crate) fn on_ack(&mut self, now: Instant, cfg: &TimerConfig, out: &mut Output) {
        if self.state != State::Completed {
            return;
        }
        self.armed.clear(Timer::G);
        self.armed.clear(Timer::H);
        if self.reliable {
            self.state = State::Terminated;
        } else {
            self.state = State::Confirmed;
            self.armed.set(Timer::I, now + cfg.t4, out);
            // Confirmed only absorbs ACKs (§17.2.1): the response is not sent again, and
            // thousands of challenged INVITEs wait out Timer I at once.
            self.last_response = None;
        }
    }

    /// The TU answers with `status`, encoded as `bytes`.
    pub(crate) fn send_response(
        &mut self,
        now: Instant,
        cfg: &TimerConfig,
        status: u16,
        bytes: Vec<u8>,
        out: &mut Output,
    ) -> bool {
        if self.state != State::Proceeding {
            return false;
        }
        self.armed.clear(Timer::Trying);
        self.last_response = Some(bytes.as_slice().into());
        out.send.push(bytes);
        if status < 200 {
            return true;
        }
        if status < 300 {
            self.state = State::Terminated;
            return true;
        }
        self.state = State::Completed;
        if !self.reliable {
            self.armed.set(Timer::G, now + self.interval, out);
        }
        self.armed.set(Timer::H, now + cfg.t1x64(), out);
        true
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
            (Timer::Trying, State::Proceeding) => {
                if let Some(r) = &self.last_response {
                    out.send.push(r.to_vec());
                }
            }
            (Timer::G, State::Completed) => {
                if let Some(r) = &self.last_response {
                    out.retransmit(r);
                }
                self.interval = (self.interval * 2).min(cfg.t2);
                self.armed.set(Timer::G, now + self.interval, out);
            }
            (Timer::H, State::Completed) => {
                // No ACK ever came (§17.2.1): tell the TU, as for a transport failure.
                self.state = State::Terminated;
                out.tu.push(TuEvent::Timeout);
            }
            (Timer::I, State::Confirmed) => self.state = State::Terminated,
            _ => {}
        }
    }

    pub(crate) fn on_transport_error(&mut self, out: &mut Output) {
        if self.state != State::Terminated {
            out.tu.push(TuEvent::TransportError);
        }
        self.state = State::Terminated;
    }
}
