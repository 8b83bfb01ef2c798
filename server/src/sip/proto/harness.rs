//! Test harness for the sans-IO core: two endpoints wired by in-memory queues and a fake clock
//! that jumps to the next deadline. Must not sleep or open sockets; only tests build it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::endpoint::{Endpoint, EndpointConfig, Event};
use super::message::Transport;

/// What happens to one packet on the simulated wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Deliver,
    Drop,
    Duplicate,
    Delay(Duration),
}

/// A packet sent by one node, as seen on the wire.
#[derive(Debug, Clone)]
pub struct Packet {
    pub sent_at: Instant,
    pub from: SocketAddr,
    pub to: SocketAddr,
    pub payload: Vec<u8>,
}

type Tu = Box<dyn FnMut(Instant, &mut Endpoint, &Event)>;
type FaultFn = Box<dyn FnMut(&Packet) -> Fault>;

/// One side: its endpoint, address, a transaction-user callback and the events it received.
pub struct Node {
    pub endpoint: Endpoint,
    pub addr: SocketAddr,
    pub events: Vec<(Instant, Event)>,
    tu: Option<Tu>,
}

impl Node {
    /// Installs the TU logic that reacts to this node's events.
    pub fn on_event(&mut self, f: impl FnMut(Instant, &mut Endpoint, &Event) + 'static) {
        self.tu = Some(Box::new(f));
    }
}

/// Two endpoints and a wire.
pub struct Harness {
    pub start: Instant,
    pub now: Instant,
    pub a: Node,
    pub b: Node,
    pub transport: Transport,
    /// One-way latency of the wire.
    pub latency: Duration,
    /// Every packet handed to the wire, in order, before faults apply.
    pub wire: Vec<Packet>,
    in_flight: Vec<(Instant, Packet)>,
    fault: FaultFn,
}

fn node(addr: &str, seed: u64) -> Node {
    let addr: SocketAddr = addr
        .parse()
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 5060)));
    let cfg = EndpointConfig {
        via_host: addr.ip().to_string(),
        via_port: addr.port(),
        ..EndpointConfig::default()
    };
    Node {
        endpoint: Endpoint::new(cfg, seed),
        addr,
        events: Vec::new(),
        tu: None,
    }
}

impl Harness {
    pub fn new(transport: Transport, seed: u64) -> Self {
        let start = Instant::now();
        Self {
            start,
            now: start,
            a: node("10.0.0.1:5060", seed),
            b: node("10.0.0.2:5060", seed.wrapping_add(1)),
            transport,
            latency: Duration::from_millis(10),
            wire: Vec::new(),
            in_flight: Vec::new(),
            fault: Box::new(|_| Fault::Deliver),
        }
    }

    /// Seconds since the harness started, on the fake clock.
    pub fn elapsed(&self, at: Instant) -> f64 {
        (at - self.start).as_secs_f64()
    }

    pub fn set_fault(&mut self, f: impl FnMut(&Packet) -> Fault + 'static) {
        self.fault = Box::new(f);
    }

    fn flush(&mut self) {
        for from_a in [true, false] {
            let (node, peer) = if from_a {
                (&mut self.a, self.b.addr)
            } else {
                (&mut self.b, self.a.addr)
            };
            while let Some(t) = node.endpoint.poll_transmit() {
                let p = Packet {
                    sent_at: self.now,
                    from: node.addr,
                    to: if t.dest == peer { peer } else { t.dest },
                    payload: t.payload,
                };
                self.wire.push(p.clone());
                let at = self.now + self.latency;
                match (self.fault)(&p) {
                    Fault::Deliver => self.in_flight.push((at, p)),
                    Fault::Drop => {}
                    Fault::Duplicate => {
                        self.in_flight.push((at, p.clone()));
                        self.in_flight.push((at, p));
                    }
                    Fault::Delay(d) => self.in_flight.push((at + d, p)),
                }
            }
        }
    }

    fn dispatch_events(&mut self) {
        for node in [&mut self.a, &mut self.b] {
            while let Some(ev) = node.endpoint.poll_event() {
                if let Some(tu) = node.tu.as_mut() {
                    tu(self.now, &mut node.endpoint, &ev);
                }
                node.events.push((self.now, ev));
            }
        }
    }

    /// Advances by one delivery or one clock jump. Returns false when nothing is left to do.
    pub fn step(&mut self) -> bool {
        self.dispatch_events();
        self.flush();
        let now = self.now;
        let due: Vec<Packet> = {
            let (due, later): (Vec<_>, Vec<_>) =
                self.in_flight.drain(..).partition(|(at, _)| *at <= now);
            self.in_flight = later;
            due.into_iter().map(|(_, p)| p).collect()
        };
        if !due.is_empty() {
            for p in due {
                let node = if p.to == self.a.addr {
                    &mut self.a
                } else {
                    &mut self.b
                };
                node.endpoint
                    .handle_datagram(now, p.from, self.transport, &p.payload);
            }
            return true;
        }
        let next = [
            self.in_flight.iter().map(|(at, _)| *at).min(),
            self.a.endpoint.poll_timeout(),
            self.b.endpoint.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next else {
            return false;
        };
        self.now = self.now.max(next);
        self.a.endpoint.handle_timeout(self.now);
        self.b.endpoint.handle_timeout(self.now);
        true
    }

    /// Steps until idle or until the fake clock passes `limit` after the start.
    pub fn run_for(&mut self, limit: Duration) {
        while self.now - self.start <= limit && self.step() {}
        self.dispatch_events();
    }
}
