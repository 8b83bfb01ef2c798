//! The users' lines at run time: answers REGISTER with the sans-IO
//! registrar, lets bindings lapse on time, and publishes the bindings so
//! the engine can show and persist them; decides what a new INVITE
//! becomes (see `invite`) and hands calls to the runtime. Requests no
//! feature claims are answered here too (`proto::answer`, 481 inside an
//! unknown dialog). Failed authentications feed the toll-fraud guard,
//! whose blocks the driver enforces.

mod guard;

use super::driver::Shield;
use super::invite::{decide, Decision, Directory, TrunkAddresses};
use super::RuntimeHandle;
use crate::sip::proto::answer::answer;
use crate::sip::proto::auth::DigestServer;
use crate::sip::proto::guard::Guard;
use crate::sip::proto::header::Algorithm;
use crate::sip::proto::message::Method;
use crate::sip::proto::registrar::{Binding, Registrar, RegistrarConfig};
use crate::sip::proto::{Event, Response, Rng};
use app::model::calls::UnmatchedCall;
use app::model::security::WatchedAddress;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, watch};

/// Realm of our digest challenges, as phones show it.
pub const REALM: &str = "trunkline";
/// How long a nonce we issue stays good before phones are asked again
/// (with stale=true, so they do not prompt anyone).
const NONCE_LIFETIME: Duration = Duration::from_secs(300);
/// Most requests handled in one turn of the task.
const BURST: usize = 32;

fn wall_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What the lines task publishes.
#[derive(Clone)]
pub struct LinesHandle {
    pub bindings: watch::Receiver<Arc<Vec<Binding>>>,
    /// Addresses that failed to authenticate, blocked first.
    pub watched: watch::Receiver<Arc<Vec<WatchedAddress>>>,
    /// The administrator lifts the block on an address.
    pub lift: mpsc::UnboundedSender<IpAddr>,
}

pub struct Lines {
    registrar: Registrar,
    auth: DigestServer,
    directory: watch::Receiver<Arc<Directory>>,
    published: watch::Sender<Arc<Vec<Binding>>>,
    runtime: RuntimeHandle,
    rng: Rng,
    unmatched: mpsc::UnboundedSender<UnmatchedCall>,
    /// The trunks' addresses for the current directory.
    addresses: TrunkAddresses,
    guard: Guard,
    watched: watch::Sender<Arc<Vec<WatchedAddress>>>,
    lift: mpsc::UnboundedReceiver<IpAddr>,
    /// What the driver was last told to drop.
    shield: Arc<Shield>,
    /// Failures were counted since the list was last published: a flood
    /// of wrong passwords republishes it once a second, not per packet.
    guard_dirty: bool,
    /// Bindings changed since they were last published.
    bindings_dirty: bool,
    bindings_published: Instant,
}

impl Lines {
    /// `restored`: bindings read back from storage after a restart.
    pub fn new(
        runtime: RuntimeHandle,
        directory: watch::Receiver<Arc<Directory>>,
        restored: Vec<Binding>,
        unmatched: mpsc::UnboundedSender<UnmatchedCall>,
        seed: u64,
    ) -> (Self, LinesHandle) {
        let mut registrar = Registrar::new(RegistrarConfig::default());
        registrar.restore(restored, wall_now());
        let mut rng = Rng::new(seed);
        let secret = rng.token(32).into_bytes();
        let (published, bindings) = watch::channel(Arc::new(registrar.all().cloned().collect()));
        let (watched, watched_rx) = watch::channel(Arc::new(Vec::new()));
        let (lift_tx, lift) = mpsc::unbounded_channel();
        let guard = Guard::new(directory.borrow().guard);
        let auth = DigestServer::new(
            REALM,
            secret,
            Instant::now(),
            NONCE_LIFETIME,
            Algorithm::Md5,
        );
        (
            Self {
                registrar,
                auth,
                directory,
                published,
                runtime,
                rng,
                unmatched,
                addresses: TrunkAddresses::default(),
                guard,
                watched,
                lift,
                shield: Arc::default(),
                guard_dirty: false,
                bindings_dirty: false,
                // As if published long ago: the first change goes out at once.
                bindings_published: Instant::now()
                    .checked_sub(Duration::from_secs(1))
                    .unwrap_or_else(Instant::now),
            },
            LinesHandle {
                bindings,
                watched: watched_rx,
                lift: lift_tx,
            },
        )
    }

    fn publish(&mut self) {
        self.bindings_dirty = false;
        self.bindings_published = Instant::now();
        self.published
            .send_replace(Arc::new(self.registrar.all().cloned().collect()));
    }

