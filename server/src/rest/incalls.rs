//! `/api/v1/incalls`: list, get, create, update, delete.

use super::{created, reads_and_delete, versioned, ApiError, Key, Versioned};
use app::model::incall::{IncallInput, IncallView};
use app::ssr::service::incalls;
use app::ssr::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::response::Response;
use axum::Json;

reads_and_delete!(incalls, IncallView, id: i64 => id);

pub async fn create(
    State(state): State<AppState>,
    body: Result<Json<IncallInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(input) = body?;
    let view = incalls::create(&state.core, &input).await?;
    Ok(created(&format!("incalls/{}", view.id), view))
}

pub async fn update(
    State(state): State<AppState>,
    Key(id): Key<i64>,
    body: Result<Json<Versioned<IncallInput>>, JsonRejection>,
) -> Result<Json<IncallView>, ApiError> {
    let (version, input) = versioned(body)?;
    Ok(Json(
        incalls::update(&state.core, id, version, &input).await?,
    ))
}
