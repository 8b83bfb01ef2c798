//! Endpoint inbound path: parse, answer garbage with 400, match transactions (RFC 3261 §17.1.3,
//! §17.2.3) and route responses back per §18.2.2 and RFC 3581. Must not panic on any input.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use super::{Endpoint, Entry, Event, Key, Machine};
use crate::sip::proto::header::{Rport, Via};
use crate::sip::proto::message::{
    self, framing_is_keepalive, Message, Method, Request, Response, Transport,
};
use crate::sip::proto::transaction::{
    ClientKey, ServerInvite, ServerKey, ServerNonInvite, TuEvent,
};

/// Where responses to a request go (§18.2.2, RFC 3581 §4). Reliable transports answer on the
/// connection the request came from, which the runtime finds by the source address.
fn response_target(via: Option<&Via>, source: SocketAddr, transport: Transport) -> SocketAddr {
    let Some(via) = via else {
        return source;
    };
    if transport.is_reliable() {
        return source;
    }
    let ip = via
        .received()
        .unwrap_or_else(|| via.host.parse::<IpAddr>().unwrap_or(source.ip()));
    match via.rport() {
        Rport::Value(port) => SocketAddr::new(ip, port),
        _ => SocketAddr::new(ip, via.port.unwrap_or(5060)),
    }
}

impl Endpoint {
    /// Feeds one datagram (or one stream frame) received from `source`.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        source: SocketAddr,
        transport: Transport,
        bytes: &[u8],
    ) {
        if framing_is_keepalive(bytes) {
            self.stats.keepalives += 1;
            return;
        }
        self.stats.messages_in += 1;
        match message::parse(bytes, &self.cfg.limits) {
            Ok(Message::Request(req)) => self.on_request(now, source, transport, req, bytes.len()),
            Ok(Message::Response(resp)) => self.on_response(now, resp),
            Err(error) => {
                self.stats.parse_errors += 1;
                tracing::debug!(%source, %error, "malformed SIP message");
                match message::bad_request(bytes, &error, &self.cfg.limits) {
                    Some(mut resp) => {
                        if let Some(via) = resp.headers.via.first_mut() {
                            via.stamp_source(source);
                        }
                        let dest = response_target(resp.headers.via.first(), source, transport);
                        let answer = resp.encode();
                        if self.stateless_fits(bytes.len(), answer.len()) {
                            self.stats.bad_requests_answered += 1;
                            self.push_transmit(dest, transport, answer, None);
                        }
                    }
                    None => self.stats.dropped += 1,
                }
            }
        }
    }

    fn on_request(
        &mut self,
        now: Instant,
        source: SocketAddr,
        transport: Transport,
        mut req: Request,
        len: usize,
    ) {
        if let Some(via) = req.headers.via.first_mut() {
            // As if the trunk had asked for rport (RFC 3581 §4): its answers go back to the
            // port its request came from, through the NAT's mapping, not to the Via's port.
            if !transport.is_reliable() && self.cfg.force_rport.contains(&source) {
                via.force_rport();
            }
            via.stamp_source(source);
        }
        let Some(key) = ServerKey::for_request(&req) else {
            // RFC 2543 peers without a branch are not supported; say so instead of guessing.
            if req.method != Method::Ack {
                let resp = Response::for_request(&req, 400, "Bad Request (Via without branch)");
                let dest = response_target(req.headers.via.first(), source, transport);
                let answer = resp.encode();
                if self.stateless_fits(len, answer.len()) {
                    self.push_transmit(dest, transport, answer, None);
                }
            }
            return;
        };
        if let Some(&tx) = self.server_keys.get(&key) {
            let mut out = std::mem::take(&mut self.scratch);
            if let Some(entry) = self.txns.get_mut(&tx) {
                entry.bytes_in += len;
                match (&mut entry.machine, req.method) {
                    (Machine::ServerInvite(m), Method::Ack) => {
                        m.on_ack(now, &self.cfg.timers, &mut out)
                    }
                    (Machine::ServerInvite(m), _) => m.on_invite(&mut out),
                    (Machine::ServerNonInvite(m), _) => m.on_request(&mut out),
                    _ => {}
                }
            }
            self.apply(tx, out);
            return;
        }
        if req.method == Method::Ack {
            self.events.push_back(Event::Ack {
                request: req,
                source,
            });
            return;
        }
        if !self.room_for_server_transaction() {
            tracing::debug!(%source, "request dropped: server transactions at their cap");
            return;
        }
        let mut out = std::mem::take(&mut self.scratch);
        let reliable = transport.is_reliable();
        let peer = response_target(req.headers.via.first(), source, transport);
        let is_invite = req.method == Method::Invite;
        let machine = if is_invite {
            // Encoded now, as small as any answer to a request not accepted: the request goes
            // to the TU.
            let trying = self.small_answer(&mut Response::for_request(&req, 100, "Trying"));
            let timers = &self.cfg.timers;
            Machine::ServerInvite(ServerInvite::new(now, reliable, timers, trying, &mut out))
        } else {
            Machine::ServerNonInvite(ServerNonInvite::new(reliable))
        };
        let tx = self.alloc_id();
        let key = Arc::new(key);
        self.server_keys.insert(key.clone(), tx);
        self.txns.insert(
            tx,
            Box::new(Entry {
                machine,
                key: Key::Server(key),
                peer,
                transport,
                local_tag: None,
                held: 0,
                finished: false,
                bytes_in: len,
                bytes_out: 0,
                accepted: false,
            }),
        );
        out.tu.push(TuEvent::Request(req));
        self.apply(tx, out);
    }

    fn on_response(&mut self, now: Instant, resp: Response) {
        let tx = ClientKey::for_response(&resp).and_then(|k| self.client_keys.get(&k).copied());
        let Some(tx) = tx else {
            self.stats.stray_responses += 1;
            if resp.headers.cseq.method == Method::Invite && (200..300).contains(&resp.status) {
                self.events
                    .push_back(Event::StrayInviteOk { response: resp });
            }
            return;
        };
        let mut out = std::mem::take(&mut self.scratch);
        if let Some(entry) = self.txns.get_mut(&tx) {
            match &mut entry.machine {
                Machine::ClientInvite(m) => m.on_response(now, &self.cfg.timers, resp, &mut out),
                Machine::ClientNonInvite(m) => m.on_response(now, &self.cfg.timers, resp, &mut out),
                _ => {}
            }
        }
        self.apply(tx, out);
    }
}
