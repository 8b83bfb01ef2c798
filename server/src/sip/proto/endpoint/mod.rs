//! Sans-IO endpoint (RFC 3261 §17, §18): owns the transactions and their timers, turns datagrams
//! into TU events and TU calls into transmits. Must not do I/O or read the clock: `now` is passed in.

pub mod addressing;
mod caps;
mod deadlines;
mod inbound;
mod reflection;
mod types;

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

pub use caps::Caps;
use deadlines::Deadlines;
pub use types::{EndpointConfig, Event, SendError, Stats, Transmit, TxId};

use super::header::{CSeq, CallId, From, MaxForwards, NameAddr, To, Via};
use super::idmap::{IdMap, WireMap};
use super::message::{Headers, Method, Request, Response, Transport};
use super::rng::Rng;
use super::transaction::{
    ClientInvite, ClientKey, ClientNonInvite, KeyMethod, Output, ServerInvite, ServerKey,
    ServerNonInvite, TuEvent,
};

/// One of the four machines. The INVITE client is boxed: it keeps the whole request for the ACK.
/// Variant names follow RFC 3261 §17's own naming, hence the shared suffix.
#[derive(Debug)]
#[allow(clippy::enum_variant_names)]
enum Machine {
    ClientInvite(Box<ClientInvite>),
    ClientNonInvite(ClientNonInvite),
    ServerInvite(ServerInvite),
    ServerNonInvite(ServerNonInvite),
}

/// Shared with the key maps rather than cloned: a transaction's key is two strings, and
/// finished transactions linger by the thousand (Timers J and D).
#[derive(Debug, Clone)]
enum Key {
    Client(Arc<ClientKey>),
    Server(Arc<ServerKey>),
}

#[derive(Debug)]
struct Entry {
    machine: Machine,
    key: Key,
    peer: SocketAddr,
    transport: Transport,
    /// Our To tag for responses of a server transaction, made once so all responses agree.
    local_tag: Option<String>,
    /// Response bytes it keeps for retransmission, as last counted in `Endpoint::held`.
    held: usize,
    /// Queued in `Endpoint::finished` (a server transaction past its final response).
    finished: bool,
    /// Bytes of the request and its retransmissions, and of what we sent back while the TU
    /// had not accepted it (`reflection`).
    bytes_in: usize,
    bytes_out: usize,
    /// The TU answered 101-299: its responses are no longer limited.
    accepted: bool,
}

impl Entry {
    fn terminated(&self) -> bool {
        use super::transaction::{
            client_invite as ci, client_non_invite as cn, server_invite as si,
            server_non_invite as sn,
        };
        match &self.machine {
            Machine::ClientInvite(m) => m.state() == ci::State::Terminated,
            Machine::ClientNonInvite(m) => m.state() == cn::State::Terminated,
            Machine::ServerInvite(m) => m.state() == si::State::Terminated,
            Machine::ServerNonInvite(m) => m.state() == sn::State::Terminated,
        }
    }
}

/// The SIP endpoint state machine. Drive it with `handle_*`, drain it with `poll_*`.
#[derive(Debug)]
pub struct Endpoint {
    cfg: EndpointConfig,
    rng: Rng,
    next_id: u64,
    /// Boxed: the map doubles as transactions accumulate (every finished one waits out Timer J
    /// or D, 32 s over UDP), and moving pointers when it does is cheaper than moving entries.
    txns: IdMap<TxId, Box<Entry>>,
    client_keys: WireMap<Arc<ClientKey>, TxId>,
    server_keys: WireMap<Arc<ServerKey>, TxId>,
    /// Armed timers ordered by deadline; stale entries are skipped when they fire.
    timers: Deadlines,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    stats: Stats,
    /// Sum of the entries' `held`: what the byte cap is checked against.
    held: usize,
    /// Server transactions in the order they finished, the first to shed at a cap; ids of
    /// transactions already gone are skipped.
    finished: VecDeque<TxId>,
    /// An empty `Output` that keeps the room of the last one (taken, then given back by
    /// `apply`): every datagram and every answer passes one to a machine, and fresh vectors
    /// would be up to three allocations each time.
    scratch: Output,
}

