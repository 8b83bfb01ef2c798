//! The PBX engine inside `trunkline serve`: starts SIP, follows the
//! configuration published by the console (DESIGN.md, "How data flows"),
//! turns each snapshot into what the registrations manager runs, and
//! publishes the registry the console shows. Trunks are only ever touched
//! through `apply`, which leaves unchanged ones alone.

use crate::sip::proto::call::CallId;
use crate::sip::proto::qualify::QualifyConfig;
use crate::sip::proto::registration::{HostPort, RegistrationConfig};
use crate::sip::proto::Transport;
use crate::sip::runtime::addresses::{external_sent_by, NatSettings};
use crate::sip::runtime::{
    CallFeeds, LinesSetup, QualifySpec, RegistrationsHandle, RuntimeHandle, TrunkSpec,
};
use app::model::calls::{CallLogEntry, UnmatchedCall};
use app::model::config::{Delta, TrunkConfig};
use app::model::lines::LineBinding;
use app::model::registry::{RegistryAction, RegistryEntry};
use app::model::trunk::Transport as TrunkTransport;
use app::model::PbxConfig;
use app::ssr::board::Board;
use app::ssr::state::{EngineCommand, EngineLink};
use registry::RegistryFollower;
use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

pub mod calls;
pub mod lines;
pub mod nat;
pub mod registry;

/// Where the engine listens and how providers reach it.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    pub sip_bind: SocketAddr,
    /// What SIP peers can make the engine hold and send.
    pub caps: crate::sip::proto::Caps,
    /// `--sip-external-address`: overrides the stored External address
    /// (Services → IPBX → General settings → SIP (NAT)).
    pub external_address: Option<String>,
    /// How many SIP TCP connections, and how long they may idle.
    pub sip_tcp: crate::sip::runtime::TcpLimits,
}

/// Starts SIP and the tasks that follow the configuration.
///
/// # Errors
/// When the SIP port cannot be bound.
pub async fn start(
    options: EngineOptions,
    config: watch::Receiver<Arc<PbxConfig>>,
    restored: Vec<LineBinding>,
    call_log: mpsc::UnboundedSender<CallLogEntry>,
    unmatched: mpsc::UnboundedSender<UnmatchedCall>,
    stop: watch::Receiver<bool>,
) -> io::Result<(SocketAddr, EngineLink)> {
    let (directory_tx, directory) = watch::channel(Arc::new(lines::directory(
        &config.borrow(),
        &BTreeMap::new(),
    )));
    let (call_events, call_rx) = mpsc::unbounded_channel();
    tokio::spawn(log_calls(call_rx, call_log));
    let setup = LinesSetup {
        directory,
        restored: restored.iter().filter_map(lines::from_model).collect(),
        feeds: CallFeeds {
            events: call_events,
        },
        unmatched,
        tcp: options.sip_tcp,
    };
    let configured = nat::configured(&config.borrow(), &options);
    let sip =
        crate::sip::runtime::start(options.sip_bind, configured, options.caps, setup, stop).await?;
    let (commands, command_rx) = mpsc::unbounded_channel();
    tokio::spawn(obey(command_rx, sip.handle.clone(), sip.lines.lift.clone()));
    let (lines_tx, line_bindings) = watch::channel(Arc::new(Vec::new()));
    tokio::spawn(lines::follow_bindings(sip.lines.bindings.clone(), lines_tx));
    let (registry_tx, registry) = watch::channel(Board::default());
    let (actions, action_rx) = mpsc::unbounded_channel();
    let counters = sip.handle.counters.clone();
    let built = Arc::new(AtomicU64::new(0));
    tokio::spawn(follow(
        sip.registrations,
        sip.handle.clone(),
        config,
        options,
        (registry_tx, RegistryFollower::new(built.clone())),
        action_rx,
        directory_tx,
    ));
    Ok((
        sip.local,
        EngineLink {
            registry,
            actions,
            lines: line_bindings,
            live: live_calls(sip.handle.clone()),
            watched: sip.lines.watched.clone(),
            commands,
            stats: Arc::new(move || app::model::registry::SipStats {
                registry_rows_built: built.load(Ordering::Relaxed),
                ..counters.snapshot()
            }),
            sip_listening: Some(sip.local),
        },
    ))
}

/// The console's reader of the calls in progress: it asks the SIP thread, which copies them
/// then, and turns them into the console's rows here, off that thread.
fn live_calls(runtime: RuntimeHandle) -> app::ssr::state::LiveCalls {
    Arc::new(move || {
        let runtime = runtime.clone();
        Box::pin(async move {
            let rows = runtime.live_calls().await;
            Arc::new(calls::live(
                &rows,
                std::time::Instant::now(),
                app::ssr::unix_now(),
            ))
        })
    })
}

