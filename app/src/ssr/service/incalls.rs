//! Incoming-call changes.

use super::repair::{self, readable, readable_or_repair, readable_page, Opened};
use super::{config, stale, ServiceError};
use crate::model::incall::{Incall, IncallInput, IncallRules, IncallView};
use crate::model::list::{ListPage, Paging};
use crate::ssr::db;
use crate::ssr::state::Core;
use crate::ssr::store::{self, incalls::SqlIncall};
use crate::ssr::unix_now;

fn view_of(row: &SqlIncall, incall: Incall) -> IncallView {
    IncallView {
        id: row.id,
        version: row.version,
        incall,
    }
}

fn view(row: &SqlIncall) -> Result<IncallView, ServiceError> {
    Ok(view_of(row, row.incall()?))
}

fn not_found(id: i64) -> ServiceError {
    ServiceError::NotFound(format!(
        "Incoming call {id} does not exist (it may have been deleted)."
    ))
}

/// Every incoming call, by context and DID. (those that do not read
/// are on the repair list).
///
/// # Errors
/// When the database cannot be read.
pub async fn list(core: &Core) -> Result<Vec<IncallView>, ServiceError> {
    Ok(readable(&store::incalls::list(&core.pool).await?, view_of))
}

/// One page of the incoming calls `query` asks for (its filter and page
/// are judged by the model, then filtered, counted and paged in SQL).
/// Shared by the console's list and `GET /api/v1/incalls`.
///
/// # Errors
/// `Invalid` naming the query field at fault; when the database cannot
/// be read.
pub async fn page(core: &Core, query: &impl Paging) -> Result<ListPage<IncallView>, ServiceError> {
    let window = query.window().map_err(ServiceError::Invalid)?;
    let rows = store::incalls::page(&core.pool, &window).await?;
    Ok(readable_page(rows, &window, view_of))
}

async fn row(core: &Core, id: i64) -> Result<SqlIncall, ServiceError> {
    let mut conn = core.pool.acquire().await?;
    store::incalls::get(&mut conn, id)
        .await?
        .ok_or_else(|| not_found(id))
}

/// One incoming call, or what its form needs to repair it when it does not read.
///
/// # Errors
/// `NotFound` when there is no such incoming call.
pub async fn open(core: &Core, id: i64) -> Result<Opened<IncallView, IncallInput>, ServiceError> {
    Ok(repair::open(&row(core, id).await?, view_of))
}

/// One incoming call.
///
/// # Errors
/// `NotFound` when there is no such incoming call; `Conflict` saying
/// what to repair when it does not read.
pub async fn get(core: &Core, id: i64) -> Result<IncallView, ServiceError> {
    readable_or_repair(open(core, id).await?)
}

async fn validate(
    core: &Core,
    input: &IncallInput,
    editing: Option<i64>,
) -> Result<Incall, ServiceError> {
    // Users and incoming calls from the published configuration, not the
    // database: reading and parsing every stored user for each save was
    // most of a REST create's time (77 ms with 10,000 users). Same rows,
    // same order, and every write publishes before it answers.
    let (users, others) = {
        let config = core.config.borrow();
        let users = config
            .users
            .iter()
            .map(|u| (u.id, u.user.display()))
            .collect();
        let others = config
            .incalls
            .iter()
            .filter(|i| Some(i.id) != editing)
            .map(|i| i.value.clone())
            .collect();
        (users, others)
    };
    let rules = IncallRules {
        contexts: store::contexts::list(&core.pool).await?,
        users,
        others,
    };
    input.validate(&rules).map_err(ServiceError::Invalid)
}

/// Creates an incoming call and publishes the configuration.
///
/// # Errors
/// `Invalid` with every field error.
pub async fn create(core: &Core, input: &IncallInput) -> Result<IncallView, ServiceError> {
    let incall = validate(core, input, None).await?;
    let settings = serde_json::to_string(&incall)?;
    let mut tx = db::write(&core.pool).await?;
    let id = store::incalls::insert(&mut tx, &incall, &settings, unix_now()).await?;
    let row = store::incalls::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    tracing::info!(did = %incall.did, id, "incoming call created");
    config::publish(core, config::Change::Plan).await?;
    view(&row)
}

/// Updates incoming call `id`, opened at `version`.
///
/// # Errors
/// `NotFound`, `Conflict` when someone saved in between, `Invalid`.
pub async fn update(
    core: &Core,
    id: i64,
    version: i64,
    input: &IncallInput,
) -> Result<IncallView, ServiceError> {
    let current = row(core, id).await?;
    if current.version != version {
        return Err(ServiceError::Stale {
            current: Some(current.version),
        });
    }
    let incall = validate(core, input, Some(id)).await?;
    let settings = serde_json::to_string(&incall)?;
    let mut tx = db::write(&core.pool).await?;
    if !store::incalls::update(&mut tx, id, version, &incall, &settings, unix_now()).await? {
        return Err(stale(&mut tx, "incalls", "id", &id.to_string()).await);
    }
    let row = store::incalls::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    tracing::info!(did = %incall.did, id, "incoming call updated");
    config::publish(core, config::Change::Plan).await?;
    view(&row)
}

/// Deletes incoming call `id`.
///
/// # Errors
/// `NotFound` when there is no such incoming call.
pub async fn delete(core: &Core, id: i64) -> Result<(), ServiceError> {
    let mut tx = db::write(&core.pool).await?;
    if !store::incalls::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    tracing::info!(id, "incoming call deleted");
    config::publish(core, config::Change::Plan).await
}

#[cfg(test)]
mod tests;