impl Endpoint {
    pub fn new(cfg: EndpointConfig, seed: u64) -> Self {
        Self {
            cfg,
            rng: Rng::new(seed),
            next_id: 0,
            txns: IdMap::default(),
            client_keys: WireMap::default(),
            server_keys: WireMap::default(),
            timers: Deadlines::default(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            stats: Stats::default(),
            held: 0,
            finished: VecDeque::new(),
            scratch: Output::default(),
        }
    }

    pub fn config(&self) -> &EndpointConfig {
        &self.cfg
    }

    /// Our addresses per destination, replaced when the administrator changes the NAT settings
    /// or a provider reports what it sees.
    pub fn addressing_mut(&mut self) -> &mut addressing::Addressing {
        &mut self.cfg.addressing
    }

    /// The trunks' addresses answered as if their Via carried `rport` (`nat=force_rport`).
    pub fn set_force_rport(&mut self, sources: Arc<HashSet<SocketAddr>>) {
        self.cfg.force_rport = sources;
    }

    /// The limits on what peers can make us hold and send, for an administrator's settings
    /// (or a test that wants the RFC's full retransmission schedule).
    pub fn caps_mut(&mut self) -> &mut Caps {
        &mut self.cfg.caps
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Number of live transactions.
    pub fn transaction_count(&self) -> usize {
        self.txns.len()
    }

    /// Random source shared with the TU so tags and cnonces stay deterministic under a seed.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// A new out-of-dialog request with fresh Call-ID and From tag, CSeq 1, Max-Forwards 70 and
    /// no Via yet (`send_request` adds ours).
    pub fn new_request(
        &mut self,
        method: Method,
        uri: rsip::Uri,
        from: NameAddr,
        to: NameAddr,
    ) -> Request {
        let call_id = CallId::new(format!("{}@{}", self.rng.token(24), self.cfg.via_host));
        let tag = self.rng.token(10);
        let mut headers = Headers::new(
            Vec::new(),
            From(from).with_tag(&tag),
            To(to),
            call_id,
            CSeq::new(1, method.clone()),
        );
        headers.max_forwards = Some(MaxForwards(70));
        Request {
            method,
            uri,
            headers,
            body: Vec::new(),
        }
    }

    /// Starts a client transaction. Without a Via, ours is added with a new branch.
    ///
    /// # Errors
    /// ACK (never a transaction), a caller Via without an RFC 3261 branch, or a CSeq mismatch.
    pub fn send_request(
        &mut self,
        now: Instant,
        mut request: Request,
        dest: SocketAddr,
        transport: Transport,
    ) -> Result<TxId, SendError> {
        if request.headers.via.is_empty() {
            let branch = self.rng.branch();
            let us = self.cfg.sent_by(dest);
            let via = Via::new(transport, us.host, Some(us.port), &branch);
            request.headers.via.push(via);
        }
        if request.method == Method::Invite {
            return self.send_invite(now, Arc::new(request), dest, transport);
        }
        let key = client_key(&request)?;
        let mut out = std::mem::take(&mut self.scratch);
        let machine = Machine::ClientNonInvite(ClientNonInvite::start(
            now,
            &self.cfg.timers,
            request.encode(),
            transport.is_reliable(),
            &mut out,
        ));
        Ok(self.open_client(key, machine, dest, transport, out))
    }

    /// Starts the client transaction of an INVITE the caller keeps too (a call's B leg
    /// builds its CANCEL, its ACK and any retry from it): shared, not copied. Its top Via
    /// must carry the branch. Another method goes through `send_request`.
    ///
    /// # Errors
    /// A top Via without an RFC 3261 branch, or a CSeq mismatch.
    pub fn send_invite(
        &mut self,
        now: Instant,
        request: Arc<Request>,
        dest: SocketAddr,
        transport: Transport,
    ) -> Result<TxId, SendError> {
        if request.method != Method::Invite {
            return self.send_request(now, Arc::unwrap_or_clone(request), dest, transport);
        }
        let key = client_key(&request)?;
        let mut out = std::mem::take(&mut self.scratch);
        let machine = Machine::ClientInvite(Box::new(ClientInvite::start(
            now,
            &self.cfg.timers,
            request,
            transport.is_reliable(),
            &mut out,
        )));
        Ok(self.open_client(key, machine, dest, transport, out))
    }

    fn open_client(
        &mut self,
        key: Arc<ClientKey>,
        machine: Machine,
        dest: SocketAddr,
        transport: Transport,
        out: Output,
    ) -> TxId {
        let id = self.alloc_id();
        self.client_keys.insert(key.clone(), id);
        self.txns.insert(
            id,
            Box::new(Entry {
                machine,
                key: Key::Client(key),
                peer: dest,
                transport,
                local_tag: None,
                held: 0,
                finished: false,
                bytes_in: 0,
                bytes_out: 0,
                accepted: false,
            }),
        );
        self.apply(id, out);
        id
    }

    /// Answers the request of server transaction `tx`. A response above 100 without a To tag
    /// gets this transaction's tag (§8.2.6.2).
    ///
    /// # Errors
    /// Unknown transaction, or a final response already sent.
    pub fn respond(
        &mut self,
        now: Instant,
        tx: TxId,
        mut response: Response,
    ) -> Result<(), SendError> {
        let entry = self
            .txns
            .get_mut(&tx)
            .ok_or(SendError::UnknownTransaction)?;
        if response.status > 100 && response.headers.to.tag().is_none() {
            let tag = entry
                .local_tag
                .get_or_insert_with(|| self.rng.token(10))
                .clone();
            response.headers.to = response.headers.to.with_tag(&tag);
        }
        if !matches!(
            entry.machine,
            Machine::ServerInvite(_) | Machine::ServerNonInvite(_)
        ) {
            return Err(SendError::UnknownTransaction);
        }
        let status = response.status;
        let bytes = if reflection::accepting(status) {
            entry.accepted = true;
            response.encode()
        } else {
            match self.small_answer(&mut response) {
                Some(bytes) => bytes,
                None => {
                    self.end_early(tx);
                    return Ok(());
                }
            }
        };
        let Some(entry) = self.txns.get_mut(&tx) else {
            return Err(SendError::UnknownTransaction);
        };
        let mut out = std::mem::take(&mut self.scratch);
        let timers = &self.cfg.timers;
        let sent = match &mut entry.machine {
            Machine::ServerInvite(m) => m.send_response(now, timers, status, bytes, &mut out),
            Machine::ServerNonInvite(m) => m.send_response(now, timers, status, bytes, &mut out),
            _ => false,
        };
        if !sent {
            return Err(SendError::AlreadyFinal);
        }
        self.apply(tx, out);
        Ok(())
    }

    /// Sends an ACK for a 2xx (owned by the TU, outside any transaction, §13.2.2.4).
    pub fn send_ack(&mut self, ack: &Request, dest: SocketAddr, transport: Transport) {
        self.push_transmit(dest, transport, ack.encode(), None);
    }

    /// [`Endpoint::send_ack`], returning the ACK as sent: a TU that must resend it when the
    /// 2xx comes again keeps these bytes rather than the parsed request, several times
    /// larger, for as long as the call lasts.
    pub fn send_ack_kept(
        &mut self,
        ack: &Request,
        dest: SocketAddr,
        transport: Transport,
    ) -> Box<[u8]> {
        let bytes = ack.encode();
        self.push_transmit(dest, transport, bytes.clone(), None);
        bytes.into_boxed_slice()
    }

    /// Sends again what [`Endpoint::send_ack_kept`] returned.
    pub fn resend_ack(&mut self, ack: &[u8], dest: SocketAddr, transport: Transport) {
        self.push_transmit(dest, transport, ack.to_vec(), None);
    }

    /// Resends a 2xx to an INVITE: after the first one the server transaction is gone and the
    /// TU retransmits it until the ACK comes (§13.3.1.4).
    pub fn send_response(&mut self, response: &Response, dest: SocketAddr, transport: Transport) {
        self.stats.retransmissions += 1;
        self.push_transmit(dest, transport, response.encode(), None);
    }

    /// The runtime could not deliver a transmit of `tx` (§18.4): the transaction ends.
    pub fn handle_transport_error(&mut self, tx: TxId) {
        let Some(entry) = self.txns.get_mut(&tx) else {
            return;
        };
        let mut out = std::mem::take(&mut self.scratch);
        match &mut entry.machine {
            Machine::ClientInvite(m) => m.on_transport_error(&mut out),
            Machine::ClientNonInvite(m) => m.on_transport_error(&mut out),
            Machine::ServerInvite(m) => m.on_transport_error(&mut out),
            Machine::ServerNonInvite(m) => m.on_transport_error(),
        }
        self.apply(tx, out);
    }

    /// Fires every timer due at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some((at, tx, timer)) = self.timers.first() {
            if at > now {
                break;
            }
            self.timers.pop_first();
            let Some(entry) = self.txns.get_mut(&tx) else {
                continue;
            };
            let mut out = std::mem::take(&mut self.scratch);
            match &mut entry.machine {
                Machine::ClientInvite(m) => m.on_timer(at, timer, at, &mut out),
                Machine::ClientNonInvite(m) => {
                    m.on_timer(at, &self.cfg.timers, timer, at, &mut out)
                }
                Machine::ServerInvite(m) => m.on_timer(at, &self.cfg.timers, timer, at, &mut out),
                Machine::ServerNonInvite(m) => m.on_timer(timer, at),
            }
            self.apply(tx, out);
        }
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When `handle_timeout` should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.first().map(|(at, _, _)| at)
    }

