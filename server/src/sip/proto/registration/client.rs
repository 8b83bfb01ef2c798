//! Registration layer: the outbound registration client of one trunk, chan_sip's state machine
//! (REFERENCE.md §6) over RFC 3261 §10.2 with RFC 3581 NAT learning. Sans-IO: it builds requests
//! and takes the Endpoint's events for its own transactions; it must not send, sleep or read the
//! clock (`now` is an argument) and must not resolve names (the runtime hands it a `SocketAddr`).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::config::{HostPort, RegistrationConfig};
use super::request::{self, Leg};
use super::status::{History, HistoryEntry, LastResponse, RegistrationState, RegistrationStatus};
use super::timing;
use crate::sip::proto::auth::DigestClient;
use crate::sip::proto::message::{Request, Response, Transport};
use crate::sip::proto::rng::Rng;
use crate::sip::proto::{Event, TxId};

/// chan_sip `MAX_AUTHTRIES`: credentials sent per attempt before we call them wrong.
const MAX_AUTH_TRIES: u32 = 3;

/// A request the glue must hand to `Endpoint::send_request`, then report with [`RegistrationClient::sent`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Boxed: every trunk's client and qualifier keep an outbox inline, and a request inline
    /// is most of their size (`trunk_memory`).
    pub request: Box<Request>,
    pub dest: SocketAddr,
    pub transport: Transport,
}

/// What the single timer of the client is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wake {
    /// Registered: refresh the binding.
    Refresh,
    /// Waiting to try again after a failure.
    Retry,
    /// A REGISTER is outstanding: chan_sip's `registertimeout`.
    RegisterTimeout,
}

/// The REGISTER on the wire and what it was sent with.
#[derive(Debug, Clone)]
pub(super) struct InFlight {
    pub(super) tx: Option<TxId>,
    pub(super) request: Box<Request>,
    pub(super) binding: HostPort,
    pub(super) sent_at: Instant,
    /// An `Expires: 0` for the binding the learned address replaces: the new one goes out
    /// when it is answered.
    pub(super) unbinding: bool,
}

/// One trunk's registration. Drive with `start`, `handle_event`, `handle_timeout`; drain with
/// `poll_transmit` and `poll_timeout`.
#[derive(Debug)]
pub struct RegistrationClient {
    pub(super) cfg: RegistrationConfig,
    /// Our socket address, used when no external address is configured nor learned.
    pub(super) local: HostPort,
    /// RFC 3581 address the registrar saw us at, when it differs from `local`.
    pub(super) learned: Option<HostPort>,
    /// The registrar is on one of the local networks: it gets `local`, never the external
    /// or a learned address.
    pub(super) on_lan: bool,
    pub(super) dest: Option<SocketAddr>,
    pub(super) rng: Rng,
    pub(super) leg: Leg,
    pub(super) digest: DigestClient,
    /// Requested expiry; raised by a 423's Min-Expires.
    pub(super) expiry: u32,
    pub(super) state: RegistrationState,
    pub(super) last_response: Option<LastResponse>,
    pub(super) attempts: u32,
    /// Consecutive credential refusals; drives the back-off and resets on a 200.
    pub(super) auth_failures: u32,
    pub(super) registered_at: Option<Instant>,
    pub(super) granted: Option<u32>,
    pub(super) history: History,
    pub(super) inflight: Option<InFlight>,
    /// Attempts given up on after the register timeout whose transactions still retransmit
    /// (Timer F outlives chan_sip's 20 s): a late 200 to one of them still means "registered".
    pub(super) abandoned: Vec<InFlight>,
    pub(super) outbox: Option<Outgoing>,
    pub(super) wake: Option<(Instant, Wake)>,
    pub(super) removing: bool,
    pub(super) finished: bool,
    pub(super) ever_sent: bool,
}

impl RegistrationClient {
    /// A client that sends nothing until [`start`](Self::start) gives it the registrar's address.
    pub fn new(cfg: RegistrationConfig, local: HostPort, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let leg = Leg::new(&mut rng, &local.host);
        let digest = DigestClient::new(cfg.auth_user(), cfg.password.clone(), MAX_AUTH_TRIES);
        Self {
            expiry: cfg.requested_expiry(),
            cfg,
            local,
            learned: None,
            on_lan: false,
            dest: None,
            rng,
            leg,
            digest,
            state: RegistrationState::Unregistered,
            last_response: None,
            attempts: 0,
            auth_failures: 0,
            registered_at: None,
            granted: None,
            history: History::default(),
            inflight: None,
            abandoned: Vec::new(),
            outbox: None,
            wake: None,
            removing: false,
            finished: false,
            ever_sent: false,
        }
    }

    pub fn config(&self) -> &RegistrationConfig {
        &self.cfg
    }

    pub fn state(&self) -> RegistrationState {
        self.state
    }

    /// True once an un-register has been answered (or had nothing to remove).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// True while the client waits for the runtime to resolve the registrar again.
    pub fn needs_destination(&self) -> bool {
        self.dest.is_none() && !self.finished && !self.state.is_fatal() && self.wake.is_none()
    }

