//! `/api/v1/outcalls`: list, get, create, update, delete. Saving answers
//! the outgoing call with the warnings its patterns raise (shadowed,
//! catch-all, unreachable); they never block the save.

use super::{created, reads_and_delete, versioned, ApiError, Key, Versioned};
use app::model::outcall::{OutcallInput, OutcallSaved, OutcallView};
use app::ssr::service::outcalls;
use app::ssr::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Serialize;

reads_and_delete!(outcalls, OutcallView, id: i64 => id);

/// The outgoing call as `GET` shows it, plus `warnings` (often empty).
#[derive(Serialize)]
pub struct Saved {
    #[serde(flatten)]
    view: OutcallView,
    warnings: Vec<String>,
}

impl From<OutcallSaved> for Saved {
    fn from(saved: OutcallSaved) -> Self {
        Self {
            view: saved.view,
            warnings: saved.warnings,
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    body: Result<Json<OutcallInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(input) = body?;
    let saved = outcalls::create(&state.core, &input).await?;
    Ok(created(
        &format!("outcalls/{}", saved.view.id),
        Saved::from(saved),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    Key(id): Key<i64>,
    body: Result<Json<Versioned<OutcallInput>>, JsonRejection>,
) -> Result<Json<Saved>, ApiError> {
    let (version, input) = versioned(body)?;
    let saved = outcalls::update(&state.core, id, version, &input).await?;
    Ok(Json(saved.into()))
}
