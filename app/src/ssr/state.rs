//! What every request handler, server function and the engine share.

use crate::model::PbxConfig;
use crate::ssr::auth::LoginLimiter;
use leptos::prelude::LeptosOptions;
use sqlx::SqlitePool;
use std::sync::Arc;
use tokio::sync::watch;

/// The store and the configuration channel: all a service needs.
#[derive(Clone)]
pub struct Core {
    pub pool: SqlitePool,
    /// The configuration snapshot the SIP engine follows (DESIGN.md).
    pub config: watch::Sender<Arc<PbxConfig>>,
    /// Serialises publications so the last snapshot sent is never older
    /// than the last commit.
    pub publish_lock: Arc<tokio::sync::Mutex<()>>,
}

impl Core {
    /// Publishes the database's configuration once, so whoever subscribes
    /// starts from what is stored.
    ///
    /// # Errors
    /// When the configuration cannot be read.
    pub async fn new(pool: SqlitePool) -> Result<Self, crate::ssr::service::ServiceError> {
        let snapshot = crate::ssr::service::config::load(&pool, 0).await?;
        let (config, _) = watch::channel(Arc::new(snapshot));
        Ok(Self {
            pool,
            config,
            publish_lock: Arc::default(),
        })
    }
}

#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub core: Core,
    pub login_limiter: Arc<LoginLimiter>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, core: Core) -> Self {
        Self {
            leptos_options,
            core,
            login_limiter: Arc::new(LoginLimiter::default()),
        }
    }
}