    /// Our address toward the registrar (the runtime looks the route up once the registrar's
    /// address is known), and whether the registrar is on one of the local networks.
    pub fn set_local(&mut self, local: HostPort, on_lan: bool) {
        self.local = local;
        self.on_lan = on_lan;
    }

    /// What the registrar told us it sees (RFC 3581), when that differs from what we wrote.
    pub fn learned(&self) -> Option<&HostPort> {
        self.learned.as_ref()
    }

    /// The registrar's address, once resolved.
    pub fn destination(&self) -> Option<SocketAddr> {
        self.dest
    }

    /// The registrar's address is known: the first attempt goes out now.
    pub fn start(&mut self, now: Instant, dest: SocketAddr) {
        self.dest = Some(dest);
        if !self.removing && !self.state.is_fatal() {
            self.begin_attempt(now, "REGISTER sent");
        }
    }

    /// The runtime could not resolve or reach the registrar: `Timeout`, one attempt spent, and
    /// the destination is asked for again after the register timeout.
    pub fn destination_failed(&mut self, now: Instant, reason: &str) {
        self.dest = None;
        self.last_response = Some(LastResponse::Unreachable(reason.to_string()));
        self.attempts += 1;
        if self.out_of_attempts() {
            self.set_state(now, RegistrationState::Failed, reason);
            self.wake = None;
            return;
        }
        self.set_state(now, RegistrationState::Timeout, reason);
        self.wake = Some((now + self.cfg.register_timeout, Wake::Retry));
    }

    /// "Re-register now": drops what is outstanding and leaves any fatal state.
    pub fn reregister_now(&mut self, now: Instant) {
        if self.removing {
            return;
        }
        self.attempts = 0;
        self.begin_attempt(now, "re-register requested");
    }

    /// A changed configuration of the same trunk: fatal states are left and a REGISTER goes out
    /// at once. The Call-ID is kept when the binding is the same one (RFC 3261 §10.2.4).
    pub fn reconfigure(&mut self, now: Instant, cfg: RegistrationConfig) {
        if !self.cfg.same_binding(&cfg) {
            self.leg = Leg::new(&mut self.rng, &self.local.host);
            self.learned = None;
            self.abandoned.clear();
        }
        self.digest = DigestClient::new(cfg.auth_user(), cfg.password.clone(), MAX_AUTH_TRIES);
        self.expiry = cfg.requested_expiry();
        self.cfg = cfg;
        self.attempts = 0;
        self.auth_failures = 0;
        self.begin_attempt(now, "configuration changed");
    }

    /// The trunk was deleted or disabled: REGISTER with `Expires: 0` (§10.2.2).
    pub fn unregister(&mut self, now: Instant) {
        self.removing = true;
        self.wake = None;
        self.abandoned.clear();
        self.inflight = None;
        self.outbox = None;
        if !self.ever_sent || self.dest.is_none() {
            self.finish(now, "removed");
            return;
        }
        self.digest.reset();
        self.send_register(now, 0, None, self.state, "un-registering (Expires: 0)");
    }

    pub fn poll_transmit(&mut self) -> Option<Outgoing> {
        self.outbox.take()
    }

    /// Ties the last polled request to its transaction.
    pub fn sent(&mut self, tx: TxId) {
        if let Some(f) = self.inflight.as_mut() {
            f.tx = Some(tx);
        }
    }

    /// The Endpoint refused or could not send the last polled request: a transport error.
    pub fn send_failed(&mut self, now: Instant) {
        self.transport_error(now);
    }

    /// RFC 3261 §8.1.3.1: a transport failure is a 503 for the transaction user.
    pub(super) fn transport_error(&mut self, now: Instant) {
        let last = LastResponse::TransportError;
        let why = last.to_string();
        self.last_response = Some(last);
        self.no_answer(now, &why, None);
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.wake.map(|(at, _)| at)
    }

