//! Test rig for calls: the PBX (an Endpoint and `Calls`, glued as the runtime will), a phone and
//! any number of callees or providers, on an in-memory wire with a fake clock. Peers answer
//! CANCEL and BYE themselves (as any UA does); everything else is scripted by the test.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::super::{CallEvent, Calls, Inbound, NewCall};
use crate::sip::proto::message::{self, Limits, Message, Method, Request, Response};
use crate::sip::proto::{Endpoint, EndpointConfig, Event, Transport, TxId};

pub const SDP_A: &[u8] = b"v=0\r\no=phone 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
pub const SDP_B: &[u8] = b"v=0\r\no=callee 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";

/// A UA on the wire.
pub struct Peer {
    pub addr: SocketAddr,
    pub ep: Endpoint,
    /// Every event it received, in order.
    pub events: Vec<Event>,
    /// INVITEs it was sent and has not answered finally, for the automatic 487 on CANCEL.
    pub(super) pending: Vec<(TxId, Request)>,
}

pub struct Packet {
    pub from: SocketAddr,
    pub to: SocketAddr,
    pub msg: Message,
}

pub struct Net {
    start: Instant,
    pub now: Instant,
    pub pbx: Endpoint,
    pub pbx_addr: SocketAddr,
    pub calls: Calls,
    pub peers: Vec<Peer>,
    pub wire: Vec<Packet>,
    /// Call events (attempts, answers, records), in order.
    pub call_events: Vec<CallEvent>,
    /// The routing decision for the next new INVITE the PBX receives.
    pub next_call: Option<NewCall>,
    /// Sends to these addresses fail at once (transport error).
    pub unreachable: Vec<SocketAddr>,
    /// Packets to these addresses vanish.
    pub silent: Vec<SocketAddr>,
    /// Packets for which this returns true vanish (lost on the wire).
    pub lose: Box<dyn FnMut(&Packet) -> bool>,
    in_flight: Vec<(Instant, SocketAddr, SocketAddr, Vec<u8>)>,
}

pub fn addr(last: u8) -> SocketAddr {
    SocketAddr::from(([10, 0, 0, last], 5060))
}

fn endpoint(a: SocketAddr, seed: u64) -> Endpoint {
    let cfg = EndpointConfig {
        via_host: a.ip().to_string(),
        via_port: a.port(),
        ..EndpointConfig::default()
    };
    Endpoint::new(cfg, seed)
}

impl Net {
    /// The PBX at 10.0.0.2, the phone (peer 0) at 10.0.0.1 and `n` more peers from 10.0.0.10.
    pub fn new(n: u8) -> Self {
        let start = Instant::now();
        let pbx_addr = addr(2);
        let mut peers = vec![peer(addr(1), 100)];
        peers.extend((0..n).map(|i| peer(addr(10 + i), 200 + u64::from(i))));
        Self {
            start,
            now: start,
            pbx: endpoint(pbx_addr, 7),
            pbx_addr,
            calls: Calls::new(),
            peers,
            wire: Vec::new(),
            call_events: Vec::new(),
            next_call: None,
            unreachable: Vec::new(),
            silent: Vec::new(),
            lose: Box::new(|_| false),
            in_flight: Vec::new(),
        }
    }

    /// Seconds since the start on the fake clock.
    pub fn t(&self) -> f64 {
        (self.now - self.start).as_secs_f64()
    }

    /// Runs the wire and the clocks for `secs` seconds of fake time.
    pub fn run(&mut self, secs: f64) {
        let limit = self.now + Duration::from_secs_f64(secs);
        loop {
            self.settle();
            let next = [
                self.in_flight.iter().map(|(at, ..)| *at).min(),
                self.pbx.poll_timeout(),
                self.calls.poll_timeout(),
            ]
            .into_iter()
            .chain(self.peers.iter().map(|p| p.ep.poll_timeout()))
            .flatten()
            .min();
            let Some(next) = next.filter(|n| *n <= limit) else {
                self.now = self.now.max(limit);
                self.settle();
                return;
            };
            self.now = self.now.max(next);
            let now = self.now;
            let (due, later): (Vec<_>, Vec<_>) =
                self.in_flight.drain(..).partition(|(at, ..)| *at <= now);
            self.in_flight = later;
            for (_, from, to, bytes) in due {
                if to == self.pbx_addr {
                    self.pbx.handle_datagram(now, from, Transport::Udp, &bytes);
                } else if let Some(p) = self.peers.iter_mut().find(|p| p.addr == to) {
                    p.ep.handle_datagram(now, from, Transport::Udp, &bytes);
                }
            }
            self.pbx.handle_timeout(now);
            self.calls.handle_timeout(now, &mut self.pbx);
            for p in &mut self.peers {
                p.ep.handle_timeout(now);
            }
        }
    }

