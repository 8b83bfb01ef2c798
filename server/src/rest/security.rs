//! `/api/v1/security`: the toll-fraud guard's settings (GET, PUT with
//! every field, PATCH), and the addresses it slows down or blocks, whose
//! block DELETE lifts.

use super::body::{self, Body};
use super::{ApiError, Key};
use app::model::security::{SipSecurityInput, SipSecurityView, WatchedAddress};
use app::ssr::service::security;
use app::ssr::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::Value;

impl Body for SipSecurityInput {
    const ONE: &'static str = "the SIP security settings";
    const READ_ONLY: &'static [&'static str] = &[];
    /// fail2ban's names, which FreePBX's Intrusion Detection shows.
    const ALIASES: &'static [(&'static str, &'static str)] = &[
        ("maxretry", "max_retry"),
        ("findtime", "find_time"),
        ("bantime", "ban_time"),
    ];
}

fn show(view: &SipSecurityView) -> Value {
    serde_json::to_value(view).unwrap_or_default()
}

pub async fn get(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(show(&security::get(&state.core).await?)))
}

pub async fn update(
    State(state): State<AppState>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let (version, input) = body::replace::<SipSecurityInput>(body)?;
    Ok(Json(show(
        &security::update(&state.core, version, &input).await?,
    )))
}

pub async fn patch(
    State(state): State<AppState>,
    headers: HeaderMap,
    patch: Bytes,
) -> Result<Json<Value>, ApiError> {
    let current = show(&security::get(&state.core).await?);
    let (version, input) = body::patched::<SipSecurityInput>(current, &headers, &patch)?;
    Ok(Json(show(
        &security::update(&state.core, version, &input).await?,
    )))
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
