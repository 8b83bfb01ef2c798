//! PBX settings → Users' server functions.

use super::client::ConsoleClient;
use super::FormOutcome;
use crate::model::lines::LineStatus;
use crate::model::list::{ListPage, ListQuery};
use crate::model::repair::Repair;
use crate::model::user::{UserInput, UserSaved, UserView};
use crate::model::Context;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// One page of the user list, with where the page's users' lines are
/// registered now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserRows {
    pub page: ListPage<UserView>,
    pub lines: Vec<LineStatus>,
}

#[server(prefix = "/api", endpoint = "list_users", client = ConsoleClient)]
pub async fn list_users(#[server(default)] query: ListQuery) -> Result<UserRows, ServerFnError> {
    use super::server::{read, state};
    let state = state()?;
    let page = read(crate::ssr::service::users::page(&state.core, &query).await)?;
    let lines = crate::ssr::service::status::lines_of(&state, page.rows.iter().map(|u| u.id));
    Ok(UserRows { page, lines })
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