/// Carries the administrator's commands to the part of SIP that owns
/// what they act on: calls live in the driver, the guard in the lines task.
async fn obey(
    mut commands: mpsc::UnboundedReceiver<EngineCommand>,
    runtime: RuntimeHandle,
    lift: mpsc::UnboundedSender<std::net::IpAddr>,
) {
    while let Some(command) = commands.recv().await {
        match command {
            EngineCommand::HangUp { call } => runtime.hang_up(CallId(call)),
            EngineCommand::LiftBlock { address } => {
                let _ = lift.send(address);
            }
        }
    }
}

async fn follow(
    registrations: RegistrationsHandle,
    runtime: RuntimeHandle,
    mut config: watch::Receiver<Arc<PbxConfig>>,
    options: EngineOptions,
    (registry, mut rows): (watch::Sender<Board<RegistryEntry>>, RegistryFollower),
    mut actions: mpsc::UnboundedReceiver<(i64, RegistryAction)>,
    directory: watch::Sender<Arc<crate::sip::runtime::Directory>>,
) {
    let mut status = registrations.status();
    let mut current = config.borrow_and_update().clone();
    // `start` gave the runtime the settings as configured; only a host name
    // just looked up changes them.
    let configured = nat::configured(&current, &options);
    let mut in_force = nat::resolved(configured.clone()).await;
    if in_force != configured {
        runtime.set_nat(in_force.clone());
    }
    registrations.apply(specs(&current, &options, &in_force));
    rows.reconfigured_all(&current);
    let mut refresh = tokio::time::interval(nat::REFRESH);
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    refresh.tick().await;
    // The calls' directory is built whole once (the one `start` built knew
    // no monitoring yet), then changed in place, change by change.
    let mut built = false;
    loop {
        let mut look_again = false;
        // The snapshot before this turn's change, and what the change did.
        let mut change: Option<(Arc<PbxConfig>, Delta)> = None;
        tokio::select! {
            changed = config.changed() => {
                if changed.is_err() { break; }
                let next = config.borrow_and_update().clone();
                // What this snapshot changed, in O(changed) (issue 20): a
                // follower one snapshot behind reads the publisher's
                // delta, one that missed some compares the two.
                let delta = next.changes_since(&current);
                let previous = std::mem::replace(&mut current, next);
                tracing::debug!(generation = current.generation, trunks = delta.trunks.len(), "applying configuration");
                if !delta.trunks.is_empty() {
                    let (changed, removed) = changed_specs(&current, &delta, &options, &in_force);
                    registrations.update(changed, removed);
                    rows.reconfigured(&current, &delta.trunks);
                }
                look_again = delta.nat;
                change = Some((previous, delta));
            }
            _ = refresh.tick() => {
                look_again = nat::is_name(&nat::configured(&current, &options));
            }
            changed = status.changed() => {
                if changed.is_err() { break; }
            }
            Some((trunk, action)) = actions.recv() => match action {
                RegistryAction::Reregister => registrations.reregister_now(trunk),
                RegistryAction::Qualify => registrations.qualify_now(trunk),
            },
        }
        if look_again {
            let now = nat::resolved(nat::configured(&current, &options)).await;
            if now != in_force {
                // Before the registrations: their next REGISTERs and every call from
                // now on carry the new addresses.
                in_force = now;
                runtime.set_nat(in_force.clone());
                registrations.set_network(in_force.local.clone());
                // Every registration carries the external address.
                registrations.apply(specs(&current, &options, &in_force));
            }
        }
        // Calls follow both the configuration and the monitoring: a trunk
        // that turns UNREACHABLE is skipped by the next call. Most status
        // changes are registration refreshes, which change nothing there.
        let availability = rows.update(&mut status, &registry);
        if !built {
            built = true;
            let mut whole = lines::directory(&current, rows.unavailable());
            // New in every part: the lines task redoes all its work.
            let before = directory.borrow().revision;
            whole.revision.lines = before.lines + 1;
            whole.revision.trunks = before.trunks + 1;
            directory.send_replace(Arc::new(whole));
        } else if change.is_some() || !availability.is_empty() {
            let (old, delta) = change.unwrap_or_else(|| (current.clone(), Delta::default()));
            directory.send_if_modified(|dir| {
                let touched = !(delta.users.is_empty()
                    && delta.trunks.is_empty()
                    && availability.is_empty()
                    && !delta.plan
                    && !delta.security);
                if touched {
                    // In place unless the lines task holds a copy right now.
                    let dir = Arc::make_mut(dir);
                    let configs = (old.as_ref(), current.as_ref());
                    lines::update_directory(
                        dir,
                        configs,
                        &delta,
                        rows.unavailable(),
                        &availability,
                    );
                }
                touched
            });
        }
    }
}

