//! Test rig for transaction users (registration, qualify): our Endpoint, a scripted peer that
//! answers each request from a closure, and a fake clock that jumps to the next deadline.
//! Must not sleep or open sockets; only unit tests build it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::message::{self, Limits, Message, Method, Request, Response};
use super::{Endpoint, EndpointConfig, Event, Transport};

/// What the scripted peer does with one request.
pub enum Reply {
    Respond(Response),
    /// Answer after this extra delay.
    Later(Duration, Response),
    Drop,
    /// The runtime fails to send it (RFC 3261 §18.4 transport error).
    Fail,
}

/// A transaction user the rig drives: it hands requests to the Endpoint and takes events.
pub trait Tu {
    fn poll_transmit(&mut self) -> Option<super::registration::Outgoing>;
    fn sent(&mut self, tx: super::TxId);
    fn send_failed(&mut self, now: Instant);
    /// What the runtime does with a client's requests, done on the rig's Endpoint.
    fn pump(&mut self, now: Instant, ep: &mut Endpoint) {
        while let Some(out) = self.poll_transmit() {
            match ep.send_request(now, *out.request, out.dest, out.transport) {
                Ok(tx) => self.sent(tx),
                Err(_) => self.send_failed(now),
            }
        }
    }
    fn handle_event(&mut self, now: Instant, ev: &Event) -> bool;
    fn handle_timeout(&mut self, now: Instant);
    fn poll_timeout(&self) -> Option<Instant>;
}

type Peer = Box<dyn FnMut(Instant, &Request) -> Reply>;

pub struct Rig {
    pub start: Instant,
    pub now: Instant,
    pub ep: Endpoint,
    pub peer_addr: SocketAddr,
    peer: Peer,
    /// Distinct requests seen by the peer (retransmissions folded), with their send time.
    pub wire: Vec<(Instant, Request)>,
    pending: Vec<(Instant, Vec<u8>)>,
    latency: Duration,
}

pub fn ok(req: &Request) -> Response {
    Response::for_request(req, 200, "OK").with_to_tag()
}

pub fn status(req: &Request, code: u16) -> Response {
    Response::for_request(req, code, message::default_reason(code)).with_to_tag()
}

trait ToTag {
    fn with_to_tag(self) -> Self;
}

impl ToTag for Response {
    fn with_to_tag(mut self) -> Self {
        self.headers.to = self.headers.to.with_tag("peer");
        self
    }
}

impl Rig {
    pub fn new(peer: impl FnMut(Instant, &Request) -> Reply + 'static) -> Self {
        let start = Instant::now();
        let cfg = EndpointConfig {
            via_host: "10.0.0.1".into(),
            via_port: 5060,
            ..EndpointConfig::default()
        };
        Self {
            start,
            now: start,
            ep: Endpoint::new(cfg, 3),
            peer_addr: SocketAddr::from(([192, 0, 2, 10], 5060)),
            peer: Box::new(peer),
            wire: Vec::new(),
            pending: Vec::new(),
            latency: Duration::from_millis(10),
        }
    }

    pub fn set_peer(&mut self, peer: impl FnMut(Instant, &Request) -> Reply + 'static) {
        self.peer = Box::new(peer);
    }

    /// Seconds since start.
    pub fn t(&self, at: Instant) -> f64 {
        ((at - self.start).as_secs_f64() * 1000.0).round() / 1000.0
    }

    /// Send times (s) of distinct requests of `method`.
    pub fn times(&self, method: Method) -> Vec<f64> {
        self.wire
            .iter()
            .filter(|(_, r)| r.method == method)
            .map(|(at, _)| self.t(*at))
            .collect()
    }

    pub fn last(&self) -> &Request {
        &self.wire.last().expect("a request was sent").1
    }

    fn exchange(&mut self, tu: &mut dyn Tu) {
        loop {
            tu.pump(self.now, &mut self.ep);
            let mut progressed = false;
            while let Some(t) = self.ep.poll_transmit() {
                progressed = true;
                let Ok(Message::Request(req)) = message::parse(&t.payload, &Limits::default())
                else {
                    continue;
                };
                let branch = req
                    .headers
                    .via
                    .first()
                    .and_then(|v| v.branch())
                    .map(str::to_string);
                let seen = self.wire.iter().any(|(_, r)| {
                    r.headers
                        .via
                        .first()
                        .and_then(|v| v.branch())
                        .map(str::to_string)
                        == branch
                });
                if seen {
                    continue;
                }
                self.wire.push((self.now, req.clone()));
                let at = self.now + self.latency;
                match (self.peer)(self.now, &req) {
                    Reply::Respond(r) => self.pending.push((at, r.encode())),
                    Reply::Later(d, r) => self.pending.push((at + d, r.encode())),
                    Reply::Drop => {}
                    Reply::Fail => {
                        if let Some(tx) = t.tx {
                            self.ep.handle_transport_error(tx);
                        }
                    }
                }
            }
            while let Some(ev) = self.ep.poll_event() {
                progressed = true;
                tu.handle_event(self.now, &ev);
            }
            if !progressed {
                return;
            }
        }
    }

    /// Runs the fake clock until `secs` after the start.
    pub fn run_until(&mut self, tu: &mut dyn Tu, secs: f64) {
        let limit = self.start + Duration::from_secs_f64(secs);
        loop {
            self.exchange(tu);
            let next = [
                self.pending.iter().map(|(at, _)| *at).min(),
                self.ep.poll_timeout(),
                tu.poll_timeout(),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some(next) = next.filter(|n| *n <= limit) else {
                self.now = self.now.max(limit);
                return;
            };
            self.now = self.now.max(next);
            let now = self.now;
            let (due, later): (Vec<_>, Vec<_>) =
                self.pending.drain(..).partition(|(at, _)| *at <= now);
            self.pending = later;
            for (_, bytes) in due {
                self.ep
                    .handle_datagram(now, self.peer_addr, Transport::Udp, &bytes);
            }
            self.ep.handle_timeout(now);
            tu.handle_timeout(now);
        }
    }
}

impl Tu for super::registration::RegistrationClient {
    fn poll_transmit(&mut self) -> Option<super::registration::Outgoing> {
        super::registration::RegistrationClient::poll_transmit(self)
    }
    fn sent(&mut self, tx: super::TxId) {
        super::registration::RegistrationClient::sent(self, tx);
    }
    fn send_failed(&mut self, now: Instant) {
        super::registration::RegistrationClient::send_failed(self, now);
    }
    fn handle_event(&mut self, now: Instant, ev: &Event) -> bool {
        super::registration::RegistrationClient::handle_event(self, now, ev)
    }
    fn handle_timeout(&mut self, now: Instant) {
        super::registration::RegistrationClient::handle_timeout(self, now);
    }
    fn poll_timeout(&self) -> Option<Instant> {
        super::registration::RegistrationClient::poll_timeout(self)
    }
}
