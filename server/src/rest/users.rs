//! `/api/v1/users`: list, get, create, update, delete. The line password
//! is never returned, except once: the answer to the save that generated
//! it (a blank `line_password` on creation) carries `generated_password`.

use super::{created, reads_and_delete, versioned, ApiError, Key, Versioned};
use app::model::user::{UserInput, UserSaved, UserView};
use app::ssr::service::users;
use app::ssr::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Serialize;

reads_and_delete!(users, UserView, id: i64 => id);

/// The user as `GET` shows it, plus the generated password when there is one.
#[derive(Serialize)]
pub struct Saved {
    #[serde(flatten)]
    view: UserView,
    #[serde(skip_serializing_if = "Option::is_none")]
    generated_password: Option<String>,
}

impl From<UserSaved> for Saved {
    fn from(saved: UserSaved) -> Self {
        Self {
            view: saved.view,
            generated_password: saved.generated_password,
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    body: Result<Json<UserInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(input) = body?;
    let saved = users::create(&state.core, &input).await?;
    Ok(created(
        &format!("users/{}", saved.view.id),
        Saved::from(saved),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    Key(id): Key<i64>,
    body: Result<Json<Versioned<UserInput>>, JsonRejection>,
) -> Result<Json<Saved>, ApiError> {
    let (version, input) = versioned(body)?;
    let saved = users::update(&state.core, id, version, &input).await?;
    Ok(Json(saved.into()))
}
