//! `/api/v1/registry`: the trunks' registration and monitoring status, as
//! JSON, as a server-sent event stream, and as the Asterisk CLI's text;
//! and the "Re-register now" / "Send OPTIONS now" actions.

use super::ApiError;
use crate::show::{show_peers, show_registry, show_stats, PeerRow, RegistryRow};
use app::model::lines::{LineBinding, LineStatus};
use app::model::list::ApiListQuery;
use app::model::registry::PeerStatus;
use app::model::registry::{PageFollow, RegistryAction, RegistryDelta, RegistryEntry};
use app::model::trunk::Nat;
use app::model::user::User;
use app::ssr::board::Board;
use app::ssr::service::status;
use app::ssr::state::{sorted_rows, AppState};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, Stream};
use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Arc;

/// Every row by trunk name, or with `?q=&limit=&offset=` one page of them (the total in
/// `X-Total-Count`), as the other lists page.
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<ApiListQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    let page = status::registry_page(&state, &query)?;
    Ok(super::listed(&page, |row| {
        serde_json::to_value(row).unwrap_or_default()
    }))
}

/// Sends every row at once (`event: registry`), then after each change
/// only the rows that changed (`event: registry-delta`): with thousands of
/// trunks refreshing, the whole table per change would cost the server a
/// core and the browser its bandwidth. A follower that fell too far behind
/// gets every row again. With `?q=&limit=&offset=` the stream follows the
/// rows of that page (the console's page of 50), and a trunk that appears
/// within it (`PageFollow`).
pub async fn stream(
    State(state): State<AppState>,
    query: Result<Query<ApiListQuery>, QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let Query(query) = query?;
    let follow = if query == ApiListQuery::default() {
        None
    } else {
        Some(status::registry_follow(&state, &query)?)
    };
    let start = (state.engine.registry.clone(), None::<u64>, follow);
    let events = stream::unfold(start, |(mut rx, seen, mut follow)| async move {
        loop {
            if seen.is_some() {
                rx.changed().await.ok()?;
            }
            let (next, seq) = {
                let board = rx.borrow_and_update();
                let next = match seen.map(|seq| board.changed_since(seq)) {
                    Some(Some(ids)) => delta(&board, ids, &mut follow).map(Next::Delta),
                    Some(None) | None => Some(Next::All(
                        board
                            .rows()
                            .filter(|r| admits(&mut follow, r))
                            .cloned()
                            .collect(),
                    )),
                };
                (next, board.seq())
            };
            let event = match next {
                None => continue,
                Some(Next::Delta(delta)) => {
                    Event::default().event("registry-delta").json_data(&delta)
                }
                Some(Next::All(rows)) => Event::default()
                    .event("registry")
                    .json_data(sorted_rows(&rows)),
            };
            let event = event.unwrap_or_else(|_| Event::default().comment("unserialisable"));
            return Some((Ok(event), (rx, Some(seq), follow)));
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// What one event of the stream carries.
enum Next {
    All(Vec<Arc<RegistryEntry>>),
    Delta(RegistryDelta),
}

/// Whether `row` is one the stream follows (every row without a page).
fn admits(follow: &mut Option<PageFollow>, row: &RegistryEntry) -> bool {
    follow.as_mut().is_none_or(|f| f.admits(row))
}

/// The rows `ids` that changed, as the stream's follower sees them: those on its page, and
/// those gone from it; `None` when none concerns it.
fn delta(
    board: &Board<RegistryEntry>,
    ids: BTreeSet<i64>,
    follow: &mut Option<PageFollow>,
) -> Option<RegistryDelta> {
    let mut delta = RegistryDelta::default();
    for id in ids {
        match board.get(id) {
            Some(row) if admits(follow, row) => delta.rows.push(RegistryEntry::clone(row)),
            Some(_) => {}
            None if follow.as_ref().is_none_or(|f| f.follows(id)) => delta.removed.push(id),
            None => {}
        }
    }
    (!delta.rows.is_empty() || !delta.removed.is_empty()).then_some(delta)
}

pub async fn register_now(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    act(&state, id, RegistryAction::Reregister)
}

pub async fn qualify_now(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    act(&state, id, RegistryAction::Qualify)
}

fn act(state: &AppState, id: i64, action: RegistryAction) -> Result<StatusCode, ApiError> {
    status::registry_act(state, id, action)?;
    Ok(StatusCode::ACCEPTED)
}

/// `sip show registry`, character for character as Asterisk prints it.
pub async fn show_registry_text(State(state): State<AppState>) -> impl IntoResponse {
    let registry = state.engine.registry_rows();
    let rows: Vec<RegistryRow> = registry
        .iter()
        .filter(|e| e.registers)
        .map(|e| RegistryRow {
            host: e.host.clone(),
            dnsmgr: false,
            username: e.username.clone(),
            refresh: i64::try_from(e.refresh).unwrap_or(i64::MAX),
            state: e.state,
            reg_time: e.reg_time,
        })
        .collect();
    // Asterisk's table stays byte-exact; the NAT self-check comes after it.
    let mut text = show_registry(&rows);
    for warning in registry.iter().filter_map(|e| e.nat_warning.as_deref()) {
        text.push_str(warning);
        text.push('\n');
    }
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text)
}

/// `sip show stats`: the SIP engine's counters since it started.
pub async fn show_stats_text(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        show_stats(&(state.engine.stats)()),
    )
}

/// `sip show peers`: every trunk with its qualify status, and every
/// user's line with where it is registered, sorted by name as chan_sip
/// sorts them.
pub async fn show_peers_text(State(state): State<AppState>) -> impl IntoResponse {
    let registry = state.engine.registry.borrow().clone();
    let config = state.core.config.borrow().clone();
    let bindings = state.engine.lines.borrow().clone();
    let mut rows: Vec<PeerRow> = config
        .trunks
        .iter()
        .map(|t| {
            let trunk = &t.trunk;
            let name = if trunk.auth_username.is_empty() || trunk.auth_username == trunk.name {
                trunk.name.clone()
            } else {
                format!("{}/{}", trunk.name, trunk.auth_username)
            };
            let status = registry
                .get(t.id)
                .map_or(PeerStatus::Unmonitored, |e| e.qualify);
            PeerRow {
                name,
                host: trunk.host.clone().unwrap_or_else(|| "(Unspecified)".into()),
                dynamic: trunk.host.is_none(),
                forcerport: yes_no(matches!(trunk.nat, Nat::ForceRport | Nat::Both)),
                comedia: yes_no(matches!(trunk.nat, Nat::Comedia | Nat::Both)),
                acl: false,
                port: if trunk.host.is_some() { trunk.port } else { 0 },
                status,
                description: String::new(),
            }
        })
        .collect();
    rows.extend(config.users.iter().map(|u| line_row(&u.user, &bindings)));
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        show_peers(&rows),
    )
}

/// A user's line as chan_sip shows a `host=dynamic` peer: the address of
/// its first registered contact, or `(Unspecified)` and port 0 when none.
fn line_row(user: &User, bindings: &[LineBinding]) -> PeerRow {
    let source = bindings
        .iter()
        .filter(|b| b.line_username.eq_ignore_ascii_case(&user.line_username))
        .map(|b| b.source)
        .next();
    PeerRow {
        name: user.line_username.clone(),
        host: source.map_or_else(|| "(Unspecified)".into(), |s| s.ip().to_string()),
        dynamic: true,
        forcerport: yes_no(true),
        comedia: yes_no(false),
        acl: false,
        port: source.map_or(0, |s| s.port()),
        status: PeerStatus::Unmonitored,
        description: user.full_name(),
    }
}

/// Where the users' lines are registered, with whose line each is.
pub async fn lines(State(state): State<AppState>) -> Json<Vec<LineStatus>> {
    Json(status::lines(&state))
}

fn yes_no(on: bool) -> String {
    if on { "Yes" } else { "No" }.into()
}
