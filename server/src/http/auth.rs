//! Every page, server function and REST route needs an administrator,
//! except the login screen and what it needs to work. A change made with
//! the session cookie must also pass the CSRF guard (`guard`).

use super::guard;
use app::ssr::auth::{bearer_token, csrf_cookie, csrf_cookie_token, csrf_token, session_token};
use app::ssr::service::auth::{session_user, token_user};
use app::ssr::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
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

/// The public functions that change something: logging in and creating
/// the administrator (by server function, or by the login page's form
/// posted without the WASM). Another site must not log the browser in to
/// an account of its choosing (login CSRF), so they check the origin.
fn is_public_change(path: &str) -> bool {
    matches!(path, "/api/login" | "/api/create_admin" | "/login")
}

/// How a request proved who sent it.
enum Credential {
    /// The console's cookie, which the browser adds to any request, even
    /// one another site makes it send: changes need the CSRF guard.
    Session { who: String, token: String },
    /// A REST client's bearer token, which a browser never adds by itself.
    Bearer { who: String },
}

async fn credential(state: &AppState, headers: &HeaderMap, rest: bool) -> Option<Credential> {
    // A REST client that sends a bearer token is known by it alone.
    if rest {
        if let Some(token) = bearer_token(headers) {
            let label = token_user(&state.core, &token).await.ok().flatten()?;
            return Some(Credential::Bearer {
                who: format!("token {label}"),
            });
        }
    }
    let token = session_token(headers)?;
    let who = session_user(&state.core, &token).await.ok().flatten()?;
    Some(Credential::Session { who, token })
}

pub async fn require_login(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let changes = guard::changes_state(request.method());
    if is_public(&path) {
        if changes && is_public_change(&path) {
            if let Some(refusal) = guard::cross_site(&request) {
                return refusal;
            }
        }
        return next.run(request).await;
    }
    let rest = guard::is_rest(&path);
    match credential(&state, request.headers(), rest).await {
        Some(Credential::Bearer { who }) => {
            request.extensions_mut().insert(Caller(who));
            next.run(request).await
        }
        Some(Credential::Session { who, token }) => {
            if changes {
                let (checked, in_form) = guard::form_token(request).await;
                request = checked;
                let refusal = guard::cross_site(&request)
                    .or_else(|| guard::without_session_token(&request, &token, in_form.as_deref()));
                if let Some(refusal) = refusal {
                    return refusal;
                }
            }
            // A session opened before the CSRF cookie existed (or one whose
            // cookie was lost) gets it with the next page it loads.
            let hand_token = !changes
                && csrf_cookie_token(request.headers()).as_deref() != Some(&*csrf_token(&token));
            request.extensions_mut().insert(Caller(who));
            let mut response = next.run(request).await;
            if hand_token {
                if let Ok(cookie) = HeaderValue::from_str(&csrf_cookie(&token)) {
                    response.headers_mut().append(header::SET_COOKIE, cookie);
                }
            }
            response
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
