//! `/api/v1/security`: the toll-fraud guard's settings, and the addresses
//! it slows down or blocks, whose block DELETE lifts.

use super::{versioned, ApiError, Key, Versioned};
use app::model::security::{SipSecurityInput, SipSecurityView, WatchedAddress};
use app::ssr::service::security;
use app::ssr::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

pub async fn get(State(state): State<AppState>) -> Result<Json<SipSecurityView>, ApiError> {
    Ok(Json(security::get(&state.core).await?))
}

pub async fn update(
    State(state): State<AppState>,
    body: Result<Json<Versioned<SipSecurityInput>>, JsonRejection>,
) -> Result<Json<SipSecurityView>, ApiError> {
    let (version, input) = versioned(body)?;
    Ok(Json(security::update(&state.core, version, &input).await?))
}

pub async fn addresses(State(state): State<AppState>) -> Json<Vec<WatchedAddress>> {
    Json(security::watched(&state.engine))
}

pub async fn lift(
    State(state): State<AppState>,
    Key(address): Key<String>,
) -> Result<StatusCode, ApiError> {
    security::lift_block(&state.engine, &address)?;
    Ok(StatusCode::NO_CONTENT)
}
