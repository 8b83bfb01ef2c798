//! Runtime layer: drives every trunk's registration client and qualifier against the running
//! `Runtime` (REFERENCE.md §2, §6; RFC 3261 §10.2), resolves registrar names (A/AAAA), applies
//! configuration diffs per trunk and publishes status on a `watch` channel. Must hold no SIP
//! rules: those live in `proto::registration` and `proto::qualify`; this file only moves
//! requests, events, timers and names between them and tokio.

mod apply;
mod deadlines;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Instant;

use tokio::sync::{mpsc, watch};

use app::ssr::board::Board;
use deadlines::Deadlines;

use super::driver::RuntimeHandle;
use super::status::{Trunk, TrunkStatus};
use crate::sip::proto::endpoint::addressing::{Cidr, SentBy};
use crate::sip::proto::qualify::QualifyConfig;
use crate::sip::proto::registration::{HostPort, Outgoing, RegistrationClient, RegistrationConfig};
use crate::sip::proto::{Event, Transport, TxId};

/// What to monitor with OPTIONS: the thresholds and where the peer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualifySpec {
    pub config: QualifyConfig,
    pub host: HostPort,
    pub transport: Transport,
}

/// One trunk as the configuration wants it.
pub type TrunkSpec = (i64, Option<RegistrationConfig>, Option<QualifySpec>);

#[derive(Debug)]
enum ManagerCommand {
    Apply(Vec<TrunkSpec>),
    /// Some trunks changed or were removed; the others are not looked at.
    Update(Vec<TrunkSpec>, Vec<i64>),
    /// The local networks changed: registrars are judged LAN or not again.
    Network(Vec<Cidr>),
    ReregisterNow(i64),
    QualifyNow(i64),
}

/// Which client owns a transaction (or a deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Owner {
    Register(i64),
    Qualify(i64),
    Leaving(u64),
}

#[derive(Debug)]
struct Resolved {
    owner: Owner,
    generation: u64,
    result: Result<SocketAddr, String>,
}

/// Cloneable access to a running manager.
#[derive(Debug, Clone)]
pub struct RegistrationsHandle {
    commands: mpsc::UnboundedSender<ManagerCommand>,
    status: watch::Receiver<Board<TrunkStatus>>,
}

impl RegistrationsHandle {
    /// Replaces the set of trunks: new ones start at once, removed ones un-register, changed
    /// ones re-register, untouched ones are left alone.
    pub fn apply(&self, trunks: Vec<TrunkSpec>) {
        let _ = self.commands.send(ManagerCommand::Apply(trunks));
    }

    /// New local networks: every registrar on the LAN gets our local address, the others
    /// the external or learned one, from their next REGISTER on.
    pub fn set_network(&self, nets: Vec<Cidr>) {
        let _ = self.commands.send(ManagerCommand::Network(nets));
    }

    /// One configuration change: the trunks in `changed` are (re)applied
    /// as [`Self::apply`] would, those in `removed` un-register, and no
    /// other trunk is touched.
    pub fn update(&self, changed: Vec<TrunkSpec>, removed: Vec<i64>) {
        let _ = self.commands.send(ManagerCommand::Update(changed, removed));
    }

    /// "Re-register now" (leaves a fatal state).
    pub fn reregister_now(&self, trunk_id: i64) {
        let _ = self.commands.send(ManagerCommand::ReregisterNow(trunk_id));
    }

    /// "Send OPTIONS now" for a monitored trunk.
    pub fn qualify_now(&self, trunk_id: i64) {
        let _ = self.commands.send(ManagerCommand::QualifyNow(trunk_id));
    }

    /// Status of every trunk, by trunk id: a change replaces that trunk's
    /// row and is noted, so followers read only what changed.
    pub fn status(&self) -> watch::Receiver<Board<TrunkStatus>> {
        self.status.clone()
    }
}

