//! Every page, server function and REST route needs an administrator,
//! except the login screen and what it needs to work.

use app::ssr::auth::{bearer_token, session_token};
use app::ssr::service::auth::{session_user, token_user};
use app::ssr::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// Who made a request, for handlers that want to log it.
#[derive(Clone, Debug)]
pub struct Caller(pub String);

/// Paths served without a session: the login screen, its server
/// functions, and the static files the browser needs to draw it.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login" | "/favicon.svg" | "/api/login" | "/api/create_admin" | "/api/admin_exists"
    ) || path.starts_with("/pkg/")
}

pub async fn require_login(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if is_public(&path) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let mut caller = None;
    if let Some(token) = session_token(headers) {
        caller = session_user(&state.core, &token).await.ok().flatten();
    }
    let rest = path == "/api/v1" || path.starts_with("/api/v1/");
    if caller.is_none() && rest {
        if let Some(token) = bearer_token(headers) {
            caller = token_user(&state.core, &token)
                .await
                .ok()
                .flatten()
                .map(|label| format!("token {label}"));
        }
    }
    match caller {
        Some(who) => {
            request.extensions_mut().insert(Caller(who));
            next.run(request).await
        }
        None if rest => crate::rest::ApiError::unauthorized().into_response(),
        None if path.starts_with("/api/") => (
            StatusCode::UNAUTHORIZED,
            "Your session has ended: log in again.",
        )
            .into_response(),
        None => Redirect::to("/login").into_response(),
    }
}
