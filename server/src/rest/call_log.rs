//! `/api/v1/calls`: the call log (searched and paged in SQL) and the
//! calls in progress, which DELETE hangs up.

use super::{ApiError, Key};
use app::model::call_log::{CallLogPage, CallLogQuery};
use app::model::calls::{LiveCall, UnmatchedCalls};
use app::ssr::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// `?search=&before=&limit=`: one page, newest first; `older` is the
/// `before` of the next page.
pub async fn log(
    State(state): State<AppState>,
    query: Result<Query<CallLogQuery>, QueryRejection>,
) -> Result<Json<CallLogPage>, ApiError> {
    let Query(query) = query?;
    Ok(Json(
        app::ssr::service::calls::log(&state.core, &query).await?,
    ))
}

pub async fn live(State(state): State<AppState>) -> Json<Rows> {
    Json(Rows(state.engine.live_calls().await))
}

/// The calls in progress as the engine shares them, written out as they are: copying every
/// row to answer (a thousand calls with their audio figures) doubled what an answer touched.
pub struct Rows(Arc<Vec<LiveCall>>);

impl Serialize for Rows {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// Hangs up a call in progress.
pub async fn hang_up(
    State(state): State<AppState>,
    Key(id): Key<u64>,
) -> Result<StatusCode, ApiError> {
    app::ssr::service::calls::hang_up(&state.engine, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The latest unmatched calls (`calls`) and how many older ones were deleted (`not_kept`).
pub async fn unmatched(State(state): State<AppState>) -> Result<Json<UnmatchedCalls>, ApiError> {
    Ok(Json(
        app::ssr::service::calls::unmatched(&state.core).await?,
    ))
}
