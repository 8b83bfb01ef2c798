//! Runtime driver loop: feeds datagrams, frames, commands and the one timer into the endpoint and
//! writes its transmits out (RFC 3261 §18, RFC 3581 symmetric responses). Must hold no SIP logic.

mod intake;

use intake::{Intake, SLOT};

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;

use super::connect::{Connecting, Queued};
use super::counters::Counters;
use super::relay::{Relay, RelayEvent, Update};
use super::tcp::{spawn_connection, Conn, TcpEvent, TcpLimits};
use crate::sip::proto::answer::unavailable;
use crate::sip::proto::call::{CallEvent, Calls, Inbound, Snapshot};
use crate::sip::proto::message::Method;
use crate::sip::proto::priority::{LaneCaps, Lanes};
use crate::sip::proto::{Endpoint, EndpointConfig, Event, Transmit, Transport, TxId};

pub use super::handle::{CallFeeds, Command, RuntimeHandle, Shield};

/// How long a copy of the live calls answers those who ask, when no call changed since: several
/// consoles polling share one copy. Anchored calls' audio figures change with every packet, so
/// the copy is not kept longer.
const LIVE_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Most commands taken in one pass before the queued transmits go out:
/// enough to amortise a wake-up, few enough that the first answer of a
/// burst is not held back long.
const BURST: usize = 32;

/// Retry-After of a request turned away for want of room: at least this
/// many seconds, plus up to `RETRY_SPREAD - 1` more.
const RETRY_AFTER: u32 = 2;
const RETRY_SPREAD: u32 = 8;

/// Owns the sockets, the endpoint and the calls (which need the endpoint
/// at hand to answer within the same turn).
pub struct Runtime {
    endpoint: Endpoint,
    calls: Calls,
    feeds: Option<CallFeeds>,
    /// A call started or changed since the live calls were last copied.
    live_dirty: bool,
    /// The last copy of the live calls and when it was made.
    live: Option<(Instant, Arc<Vec<Snapshot>>)>,
    shield: Arc<Shield>,
    /// Where registered phones send from: served first under load.
    phones: Arc<HashSet<SocketAddr>>,
    /// Datagrams read off the UDP socket, waiting by class (`proto::priority`).
    lanes: Lanes<Vec<u8>>,
    udp: Option<UdpSocket>,
    tcp: Option<TcpListener>,
    counters: Arc<Counters>,
    commands: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<Event>,
    /// Where requests no call takes go, when not with the other events.
    requests: Option<mpsc::Sender<Event>>,
    /// Where those of trunks and registered phones go, when not with the
    /// others: their handler takes them first.
    known_requests: Option<mpsc::Sender<Event>>,
    conns: HashMap<SocketAddr, Conn>,
    tcp_limits: TcpLimits,
    /// Connections being opened to peers, off the loop.
    connecting: Connecting,
    tcp_tx: mpsc::UnboundedSender<TcpEvent>,
    tcp_rx: mpsc::UnboundedReceiver<TcpEvent>,
    /// The RTP relay of anchored calls; without it every call has direct media.
    relay: Option<Relay>,
    /// What the relay threads report (a side gone silent).
    relay_events: Option<mpsc::UnboundedReceiver<RelayEvent>>,
}

impl Runtime {
    /// Takes already-bound sockets (tests bind port 0). Returns the runtime, a handle, and the
    /// stream of transaction-user events.
    pub fn new(
        cfg: EndpointConfig,
        seed: u64,
        udp: Option<UdpSocket>,
        tcp: Option<TcpListener>,
    ) -> (Self, RuntimeHandle, mpsc::UnboundedReceiver<Event>) {
        let (cmd_tx, commands) = mpsc::unbounded_channel();
        let (events, ev_rx) = mpsc::unbounded_channel();
        let (tcp_tx, tcp_rx) = mpsc::unbounded_channel();
        let counters = Arc::new(Counters::default());
        let handle = RuntimeHandle {
            commands: cmd_tx,
            counters: counters.clone(),
        };
        let rt = Self {
            calls: Calls::new(),
            feeds: None,
            live_dirty: false,
            live: None,
            shield: Arc::default(),
            phones: Arc::default(),
            lanes: Lanes::new(LaneCaps::default()),
            endpoint: Endpoint::new(cfg, seed),
            udp,
            tcp,
            counters,
            commands,
            events,
            requests: None,
            known_requests: None,
            conns: HashMap::new(),
            tcp_limits: TcpLimits::default(),
            connecting: Connecting::default(),
            tcp_tx,
            tcp_rx,
            relay: None,
            relay_events: None,
        };
        (rt, handle, ev_rx)
    }

