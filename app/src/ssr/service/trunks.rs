//! Trunk changes: create, update, delete, and the reads the screens need.

use super::repair::{self, readable, readable_or_repair, readable_page, Opened};
use super::{config, in_use, stale, ServiceError};
use crate::model::list::{ListPage, Paging};
use crate::model::repair::RepairKind;
use crate::model::trunk::{Trunk, TrunkInput, TrunkView, ValidationContext};
use crate::model::{ContextKind, FieldErrors};
use crate::ssr::db;
use crate::ssr::state::Core;
use crate::ssr::store::{self, trunks::SqlTrunk};
use crate::ssr::unix_now;

fn view_of(row: &SqlTrunk, trunk: Trunk) -> TrunkView {
    TrunkView {
        id: row.id,
        version: row.version,
        trunk,
        has_secret: !row.secret.is_empty(),
        has_reg_secret: !row.reg_secret.is_empty(),
    }
}

fn view(row: &SqlTrunk) -> Result<TrunkView, ServiceError> {
    Ok(view_of(row, row.trunk()?))
}

fn not_found(id: i64) -> ServiceError {
    ServiceError::NotFound(format!(
        "Trunk {id} does not exist (it may have been deleted)."
    ))
}

/// Every trunk that reads, by name (the others are on the repair list).
///
/// # Errors
/// When the database cannot be read.
pub async fn list(core: &Core) -> Result<Vec<TrunkView>, ServiceError> {
    Ok(readable(&store::trunks::list(&core.pool).await?, view_of))
}

/// One page of the trunks `query` asks for (its filter and page
/// are judged by the model, then filtered, counted and paged in SQL).
/// Shared by the console's list and `GET /api/v1/trunks`.
///
/// # Errors
/// `Invalid` naming the query field at fault; when the database cannot
/// be read.
pub async fn page(core: &Core, query: &impl Paging) -> Result<ListPage<TrunkView>, ServiceError> {
    let window = query.window().map_err(ServiceError::Invalid)?;
    let rows = store::trunks::page(&core.pool, &window).await?;
    Ok(readable_page(rows, &window, view_of))
}

/// The names of the trunks `ids`, for lists that show trunks by name
/// (from the running configuration: no query per row).
pub fn names(core: &Core, ids: impl IntoIterator<Item = i64>) -> Vec<(i64, String)> {
    let wanted: std::collections::HashSet<i64> = ids.into_iter().collect();
    core.config
        .borrow()
        .trunks
        .iter()
        .filter(|t| wanted.contains(&t.id))
        .map(|t| (t.id, t.trunk.name.clone()))
        .collect()
}

async fn row(core: &Core, id: i64) -> Result<SqlTrunk, ServiceError> {
    let mut conn = core.pool.acquire().await?;
    store::trunks::get(&mut conn, id)
        .await?
        .ok_or_else(|| not_found(id))
}

/// One trunk, or what its form needs to repair it when it does not read.
///
/// # Errors
/// `NotFound` when there is no such trunk.
pub async fn open(core: &Core, id: i64) -> Result<Opened<TrunkView, TrunkInput>, ServiceError> {
    let mut opened: Opened<_, TrunkInput> = repair::open(&row(core, id).await?, view_of);
    if let Opened::Repair { input, .. } = &mut opened {
        // A stored host is a static one; the form would otherwise drop it.
        if !input.host.is_empty() {
            "static".clone_into(&mut input.host_type);
        }
    }
    Ok(opened)
}

/// Whether trunk `id` has a stored password and register password, read
/// from the row itself (it may not read as a trunk).
///
/// # Errors
/// `NotFound` when there is no such trunk.
pub async fn stored_secrets(core: &Core, id: i64) -> Result<(bool, bool), ServiceError> {
    let row = row(core, id).await?;
    Ok((!row.secret.is_empty(), !row.reg_secret.is_empty()))
}

/// One trunk.
///
/// # Errors
/// `NotFound` when there is no such trunk; `Conflict` saying what to
/// repair when it does not read.
pub async fn get(core: &Core, id: i64) -> Result<TrunkView, ServiceError> {
    readable_or_repair(open(core, id).await?)
}

