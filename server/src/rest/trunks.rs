//! `/api/v1/trunks`: list, get, create, update, delete.

use super::ApiError;
use app::model::trunk::{TrunkInput, TrunkView};
use app::ssr::service::trunks;
use app::ssr::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;

pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<TrunkView>>, ApiError> {
    Ok(Json(trunks::list(&state.core).await?))
}

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<TrunkView>, ApiError> {
    Ok(Json(trunks::get(&state.core, id).await?))
}

pub async fn create(
    State(state): State<AppState>,
    body: Result<Json<TrunkInput>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Json(input) = body?;
    let view = trunks::create(&state.core, &input).await?;
    let location = format!("/api/v1/trunks/{}", view.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// An update names the version it was based on, so that two
/// administrators cannot silently overwrite each other.
#[derive(Deserialize)]
pub struct Update {
    version: Option<i64>,
    #[serde(flatten)]
    input: TrunkInput,
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: Result<Json<Update>, JsonRejection>,
) -> Result<Json<TrunkView>, ApiError> {
    let Json(update) = body?;
    let Some(version) = update.version else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("version"),
            "version is required: send the version you read, so a change made since is not overwritten.",
        ));
    };
    Ok(Json(
        trunks::update(&state.core, id, version, &update.input).await?,
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    trunks::delete(&state.core, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
