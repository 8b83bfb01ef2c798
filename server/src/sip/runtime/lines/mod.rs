//! The users' lines at run time: hands every request no call claims to
//! reception (`proto::reception`, which decides), and carries out its
//! outcome: the answer or the new call, the bindings published so the
//! engine can show and persist them, unmatched calls recorded, and the
//! toll-fraud guard's list published, whose blocks the driver enforces.
//! Lets bindings and blocks lapse on time. Holds no SIP decision.

mod guard;

use super::driver::Shield;
use super::resolve::{known_now, trunk_addresses};
use super::RuntimeHandle;
use crate::sip::proto::auth::DigestServer;
use crate::sip::proto::guard::Guard;
use crate::sip::proto::header::Algorithm;
use crate::sip::proto::reception::{
    Arrival, Directory, GuardNews, Reception, Reply, Revision, TrunkAddresses,
};
use crate::sip::proto::registrar::{Binding, Registrar, RegistrarConfig};
use crate::sip::proto::{Event, Rng, Transport};
use app::model::calls::UnmatchedCall;
use app::model::security::WatchedAddress;
use std::collections::HashSet;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
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
    reception: Reception,
    directory: watch::Receiver<Arc<Directory>>,
    published: watch::Sender<Arc<Vec<Binding>>>,
    runtime: RuntimeHandle,
    unmatched: mpsc::UnboundedSender<UnmatchedCall>,
    /// The trunks' addresses for the current directory.
    addresses: TrunkAddresses,
    watched: watch::Sender<Arc<Vec<WatchedAddress>>>,
    lift: mpsc::UnboundedReceiver<IpAddr>,
    /// What the driver was last told to drop.
    shield: Arc<Shield>,
    /// Where the registered phones send from, as the driver was last told.
    phones: Arc<HashSet<SocketAddr>>,
    /// Failures were counted since the list was last published: a flood
    /// of wrong passwords republishes it once a second, not per packet.
    guard_dirty: bool,
    /// Bindings changed since they were last published.
    bindings_dirty: bool,
    bindings_published: Instant,
    /// Trunk addresses looked up off the task, tagged with the directory
    /// generation they were asked for: a name that does not resolve must
    /// not hold REGISTERs and calls back (issue 17).
    resolved_tx: mpsc::UnboundedSender<(u64, TrunkAddresses)>,
    resolved: mpsc::UnboundedReceiver<(u64, TrunkAddresses)>,
    /// Bumped on each directory change; older lookups are dropped.
    generation: u64,
    /// The directory's revision last acted on.
    revision: Revision,
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
        let (resolved_tx, resolved) = mpsc::unbounded_channel();
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
                reception: Reception::new(registrar, auth, guard, rng),
                directory,
                published,
                runtime,
                unmatched,
                addresses: TrunkAddresses::default(),
                watched,
                lift,
                shield: Arc::default(),
                phones: Arc::default(),
                guard_dirty: false,
                bindings_dirty: false,
                // As if published long ago: the first change goes out at once.
                bindings_published: Instant::now()
                    .checked_sub(Duration::from_secs(1))
                    .unwrap_or_else(Instant::now),
                resolved_tx,
                resolved,
                generation: 0,
                revision: Revision::default(),
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
            .send_replace(Arc::new(self.reception.registrar.all().cloned().collect()));
        self.publish_phones();
    }

    /// Tells the driver where the registered phones send from, when that changed.
    fn publish_phones(&mut self) {
        // Datagrams from these addresses are served first under load: a
        // phone that proved its password is no scanner. UDP only: a TCP
        // connection's frames do not go through the driver's lanes.
        let phones: HashSet<SocketAddr> = self
            .reception
            .registrar
            .all()
            .filter(|b| b.transport == Transport::Udp)
            .map(|b| b.source)
            .collect();
        if phones != *self.phones {
            self.phones = Arc::new(phones);
            self.runtime.phones(self.phones.clone());
        }
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

    /// Carries out what reception decided for one request.
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
        let directory = self.directory.borrow().clone();
        let arrival = Arrival {
            request: &request,
            source,
            transport,
        };
        let outcome = self
            .reception
            .handle(now, wall_now(), &directory, &self.addresses, arrival);
        match outcome.reply {
            Reply::Respond(response) => self.runtime.respond(tx, *response),
            Reply::Call(call) => self
                .runtime
                .start_call(tx, request, source, transport, *call),
            Reply::Nothing => {}
        }
        if outcome.bindings_changed {
            self.bindings_changed();
        }
        if outcome.registered && transport == Transport::Tcp {
            self.runtime.registered(source);
        }
        if let Some(call) = outcome.unmatched {
            let _ = self.unmatched.send(call);
        }
        self.runtime
            .counters
            .unmatched_not_recorded(self.reception.record_limit.dropped);
        match outcome.guard {
            GuardNews::Unchanged => {}
            GuardNews::Counted => self.guard_dirty = true,
            // The driver must drop its packets from now on.
            GuardNews::Blocked => self.publish_guard(now),
        }
    }

    /// Looks the trunks of `directory` up in a task of their own; the
    /// answer comes back on `resolved`.
    fn resolve(&mut self, directory: Arc<Directory>) {
        self.generation += 1;
        // Trunks given by address (most, and every test's) need no DNS:
        // they apply at once, the named ones when their lookups are done.
        let (known, complete) = known_now(&directory);
        self.addresses = known;
        if complete {
            return;
        }
        let (generation, tx) = (self.generation, self.resolved_tx.clone());
        tokio::spawn(async move {
            let _ = tx.send((generation, trunk_addresses(&directory).await));
        });
    }

    /// Handles what `known` holds, up to a burst.
    fn handle_known(&mut self, known: &mut mpsc::Receiver<Event>) {
        for _ in 0..BURST {
            let Ok(event) = known.try_recv() else { break };
            self.handle(event);
        }
    }

    /// Serves `known` (trunks' providers and registered phones) before
    /// `others` whenever both have requests waiting.
    pub async fn run(
        mut self,
        [mut known, mut events]: [mpsc::Receiver<Event>; 2],
        stop: impl Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        let first = self.directory.borrow().clone();
        self.resolve(first);
        self.publish_guard(Instant::now());
        // Bindings kept from before a restart.
        self.publish_phones();
        // Lapsed bindings, ended blocks and the guard's list are looked at
        // once a second: a timer recomputed per event would never fire
        // under steady traffic, and scanning every binding per REGISTER
        // would cost more than answering it.
        let mut housekeeping = tokio::time::interval(Duration::from_secs(1));
        housekeeping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = &mut stop => break,
                Some(event) = known.recv() => {
                    self.handle(event);
                    self.handle_known(&mut known);
                }
                event = events.recv() => match event {
                    Some(event) => {
                        // Known requests that came meanwhile go first.
                        self.handle_known(&mut known);
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
                    let (seen, now) = (self.revision, directory.revision);
                    self.revision = now;
                    // Only the work the change needs: with 10,000 lines or
                    // trunks each pass over them costs milliseconds.
                    if now.lines != seen.lines
                        && self.reception.registrar.retain_lines(|line| directory.lines.contains_key(line))
                    {
                        self.publish();
                    }
                    self.reception.guard.configure(directory.guard);
                    if now.trunks != seen.trunks {
                        // Trunks may have moved: look their hosts up again
                        // now, once, rather than on each call.
                        self.resolve(directory);
                    }
                    self.publish_guard(Instant::now());
                }
                Some((generation, addresses)) = self.resolved.recv() => {
                    if generation == self.generation {
                        self.addresses = addresses;
                        self.publish_guard(Instant::now());
                    }
                }
                Some(address) = self.lift.recv() => {
                    if self.reception.guard.lift(address) {
                        tracing::info!(%address, "block lifted");
                        self.publish_guard(Instant::now());
                    }
                }
                _ = housekeeping.tick() => {
                    if self.reception.registrar.expire(wall_now()) || self.bindings_dirty {
                        self.publish();
                    }
                    let now = Instant::now();
                    if self.reception.guard.expire(now) || self.guard_dirty {
                        self.publish_guard(now);
                    }
                }
            }
        }
    }
}
