//! REST API `/api/v1`: JSON in and out, errors as
//! `{ "error": { "field": ..., "message": ... } }` with a fitting status.
//! Handlers call the same services as the console's server functions.
//! Each resource has one JSON shape, its form's fields, which GET shows
//! and POST, PUT and PATCH take ([`body`]).

mod body;
mod call_log;
mod contexts;
mod incalls;
mod nat;
pub mod openapi;
mod outcalls;
mod registry;
mod repairs;
mod route;
mod security;
mod trunks;
mod users;

use app::model::list::ListPage;
use app::model::FieldErrors;
use app::ssr::service::ServiceError;
use app::ssr::state::AppState;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::FromRequestParts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/registry", get(registry::list))
        .route("/registry/stream", get(registry::stream))
        .route("/registry/{id}/register", post(registry::register_now))
        .route("/registry/{id}/qualify", post(registry::qualify_now))
        .route("/cli/sip/show/registry", get(registry::show_registry_text))
        .route("/cli/sip/show/peers", get(registry::show_peers_text))
        .route("/cli/sip/show/stats", get(registry::show_stats_text))
        .route("/lines", get(registry::lines))
        .route("/calls", get(call_log::log))
        .route("/calls/live", get(call_log::live))
        .route("/calls/live/{id}", delete(call_log::hang_up))
        .route(
            "/security",
            get(security::get)
                .put(security::update)
                .patch(security::patch),
        )
        .route("/security/addresses", get(security::addresses))
        .route("/security/addresses/{address}", delete(security::lift))
        .route("/nat", get(nat::get).put(nat::update).patch(nat::patch))
        .route("/calls/unmatched", get(call_log::unmatched))
        .route("/trunks", get(trunks::list).post(trunks::create))
        .route(
            "/trunks/{id}",
            get(trunks::get)
                .put(trunks::update)
                .patch(trunks::patch)
                .delete(trunks::delete),
        )
        .route("/contexts", get(contexts::list).post(contexts::create))
        .route(
            "/contexts/{name}",
            get(contexts::get)
                .put(contexts::update)
                .patch(contexts::patch)
                .delete(contexts::delete),
        )
        .route("/users", get(users::list).post(users::create))
        .route(
            "/users/{id}",
            get(users::get)
                .put(users::update)
                .patch(users::patch)
                .delete(users::delete),
        )
        .route("/outcalls", get(outcalls::list).post(outcalls::create))
        .route(
            "/outcalls/{id}",
            get(outcalls::get)
                .put(outcalls::update)
                .patch(outcalls::patch)
                .delete(outcalls::delete),
        )
        .route("/incalls", get(incalls::list).post(incalls::create))
        .route(
            "/incalls/{id}",
            get(incalls::get)
                .put(incalls::update)
                .patch(incalls::patch)
                .delete(incalls::delete),
        )
        .route("/route", get(route::resolve))
        .route("/needs_repair", get(repairs::list))
        // A catch-all route, not a fallback: the console's `/api/{*fn_name}`
        // would otherwise claim unknown REST paths.
        .route("/{*rest}", any(no_such_route))
}

pub use repairs::mark_lists;

async fn no_such_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, None, "No such API route.")
}

/// An error response in the API's one format.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    field: Option<String>,
    message: String,
    /// Every field error, when there were several.
    errors: Option<FieldErrors>,
    /// On a 409 for a stale `version`: the version stored now.
    current_version: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, field: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            status,
            field: field.map(str::to_owned),
            message: message.into(),
            errors: None,
            current_version: None,
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            None,
            "Authentication required: log in to the console or send `Authorization: Bearer <token>` (see `trunkline token create`).",
        )
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(errors) => {
                let first = errors.0.first().cloned();
                Self {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    field: first.as_ref().map(|e| e.field.clone()),
                    message: first.map(|e| e.message).unwrap_or_default(),
                    errors: Some(errors),
                    current_version: None,
                }
            }
            ServiceError::Conflict(message) => Self::new(StatusCode::CONFLICT, None, message),
            ServiceError::Stale { current } => Self {
                current_version: current,
                ..Self::new(
                    StatusCode::CONFLICT,
                    Some("version"),
                    app::ssr::service::CHANGED_ELSEWHERE,
                )
            },
            ServiceError::NotFound(message) => Self::new(StatusCode::NOT_FOUND, None, message),
            other @ ServiceError::Internal(_) => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                other.public_message(),
            ),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if let JsonRejection::MissingJsonContentType(_) = rejection {
            return Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                None,
                "Send the body as JSON, with `Content-Type: application/json`.",
            );
        }
        Self::new(
            StatusCode::BAD_REQUEST,
            None,
            format!(
                "The request body is not the JSON this route expects: {}",
                rejection.body_text()
            ),
        )
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            None,
            format!(
                "The address does not name a resource this route serves: {}",
                rejection.body_text()
            ),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            None,
            format!(
                "The query string is not one this route understands: {}",
                rejection.body_text()
            ),
        )
    }
}

