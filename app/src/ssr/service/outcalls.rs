//! Outgoing-call changes. Saving returns the pattern warnings (shadowed,
//! `.` for `!`, catch-all, unreachable); they never block the save.

use super::repair::{self, readable, readable_or_repair, readable_page, Opened};
use super::{config, stale, ServiceError};
use crate::model::list::{ListPage, Paging};
use crate::model::outcall::{self, Outcall, OutcallInput, OutcallRules, OutcallSaved, OutcallView};
use crate::ssr::db;
use crate::ssr::state::Core;
use crate::ssr::store::{self, outcalls::SqlOutcall};
use crate::ssr::unix_now;

fn view_of(row: &SqlOutcall, outcall: Outcall) -> OutcallView {
    OutcallView {
        id: row.id,
        version: row.version,
        outcall,
    }
}

fn view(row: &SqlOutcall) -> Result<OutcallView, ServiceError> {
    Ok(view_of(row, row.outcall()?))
}

fn not_found(id: i64) -> ServiceError {
    ServiceError::NotFound(format!(
        "Outgoing call {id} does not exist (it may have been deleted)."
    ))
}

/// Every outgoing call, by context and name. (those that do not read
/// are on the repair list).
///
/// # Errors
/// When the database cannot be read.
pub async fn list(core: &Core) -> Result<Vec<OutcallView>, ServiceError> {
    Ok(readable(&store::outcalls::list(&core.pool).await?, view_of))
}

/// One page of the outgoing calls `query` asks for (its filter and page
/// are judged by the model, then filtered, counted and paged in SQL).
/// Shared by the console's list and `GET /api/v1/outcalls`.
///
/// # Errors
/// `Invalid` naming the query field at fault; when the database cannot
/// be read.
pub async fn page(core: &Core, query: &impl Paging) -> Result<ListPage<OutcallView>, ServiceError> {
    let window = query.window().map_err(ServiceError::Invalid)?;
    let rows = store::outcalls::page(&core.pool, &window).await?;
    Ok(readable_page(rows, &window, view_of))
}

async fn row(core: &Core, id: i64) -> Result<SqlOutcall, ServiceError> {
    let mut conn = core.pool.acquire().await?;
    store::outcalls::get(&mut conn, id)
        .await?
        .ok_or_else(|| not_found(id))
}

/// One outgoing call, or what its form needs to repair it when it does not read.
///
/// # Errors
/// `NotFound` when there is no such outgoing call.
pub async fn open(core: &Core, id: i64) -> Result<Opened<OutcallView, OutcallInput>, ServiceError> {
    let row = row(core, id).await?;
    let mut opened: Opened<_, OutcallInput> = repair::open(&row, view_of);
    if let Opened::Repair { input, .. } = &mut opened {
        // The trunks live in their own table and still read; the form
        // shows patterns without the `_` the store adds.
        input.trunks = row.trunk_ids();
        for exten in &mut input.extens {
            if let Some(typed) = exten.pattern.strip_prefix('_') {
                exten.pattern = typed.to_owned();
            }
        }
    }
    Ok(opened)
}

/// One outgoing call.
///
/// # Errors
/// `NotFound` when there is no such outgoing call; `Conflict` saying
/// what to repair when it does not read.
pub async fn get(core: &Core, id: i64) -> Result<OutcallView, ServiceError> {
    readable_or_repair(open(core, id).await?)
}

/// What the rules need: contexts, trunks, and the other outgoing calls.
///
/// Trunks and outgoing calls come from the published configuration, not
/// the database: reading and parsing every stored trunk for each save was
/// most of a REST create's time (91 ms with 10,000 trunks). The snapshot
/// holds the same rows in the same order (readable ones, trunks by name),
/// and every write publishes before it answers, so nothing saved before
/// is missing from it.
///
/// # Errors
/// When the database cannot be read.
pub async fn rules(core: &Core, editing: Option<i64>) -> Result<OutcallRules, ServiceError> {
    let (trunks, others) = {
        let config = core.config.borrow();
        let trunks = config
            .trunks
            .iter()
            .map(|t| (t.id, t.trunk.name.clone()))
            .collect();
        let others = config
            .outcalls
            .iter()
            .filter(|o| Some(o.id) != editing)
            .map(|o| o.value.clone())
            .collect();
        (trunks, others)
    };
    Ok(OutcallRules {
        contexts: store::contexts::list(&core.pool).await?,
        trunks,
        others,
    })
}

async fn validate(
    core: &Core,
    input: &OutcallInput,
    editing: Option<i64>,
) -> Result<(Outcall, Vec<String>), ServiceError> {
    let rules = rules(core, editing).await?;
    let outcall = input.validate(&rules).map_err(ServiceError::Invalid)?;
    let warnings = outcall::warnings(&outcall, &rules);
    Ok((outcall, warnings))
}

/// Creates an outgoing call and publishes the configuration.
///
/// # Errors
/// `Invalid` with every field error.
pub async fn create(core: &Core, input: &OutcallInput) -> Result<OutcallSaved, ServiceError> {
    let (outcall, warnings) = validate(core, input, None).await?;
    let settings = store::outcalls::settings(&outcall)?;
    let mut tx = db::write(&core.pool).await?;
    let id = store::outcalls::insert(&mut tx, &outcall, &settings, unix_now()).await?;
    let row = store::outcalls::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    tracing::info!(outcall = %outcall.name, id, "outgoing call created");
    config::publish(core, config::Change::Plan).await?;
    Ok(OutcallSaved {
        view: view(&row)?,
        warnings,
    })
}

/// Updates outgoing call `id`, opened at `version`.
///
/// # Errors
/// `NotFound`, `Conflict` when someone saved in between, `Invalid`.
pub async fn update(
    core: &Core,
    id: i64,
    version: i64,
    input: &OutcallInput,
) -> Result<OutcallSaved, ServiceError> {
    let current = row(core, id).await?;
    if current.version != version {
        return Err(ServiceError::Stale {
            current: Some(current.version),
        });
    }
    let (outcall, warnings) = validate(core, input, Some(id)).await?;
    let settings = store::outcalls::settings(&outcall)?;
    let mut tx = db::write(&core.pool).await?;
    if !store::outcalls::update(&mut tx, id, version, &outcall, &settings, unix_now()).await? {
        return Err(stale(&mut tx, "outcalls", "id", &id.to_string()).await);
    }
    let row = store::outcalls::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    tracing::info!(outcall = %outcall.name, id, "outgoing call updated");
    config::publish(core, config::Change::Plan).await?;
    Ok(OutcallSaved {
        view: view(&row)?,
        warnings,
    })
}

/// Deletes outgoing call `id`.
///
/// # Errors
/// `NotFound` when there is no such outgoing call.
pub async fn delete(core: &Core, id: i64) -> Result<(), ServiceError> {
    let mut tx = db::write(&core.pool).await?;
    if !store::outcalls::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    tracing::info!(id, "outgoing call deleted");
    config::publish(core, config::Change::Plan).await
}

#[cfg(test)]
mod tests;
