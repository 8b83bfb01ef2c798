//! Building and publishing the `PbxConfig` snapshot. A stored row the model
//! no longer reads is left out of the snapshot and put on the repair list
//! instead: one bad row must never stop publication or start-up.

use super::repair::split;
use super::ServiceError;
use crate::model::config::{Secret, TrunkConfig, UserConfig};
use crate::model::repair::{Repair, RepairKind};
use crate::model::{Entry, PbxConfig};
use crate::ssr::state::Core;
use crate::ssr::store;
use sqlx::SqlitePool;
use std::sync::Arc;

/// The configuration as read, and the rows that could not be.
pub struct Loaded {
    pub config: PbxConfig,
    pub repairs: Vec<Repair>,
}

/// Reads the whole configuration from the database.
///
/// # Errors
/// When the database cannot be read (an unreadable row is not an error).
pub async fn load(pool: &SqlitePool, generation: u64) -> Result<Loaded, ServiceError> {
    let (contexts, mut repairs) = store::contexts::list_readable(pool).await?;
    let (trunks, bad) = split(&store::trunks::list(pool).await?, |row, trunk| {
        TrunkConfig {
            id: row.id,
            version: row.version,
            trunk,
            secret: Secret::new(row.secret.clone()),
            reg_secret: Secret::new(row.reg_secret.clone()),
        }
    });
    repairs.extend(bad);
    let (users, bad) = split(&store::users::list(pool).await?, |row, user| UserConfig {
        id: row.id,
        version: row.version,
        user,
        secret: Secret::new(row.line_secret.clone()),
    });
    repairs.extend(bad);
    let (outcalls, bad) = split(&store::outcalls::list(pool).await?, |row, value| Entry {
        id: row.id,
        value,
    });
    repairs.extend(bad);
    let (incalls, bad) = split(&store::incalls::list(pool).await?, |row, value| Entry {
        id: row.id,
        value,
    });
    repairs.extend(bad);
    let nat = store::nat::get(pool).await?;
    if let Err(error) = nat.settings.bind() {
        repairs.push(Repair {
            kind: RepairKind::Nat,
            key: String::new(),
            version: nat.version,
            name: String::new(),
            problem: error.to_string(),
            stored: nat.settings.bind_address.clone(),
        });
    }
    let (security, refused) = store::security::get_checked(pool).await?;
    if let Some((stored, problem)) = refused {
        repairs.push(Repair {
            kind: RepairKind::Security,
            key: String::new(),
            version: security.version,
            name: String::new(),
            problem,
            stored: format!(
                "max retry {}, find time {}, ban time {}",
                stored.max_retry, stored.find_time, stored.ban_time
            ),
        });
    }
    Ok(Loaded {
        config: PbxConfig {
            generation,
            contexts: contexts.into_iter().map(|v| v.context).collect(),
            trunks,
            users,
            outcalls,
            incalls,
            security: security.settings,
            nat: nat.settings,
        },
        repairs,
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
    let loaded = load(&core.pool, generation).await?;
    core.config.send_replace(Arc::new(loaded.config));
    core.set_repairs(loaded.repairs);
    Ok(())
}

/// The stored rows that need repair, as of the last publication.
pub fn repairs(core: &Core) -> Vec<Repair> {
    core.repairs()
}

/// The repairs of one kind: what a list screen marks.
pub fn repairs_of(core: &Core, kind: RepairKind) -> Vec<Repair> {
    let mut all = core.repairs();
    all.retain(|r| r.kind == kind);
    all
}