/// The `{id}` or `{name}` of a route's path; a malformed one (`/users/abc`)
/// is answered in the API's error format.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Key<T>(pub T);

/// A page of a list: the rows as a bare JSON array, as the API answered
/// before it paged (clients that read the whole list keep working), and
/// how many rows the filter matches in `X-Total-Count`, so a client
/// pages with `offset` until it has them all.
pub fn listed<T>(page: &ListPage<T>, show: impl Fn(&T) -> serde_json::Value) -> Response {
    let rows: Vec<serde_json::Value> = page.rows.iter().map(show).collect();
    ([(TOTAL_COUNT, HeaderValue::from(page.total))], Json(rows)).into_response()
}

/// The header [`listed`] gives the total in.
pub const TOTAL_COUNT: &str = "x-total-count";

/// 201 Created, with the new resource's address (`path` is relative to
/// `/api/v1`, e.g. `users/7`) and its JSON.
pub fn created(path: &str, body: impl Serialize) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/{path}"))],
        Json(body),
    )
        .into_response()
}

/// The `list`, `get` and `delete` handlers of a resource, which only pass
/// the key to the service and show what it answers with `$show`:
/// `reads_and_delete!(paged users, show, id: i64 => id)` for `/users/{id}`,
/// whose list takes `?q=&limit=&offset=` ([`listed`]);
/// `…(whole contexts, show, name: String => &name)` for a short list
/// read whole, where the service borrows the key.
macro_rules! reads_and_delete {
    (paged $service:ident, $show:path, $key:ident : $key_type:ty => $arg:expr) => {
        pub async fn list(
            ::axum::extract::State(state): ::axum::extract::State<::app::ssr::state::AppState>,
            query: Result<
                ::axum::extract::Query<::app::model::list::ApiListQuery>,
                ::axum::extract::rejection::QueryRejection,
            >,
        ) -> Result<::axum::response::Response, $crate::rest::ApiError> {
            let ::axum::extract::Query(query) = query?;
            let page = $service::page(&state.core, &query).await?;
            Ok($crate::rest::listed(&page, $show))
        }

        $crate::rest::reads_and_delete!(one $service, $show, $key: $key_type => $arg);
    };
    (whole $service:ident, $show:path, $key:ident : $key_type:ty => $arg:expr) => {
        pub async fn list(
            ::axum::extract::State(state): ::axum::extract::State<::app::ssr::state::AppState>,
        ) -> Result<::axum::Json<Vec<::serde_json::Value>>, $crate::rest::ApiError> {
            Ok(::axum::Json(
                $service::list(&state.core)
                    .await?
                    .iter()
                    .map($show)
                    .collect(),
            ))
        }

        $crate::rest::reads_and_delete!(one $service, $show, $key: $key_type => $arg);
    };
    (one $service:ident, $show:path, $key:ident : $key_type:ty => $arg:expr) => {
        pub async fn get(
            ::axum::extract::State(state): ::axum::extract::State<::app::ssr::state::AppState>,
            $crate::rest::Key($key): $crate::rest::Key<$key_type>,
        ) -> Result<::axum::Json<::serde_json::Value>, $crate::rest::ApiError> {
            Ok(::axum::Json($show(
                &$service::get(&state.core, $arg).await?,
            )))
        }

        pub async fn delete(
            ::axum::extract::State(state): ::axum::extract::State<::app::ssr::state::AppState>,
            $crate::rest::Key($key): $crate::rest::Key<$key_type>,
        ) -> Result<::axum::http::StatusCode, $crate::rest::ApiError> {
            $service::delete(&state.core, $arg).await?;
            Ok(::axum::http::StatusCode::NO_CONTENT)
        }
    };
}
use reads_and_delete;

