//! The HTTP side of forms posted without the WASM (`app::ssr::posted`
//! decides what each post does): every page with a form also takes a
//! `POST` of it, form-encoded. A save that goes through answers
//! 303 See Other to where the screen goes next; a refused one answers
//! the same page, rendered on what was typed, with 422. The session, the
//! origin and the CSRF token (the hidden `csrf_token` field) are checked
//! in front, by `auth::require_login` and `guard`.

use super::guard::{is_form_encoded, refuse, BODY_LIMIT};
use app::components::posted::PageForms;
use app::ssr::posted::{answer, Post, Refusal, Reply};
use app::ssr::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The pages whose forms post to themselves.
const PAGES: &[&str] = &[
    "/login",
    "/ipbx/trunks",
    "/ipbx/trunks/new",
    "/ipbx/trunks/edit/{id}",
    "/ipbx/users",
    "/ipbx/users/new",
    "/ipbx/users/edit/{id}",
    "/ipbx/contexts",
    "/ipbx/contexts/new",
    "/ipbx/contexts/edit/{name}",
    "/ipbx/outcalls",
    "/ipbx/outcalls/new",
    "/ipbx/outcalls/edit/{id}",
    "/ipbx/incalls",
    "/ipbx/incalls/new",
    "/ipbx/incalls/edit/{id}",
    "/ipbx/security",
    "/ipbx/nat",
];

/// Adds the `POST` of every page with a form (the pages' `GET` is
/// Leptos' route list, already on `router`).
pub fn routes(router: Router<AppState>) -> Router<AppState> {
    PAGES
        .iter()
        .fold(router, |router, path| router.route(path, post(posted)))
}

async fn posted(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    if !is_form_encoded(request.headers()) {
        return refuse(
            &path,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("{path} takes a form (application/x-www-form-urlencoded)."),
        );
    }
    let from = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let (mut parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return refuse(
            &path,
            StatusCode::BAD_REQUEST,
            "The form could not be read.",
        );
    };
    let post = Post {
        path: &path,
        query: query.as_deref(),
        body: &body,
        from,
    };
    match answer(&state, post).await {
        Ok(Reply::Redirect { to, cookies }) => {
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
            for cookie in cookies {
                if let Ok(value) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        Ok(Reply::Again(resubmitted)) => {
            let refused = !resubmitted.errors.is_empty()
                || matches!(
                    resubmitted.banner,
                    Some(app::components::form::Banner::Error(_))
                );
            // The page is rendered as its GET would be, on what was posted.
            parts.method = Method::GET;
            let request = Request::from_parts(parts, Body::empty());
            let forms = PageForms {
                csrf: super::page_csrf(request.headers()),
                resubmitted: Some(resubmitted),
            };
            let mut response = super::render(state, request, forms).await;
            if refused {
                *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            response
        }
        Err(refusal @ Refusal::NoForm) => {
            refuse(&path, StatusCode::METHOD_NOT_ALLOWED, refusal.to_string())
        }
        Err(refusal @ Refusal::Fields(_)) => {
            refuse(&path, StatusCode::BAD_REQUEST, refusal.to_string())
        }
    }
}
