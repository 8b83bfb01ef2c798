//! Outgoing-call changes. Saving returns the pattern warnings (shadowed,
//! `.` for `!`, catch-all, unreachable); they never block the save.

use super::{config, ServiceError, CHANGED_ELSEWHERE};
use crate::model::outcall::{self, Outcall, OutcallInput, OutcallRules, OutcallSaved, OutcallView};
use crate::ssr::db;
use crate::ssr::state::Core;
use crate::ssr::store::{self, outcalls::SqlOutcall};
use crate::ssr::unix_now;

fn view(row: &SqlOutcall) -> Result<OutcallView, ServiceError> {
    Ok(OutcallView {
        id: row.id,
        version: row.version,
        outcall: row.outcall()?,
    })
}

fn not_found(id: i64) -> ServiceError {
    ServiceError::NotFound(format!(
        "Outgoing call {id} does not exist (it may have been deleted)."
    ))
}

/// Every outgoing call, by context and name.
///
/// # Errors
/// When the database cannot be read.
pub async fn list(core: &Core) -> Result<Vec<OutcallView>, ServiceError> {
    store::outcalls::list(&core.pool)
        .await?
        .iter()
        .map(view)
        .collect()
}

/// One outgoing call.
///
/// # Errors
/// `NotFound` when there is no such outgoing call.
pub async fn get(core: &Core, id: i64) -> Result<OutcallView, ServiceError> {
    let mut conn = core.pool.acquire().await?;
    let row = store::outcalls::get(&mut conn, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    view(&row)
}

/// What the rules need: contexts, trunks, and the other outgoing calls.
///
/// # Errors
/// When the database cannot be read.
pub async fn rules(core: &Core, editing: Option<i64>) -> Result<OutcallRules, ServiceError> {
    let mut trunks = Vec::new();
    for row in store::trunks::list(&core.pool).await? {
        trunks.push((row.id, row.trunk()?.name));
    }
    let others = list(core)
        .await?
        .into_iter()
        .filter(|v| Some(v.id) != editing)
        .map(|v| v.outcall)
        .collect();
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
    config::publish(core).await?;
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
    let current = get(core, id).await?;
    if current.version != version {
        return Err(ServiceError::Conflict(CHANGED_ELSEWHERE.into()));
    }
    let (outcall, warnings) = validate(core, input, Some(id)).await?;
    let settings = store::outcalls::settings(&outcall)?;
    let mut tx = db::write(&core.pool).await?;
    if !store::outcalls::update(&mut tx, id, version, &outcall, &settings, unix_now()).await? {
        return Err(ServiceError::Conflict(CHANGED_ELSEWHERE.into()));
    }
    let row = store::outcalls::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    tracing::info!(outcall = %outcall.name, id, "outgoing call updated");
    config::publish(core).await?;
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
    config::publish(core).await
}

#[cfg(test)]
mod tests;