/// What the rules need from the database: the incoming-call contexts and
/// whether the trunk being edited has stored passwords.
///
/// # Errors
/// When the database cannot be read.
pub async fn validation_context(
    core: &Core,
    editing: Option<&SqlTrunk>,
) -> Result<ValidationContext, ServiceError> {
    let incall_contexts = store::contexts::list(&core.pool)
        .await?
        .into_iter()
        .filter(|c| c.kind == ContextKind::Incall)
        .map(|c| c.name)
        .collect();
    Ok(ValidationContext {
        incall_contexts,
        has_stored_secret: editing.is_some_and(|r| !r.secret.is_empty()),
        has_stored_reg_secret: editing.is_some_and(|r| !r.reg_secret.is_empty()),
    })
}

fn name_taken(name: &str) -> ServiceError {
    ServiceError::Invalid(FieldErrors::single(
        "name",
        format!("A trunk named \u{201c}{name}\u{201d} already exists; choose another name."),
    ))
}

/// Creates a trunk and publishes the new configuration.
///
/// # Errors
/// `Invalid` with every field error; `Internal` on database failure.
pub async fn create(core: &Core, input: &TrunkInput) -> Result<TrunkView, ServiceError> {
    let ctx = validation_context(core, None).await?;
    let (trunk, secrets) = input.validate(&ctx).map_err(ServiceError::Invalid)?;
    let settings = serde_json::to_string(&trunk)?;
    let mut tx = db::write(&core.pool).await?;
    if store::trunks::name_owner(&mut tx, &trunk.name, None)
        .await?
        .is_some()
    {
        return Err(name_taken(&trunk.name));
    }
    let id = store::trunks::insert(
        &mut tx,
        &trunk,
        &settings,
        secrets.secret.as_deref().unwrap_or(""),
        secrets.reg_secret.as_deref().unwrap_or(""),
        unix_now(),
    )
    .await?;
    let row = store::trunks::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    tracing::info!(trunk = %trunk.name, id, "trunk created");
    config::publish(core, config::Change::Trunk(id)).await?;
    view(&row)
}

/// Updates trunk `id`, which the administrator opened at `version`. A blank
/// password keeps the stored one.
///
/// # Errors
/// `NotFound`, `Conflict` when someone saved in between, `Invalid`.
pub async fn update(
    core: &Core,
    id: i64,
    version: i64,
    input: &TrunkInput,
) -> Result<TrunkView, ServiceError> {
    let current = row(core, id).await?;
    if current.version != version {
        return Err(ServiceError::Stale {
            current: Some(current.version),
        });
    }
    let ctx = validation_context(core, Some(&current)).await?;
    let (trunk, secrets) = input.validate(&ctx).map_err(ServiceError::Invalid)?;
    // The UPDATE checks the version again: this read was only for the rules.
    let mut tx = db::write(&core.pool).await?;
    if store::trunks::name_owner(&mut tx, &trunk.name, Some(id))
        .await?
        .is_some()
    {
        return Err(name_taken(&trunk.name));
    }
    let settings = serde_json::to_string(&trunk)?;
    let updated = store::trunks::update(
        &mut tx,
        id,
        version,
        &trunk,
        &settings,
        secrets.secret.as_deref(),
        secrets.reg_secret.as_deref(),
        unix_now(),
    )
    .await?;
    if updated.is_none() {
        return Err(stale(&mut tx, "trunks", "id", &id.to_string()).await);
    }
    let row = store::trunks::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    tracing::info!(trunk = %trunk.name, id, "trunk updated");
    config::publish(core, config::Change::Trunk(id)).await?;
    view(&row)
}

/// Deletes trunk `id` and publishes the configuration without it.
///
/// # Errors
/// `NotFound` when there is no such trunk; `Conflict` when outgoing
/// calls use it.
pub async fn delete(core: &Core, id: i64) -> Result<(), ServiceError> {
    // Named from the raw row: a trunk that needs repair can be deleted too.
    let current = row(core, id).await?;
    let name = repair::of_json(
        RepairKind::Trunk,
        (id.to_string(), 0),
        &current.settings,
        "",
    )
    .name;
    let mut tx = db::write(&core.pool).await?;
    let users: Vec<String> = store::outcalls::using_trunk(&mut tx, id)
        .await?
        .into_iter()
        .map(|name| format!("outgoing call \u{201c}{name}\u{201d}"))
        .collect();
    if !users.is_empty() {
        return Err(in_use(&format!("Trunk {name}"), &users));
    }
    if !store::trunks::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    tracing::info!(id, "trunk deleted");
    config::publish(core, config::Change::Trunk(id)).await
}

#[cfg(test)]
mod tests;
