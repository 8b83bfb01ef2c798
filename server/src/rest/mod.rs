//! REST API `/api/v1`: JSON in and out, errors as
//! `{ "error": { "field": ..., "message": ... } }` with a fitting status.
//! Handlers call the same services as the console's server functions.

mod openapi;
mod registry;
mod trunks;

use app::model::FieldErrors;
use app::ssr::service::ServiceError;
use app::ssr::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
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
        .route("/trunks", get(trunks::list).post(trunks::create))
        .route(
            "/trunks/{id}",
            get(trunks::get).put(trunks::update).delete(trunks::delete),
        )
        // A catch-all route, not a fallback: the console's `/api/{*fn_name}`
        // would otherwise claim unknown REST paths.
        .route("/{*rest}", any(no_such_route))
}

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
}

impl ApiError {
    pub fn new(status: StatusCode, field: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            status,
            field: field.map(str::to_owned),
            message: message.into(),
            errors: None,
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
                }
            }
            ServiceError::Conflict(message) => Self::new(StatusCode::CONFLICT, None, message),
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": { "field": self.field, "message": self.message } });
        if let Some(errors) = self.errors.filter(|e| e.0.len() > 1) {
            body["errors"] = json!(errors.0);
        }
        (self.status, Json(body)).into_response()
    }
}
