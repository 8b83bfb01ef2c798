//! `/api/v1/contexts`: list, get, create, update, delete. A context is
//! named by its name, which cannot change; one that something refers to
//! cannot be deleted (409 naming who uses it).

use super::{created, reads_and_delete, versioned, ApiError, Key, Versioned};
use app::model::context::{ContextInput, ContextView};
use app::ssr::service::contexts;
use app::ssr::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::response::Response;
use axum::Json;

reads_and_delete!(contexts, ContextView, name: String => &name);

pub async fn create(
    State(state): State<AppState>,
    body: Result<Json<ContextInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(input) = body?;
    let view = contexts::create(&state.core, &input).await?;
    Ok(created(&format!("contexts/{}", view.context.name), view))
}

/// The body may leave out `name`: the path gives it.
pub async fn update(
    State(state): State<AppState>,
    Key(name): Key<String>,
    body: Result<Json<Versioned<ContextInput>>, JsonRejection>,
) -> Result<Json<ContextView>, ApiError> {
    let (version, mut input) = versioned(body)?;
    if input.name.trim().is_empty() {
        input.name.clone_from(&name);
    }
    Ok(Json(
        contexts::update(&state.core, &name, version, &input).await?,
    ))
}
