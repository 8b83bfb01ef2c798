//! Building and publishing the `PbxConfig` snapshot.

use super::ServiceError;
use crate::model::config::{Secret, TrunkConfig, UserConfig};
use crate::model::{Entry, PbxConfig};
use crate::ssr::state::Core;
use crate::ssr::store;
use sqlx::SqlitePool;
use std::sync::Arc;

/// Reads the whole configuration from the database.
///
/// # Errors
/// When the database cannot be read or a stored row no longer parses.
pub async fn load(pool: &SqlitePool, generation: u64) -> Result<PbxConfig, ServiceError> {
    let contexts = store::contexts::list(pool).await?;
    let mut trunks = Vec::new();
    for row in store::trunks::list(pool).await? {
        trunks.push(TrunkConfig {
            id: row.id,
            version: row.version,
            trunk: row.trunk()?,
            secret: Secret::new(row.secret),
            reg_secret: Secret::new(row.reg_secret),
        });
    }
    let mut users = Vec::new();
    for row in store::users::list(pool).await? {
        users.push(UserConfig {
            id: row.id,
            version: row.version,
            user: row.user()?,
            secret: Secret::new(row.line_secret),
        });
    }
    let mut outcalls = Vec::new();
    for row in store::outcalls::list(pool).await? {
        outcalls.push(Entry {
            id: row.id,
            value: row.outcall()?,
        });
    }
    let mut incalls = Vec::new();
    for row in store::incalls::list(pool).await? {
        incalls.push(Entry {
            id: row.id,
            value: row.incall()?,
        });
    }
    Ok(PbxConfig {
        generation,
        contexts,
        trunks,
        users,
        outcalls,
        incalls,
        security: store::security::get(pool).await?.settings,
        nat: store::nat::get(pool).await?.settings,
    })
}

/// Rebuilds the snapshot after a committed change and hands it to the
/// engine. Called by every service that writes configuration.
///
/// # Errors
/// When the database cannot be read.
pub async fn publish(core: &Core) -> Result<(), ServiceError> {
    let _guard = core.publish_lock.lock().await;
    let generation = core.config.borrow().generation + 1;
    let snapshot = load(&core.pool, generation).await?;
    core.config.send_replace(Arc::new(snapshot));
    Ok(())
}