    /// Where call events and the live calls go; without it calls still
    /// run, unobserved.
    pub fn with_call_feeds(mut self, feeds: CallFeeds) -> Self {
        self.feeds = Some(feeds);
        self
    }

    /// Sends the requests no call takes (new INVITEs, REGISTERs, requests
    /// outside any dialog) straight to their handler; the event stream
    /// then carries only what answers our own requests. One task less
    /// between a phone and its answer.
    ///
    /// The channel's capacity is the backlog the handler may have: a
    /// request beyond it is answered 503 with Retry-After at once (RFC
    /// 3261 §21.5.4), so a flood costs a bounded queue and a quick answer
    /// instead of a growing delay that every phone ends up retransmitting
    /// into.
    pub fn with_requests(mut self, requests: mpsc::Sender<Event>) -> Self {
        self.requests = Some(requests);
        self
    }

    /// Sends the requests of trunks' providers and registered phones to
    /// a queue of their own, which their handler empties first: a flood
    /// queued for the handler does not delay them either.
    pub fn with_known_requests(mut self, requests: mpsc::Sender<Event>) -> Self {
        self.known_requests = Some(requests);
        self
    }

    /// Anchors calls' media through `relay` (unless both ends allow direct media).
    pub fn with_relay(mut self, mut relay: Relay) -> Self {
        self.relay_events = relay.take_events();
        self.relay = Some(relay);
        self
    }

    /// How many TCP connections may be open and how long they may idle.
    pub fn with_tcp_limits(mut self, limits: TcpLimits) -> Self {
        self.tcp_limits = limits;
        self
    }

    /// Whether a connection from `peer` would pass the limits: the total,
    /// and the share of one address (which one scanner would otherwise
    /// take whole).
    fn room_for(&self, peer: SocketAddr) -> bool {
        let limits = &self.tcp_limits;
        if self.conns.len() >= limits.max {
            return false;
        }
        let from_peer = self.conns.keys().filter(|a| a.ip() == peer.ip()).count();
        from_peer < limits.per_source
    }