/// Owns the registration clients and qualifiers of all trunks.
pub struct Registrations {
    runtime: RuntimeHandle,
    events: mpsc::UnboundedReceiver<Event>,
    commands: mpsc::UnboundedReceiver<ManagerCommand>,
    resolved_tx: mpsc::UnboundedSender<Resolved>,
    resolved_rx: mpsc::UnboundedReceiver<Resolved>,
    status: watch::Sender<Board<TrunkStatus>>,
    /// Boxed: a table of 10,000 trunks has room for 16,384, and an empty slot then takes a
    /// pointer rather than a whole client and qualifier (`trunk_memory`).
    trunks: HashMap<i64, Box<Trunk>>,
    /// Removed or moved registrations still sending their `Expires: 0`.
    leaving: HashMap<u64, RegistrationClient>,
    owners: HashMap<TxId, Owner>,
    /// Every client's next timer, so that an event costs O(log n).
    deadlines: Deadlines<Owner>,
    /// Trunks and leaving registrations touched since the last flush: only
    /// they can have something to send, a new deadline or a new status.
    dirty: HashSet<i64>,
    dirty_leaving: HashSet<u64>,
    local: HostPort,
    /// Our socket and the local networks: a registrar's address decides which of our
    /// addresses its REGISTERs carry.
    bind: SocketAddr,
    nets: Vec<Cidr>,
    seed: u64,
    next_id: u64,
}

impl Registrations {
    /// Takes the runtime's handle and its event stream; events that belong to no registration
    /// or qualify transaction (a server transaction's Timer H, an answer to a trunk deleted
    /// meanwhile) are dropped: nothing else reads them, and a queue kept for them grew with
    /// every unanswered INVITE. `local` is the address our socket is reachable at (written in
    /// Via/Contact when no external address).
    pub fn new(
        runtime: RuntimeHandle,
        events: mpsc::UnboundedReceiver<Event>,
        local: HostPort,
        seed: u64,
    ) -> (Self, RegistrationsHandle) {
        let (cmd_tx, commands) = mpsc::unbounded_channel();
        let (resolved_tx, resolved_rx) = mpsc::unbounded_channel();
        let (status, status_rx) = watch::channel(Board::default());
        let handle = RegistrationsHandle {
            commands: cmd_tx,
            status: status_rx,
        };
        let me = Self {
            runtime,
            events,
            commands,
            resolved_tx,
            resolved_rx,
            status,
            trunks: HashMap::new(),
            leaving: HashMap::new(),
            owners: HashMap::new(),
            deadlines: Deadlines::default(),
            dirty: HashSet::new(),
            dirty_leaving: HashSet::new(),
            bind: SocketAddr::from(([127, 0, 0, 1], local.port)),
            local,
            nets: Vec::new(),
            seed,
            next_id: 0,
        };
        (me, handle)
    }

    /// The socket's bound address and the local networks (without them every registrar
    /// gets `local`).
    pub fn with_network(mut self, bind: SocketAddr, nets: Vec<Cidr>) -> Self {
        self.bind = bind;
        self.nets = nets;
        self
    }

