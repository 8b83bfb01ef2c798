//! Context changes. A context's name and type are fixed once created;
//! a context something refers to cannot be deleted.

use super::repair::of_json;
use super::{config, in_use, stale, ServiceError};
use crate::model::context::{ContextInput, ContextRules, ContextView};
use crate::model::repair::RepairKind;
use crate::ssr::db;
use crate::ssr::state::Core;
use crate::ssr::store;

fn not_found(name: &str) -> ServiceError {
    ServiceError::NotFound(format!(
        "Context \u{201c}{name}\u{201d} does not exist (it may have been deleted)."
    ))
}

/// Every context, by name.
///
/// # Errors
/// When the database cannot be read.
pub async fn list(core: &Core) -> Result<Vec<ContextView>, ServiceError> {
    Ok(store::contexts::list_views(&core.pool).await?)
}

/// One context.
///
/// # Errors
/// `NotFound` when there is no such context.
pub async fn get(core: &Core, name: &str) -> Result<ContextView, ServiceError> {
    let mut conn = core.pool.acquire().await?;
    match store::contexts::get(&mut conn, name).await {
        Err(store::contexts::ReadError::Json(error)) => {
            let repair = of_json(
                RepairKind::Context,
                (name.to_owned(), 0),
                "",
                &error.to_string(),
            );
            Err(ServiceError::Conflict(repair.sentence()))
        }
        read => read?.ok_or_else(|| not_found(name)),
    }
}

async fn rules(core: &Core, editing: Option<&str>) -> Result<ContextRules, ServiceError> {
    Ok(ContextRules {
        existing: store::contexts::list(&core.pool).await?,
        editing: editing.map(str::to_owned),
    })
}

/// Creates a context and publishes the configuration.
///
/// # Errors
/// `Invalid` with every field error.
pub async fn create(core: &Core, input: &ContextInput) -> Result<ContextView, ServiceError> {
    let context = input
        .validate(&rules(core, None).await?)
        .map_err(ServiceError::Invalid)?;
    let mut tx = db::write(&core.pool).await?;
    store::contexts::insert(&mut tx, &context).await?;
    let view = store::contexts::get(&mut tx, &context.name)
        .await?
        .ok_or_else(|| not_found(&context.name))?;
    tx.commit().await?;
    tracing::info!(context = %context.name, "context created");
    config::publish(core, config::Change::Plan).await?;
    Ok(view)
}

/// Updates context `name`, opened at `version`.
///
/// # Errors
/// `NotFound`, `Conflict` when someone saved in between, `Invalid`.
pub async fn update(
    core: &Core,
    name: &str,
    version: i64,
    input: &ContextInput,
) -> Result<ContextView, ServiceError> {
    // The version alone: a context that needs repair is updated like any other.
    let current = {
        let mut conn = core.pool.acquire().await?;
        store::version_of(&mut conn, "contexts", "name", name)
            .await?
            .ok_or_else(|| not_found(name))?
    };
    if current != version {
        return Err(ServiceError::Stale {
            current: Some(current),
        });
    }
    let context = input
        .validate(&rules(core, Some(name)).await?)
        .map_err(ServiceError::Invalid)?;
    let mut tx = db::write(&core.pool).await?;
    if !store::contexts::update(&mut tx, &context, version).await? {
        return Err(stale(&mut tx, "contexts", "name", name).await);
    }
    let view = store::contexts::get(&mut tx, name)
        .await?
        .ok_or_else(|| not_found(name))?;
    tx.commit().await?;
    tracing::info!(context = %name, "context updated");
    config::publish(core, config::Change::Plan).await?;
    Ok(view)
}

/// Deletes context `name` unless something refers to it.
///
/// # Errors
/// `NotFound`; `Conflict` naming who uses it.
pub async fn delete(core: &Core, name: &str) -> Result<(), ServiceError> {
    // Read before the transaction: the in-memory test database has one
    // connection, which the transaction holds.
    let includers: Vec<String> = store::contexts::list(&core.pool)
        .await?
        .into_iter()
        .filter(|c| c.includes.iter().any(|i| i == name))
        .map(|c| format!("context {} (includes it)", c.name))
        .collect();
    let mut tx = db::write(&core.pool).await?;
    let mut users = store::contexts::users_of(&mut tx, name).await?;
    users.extend(includers);
    if !users.is_empty() {
        return Err(in_use(&format!("Context \u{201c}{name}\u{201d}"), &users));
    }
    if !store::contexts::delete(&mut tx, name).await? {
        return Err(not_found(name));
    }
    tx.commit().await?;
    tracing::info!(context = %name, "context deleted");
    config::publish(core, config::Change::Plan).await
}

#[cfg(test)]
mod tests;