    /// Moves transmits onto the wire and events to their users until nothing changes.
    fn settle(&mut self) {
        loop {
            let mut busy = false;
            while let Some(ev) = self.pbx.poll_event() {
                busy = true;
                self.runtime(ev);
            }
            while let Some(ev) = self.calls.poll_event() {
                self.call_events.push(ev);
            }
            for p in &mut self.peers {
                while let Some(ev) = p.ep.poll_event() {
                    busy = true;
                    p.auto(self.now, &ev);
                    p.events.push(ev);
                }
            }
            let mut out = Vec::new();
            while let Some(t) = self.pbx.poll_transmit() {
                out.push((self.pbx_addr, t));
            }
            for p in &mut self.peers {
                while let Some(t) = p.ep.poll_transmit() {
                    out.push((p.addr, t));
                }
            }
            for (from, t) in out {
                busy = true;
                let mut lost = false;
                if let Ok(msg) = message::parse(&t.payload, &Limits::default()) {
                    let packet = Packet {
                        from,
                        to: t.dest,
                        msg,
                    };
                    lost = (self.lose)(&packet);
                    self.wire.push(packet);
                }
                if lost {
                    continue;
                }
                if self.unreachable.contains(&t.dest) {
                    if let Some(tx) = t.tx.filter(|_| from == self.pbx_addr) {
                        self.pbx.handle_transport_error(tx);
                    }
                } else if !self.silent.contains(&t.dest) {
                    let at = self.now + Duration::from_millis(10);
                    self.in_flight.push((at, from, t.dest, t.payload));
                }
            }
            if !busy {
                return;
            }
        }
    }

    /// What the runtime does with a PBX event: calls first, then new INVITEs routed by the test.
    fn runtime(&mut self, ev: Event) {
        if self.calls.handle_event(self.now, &mut self.pbx, &ev) {
            return;
        }
        if let Event::Request {
            tx,
            request,
            source,
            transport,
        } = ev
        {
            let new = request.method == Method::Invite && request.headers.to.tag().is_none();
            match self.next_call.take().filter(|_| new) {
                Some(call) => {
                    let pbx = &mut self.pbx;
                    let inbound = Inbound {
                        tx,
                        request,
                        source,
                        transport,
                    };
                    self.calls.start(self.now, pbx, inbound, call);
                }
                None => {
                    let resp = Response::for_request(&request, 481, "No Call");
                    let _ = self.pbx.respond(self.now, tx, resp);
                }
            }
        }
    }
}

fn peer(a: SocketAddr, seed: u64) -> Peer {
    Peer {
        addr: a,
        ep: endpoint(a, seed),
        events: Vec::new(),
        pending: Vec::new(),
    }
}

impl Peer {
    /// What any UA does by itself: 200 to BYE; 200 to CANCEL and 487 to the INVITE it cancels.
    fn auto(&mut self, now: Instant, ev: &Event) {
        let Event::Request { tx, request, .. } = ev else {
            return;
        };
        let ok = |r: &Request| {
            let mut resp = Response::for_request(r, 200, "OK");
            if resp.headers.to.tag().is_none() {
                resp.headers.to = resp.headers.to.with_tag("auto");
            }
            resp
        };
        match request.method {
            Method::Invite if request.headers.to.tag().is_none() => {
                self.pending.push((*tx, request.clone()));
            }
            Method::Bye => {
                let _ = self.ep.respond(now, *tx, ok(request));
            }
            Method::Cancel => {
                let _ = self.ep.respond(now, *tx, ok(request));
                let branch = request.headers.via.first().and_then(|v| v.branch());
                let hit = self.pending.iter().position(|(_, inv)| {
                    inv.headers.via.first().and_then(|v| v.branch()) == branch
                });
                if let Some(i) = hit {
                    let (itx, inv) = self.pending.remove(i);
                    let mut resp = Response::for_request(&inv, 487, "Request Terminated");
                    resp.headers.to = resp.headers.to.with_tag("auto");
                    let _ = self.ep.respond(now, itx, resp);
                }
            }
            _ => {}
        }
    }
}
