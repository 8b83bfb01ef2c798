//! The Overview screen: the figures of `model::overview`, each read from
//! what owns it (the engine's registry, lines and calls, the call log,
//! SIP security). Reads only.

use super::{security, ServiceError};
use crate::model::overview::{day_start, registration_failed, unreachable, Overview, LATEST};
use crate::model::registry::PeerStatus;
use crate::ssr::state::AppState;
use crate::ssr::store;
use std::collections::HashSet;

/// The PBX at a glance, at `now` (Unix seconds).
///
/// # Errors
/// When the database cannot be read.
pub async fn overview(state: &AppState, now: i64) -> Result<Overview, ServiceError> {
    let (trunks, users) = {
        let config = state.core.config.borrow();
        (config.trunks.len(), config.users.clone())
    };
    let registry = state.engine.registry_rows();
    let registering = registry.iter().filter(|r| r.registers);
    let monitored = registry
        .iter()
        .filter(|r| r.qualify != PeerStatus::Unmonitored);
    // A line counts as registered when one of its phones is.
    let bound: HashSet<String> = state
        .engine
        .lines
        .borrow()
        .iter()
        .filter(|b| b.remaining(now) > 0)
        .map(|b| b.line_username.to_ascii_lowercase())
        .collect();
    let lines_registered = users
        .iter()
        .filter(|u| bound.contains(&u.user.line_username.to_ascii_lowercase()))
        .count();
    let calls_today = store::call_log::count_since(&state.core.pool, day_start(now)).await?;
    let unmatched = store::call_log::latest_unmatched(&state.core.pool, LATEST as i64).await?;
    let blocked: Vec<_> = security::watched(&state.engine)
        .into_iter()
        .filter(|w| w.blocked_until.is_some_and(|until| until > now))
        .collect();
    Ok(Overview {
        trunks: trunks as u64,
        registering: registering.clone().count() as u64,
        registered: registering
            .clone()
            .filter(|r| r.state == crate::model::registry::RegistrationState::Registered)
            .count() as u64,
        failing: registering.filter(|r| registration_failed(r.state)).count() as u64,
        monitored: monitored.clone().count() as u64,
        unreachable: monitored.filter(|r| unreachable(r.qualify)).count() as u64,
        lines: users.len() as u64,
        lines_registered: lines_registered as u64,
        calls_now: state.engine.live_calls().await.len() as u64,
        calls_today: u64::try_from(calls_today).unwrap_or(0),
        unmatched,
        blocked: blocked.len() as u64,
        blocked_addresses: blocked.into_iter().take(LATEST).collect(),
    })
}
