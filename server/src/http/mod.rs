//! The HTTP side: the console (Leptos pages and server functions), the
//! REST API, the login requirement and the CSRF guard in front of both,
//! the security headers on every answer, and compression and caching.

pub mod auth;
pub mod caching;
pub mod forms;
pub mod guard;
pub mod headers;
pub mod listener;

use app::components::posted::PageForms;
use app::ssr::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};

/// The whole HTTP application; tests call it with `oneshot`.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    // Layers run outermost last: compression and Cache-Control, headers
    // on every answer (refusals too), then the body bound, then login and
    // CSRF.
    let router = Router::new()
        .route("/api/{*fn_name}", post(server_fn).get(server_fn))
        .nest(
            "/api/v1",
            crate::rest::router().layer(axum::middleware::from_fn_with_state(
                state.clone(),
                crate::rest::mark_lists,
            )),
        )
        .leptos_routes_with_handler(routes, get(page));
    forms::routes(router)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(headers::provide_page_policy, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_login,
        ))
        .layer(axum::middleware::from_fn(guard::limit_body))
        .layer(DefaultBodyLimit::max(guard::BODY_LIMIT))
        .layer(axum::middleware::from_fn(headers::add))
        .layer(axum::middleware::from_fn(caching::cache_control))
        .layer(caching::compression())
        .with_state(state)
}

async fn server_fn(State(state): State<AppState>, request: Request<Body>) -> Response {
    if let Some(refusal) = guard::unexpected_content_type(&request) {
        return refusal;
    }
    let response =
        handle_server_fns_with_context(move || provide_context(state.clone()), request).await;
    guard::bad_arguments_are_400(response.into_response()).await
}

async fn page(State(state): State<AppState>, request: Request<Body>) -> Response {
    let forms = PageForms {
        csrf: page_csrf(request.headers()),
        resubmitted: None,
    };
    render(state, request, forms).await
}

/// Renders the page `request` asks for; `forms` is what its forms open
/// with (the CSRF token, a refused post). Streamed in order: each screen
/// arrives whole, its data in place, so a browser without JavaScript (or
/// before the WASM) shows every form and list, not the "Loading…" that
/// out-of-order streaming replaces by script.
async fn render(state: AppState, request: Request<Body>, forms: PageForms) -> Response {
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_to_stream_in_order_with_context(
        move || {
            provide_context(state.clone());
            provide_context(forms.clone());
            headers::provide_page_policy();
        },
        move || shell(options.clone()),
    );
    handler(request).await.into_response()
}

/// The CSRF token the page's forms carry: the session's, if the request
/// has one (a stale one is refused at the post, as any other).
fn page_csrf(headers: &HeaderMap) -> Option<String> {
    app::ssr::auth::session_token(headers).map(|token| app::ssr::auth::csrf_token(&token))
}