/// What the trunks a change touched should run now, and which are gone.
fn changed_specs(
    config: &PbxConfig,
    delta: &Delta,
    options: &EngineOptions,
    nat: &NatSettings,
) -> (Vec<TrunkSpec>, Vec<i64>) {
    let found = app::model::config::delta::pick(&config.trunks, &delta.trunks);
    let mut changed = Vec::with_capacity(found.len());
    let mut removed = Vec::new();
    for id in &delta.trunks {
        match found.get(id) {
            Some(t) => changed.push(spec(t, options, nat)),
            None => removed.push(*id),
        }
    }
    (changed, removed)
}

/// Hands each ended call to the call log (and the server log).
async fn log_calls(
    mut events: mpsc::UnboundedReceiver<crate::sip::proto::call::CallEvent>,
    call_log: mpsc::UnboundedSender<CallLogEntry>,
) {
    use crate::sip::proto::call::CallEvent;
    let mut batch = Vec::new();
    while events.recv_many(&mut batch, 1024).await > 0 {
        for event in batch.drain(..) {
            let CallEvent::Ended(record) = event else {
                continue;
            };
            let entry = calls::log_entry(&record, std::time::Instant::now(), app::ssr::unix_now());
            tracing::info!(
                caller = %entry.caller,
                callee = %entry.callee,
                dialed = %entry.dialed,
                trunk = ?entry.trunk,
                cause = %entry.cause,
                "call ended"
            );
            let _ = call_log.send(entry);
        }
        // Let the next events gather while this task sleeps: under load
        // the SIP thread then queues them without waking it, one wake-up
        // per pause instead of one per event (BENCHMARKS.md).
        tokio::time::sleep(GATHER).await;
    }
}

/// Pause between two batches of call events: the log lags by at most this.
const GATHER: std::time::Duration = std::time::Duration::from_millis(100);

/// What each trunk of the snapshot should run. Disabled trunks run
/// nothing, which un-registers them.
pub fn specs(config: &PbxConfig, options: &EngineOptions, nat: &NatSettings) -> Vec<TrunkSpec> {
    config
        .trunks
        .iter()
        .map(|t| spec(t, options, nat))
        .collect()
}

fn spec(t: &TrunkConfig, options: &EngineOptions, nat: &NatSettings) -> TrunkSpec {
    if t.trunk.disabled {
        (t.id, None, None)
    } else {
        (t.id, registration(t, options, nat), qualify(t))
    }
}

fn transport(t: &TrunkConfig) -> Transport {
    match t.trunk.reg_transport {
        TrunkTransport::Udp => Transport::Udp,
        TrunkTransport::Tcp => Transport::Tcp,
    }
}

fn registration(
    t: &TrunkConfig,
    options: &EngineOptions,
    nat: &NatSettings,
) -> Option<RegistrationConfig> {
    let trunk = &t.trunk;
    if !trunk.register {
        return None;
    }
    let password = if t.reg_secret.is_empty() {
        &t.secret
    } else {
        &t.reg_secret
    };
    let mut cfg = RegistrationConfig::new(
        trunk.reg_server.clone(),
        trunk.reg_username.clone(),
        password.expose(),
    );
    cfg.transport = transport(t);
    cfg.server_port = Some(trunk.reg_port);
    cfg.outbound_proxy = host_port(&trunk.outbound_proxy);
    cfg.auth_username =
        Some(trunk.auth_username.clone()).filter(|a| !a.is_empty() && *a != trunk.reg_username);
    cfg.expiry = trunk.reg_expiry;
    cfg.contact_user = Some(trunk.reg_callback.clone()).filter(|c| !c.is_empty());
    cfg.external_address = nat.external.as_ref().map(|e| {
        let us = external_sent_by(e, options.sip_bind.port());
        HostPort::new(us.host, us.port)
    });
    Some(cfg)
}

/// Monitoring probes the trunk's host, or its registrar for a dynamic one.
fn qualify(t: &TrunkConfig) -> Option<QualifySpec> {
    let trunk = &t.trunk;
    let max_ms = trunk.monitoring?;
    let host = match &trunk.host {
        Some(host) => HostPort::new(host.clone(), trunk.port),
        None if trunk.register => HostPort::new(trunk.reg_server.clone(), trunk.reg_port),
        None => return None,
    };
    Some(QualifySpec {
        config: QualifyConfig {
            max_rtt: Duration::from_millis(u64::from(max_ms)),
            frequency: Duration::from_secs(u64::from(trunk.qualify_freq)),
        },
        host,
        transport: transport(t),
    })
}

/// `host` or `host:port` (validated by the model) as a next hop.
pub(crate) fn host_port(raw: &str) -> Option<HostPort> {
    if raw.is_empty() {
        return None;
    }
    match raw.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') || host.ends_with(']') => {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            Some(HostPort::new(host, port.parse().unwrap_or(5060)))
        }
        _ => Some(HostPort::new(raw, 5060)),
    }
}
