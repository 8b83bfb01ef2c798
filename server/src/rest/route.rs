//! `/api/v1/route`: the route tester. `?caller=1000&number=4185551234`
//! answers where that outgoing call goes, `?trunk=provider_username&did=4185550000`
//! where that incoming call goes, both from the configuration the engine
//! runs on.

use super::ApiError;
use app::ssr::service::routing;
use app::ssr::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

/// One question: `caller` and `number`, or `trunk` and `did`.
#[derive(Deserialize)]
pub struct Question {
    caller: Option<String>,
    number: Option<String>,
    trunk: Option<String>,
    did: Option<String>,
}

fn required(field: &str, value: Option<String>, meaning: &str) -> Result<String, ApiError> {
    value.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(field),
            format!("{field} is required: {meaning}."),
        )
    })
}

pub async fn resolve(
    State(state): State<AppState>,
    query: Result<Query<Question>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(question) = query?;
    let core = &state.core;
    match question {
        Question {
            caller,
            number,
            trunk: None,
            did: None,
        } => {
            let caller = required(
                "caller",
                caller,
                "the extension or line username placing the call, as in ?caller=1000&number=4185551234 (or ask about an incoming call with ?trunk=…&did=…)",
            )?;
            let number = required(
                "number",
                number,
                "the number dialed, as in ?caller=1000&number=4185551234",
            )?;
            Ok(Json(routing::outgoing(core, &caller, &number)?).into_response())
        }
        Question {
            caller: None,
            number: None,
            trunk,
            did,
        } => {
            let trunk = required(
                "trunk",
                trunk,
                "the name of the trunk the call arrives on, as in ?trunk=provider_username&did=4185550000",
            )?;
            let did = required(
                "did",
                did,
                "the number called, as in ?trunk=provider_username&did=4185550000",
            )?;
            Ok(Json(routing::incoming(core, &trunk, &did)?).into_response())
        }
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            None,
            "Ask one question at a time: caller and number for an outgoing call, or trunk and did for an incoming one.",
        )),
    }
}