/// The `update` (PUT) and `patch` (PATCH) handlers of a resource: both
/// read the stored resource first (404 before any judgement of the body),
/// judge the body into `$input` ([`body::replace`], [`body::patched`]),
/// let `$fix` complete it from the path, and save through the service;
/// `$saved` shows what the save answers.
macro_rules! replace_and_patch {
    ($service:ident, $input:ty, $show:path, $saved:path, $fix:expr,
     $key:ident : $key_type:ty => $arg:expr) => {
        pub async fn update(
            ::axum::extract::State(state): ::axum::extract::State<::app::ssr::state::AppState>,
            $crate::rest::Key($key): $crate::rest::Key<$key_type>,
            body: Result<
                ::axum::Json<::serde_json::Value>,
                ::axum::extract::rejection::JsonRejection,
            >,
        ) -> Result<::axum::Json<::serde_json::Value>, $crate::rest::ApiError> {
            // Only whether it exists matters here: a stored row that needs
            // repair (its GET answers 409) is replaced like any other.
            if let Err(missing @ ::app::ssr::service::ServiceError::NotFound(_)) =
                $service::get(&state.core, $arg).await
            {
                return Err(missing.into());
            }
            let (version, mut input) = $crate::rest::body::replace::<$input>(body)?;
            $fix(&mut input, &$key);
            let saved = $service::update(&state.core, $arg, version, &input).await?;
            Ok(::axum::Json($saved(&saved)))
        }

        pub async fn patch(
            ::axum::extract::State(state): ::axum::extract::State<::app::ssr::state::AppState>,
            $crate::rest::Key($key): $crate::rest::Key<$key_type>,
            headers: ::axum::http::HeaderMap,
            body: ::axum::body::Bytes,
        ) -> Result<::axum::Json<::serde_json::Value>, $crate::rest::ApiError> {
            let current = $show(&$service::get(&state.core, $arg).await?);
            let (version, mut input) =
                $crate::rest::body::patched::<$input>(current, &headers, &body)?;
            $fix(&mut input, &$key);
            let saved = $service::update(&state.core, $arg, version, &input).await?;
            Ok(::axum::Json($saved(&saved)))
        }
    };
    // Nothing in the path completes the body.
    ($service:ident, $input:ty, $show:path, $saved:path, $key:ident : $key_type:ty => $arg:expr) => {
        $crate::rest::replace_and_patch!(
            $service, $input, $show, $saved, |_: &mut $input, _: &$key_type| {},
            $key: $key_type => $arg
        );
    };
}
use replace_and_patch;

/// The `create` (POST) handler of a resource: judge the body into
/// `$input` ([`body::create`]), save through the service, answer 201 at
/// the address `$at` gives the saved value, showing it with `$saved`.
macro_rules! create {
    ($service:ident, $input:ty, $saved:path, $at:expr) => {
        pub async fn create(
            ::axum::extract::State(state): ::axum::extract::State<::app::ssr::state::AppState>,
            body: Result<
                ::axum::Json<::serde_json::Value>,
                ::axum::extract::rejection::JsonRejection,
            >,
        ) -> Result<::axum::response::Response, $crate::rest::ApiError> {
            let input = $crate::rest::body::create::<$input>(body)?;
            let saved = $service::create(&state.core, &input).await?;
            Ok($crate::rest::created(&$at(&saved), $saved(&saved)))
        }
    };
}
use create;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": { "field": self.field, "message": self.message } });
        if let Some(version) = self.current_version {
            body["error"]["current_version"] = json!(version);
        }
        if let Some(errors) = self.errors.filter(|e| e.0.len() > 1) {
            body["errors"] = json!(errors.0);
        }
        (self.status, Json(body)).into_response()
    }
}
