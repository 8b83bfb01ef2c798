//! What every request handler, server function and the engine share.

use crate::model::calls::LiveCall;
use crate::model::lines::LineBinding;
use crate::model::registry::{sort_rows, RegistryAction, RegistryEntry, SipStats};
use crate::model::repair::Repair;
use crate::model::security::WatchedAddress;
use crate::model::PbxConfig;
use crate::ssr::auth::LoginLimiter;
use crate::ssr::board::Board;
use leptos::prelude::LeptosOptions;
use sqlx::SqlitePool;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

/// The store and the configuration channel: all a service needs.
#[derive(Clone)]
pub struct Core {
    pub pool: SqlitePool,
    /// The configuration snapshot the SIP engine follows (DESIGN.md).
    pub config: watch::Sender<Arc<PbxConfig>>,
    /// Serialises publications so the last snapshot sent is never older
    /// than the last commit.
    pub publish_lock: Arc<tokio::sync::Mutex<()>>,
    /// Stored rows left out of the last snapshot because the model cannot
    /// read them (see `service::repair`). A std mutex: held only to copy.
    repairs: Arc<std::sync::Mutex<Vec<Repair>>>,
    /// The call log's totals per search, counted incrementally.
    pub log_counts: crate::ssr::store::call_log::LogCounts,
}

impl Core {
    /// Publishes the database's configuration once, so whoever subscribes
    /// starts from what is stored.
    ///
    /// # Errors
    /// When the configuration cannot be read.
    pub async fn new(pool: SqlitePool) -> Result<Self, crate::ssr::service::ServiceError> {
        let loaded = crate::ssr::service::config::load(&pool, 0).await?;
        let (config, _) = watch::channel(Arc::new(loaded.config));
        let core = Self {
            pool,
            config,
            publish_lock: Arc::default(),
            repairs: Arc::default(),
            log_counts: Default::default(),
        };
        core.set_repairs(loaded.repairs);
        Ok(core)
    }

    /// The rows that need repair, as of the last snapshot.
    pub fn repairs(&self) -> Vec<Repair> {
        self.repairs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Replaces the repair list, logging the rows that were not on it
    /// before: once per row, not at every publication.
    pub fn set_repairs(&self, current: Vec<Repair>) {
        let mut repairs = self
            .repairs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        crate::ssr::service::repair::log_new(&repairs, &current);
        *repairs = current;
    }
}

/// What the administrator asks of running calls and of the toll-fraud
/// guard (configuration changes go through `PbxConfig` instead).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineCommand {
    /// Ends a call in progress: Status → Calls, "Hang up".
    HangUp { call: u64 },
    /// Forgets an address's failed authentications and lifts its block.
    LiftBlock { address: IpAddr },
}

/// How the console reads the calls in progress. The engine copies them when asked, not on
/// every change: at thousands of calls a second, copies nobody read were a tenth of the SIP
/// thread's work.
pub type LiveCalls =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Arc<Vec<LiveCall>>> + Send>> + Send + Sync>;

/// Calls in progress read from a channel its sender keeps current: a console with no engine
/// (its tests, where the test plays the engine).
pub fn live_from(calls: watch::Receiver<Arc<Vec<LiveCall>>>) -> LiveCalls {
    Arc::new(move || {
        let rows = calls.borrow().clone();
        Box::pin(std::future::ready(rows))
    })
}

/// What the console reads from the SIP engine and may ask of it; the
/// console never reaches into the engine itself (DESIGN.md, "Status").
#[derive(Clone)]
pub struct EngineLink {
    /// Each trunk's registry row by trunk id; a status change replaces one row.
    pub registry: watch::Receiver<Board<RegistryEntry>>,
    pub actions: mpsc::UnboundedSender<(i64, RegistryAction)>,
    /// Where the users' lines are registered, live.
    pub lines: watch::Receiver<Arc<Vec<LineBinding>>>,
    /// Reads the calls in progress: see `live_calls`.
    pub live: LiveCalls,
    /// Addresses that failed to authenticate: slowed down or blocked.
    pub watched: watch::Receiver<Arc<Vec<WatchedAddress>>>,
    pub commands: mpsc::UnboundedSender<EngineCommand>,
    /// The engine's message counters, read when asked (they are atomics
    /// the SIP thread updates as it goes).
    pub stats: Arc<dyn Fn() -> SipStats + Send + Sync>,
    /// Where SIP listens (UDP and TCP), as bound at start; none without an engine.
    pub sip_listening: Option<std::net::SocketAddr>,
}

impl EngineLink {
    /// A link to no engine (tests of the console alone): an empty
    /// registry that never changes, actions that go nowhere.
    pub fn detached() -> Self {
        let (_, registry) = watch::channel(Board::default());
        let (actions, _) = mpsc::unbounded_channel();
        let (_, lines) = watch::channel(Arc::new(Vec::new()));
        let (_, live_calls) = watch::channel(Arc::new(Vec::new()));
        let live = live_from(live_calls);
        let (_, watched) = watch::channel(Arc::new(Vec::new()));
        let (commands, _) = mpsc::unbounded_channel();
        Self {
            registry,
            actions,
            lines,
            live,
            watched,
            commands,
            stats: Arc::new(SipStats::default),
            sip_listening: None,
        }
    }

    /// The calls in progress, oldest first.
    pub async fn live_calls(&self) -> Arc<Vec<LiveCall>> {
        (self.live)().await
    }

    /// False when no engine listens (it stopped, or the console runs alone).
    pub fn command(&self, command: EngineCommand) -> bool {
        let sent = self.commands.send(command.clone()).is_ok();
        if !sent {
            tracing::warn!(?command, "no SIP engine to act on");
        }
        sent
    }

    /// Every registry row, by trunk name: what the list, REST and the CLI show.
    pub fn registry_rows(&self) -> Vec<RegistryEntry> {
        let shared: Vec<Arc<RegistryEntry>> = self.registry.borrow().rows().cloned().collect();
        sorted_rows(&shared)
    }

    pub fn act(&self, trunk_id: i64, action: RegistryAction) {
        if self.actions.send((trunk_id, action)).is_err() {
            tracing::warn!(trunk_id, ?action, "no SIP engine to act on");
        }
    }
}

/// Registry rows taken from the board (only the `Arc`s, so the engine's
/// next change does not wait on this copy), by trunk name.
pub fn sorted_rows(shared: &[Arc<RegistryEntry>]) -> Vec<RegistryEntry> {
    let mut rows: Vec<RegistryEntry> = shared.iter().map(|row| RegistryEntry::clone(row)).collect();
    sort_rows(&mut rows);
    rows
}

#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub core: Core,
    pub engine: EngineLink,
    pub login_limiter: Arc<LoginLimiter>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, core: Core, engine: EngineLink) -> Self {
        Self {
            leptos_options,
            core,
            engine,
            login_limiter: Arc::new(LoginLimiter::default()),
        }
    }
}
