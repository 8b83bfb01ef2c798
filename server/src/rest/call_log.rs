//! `/api/v1/calls`: the call log (searchable) and the calls in progress.

use super::ApiError;
use app::model::calls::{CallLogEntry, LiveCall, UnmatchedCall};
use app::ssr::state::AppState;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Search {
    search: String,
}

pub async fn log(
    State(state): State<AppState>,
    Query(query): Query<Search>,
) -> Result<Json<Vec<CallLogEntry>>, ApiError> {
    Ok(Json(
        app::ssr::service::calls::log(&state.core, &query.search).await?,
    ))
}

pub async fn live(State(state): State<AppState>) -> Json<Vec<LiveCall>> {
    Json(state.engine.live_calls.borrow().as_ref().clone())
}

pub async fn unmatched(
    State(state): State<AppState>,
) -> Result<Json<Vec<UnmatchedCall>>, ApiError> {
    Ok(Json(
        app::ssr::service::calls::unmatched(&state.core).await?,
    ))
}
