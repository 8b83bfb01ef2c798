//! Test rig for calls: the PBX (an Endpoint and `Calls`, glued as the runtime will), a phone and
//! any number of callees or providers, on an in-memory wire with a fake clock. Peers answer
//! CANCEL and BYE themselves (as any UA does); everything else is scripted by the test.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::super::leg::{self, Dialog};
use super::super::{CallEvent, Calls, CallsConfig, Inbound, NewCall};
use crate::sip::proto::header::{Contact, NameAddr};
use crate::sip::proto::message::{self, ExtraHeader, Limits, Message, Method, Request, Response};
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
    pending: Vec<(TxId, Request)>,
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
            calls: Calls::new(CallsConfig {
                contact: "sip:pbx@10.0.0.2:5060".into(),
            }),
            peers,
            wire: Vec::new(),
            call_events: Vec::new(),
            next_call: None,
            unreachable: Vec::new(),
            silent: Vec::new(),
            in_flight: Vec::new(),
        }
    }

    /// Seconds since the start on the fake clock.
    pub fn t(&self) -> f64 {
        (self.now - self.start).as_secs_f64()
    }

    /// The phone dials `uri` with an SDP offer; returns its INVITE (with its Via).
    pub fn dial(&mut self, uri: &str, call: NewCall) -> Request {
        self.next_call = Some(call);
        let phone = &mut self.peers[0];
        let ruri = message::parse_request_uri(uri).expect("uri");
        let mut invite = phone.ep.new_request(
            Method::Invite,
            ruri,
            NameAddr::new("sip:1000@10.0.0.2"),
            NameAddr::new(uri),
        );
        invite.headers.contact = vec![Contact::Addr(NameAddr::new("sip:1000@10.0.0.1:5060"))];
        with_sdp(&mut invite.headers.extra, &mut invite.body, SDP_A);
        leg::push_via(&mut phone.ep, &mut invite, Transport::Udp);
        let sent = invite.clone();
        phone
            .ep
            .send_request(self.now, invite, self.pbx_addr, Transport::Udp)
            .expect("sent");
        sent
    }

    /// The phone cancels its INVITE.
    pub fn cancel(&mut self, invite: &Request) {
        let cancel = leg::cancel(invite);
        let (now, pbx) = (self.now, self.pbx_addr);
        let _ = self.peers[0]
            .ep
            .send_request(now, cancel, pbx, Transport::Udp);
    }

    /// The first request of `method` peer `p` received that the test has not taken yet.
    pub fn take_request(&mut self, p: usize, method: Method) -> (TxId, Request) {
        let peer = &mut self.peers[p];
        let i = peer
            .events
            .iter()
            .position(|e| matches!(e, Event::Request { request, .. } if request.method == method))
            .unwrap_or_else(|| panic!("peer {p} got no {method}"));
        match peer.events.remove(i) {
            Event::Request { tx, request, .. } => (tx, request),
            _ => unreachable!("matched a request"),
        }
    }

    /// Peer `p` answers `req` (2xx and 18x carry its SDP and Contact).
    pub fn reply(&mut self, p: usize, tx: TxId, req: &Request, status: u16) -> Response {
        let now = self.now;
        let peer = &mut self.peers[p];
        let mut resp = Response::for_request(req, status, message::default_reason(status));
        if status > 100 && resp.headers.to.tag().is_none() {
            resp.headers.to = resp.headers.to.with_tag(&format!("peer{p}"));
        }
        if (180..300).contains(&status) && req.method != Method::Bye {
            let me = format!("sip:peer@{}", peer.addr);
            resp.headers.contact = vec![Contact::Addr(NameAddr::new(me))];
            if status != 180 {
                with_sdp(&mut resp.headers.extra, &mut resp.body, SDP_B);
            }
        }
        if status >= 200 {
            peer.pending.retain(|(t, _)| *t != tx);
        }
        peer.ep.respond(now, tx, resp.clone()).expect("responded");
        resp
    }

    /// The dialog a peer has from its INVITE `invite` and the 2xx `ok` it got or sent.
    pub fn dialog(&self, invite: &Request, ok: &Response, uac: bool) -> Dialog {
        let h = &invite.headers;
        let (local, remote, target) = if uac {
            let target = leg::contact_uri(&ok.headers.contact).expect("contact");
            (h.from.0.clone(), ok.headers.to.0.clone(), target)
        } else {
            let target = leg::contact_uri(&h.contact).expect("contact");
            (ok.headers.to.0.clone(), h.from.0.clone(), target)
        };
        Dialog {
            call_id: h.call_id.clone(),
            local,
            remote,
            remote_target: target,
            route: Default::default(),
            local_cseq: if uac { h.cseq.seq } else { 100 },
            dest: self.pbx_addr,
            transport: Transport::Udp,
        }
    }

    /// Peer `p` sends `method` in `dialog` (an ACK goes outside any transaction).
    pub fn send_in_dialog(&mut self, p: usize, dialog: &mut Dialog, method: Method, sdp: bool) {
        let now = self.now;
        let peer = &mut self.peers[p];
        if method == Method::Ack {
            let ack = dialog.ack(&mut peer.ep, dialog.local_cseq).expect("ack");
            peer.ep.send_ack(&ack, dialog.dest, dialog.transport);
            return;
        }
        let mut req = dialog
            .request(method, &format!("sip:peer@{}", peer.addr))
            .expect("req");
        if sdp {
            with_sdp(&mut req.headers.extra, &mut req.body, SDP_A);
        }
        peer.ep
            .send_request(now, req, dialog.dest, dialog.transport)
            .expect("sent");
    }

    /// Final (or provisional) responses peer `p` received, statuses in order.
    pub fn statuses(&self, p: usize) -> Vec<u16> {
        self.peers[p]
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Response { response, .. } => Some(response.status),
                _ => None,
            })
            .collect()
    }

    /// Statuses sent on the wire from `from` to the PBX, retransmissions included.
    pub fn answers_from(&self, from: SocketAddr) -> Vec<u16> {
        self.wire
            .iter()
            .filter(|p| p.from == from && p.to == self.pbx_addr)
            .filter_map(|p| match &p.msg {
                Message::Response(r) => Some(r.status),
                Message::Request(_) => None,
            })
            .collect()
    }

    /// The last response peer `p` received with this status.
    pub fn response(&self, p: usize, status: u16) -> Response {
        self.peers[p]
            .events
            .iter()
            .rev()
            .find_map(|e| match e {
                Event::Response { response, .. } if response.status == status => {
                    Some(response.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("peer {p} got no {status}"))
    }

    /// Distinct requests of `method` on the wire from the PBX to `to` (retransmissions folded).
    pub fn sent_to(&self, to: SocketAddr, method: Method) -> Vec<Request> {
        let mut out: Vec<Request> = Vec::new();
        for p in &self.wire {
            if let (true, Message::Request(r)) = (p.from == self.pbx_addr && p.to == to, &p.msg) {
                if r.method == method && !out.contains(r) {
                    out.push(r.clone());
                }
            }
        }
        out
    }

    /// The record of the call that ended.
    pub fn record(&self) -> super::super::CallRecord {
        self.call_events
            .iter()
            .find_map(|e| match e {
                CallEvent::Ended(r) => Some(r.clone()),
                _ => None,
            })
            .expect("the call ended")
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
                if let Ok(msg) = message::parse(&t.payload, &Limits::default()) {
                    self.wire.push(Packet {
                        from,
                        to: t.dest,
                        msg,
                    });
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
                        request: &request,
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

fn with_sdp(extra: &mut Vec<ExtraHeader>, body: &mut Vec<u8>, sdp: &[u8]) {
    extra.push(ExtraHeader {
        name: "Content-Type".into(),
        value: "application/sdp".into(),
    });
    body.extend_from_slice(sdp);
}