    /// Runs until `shutdown` completes or the runtime's event stream ends.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let deadline = self.deadlines.next();
            let sleep = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = &mut shutdown => break,
                ev = self.events.recv() => match ev {
                    Some(ev) => self.event(ev),
                    None => break,
                },
                Some(cmd) = self.commands.recv() => self.command(cmd),
                Some(r) = self.resolved_rx.recv() => self.resolved(r),
                _ = sleep => self.timers(),
            }
            self.flush().await;
        }
    }

    fn event(&mut self, ev: Event) {
        let tx = match &ev {
            Event::Response { tx, .. } | Event::Timeout { tx } | Event::TransportError { tx } => {
                *tx
            }
            _ => return,
        };
        let Some(owner) = self.owners.get(&tx).copied() else {
            return;
        };
        if ev.status().is_some_and(|s| s >= 200) {
            self.owners.remove(&tx);
        }
        let now = Instant::now();
        match owner {
            Owner::Register(id) => {
                if let Some(c) = self.trunks.get_mut(&id).and_then(|t| t.reg.as_mut()) {
                    let before = c.learned().cloned();
                    c.handle_event(now, &ev);
                    let after = c.learned();
                    if let (true, Some(dest)) = (after != before.as_ref(), c.destination()) {
                        // Calls to and from this provider must carry what it sees, too.
                        let us = after.map(|h| SentBy::new(h.host.clone(), h.port));
                        self.runtime.learned(dest.ip(), us);
                    }
                }
                self.dirty.insert(id);
            }
            Owner::Qualify(id) => {
                if let Some((_, q)) = self.trunks.get_mut(&id).and_then(|t| t.qualify.as_mut()) {
                    q.handle_event(now, &ev);
                }
                self.dirty.insert(id);
            }
            Owner::Leaving(k) => {
                if let Some(c) = self.leaving.get_mut(&k) {
                    c.handle_event(now, &ev);
                }
                self.dirty_leaving.insert(k);
            }
        }
    }

    fn command(&mut self, cmd: ManagerCommand) {
        let now = Instant::now();
        match cmd {
            ManagerCommand::Apply(specs) => self.apply(now, specs),
            ManagerCommand::Update(specs, removed) => self.update(now, specs, removed),
            ManagerCommand::Network(nets) if nets != self.nets => {
                self.nets = nets;
                for (id, t) in &mut self.trunks {
                    let Some(c) = t.reg.as_mut() else { continue };
                    let Some(dest) = c.destination() else {
                        continue;
                    };
                    let (us, on_lan) = local_toward(self.bind, &self.nets, dest);
                    if let Some(us) = us {
                        c.set_local(us, on_lan);
                    }
                    c.reregister_now(now);
                    self.dirty.insert(*id);
                }
            }
            ManagerCommand::Network(_) => {}
            ManagerCommand::ReregisterNow(id) => {
                if let Some(c) = self.trunks.get_mut(&id).and_then(|t| t.reg.as_mut()) {
                    c.reregister_now(now);
                    self.dirty.insert(id);
                }
            }
            ManagerCommand::QualifyNow(id) => {
                if let Some((_, q)) = self.trunks.get_mut(&id).and_then(|t| t.qualify.as_mut()) {
                    q.probe_now(now);
                    self.dirty.insert(id);
                }
            }
        }
    }

    /// A/AAAA lookup off the loop, so one slow DNS server does not stall every trunk.
    fn resolve(&self, owner: Owner, generation: u64, host: HostPort) {
        let tx = self.resolved_tx.clone();
        tokio::spawn(async move {
            let name = host
                .host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            let result = match super::resolve::lookup_bounded(name.as_str(), host.port).await {
                Ok(addrs) => addrs
                    .first()
                    .copied()
                    .ok_or_else(|| super::resolve::unresolved(&name, None)),
                Err(e) => Err(super::resolve::unresolved(&name, Some(&e))),
            };
            let _ = tx.send(Resolved {
                owner,
                generation,
                result,
            });
        });
    }

    fn resolved(&mut self, r: Resolved) {
        let now = Instant::now();
        let (Owner::Register(id) | Owner::Qualify(id)) = r.owner else {
            return;
        };
        let Some(t) = self.trunks.get_mut(&id) else {
            return;
        };
        let current = match r.owner {
            Owner::Register(_) => t.reg_generation,
            _ => t.qualify_generation,
        };
        if current != r.generation {
            return;
        }
        if matches!(r.owner, Owner::Register(_)) {
            t.reg_resolving = false;
        }
        match (r.owner, r.result) {
            (Owner::Register(_), Ok(addr)) => t.reg.as_mut().map(|c| {
                let (us, on_lan) = local_toward(self.bind, &self.nets, addr);
                if let Some(us) = us {
                    c.set_local(us, on_lan);
                }
                c.start(now, addr);
            }),
            (Owner::Register(_), Err(e)) => t.reg.as_mut().map(|c| c.destination_failed(now, &e)),
            (_, Ok(addr)) => t.qualify.as_mut().map(|(_, q)| q.start(now, addr)),
            (_, Err(e)) => {
                tracing::debug!(trunk = id, error = %e, "qualify target unresolved");
                None
            }
        };
        self.dirty.insert(id);
    }

    /// Fires the timers that are due, and only those.
    fn timers(&mut self) {
        let now = Instant::now();
        for owner in self.deadlines.due(now) {
            match owner {
                Owner::Register(id) => {
                    if let Some(c) = self.trunks.get_mut(&id).and_then(|t| t.reg.as_mut()) {
                        c.handle_timeout(now);
                    }
                    self.dirty.insert(id);
                }
                Owner::Qualify(id) => {
                    if let Some((_, q)) = self.trunks.get_mut(&id).and_then(|t| t.qualify.as_mut())
                    {
                        q.handle_timeout(now);
                    }
                    self.dirty.insert(id);
                }
                Owner::Leaving(k) => {
                    if let Some(c) = self.leaving.get_mut(&k) {
                        c.handle_timeout(now);
                    }
                    self.dirty_leaving.insert(k);
                }
            }
        }
    }

    /// Files the next deadlines of trunk `id`'s clients (none once it is gone).
    fn settle(&mut self, id: i64) {
        let t = self.trunks.get(&id);
        let reg = t
            .and_then(|t| t.reg.as_ref())
            .and_then(RegistrationClient::poll_timeout);
        let qualify = t
            .and_then(|t| t.qualify.as_ref())
            .and_then(|(_, q)| q.poll_timeout());
        self.deadlines.set(Owner::Register(id), reg);
        self.deadlines.set(Owner::Qualify(id), qualify);
    }

    /// Sends what the clients queued, asks DNS again where needed, publishes changed status.
    async fn flush(&mut self) {
        let dirty: Vec<i64> = self.dirty.iter().copied().collect();
        for id in &dirty {
            while let Some((owner, out)) = self.trunks.get_mut(id).and_then(|t| next_out(*id, t)) {
                let sent = self.send(owner, out).await;
                let now = Instant::now();
                let Some(t) = self.trunks.get_mut(id) else {
                    break;
                };
                match (owner, sent) {
                    (Owner::Register(_), Some(tx)) => t.reg.as_mut().map(|c| c.sent(tx)),
                    (Owner::Register(_), None) => t.reg.as_mut().map(|c| c.send_failed(now)),
                    (_, Some(tx)) => t.qualify.as_mut().map(|(_, q)| q.sent(tx)),
                    (_, None) => t.qualify.as_mut().map(|(_, q)| q.send_failed(now)),
                };
            }
            let lookup = self.trunks.get_mut(id).and_then(|t| {
                let c = t.reg.as_ref().filter(|c| c.needs_destination())?;
                if t.reg_resolving {
                    return None;
                }
                t.reg_generation += 1;
                t.reg_resolving = true;
                Some((t.reg_generation, c.config().next_hop()))
            });
            if let Some((generation, host)) = lookup {
                self.resolve(Owner::Register(*id), generation, host);
            }
        }
        let leaving: Vec<u64> = self.dirty_leaving.drain().collect();
        for k in leaving {
            while let Some(out) = self.leaving.get_mut(&k).and_then(|c| c.poll_transmit()) {
                let sent = self.send(Owner::Leaving(k), out).await;
                if let Some(c) = self.leaving.get_mut(&k) {
                    match sent {
                        Some(tx) => c.sent(tx),
                        None => c.send_failed(Instant::now()),
                    }
                }
            }
            let next = match self.leaving.get(&k) {
                Some(c) if c.is_finished() => {
                    self.leaving.remove(&k);
                    None
                }
                Some(c) => c.poll_timeout(),
                None => None,
            };
            self.deadlines.set(Owner::Leaving(k), next);
        }
        for id in &dirty {
            self.settle(*id);
        }
        self.publish(dirty);
    }

    async fn send(&mut self, owner: Owner, out: Outgoing) -> Option<TxId> {
        let r = self
            .runtime
            .send_request(*out.request, out.dest, out.transport)
            .await;
        match r {
            Some(Ok(tx)) => {
                self.owners.insert(tx, owner);
                Some(tx)
            }
            Some(Err(error)) => {
                tracing::debug!(%error, "endpoint refused a request");
                None
            }
            None => None,
        }
    }

    fn publish(&mut self, dirty: Vec<i64>) {
        self.dirty.clear();
        if dirty.is_empty() {
            return;
        }
        let snapshots: Vec<(i64, TrunkStatus)> = dirty
            .into_iter()
            .filter_map(|id| self.trunks.get(&id).map(|t| (id, t.snapshot(id))))
            .collect();
        self.status.send_if_modified(|board| {
            let mut any = false;
            for (id, status) in snapshots {
                any |= board.set(id, status);
            }
            any
        });
    }
}

/// The next request a trunk wants sent: its registration first, then its qualify probe.
fn next_out(id: i64, t: &mut Trunk) -> Option<(Owner, Outgoing)> {
    if let Some(o) = t.reg.as_mut().and_then(RegistrationClient::poll_transmit) {
        return Some((Owner::Register(id), o));
    }
    let o = t.qualify.as_mut().and_then(|(_, q)| q.poll_transmit())?;
    Some((Owner::Qualify(id), o))
}

/// Our address toward a registrar at `dest` (the kernel's route), and whether it is on one of
/// the local networks.
fn local_toward(bind: SocketAddr, nets: &[Cidr], dest: SocketAddr) -> (Option<HostPort>, bool) {
    let on_lan = nets.iter().any(|n| n.contains(dest.ip()));
    let us = super::addresses::source_toward(bind, dest.ip())
        .map(|ip| HostPort::new(super::addresses::host_text(ip), bind.port()));
    (us, on_lan)
}
