//! Building and publishing the `PbxConfig` snapshot. At start-up the whole
//! configuration is read; after a change only what it touched is read
//! again, and the next snapshot shares every other row with the last one
//! (issue 20: reloading 10,000 trunks per change took 70-230 ms). A stored
//! row the model no longer reads is left out of the snapshot and put on the
//! repair list instead: one bad row must never stop publication or start-up.

use super::repair::split;
use super::ServiceError;
use crate::model::config::{Secret, TrunkConfig, UserConfig};
use crate::model::repair::{Repair, RepairKind};
use crate::model::{incall::Incall, nat::SipNat, outcall::Outcall, security::SipSecurity};
use crate::model::{Context, Entry, PbxConfig};
use crate::ssr::state::Core;
use crate::ssr::store::{self, trunks::SqlTrunk, users::SqlUser};
use sqlx::SqlitePool;
use std::sync::Arc;

/// The configuration as read, and the rows that could not be.
pub struct Loaded {
    pub config: PbxConfig,
    pub repairs: Vec<Repair>,
}

/// What a committed change touched: what [`publish`] reads again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Trunk(i64),
    User(i64),
    /// Contexts, outgoing or incoming calls: the dial plan's tables, few
    /// rows each, read again whole.
    Plan,
    Security,
    Nat,
}

fn trunk_config(row: &SqlTrunk, trunk: crate::model::trunk::Trunk) -> TrunkConfig {
    TrunkConfig {
        id: row.id,
        version: row.version,
        trunk,
        secret: Secret::new(row.secret.clone()),
        reg_secret: Secret::new(row.reg_secret.clone()),
    }
}

fn user_config(row: &SqlUser, user: crate::model::user::User) -> UserConfig {
    UserConfig {
        id: row.id,
        version: row.version,
        user,
        secret: Secret::new(row.line_secret.clone()),
    }
}

/// The dial plan's tables.
struct Plan {
    contexts: Vec<Context>,
    outcalls: Vec<Entry<Outcall>>,
    incalls: Vec<Entry<Incall>>,
}

async fn read_plan(pool: &SqlitePool, repairs: &mut Vec<Repair>) -> Result<Plan, ServiceError> {
    let (contexts, bad) = store::contexts::list_readable(pool).await?;
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
    Ok(Plan {
        contexts: contexts.into_iter().map(|v| v.context).collect(),
        outcalls,
        incalls,
    })
}

async fn read_nat(pool: &SqlitePool, repairs: &mut Vec<Repair>) -> Result<SipNat, ServiceError> {
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
    Ok(nat.settings)
}

async fn read_security(
    pool: &SqlitePool,
    repairs: &mut Vec<Repair>,
) -> Result<SipSecurity, ServiceError> {
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
    Ok(security.settings)
}

/// Reads the whole configuration from the database.
///
/// # Errors
/// When the database cannot be read (an unreadable row is not an error).
pub async fn load(pool: &SqlitePool, generation: u64) -> Result<Loaded, ServiceError> {
    let mut repairs = Vec::new();
    let plan = read_plan(pool, &mut repairs).await?;
    let (trunks, bad) = split(&store::trunks::list(pool).await?, trunk_config);
    repairs.extend(bad);
    let (users, bad) = split(&store::users::list(pool).await?, user_config);
    repairs.extend(bad);
    let nat = read_nat(pool, &mut repairs).await?;
    let security = read_security(pool, &mut repairs).await?;
    let mut config = PbxConfig {
        generation,
        contexts: plan.contexts,
        trunks: trunks.into_iter().map(Arc::new).collect(),
        users: users.into_iter().map(Arc::new).collect(),
        outcalls: plan.outcalls,
        incalls: plan.incalls,
        security,
        nat,
        delta: crate::model::config::Delta::default(),
    };
    // The order an incremental change keeps, whatever the SQL gave.
    config.sort();
    Ok(Loaded { config, repairs })
}

/// Reads again what `change` touched after it was committed, makes the
/// next snapshot from the last one with those rows replaced (the others
/// shared), notes them in its delta and hands it to the engine. Called
/// by every service that writes configuration.
///
/// Publications take turns, each reading after its own commit: of two
/// writers the one publishing second reads the rows as both left them,
/// so no change is lost and generations follow the order of publication.
///
/// # Errors
/// When the database cannot be read.
pub async fn publish(core: &Core, change: Change) -> Result<(), ServiceError> {
    let _guard = core.publish_lock.lock().await;
    let mut next = core.config.borrow().next();
    let mut repairs = core.repairs();
    let pool = &core.pool;
    match change {
        Change::Trunk(id) => {
            let row = store::trunks::get(&mut *pool.acquire().await?, id).await?;
            let (good, bad) = split(row.as_slice(), trunk_config);
            replace(&mut repairs, &[RepairKind::Trunk], Some(id), bad);
            next.put_trunk(id, good.into_iter().next());
        }
        Change::User(id) => {
            let row = store::users::get(&mut *pool.acquire().await?, id).await?;
            let (good, bad) = split(row.as_slice(), user_config);
            replace(&mut repairs, &[RepairKind::User], Some(id), bad);
            next.put_user(id, good.into_iter().next());
        }
        Change::Plan => {
            let mut bad = Vec::new();
            let plan = read_plan(pool, &mut bad).await?;
            let kinds = [RepairKind::Context, RepairKind::Outcall, RepairKind::Incall];
            replace(&mut repairs, &kinds, None, bad);
            next.contexts = plan.contexts;
            next.outcalls = plan.outcalls;
            next.incalls = plan.incalls;
            next.delta.plan = true;
        }
        Change::Security => {
            let mut bad = Vec::new();
            next.security = read_security(pool, &mut bad).await?;
            replace(&mut repairs, &[RepairKind::Security], None, bad);
            next.delta.security = true;
        }
        Change::Nat => {
            let mut bad = Vec::new();
            next.nat = read_nat(pool, &mut bad).await?;
            replace(&mut repairs, &[RepairKind::Nat], None, bad);
            next.delta.nat = true;
        }
    }
    core.config.send_replace(Arc::new(next));
    core.set_repairs(repairs);
    Ok(())
}

/// The repair list with the entries of `kinds` (only row `id`'s when
/// given) replaced by `fresh`.
fn replace(repairs: &mut Vec<Repair>, kinds: &[RepairKind], id: Option<i64>, fresh: Vec<Repair>) {
    let key = id.map(|id| id.to_string());
    repairs.retain(|r| !(kinds.contains(&r.kind) && key.as_ref().is_none_or(|k| *k == r.key)));
    repairs.extend(fresh);
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
