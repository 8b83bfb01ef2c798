//! PBX settings → Users' server functions.

use super::client::ConsoleClient;
use super::FormOutcome;
use crate::model::repair::Repair;
use crate::model::user::{UserInput, UserSaved, UserView};
use crate::model::Context;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[server(prefix = "/api", endpoint = "list_users", client = ConsoleClient)]
pub async fn list_users() -> Result<Vec<UserView>, ServerFnError> {
    use super::server::{core, read};
    read(crate::ssr::service::users::list(&core()?).await)
}

/// What the user form opens with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserFormData {
    pub input: UserInput,
    pub id: Option<i64>,
    pub version: Option<i64>,
    /// Every context: the internal ones are the choices, and the ranges
    /// let the browser check the extension as it is typed.
    pub contexts: Vec<Context>,
    /// Set when the stored user does not read (see `OutcallFormData`).
    #[serde(default)]
    pub repair: Option<Repair>,
}

#[server(prefix = "/api", endpoint = "user_form", client = ConsoleClient)]
pub async fn user_form(id: Option<i64>) -> Result<UserFormData, ServerFnError> {
    use super::server::{core, editing, read};
    use crate::ssr::service::{contexts, users};
    let core = core()?;
    let contexts = read(contexts::list(&core).await)?
        .into_iter()
        .map(|v| v.context)
        .collect();
    let (input, version, repair) = match id {
        Some(id) => {
            let opened = read(users::open(&core, id).await)?;
            let (input, version, repair) =
                editing(opened, |v: &UserView| (v.user.to_input(), v.version));
            (input, Some(version), repair)
        }
        None => (UserInput::default(), None, None),
    };
    Ok(UserFormData {
        input,
        id,
        version,
        contexts,
        repair,
    })
}

/// Creates (no `id`) or updates the user opened at `version`.
#[server(prefix = "/api", endpoint = "save_user", input = Json, client = ConsoleClient)]
pub async fn save_user(
    id: Option<i64>,
    version: Option<i64>,
    input: UserInput,
) -> Result<FormOutcome<UserSaved>, ServerFnError> {
    use super::server::{core, outcome};
    use crate::ssr::service::users;
    let core = core()?;
    match (id, version) {
        (Some(id), Some(version)) => outcome(users::update(&core, id, version, &input).await),
        _ => outcome(users::create(&core, &input).await),
    }
}

#[server(prefix = "/api", endpoint = "delete_user", client = ConsoleClient)]
pub async fn delete_user(id: i64) -> Result<FormOutcome<()>, ServerFnError> {
    use super::server::{core, outcome};
    outcome(crate::ssr::service::users::delete(&core()?, id).await)
}

/// Where every user's line is registered, for the Users screen's Line
/// column (the registrar's live bindings).
#[server(prefix = "/api", endpoint = "line_statuses", client = ConsoleClient)]
pub async fn line_statuses() -> Result<Vec<crate::model::lines::LineStatus>, ServerFnError> {
    Ok(crate::ssr::service::status::lines(&super::server::state()?))
}
