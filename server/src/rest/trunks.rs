//! `/api/v1/trunks`: list, get, create, update, delete.

use super::{created, reads_and_delete, versioned, ApiError, Key, Versioned};
use app::model::trunk::{TrunkInput, TrunkView};
use app::ssr::service::trunks;
use app::ssr::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::response::Response;
use axum::Json;

reads_and_delete!(trunks, TrunkView, id: i64 => id);

pub async fn create(
    State(state): State<AppState>,
    body: Result<Json<TrunkInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(input) = body?;
    let view = trunks::create(&state.core, &input).await?;
    Ok(created(&format!("trunks/{}", view.id), view))
}

pub async fn update(
    State(state): State<AppState>,
    Key(id): Key<i64>,
    body: Result<Json<Versioned<TrunkInput>>, JsonRejection>,
) -> Result<Json<TrunkView>, ApiError> {
    let (version, input) = versioned(body)?;
    Ok(Json(
        trunks::update(&state.core, id, version, &input).await?,
    ))
}
