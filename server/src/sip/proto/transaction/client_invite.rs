//! Transaction layer: INVITE client transaction (RFC 3261 §17.1.1, Figure 5), including the ACK
//! for non-2xx finals (§17.1.1.3). Must not ACK a 2xx: that ACK belongs to the TU (§13.2.2.4).

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Armed, Output, Timer, TimerConfig, TuEvent};
use crate::sip::proto::header::{CSeq, MaxForwards};
use crate::sip::proto::message::{Headers, Method, Request, Response};

/// Figure 5 states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Calling,
    Proceeding,
    Completed,
    Terminated,
}

#[derive(Debug)]
pub struct ClientInvite {
    state: State,
    /// The INVITE, kept to build the ACK of a non-2xx final; dropped then,
    /// with `bytes` (only Timer A used them), since a Completed transaction
    /// waits out Timer D (32 s over UDP) with thousands of others.
    /// Shared with the call that sent it, which keeps it for the dialog.
    request: Option<Arc<Request>>,
    bytes: Box<[u8]>,
    ack: Option<Box<[u8]>>,
    reliable: bool,
    /// Current Timer A interval; doubles without cap (Table 4).
    interval: Duration,
    armed: Armed,
}

impl ClientInvite {
    pub(crate) fn start(
        now: Instant,
        cfg: &TimerConfig,
        request: Arc<Request>,
        reliable: bool,
        out: &mut Output,
    ) -> Self {
        let bytes = request.encode();
        let mut tx = Self {
            state: State::Calling,
            request: Some(request),
            bytes: bytes.as_slice().into(),
            ack: None,
            reliable,
            interval: cfg.t1,
            armed: Armed::default(),
        };
        out.send.push(bytes);
        if !reliable {
            tx.armed.set(Timer::A, now + cfg.t1, out);
        }
        tx.armed.set(Timer::B, now + cfg.t1x64(), out);
        tx
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// §17.1.1.3: the ACK copies Request-URI, Call-ID, From, top Via and Route of the INVITE,
    /// takes To from the response (with its tag) and the CSeq number with method ACK.
    fn build_ack(request: &Request, resp: &Response) -> Vec<u8> {
        let h = &request.headers;
        let mut headers = Headers::new(
            h.via.iter().take(1).cloned().collect(),
            h.from.clone(),
            resp.headers.to.clone(),
            h.call_id.clone(),
            CSeq::new(h.cseq.seq, Method::Ack),
        );
        headers.max_forwards = Some(MaxForwards(70));
        headers.route = h.route.clone();
        Request {
            method: Method::Ack,
            uri: request.uri.clone(),
            headers,
            body: Vec::new(),
        }
        .encode()
    }

    pub(crate) fn on_response(
        &mut self,
        now: Instant,
        cfg: &TimerConfig,
        resp: Response,
        out: &mut Output,
    ) {
        match self.state {
            State::Calling | State::Proceeding => {
                // Timer A stops at the first response: nothing is resent.
                self.armed.clear(Timer::A);
                self.bytes = Box::default();
                if resp.is_provisional() {
                    self.state = State::Proceeding;
                } else if resp.status < 300 {
                    self.armed.clear(Timer::B);
                    self.state = State::Terminated;
                } else {
                    self.armed.clear(Timer::B);
                    if let Some(request) = self.request.take() {
                        let ack = Self::build_ack(&request, &resp);
                        self.ack = Some(ack.as_slice().into());
                        out.send.push(ack);
                    }
                    let d = cfg.timer_d(self.reliable);
                    if d.is_zero() {
                        self.state = State::Terminated;
                    } else {
                        self.state = State::Completed;
                        self.armed.set(Timer::D, now + d, out);
                    }
                }
                out.tu.push(TuEvent::Response(resp));
            }
            State::Completed if !resp.is_provisional() => {
                // A retransmitted final: resend the ACK, do not bother the TU.
                if let Some(ack) = &self.ack {
                    out.retransmit(ack);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn on_timer(&mut self, now: Instant, timer: Timer, at: Instant, out: &mut Output) {
        if !self.armed.take(timer, at) {
            return;
        }
        match (timer, self.state) {
            (Timer::A, State::Calling) => {
                out.retransmit(&self.bytes);
                self.interval *= 2;
                self.armed.set(Timer::A, now + self.interval, out);
            }
            (Timer::B, State::Calling) => {
                self.state = State::Terminated;
                out.tu.push(TuEvent::Timeout);
            }
            (Timer::D, State::Completed) => self.state = State::Terminated,
            _ => {}
        }
    }

    pub(crate) fn on_transport_error(&mut self, out: &mut Output) {
        if matches!(self.state, State::Calling | State::Proceeding) {
            out.tu.push(TuEvent::TransportError);
        }
        self.state = State::Terminated;
    }
}