    /// Runs until `shutdown` completes, then returns; sockets close when the runtime drops.
    ///
    /// # Errors
    /// A fatal error of the UDP socket.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        tokio::pin!(shutdown);
        let mut intake = Intake::new(SLOT);
        // One timer, moved only when the earliest deadline moves: arming a
        // new one per message costs more than most messages.
        let sleep = tokio::time::sleep(std::time::Duration::from_secs(3600));
        tokio::pin!(sleep);
        let mut armed: Option<Instant> = None;
        loop {
            let deadline = [self.endpoint.poll_timeout(), self.calls.poll_timeout()]
                .into_iter()
                .flatten()
                .min();
            if deadline != armed {
                armed = deadline;
                if let Some(at) = deadline {
                    sleep.as_mut().reset(tokio::time::Instant::from_std(at));
                }
            }
            let queued = !self.lanes.is_empty();
            tokio::select! {
                _ = &mut shutdown => break,
                r = udp_readable(self.udp.as_ref()), if !queued => {
                    r?;
                    self.udp_turn(&mut intake);
                }
                // Datagrams are waiting: no need to wait for the socket.
                () = std::future::ready(()), if queued => self.udp_turn(&mut intake),
                r = accept(self.tcp.as_ref()) => {
                    if let Ok((stream, peer)) = r {
                        if self.refused(peer) {
                        } else if self.room_for(peer) {
                            let limits = self.endpoint.config().limits;
                            let conn = spawn_connection(stream, peer, limits, self.tcp_limits, self.tcp_tx.clone());
                            self.conns.insert(peer, conn);
                        } else {
                            // Closed at once (the stream drops): the peer
                            // sees the connection end, nothing is held.
                            tracing::debug!(%peer, "TCP connection refused: at the limit");
                        }
                    }
                }
                Some(ev) = self.tcp_rx.recv() => match ev {
                    TcpEvent::Frame(peer, bytes) => {
                        if !self.refused(peer) {
                            self.endpoint.handle_datagram(Instant::now(), peer, Transport::Tcp, &bytes);
                        }
                    }
                    TcpEvent::Closed(peer) => { self.conns.remove(&peer); }
                    TcpEvent::Connected(peer, result) => self.connected(peer, result),
                },
                Some(ev) = recv_relay(self.relay_events.as_mut()) => self.relay_event(ev),
                Some(cmd) = self.commands.recv() => {
                    self.command(cmd);
                    // Answers the lines task decided meanwhile go out in
                    // the same pass.
                    for _ in 0..BURST {
                        let Ok(cmd) = self.commands.try_recv() else { break };
                        self.command(cmd);
                    }
                }
                () = &mut sleep, if armed.is_some() => {
                    // Re-armed on the next turn even if the deadline stays.
                    armed = None;
                    let now = Instant::now();
                    self.endpoint.handle_timeout(now);
                    self.calls.handle_timeout(now, &mut self.endpoint);
                }
            }
            self.flush().await;
            if !self.lanes.is_empty() {
                // The SIP thread's other tasks (the lines, the trunk
                // registrations) answer what this turn handed them before
                // the next turn: otherwise a flood would keep this loop
                // busy and their queues full.
                tokio::task::yield_now().await;
            }
        }
        Ok(())
    }

    /// Whether `from` is blocked (counted when it is).
    fn refused(&self, from: SocketAddr) -> bool {
        let shield = &self.shield;
        let blocked = !shield.blocked.is_empty()
            && shield.blocked.contains(&from.ip())
            && !shield.trunks.contains(&from);
        if blocked {
            self.counters.blocked();
        }
        blocked
    }

    fn relay_event(&mut self, ev: RelayEvent) {
        match ev {
            RelayEvent::MediaTimeout { id, silent } => {
                if self
                    .calls
                    .media_timeout(Instant::now(), &mut self.endpoint, id)
                {
                    tracing::info!(
                        call = id.0,
                        ?silent,
                        "no RTP for the media timeout: hung up"
                    );
                    self.live_dirty = true;
                }
            }
            RelayEvent::Digit { id, from, digit } => {
                let sent =
                    self.calls
                        .dtmf_digit(Instant::now(), &mut self.endpoint, id, from, digit);
                tracing::debug!(call = id.0, ?from, ?digit, sent, "DTMF digit from RTP");
            }
        }
    }

    fn command(&mut self, cmd: Command) {
        let now = Instant::now();
        match cmd {
            Command::SendRequest {
                request,
                dest,
                transport,
                reply,
            } => {
                let _ = reply.send(self.endpoint.send_request(now, request, dest, transport));
            }
            Command::Respond { tx, response } => {
                if let Err(error) = self.endpoint.respond(now, tx, response) {
                    tracing::debug!(%error, "response refused by transaction");
                }
            }
            Command::StartCall {
                tx,
                request,
                source,
                transport,
                mut call,
            } => {
                let inbound = Inbound {
                    tx,
                    request: *request,
                    source,
                    transport,
                };
                let relay = self.relay.as_mut().filter(|_| !call.direct_media);
                if let Some(relay) = relay {
                    call.media = relay.open();
                }
                let anchored = call.media.is_some();
                let id = self.calls.start(now, &mut self.endpoint, inbound, *call);
                if let Some(relay) = self.relay.as_mut().filter(|_| anchored) {
                    relay.attach(id);
                }
                self.live_dirty = true;
            }
            Command::HangUp { call } => {
                if self.calls.hang_up(now, &mut self.endpoint, call) {
                    self.live_dirty = true;
                }
            }
            Command::Block(shield) => {
                self.endpoint
                    .set_force_rport(Arc::new(shield.force_rport.clone()));
                self.shield = shield;
            }
            Command::Phones(phones) => self.phones = phones,
            Command::LiveCalls(reply) => {
                let _ = reply.send(self.live_calls(now));
            }
            Command::Registered(peer) => {
                if let Some(conn) = self.conns.get(&peer) {
                    conn.registered
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            Command::Nat(nat) => {
                let Some(bind) = self.udp.as_ref().and_then(|u| u.local_addr().ok()) else {
                    return;
                };
                if let Some(relay) = &mut self.relay {
                    relay.set_range(nat.rtp_start, nat.rtp_end);
                }
                let mut fresh = super::addresses::addressing(bind, &nat);
                let addressing = self.endpoint.addressing_mut();
                fresh.learned = std::mem::take(&mut addressing.learned);
                *addressing = fresh;
            }
            Command::Learned(provider, us) => {
                let learned = &mut self.endpoint.addressing_mut().learned;
                match us {
                    Some(us) => learned.insert(provider, us),
                    None => learned.remove(&provider),
                };
            }
        }
    }

    /// Sends what is due and hands events on, until neither side has
    /// anything more: a call's answer to an event may cause new sends.
    async fn flush(&mut self) {
        let mut calls_changed = false;
        loop {
            let mut busy = false;
            while let Some(t) = self.endpoint.poll_transmit() {
                busy = true;
                if !self.send(&t).await {
                    self.counters.send_error();
                    if let Some(tx) = t.tx {
                        self.endpoint.handle_transport_error(tx);
                    }
                }
            }
            while let Some(ev) = self.endpoint.poll_event() {
                busy = true;
                if self
                    .calls
                    .handle_event(Instant::now(), &mut self.endpoint, &ev)
                {
                    continue;
                }
                let requests = match &ev {
                    Event::Request { source, .. } if self.is_known(*source) => {
                        self.known_requests.as_ref().or(self.requests.as_ref())
                    }
                    _ => self.requests.as_ref(),
                };
                match (&ev, requests) {
                    (Event::Request { .. }, Some(requests)) => {
                        // Closed only while shutting down: nothing to answer.
                        if let Err(mpsc::error::TrySendError::Full(ev)) = requests.try_send(ev) {
                            self.overloaded(ev);
                        }
                    }
                    _ => {
                        let _ = self.events.send(ev);
                    }
                }
            }
            while let Some(mut event) = self.calls.poll_event() {
                busy = true;
                calls_changed = true;
                if let Some(relay) = &mut self.relay {
                    match &mut event {
                        CallEvent::Media {
                            id,
                            side,
                            rtp,
                            rtcp,
                            signalling,
                            symmetric_rtp,
                            hold,
                            clocks,
                        } => {
                            let update = Update {
                                side: *side,
                                rtp: *rtp,
                                rtcp: *rtcp,
                                signalling: *signalling,
                                symmetric_rtp: *symmetric_rtp,
                                hold: *hold,
                                clocks: *clocks,
                            };
                            relay.update(*id, update);
                            continue;
                        }
                        CallEvent::Watch { id, timeouts } => {
                            relay.watch(*id, *timeouts);
                            continue;
                        }
                        CallEvent::Dtmf { id, phone, pt } => {
                            relay.dtmf(*id, *phone, *pt);
                            continue;
                        }
                        CallEvent::Play { id, toward, pt } => {
                            relay.play(*id, *toward, *pt);
                            continue;
                        }
                        CallEvent::Digit { id, toward, digit } => {
                            relay.digit(*id, *toward, *digit);
                            continue;
                        }
                        CallEvent::Ended(record) => {
                            record.quality = relay.close(record.id).map(Box::new)
                        }
                        _ => {}
                    }
                }
                if let Some(feeds) = &self.feeds {
                    let _ = feeds.events.send(event);
                }
            }
            if !busy {
                break;
            }
        }
        self.live_dirty |= calls_changed;
        self.counters.publish(&self.endpoint.stats());
        self.counters.publish_load(
            &self.lanes.stats(),
            self.endpoint.transaction_count(),
            self.endpoint.held_bytes(),
        );
    }

    /// The calls in progress with their audio figures: the last copy while it is fresh.
    fn live_calls(&mut self, now: Instant) -> Arc<Vec<Snapshot>> {
        if let Some((at, rows)) = &self.live {
            if !self.live_dirty && now < *at + LIVE_EVERY {
                return rows.clone();
            }
        }
        let mut rows = self.calls.snapshots();
        if let Some(relay) = &self.relay {
            for row in &mut rows {
                row.quality = relay.quality(row.id, now);
            }
        }
        let rows = Arc::new(rows);
        self.live_dirty = false;
        self.live = Some((now, rows.clone()));
        rows
    }

    /// A request the handler has no room for: 503, asking the sender to
    /// come back after a wait spread over a few seconds so that the phones
    /// turned away together do not all return together. An ACK is never
    /// answered; it is only counted.
    fn overloaded(&mut self, ev: Event) {
        let total = self.counters.overloaded();
        // Logged at the first and then every thousandth: under a flood a
        // line per request would add to the load it reports.
        if total == 1 || total.is_multiple_of(1000) {
            tracing::warn!(
                total,
                "requests turned away with 503: the lines task is behind"
            );
        }
        let Event::Request { tx, request, .. } = ev else {
            return;
        };
        if request.method == Method::Ack {
            return;
        }
        let spread = self.endpoint.rng().next_u64() % u64::from(RETRY_SPREAD);
        let wait = RETRY_AFTER + u32::try_from(spread).unwrap_or(0);
        let response = unavailable(&request, wait);
        if let Err(error) = self.endpoint.respond(Instant::now(), tx, response) {
            tracing::debug!(%error, "503 refused by transaction");
        }
    }

    async fn send(&mut self, t: &Transmit) -> bool {
        match t.transport {
            Transport::Udp => match &self.udp {
                Some(sock) => sock.send_to(&t.payload, t.dest).await.is_ok(),
                None => false,
            },
            Transport::Tcp => {
                if let Some(conn) = self.conns.get(&t.dest) {
                    if conn.writer.send(t.payload.clone()).is_ok() {
                        return true;
                    }
                    self.conns.remove(&t.dest);
                }
                // No live connection to reuse: one is opened (§18.1.1) off the loop, and the
                // message waits for it; a failure comes back as `TcpEvent::Connected`.
                let msg = Queued {
                    tx: t.tx,
                    payload: t.payload.clone(),
                };
                self.connecting.queue(t.dest, msg, &self.tcp_tx)
            }
            _ => false,
        }
    }

    /// A connection opened for queued messages is made (they go out) or failed (each one's
    /// transaction learns of a transport error, §17.1.4: an INVITE's call fails over or ends).
    fn connected(&mut self, peer: SocketAddr, result: io::Result<TcpStream>) {
        let queued = self.connecting.done(peer);
        let failed: Vec<Option<TxId>> = match result {
            Ok(stream) => {
                let limits = self.endpoint.config().limits;
                let conn =
                    spawn_connection(stream, peer, limits, self.tcp_limits, self.tcp_tx.clone());
                let failed = queued
                    .into_iter()
                    .filter_map(|q| conn.writer.send(q.payload).is_err().then_some(q.tx))
                    .collect();
                self.conns.insert(peer, conn);
                failed
            }
            Err(error) => {
                tracing::debug!(%peer, %error, "TCP connection not made");
                queued.into_iter().map(|q| q.tx).collect()
            }
        };
        for tx in failed {
            self.counters.send_error();
            if let Some(tx) = tx {
                self.endpoint.handle_transport_error(tx);
            }
        }
    }
}

/// The UDP socket has something to read (the turn reads it, in batches).
async fn udp_readable(sock: Option<&UdpSocket>) -> io::Result<()> {
    match sock {
        Some(s) => s.readable().await,
        None => std::future::pending().await,
    }
}

async fn recv_relay(
    events: Option<&mut mpsc::UnboundedReceiver<RelayEvent>>,
) -> Option<RelayEvent> {
    match events {
        Some(events) => events.recv().await,
        None => std::future::pending().await,
    }
}

async fn accept(l: Option<&TcpListener>) -> io::Result<(TcpStream, SocketAddr)> {
    match l {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}