    /// A REGISTER changed the bindings. Published at once when the last
    /// publication is a second old, else with the next housekeeping tick:
    /// each publication copies every binding, which a burst of refreshes
    /// must not pay per REGISTER.
    fn bindings_changed(&mut self) {
        if self.bindings_published.elapsed() >= Duration::from_secs(1) {
            self.publish();
        } else {
            self.bindings_dirty = true;
        }
    }

    fn handle(&mut self, event: Event) {
        let Event::Request {
            tx,
            request,
            source,
            transport,
        } = event
        else {
            return;
        };
        let now = Instant::now();
        let authenticates = request.method == Method::Register
            || (request.method == Method::Invite && request.headers.to.tag().is_none());
        if authenticates && !self.addresses.is_trunk(source) {
            if let Some(response) = self.barred(now, &request, source) {
                self.runtime.respond(tx, response);
                return;
            }
        }
        if request.method == Method::Register {
            let directory = self.directory.borrow().clone();
            let outcome = self.registrar.handle(
                &mut self.auth,
                now,
                wall_now(),
                &request,
                source,
                transport,
                |user| directory.lines.get(user).cloned(),
            );
            tracing::debug!(%source, status = outcome.response.status, line = ?outcome.line, "REGISTER");
            self.runtime.respond(tx, outcome.response);
            if outcome.changed {
                self.bindings_changed();
            }
            if outcome.bad_credentials {
                self.failed(now, source, &request.method);
            } else if outcome.line.is_some() {
                self.guard.succeeded(now, source.ip());
            }
            return;
        }
        if request.method == Method::Invite && request.headers.to.tag().is_none() {
            let directory = self.directory.borrow().clone();
            let decision = decide(
                &directory,
                &self.addresses,
                &self.registrar,
                &mut self.auth,
                now,
                &request,
                source,
            );
            match decision {
                Decision::Call(call) => {
                    tracing::debug!(%source, callee = %call.labels.callee, "call starts");
                    self.runtime
                        .start_call(tx, request, source, transport, *call);
                }
                Decision::Refuse(response) => {
                    tracing::debug!(%source, status = response.status, "INVITE refused");
                    self.runtime.respond(tx, *response);
                }
                Decision::BadCredentials(response) => {
                    self.runtime.respond(tx, *response);
                    self.failed(now, source, &request.method);
                }
                Decision::Unmatched(response, call) => {
                    self.runtime.respond(tx, *response);
                    let _ = self.unmatched.send(call);
                }
            }
            return;
        }
        if request.headers.to.tag().is_some() && request.method != Method::Ack {
            // Inside a dialog the calls do not know (ended, or never ours).
            let response = Response::for_request(&request, 481, "Call/Transaction Does Not Exist");
            self.runtime.respond(tx, response);
            return;
        }
        if let Some(response) = answer(&request, &self.rng.token(10)) {
            tracing::debug!(%source, method = %request.method, status = response.status, "answered");
            self.runtime.respond(tx, response);
        }
    }

    pub async fn run(mut self, mut events: mpsc::Receiver<Event>, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        let first = self.directory.borrow().clone();
        self.addresses = TrunkAddresses::resolve(&first).await;
        self.publish_guard(Instant::now());
        // Lapsed bindings, ended blocks and the guard's list are looked at
        // once a second: a timer recomputed per event would never fire
        // under steady traffic, and scanning every binding per REGISTER
        // would cost more than answering it.
        let mut housekeeping = tokio::time::interval(Duration::from_secs(1));
        housekeeping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = &mut stop => break,
                event = events.recv() => match event {
                    Some(event) => {
                        self.handle(event);
                        // What queued meanwhile, in the same turn: one
                        // wake-up per burst rather than per request.
                        for _ in 0..BURST {
                            let Ok(event) = events.try_recv() else { break };
                            self.handle(event);
                        }
                    }
                    None => break,
                },
                changed = self.directory.changed() => {
                    if changed.is_err() { break; }
                    let directory = self.directory.borrow_and_update().clone();
                    if self.registrar.retain_lines(|line| directory.lines.contains_key(line)) {
                        self.publish();
                    }
                    self.guard.configure(directory.guard);
                    // Trunks may have moved: look their hosts up again now,
                    // once, rather than on each call.
                    self.addresses = TrunkAddresses::resolve(&directory).await;
                    self.publish_guard(Instant::now());
                }
                Some(address) = self.lift.recv() => {
                    if self.guard.lift(address) {
                        tracing::info!(%address, "block lifted");
                        self.publish_guard(Instant::now());
                    }
                }
                _ = housekeeping.tick() => {
                    if self.registrar.expire(wall_now()) || self.bindings_dirty {
                        self.publish();
                    }
                    let now = Instant::now();
                    if self.guard.expire(now) || self.guard_dirty {
                        self.publish_guard(now);
                    }
                }
            }
        }
    }
}