    /// Takes an Endpoint event if it belongs to our transaction; returns whether it did.
    pub fn handle_event(&mut self, now: Instant, event: &Event) -> bool {
        let mine = |tx: &TxId| self.inflight.as_ref().and_then(|f| f.tx) == Some(*tx);
        if let Event::Response { tx, response } = event {
            let late = self.abandoned.iter().position(|f| f.tx == Some(*tx));
            if let Some(i) = late {
                let flight = self.abandoned.remove(i);
                let ok = (200..300).contains(&response.status);
                if ok && !self.removing && !self.state.is_fatal() {
                    self.inflight = Some(flight);
                    let why = format!("{} {} (late)", response.status, response.reason);
                    self.last_response =
                        Some(LastResponse::new(response.status, &*response.reason));
                    self.registered(now, response, &why);
                }
                return true;
            }
        }
        match event {
            Event::Response { tx, response } if mine(tx) => {
                self.handle_response(now, response);
                true
            }
            Event::Timeout { tx } if mine(tx) => {
                let waited = self
                    .inflight
                    .as_ref()
                    .map_or(Duration::ZERO, |f| now - f.sent_at);
                let last = LastResponse::NoResponse { waited };
                let why = format!("{last} (transaction timed out)");
                self.last_response = Some(last);
                self.no_answer(now, &why, None);
                true
            }
            Event::TransportError { tx } if mine(tx) => {
                self.transport_error(now);
                true
            }
            _ => false,
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        let Some((at, wake)) = self.wake else {
            return;
        };
        if at > now {
            return;
        }
        self.wake = None;
        match wake {
            Wake::Refresh => self.begin_attempt(now, "refresh"),
            Wake::Retry if self.dest.is_some() => self.begin_attempt(now, "retry"),
            // No address: `needs_destination` now asks the runtime to resolve again.
            Wake::Retry => {}
            Wake::RegisterTimeout => {
                if let Some(f) = self.inflight.clone() {
                    if self.abandoned.len() == 4 {
                        self.abandoned.remove(0);
                    }
                    self.abandoned.push(f);
                }
                let last = LastResponse::NoResponse {
                    waited: self.cfg.register_timeout,
                };
                let why = last.to_string();
                self.last_response = Some(last);
                self.no_answer(now, &why, None);
            }
        }
    }

    pub fn status(&self) -> RegistrationStatus {
        let next_attempt = match self.wake {
            Some((at, Wake::Refresh | Wake::Retry)) => Some(at),
            _ => None,
        };
        RegistrationStatus {
            state: self.state,
            last_response: self.last_response.clone(),
            attempts: self.attempts,
            registered_at: self.registered_at,
            granted_expiry: self.granted,
            requested_expiry: self.expiry,
            refresh_interval: self.granted.map(timing::refresh_interval),
            next_attempt,
            contact: request::contact_uri(&self.cfg, &self.binding()),
            history: self.history.clone(),
        }
    }

    /// Where the provider can reach us: on the LAN our local address; else the configured
    /// external address, else the learned one, else local.
    pub(super) fn binding(&self) -> HostPort {
        if self.on_lan {
            return self.local.clone();
        }
        self.cfg
            .external_address
            .clone()
            .or_else(|| self.learned.clone())
            .unwrap_or_else(|| self.local.clone())
    }

    pub(super) fn out_of_attempts(&self) -> bool {
        self.cfg.register_attempts != 0 && self.attempts >= self.cfg.register_attempts
    }

    pub(super) fn begin_attempt(&mut self, now: Instant, reason: &str) {
        self.attempts += 1;
        self.digest.reset();
        self.inflight = None;
        if self.dest.is_none() {
            self.wake = None;
            return;
        }
        let reason = format!("{reason} (attempt {})", self.attempts);
        self.send_register(
            now,
            self.expiry,
            None,
            RegistrationState::RequestSent,
            &reason,
        );
    }

    /// Builds and queues a REGISTER; `challenge` answers a 401/407 with the previous request.
    pub(super) fn send_register(
        &mut self,
        now: Instant,
        expires: u32,
        challenge: Option<&Response>,
        next: RegistrationState,
        reason: &str,
    ) {
        let binding = self.binding();
        self.send_register_for(now, expires, challenge, next, reason, binding, false);
    }

    /// `send_register` for a given Contact address; `unbinding` marks the `Expires: 0` of a
    /// binding the learned address replaces.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn send_register_for(
        &mut self,
        now: Instant,
        expires: u32,
        challenge: Option<&Response>,
        next: RegistrationState,
        reason: &str,
        binding: HostPort,
        unbinding: bool,
    ) {
        let Some(dest) = self.dest else {
            return;
        };
        let built = request::register(&self.cfg, &binding, &mut self.leg, expires, &mut self.rng);
        let mut req = match built {
            Ok(r) => r,
            Err(e) => return self.fatal(now, RegistrationState::Rejected, &e.to_string()),
        };
        if let (Some(ch), Some(prev)) = (challenge, self.inflight.as_ref()) {
            // Keep the previous credentials' realm list, then answer the new challenge.
            req.headers.authorization = prev.request.headers.authorization.clone();
            req.headers.proxy_authorization = prev.request.headers.proxy_authorization.clone();
            if let Err(e) = self.digest.answer(ch, &mut req, &mut self.rng) {
                return self.auth_refused(now, ch, &e);
            }
        }
        let req = Box::new(req);
        self.outbox = Some(Outgoing {
            request: req.clone(),
            dest,
            transport: self.cfg.transport,
        });
        self.inflight = Some(InFlight {
            tx: None,
            request: req,
            binding,
            sent_at: now,
            unbinding,
        });
        self.ever_sent = true;
        self.wake = Some((now + self.cfg.register_timeout, Wake::RegisterTimeout));
        self.set_state(now, next, reason);
    }

    pub(super) fn set_state(&mut self, now: Instant, to: RegistrationState, reason: &str) {
        if self.state != to {
            self.history.push(HistoryEntry {
                at: now,
                from: self.state,
                to,
                reason: self.history.reason(reason),
            });
            self.state = to;
        }
    }
}