    fn alloc_id(&mut self) -> TxId {
        self.next_id += 1;
        TxId(self.next_id)
    }

    fn push_transmit(
        &mut self,
        dest: SocketAddr,
        transport: Transport,
        payload: Vec<u8>,
        tx: Option<TxId>,
    ) {
        self.stats.messages_out += 1;
        self.transmits.push_back(Transmit {
            dest,
            transport,
            payload,
            tx,
        });
    }

    /// Applies a machine's effects and reaps it once Terminated.
    fn apply(&mut self, tx: TxId, mut out: Output) {
        if self.txns.contains_key(&tx) {
            self.apply_to(tx, &mut out);
        }
        out.send.clear();
        out.timers.clear();
        out.tu.clear();
        out.retransmissions = 0;
        self.scratch = out;
    }

    fn apply_to(&mut self, tx: TxId, out: &mut Output) {
        let Some(entry) = self.txns.get(&tx) else {
            return;
        };
        let (peer, transport) = (entry.peer, entry.transport);
        self.stats.retransmissions += out.retransmissions;
        self.within_budget(tx, &mut out.send);
        for payload in out.send.drain(..) {
            self.push_transmit(peer, transport, payload, Some(tx));
        }
        for (timer, at) in out.timers.drain(..) {
            self.timers.insert((at, tx, timer));
        }
        for ev in out.tu.drain(..) {
            self.events.push_back(match ev {
                TuEvent::Response(response) => Event::Response { tx, response },
                TuEvent::Timeout => Event::Timeout { tx },
                TuEvent::TransportError => Event::TransportError { tx },
                TuEvent::Request(request) => Event::Request {
                    tx,
                    request,
                    source: peer,
                    transport,
                },
            });
        }
        if self.txns.get(&tx).is_some_and(|entry| entry.terminated()) {
            self.remove(tx);
        } else {
            self.account(tx);
            self.enforce_byte_cap();
        }
    }
}

/// The key a client transaction's responses match on (§17.1.3), once the request is one
/// that opens a transaction.
fn client_key(request: &Request) -> Result<Arc<ClientKey>, SendError> {
    if request.method == Method::Ack {
        return Err(SendError::AckIsNotATransaction);
    }
    if request.headers.cseq.method != request.method {
        return Err(SendError::CSeqMismatch);
    }
    let branch = match request.headers.via.first().and_then(Via::branch) {
        Some(b) if b.starts_with("z9hG4bK") => b.to_string(),
        _ => return Err(SendError::NoBranch),
    };
    Ok(Arc::new(ClientKey {
        branch,
        method: KeyMethod(request.method.clone()),
    }))
}
