//! `/api/v1/needs_repair`: the stored rows the model cannot read. They are
//! left out of the lists and of what the engine runs on until they are
//! saved again (`PUT` on the row, with the version given here). A list
//! that leaves some out says so in `X-Needs-Repair` (how many) and a
//! `Link` to this route, so a client that only reads lists still learns it.

use app::model::repair::{Repair, RepairKind};
use app::ssr::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;

pub async fn list(State(state): State<AppState>) -> Json<Vec<Repair>> {
    Json(app::ssr::service::config::repairs(&state.core))
}

/// The kind of row a collection path lists (the path is relative to `/api/v1`).
fn kind_of(path: &str) -> Option<RepairKind> {
    match path.trim_end_matches('/') {
        "/trunks" => Some(RepairKind::Trunk),
        "/users" => Some(RepairKind::User),
        "/contexts" => Some(RepairKind::Context),
        "/outcalls" => Some(RepairKind::Outcall),
        "/incalls" => Some(RepairKind::Incall),
        _ => None,
    }
}

/// Marks a list answered without some of its rows.
pub async fn mark_lists(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let kind = (request.method() == Method::GET)
        .then(|| kind_of(request.uri().path()))
        .flatten();
    let mut response = next.run(request).await;
    let Some(kind) = kind else {
        return response;
    };
    let left_out = app::ssr::service::config::repairs_of(&state.core, kind).len();
    if left_out > 0 && response.status().is_success() {
        let headers = response.headers_mut();
        headers.insert("x-needs-repair", HeaderValue::from(left_out));
        headers.insert(
            header::LINK,
            HeaderValue::from_static("</api/v1/needs_repair>; rel=\"needs-repair\""),
        );
    }
    response
}
