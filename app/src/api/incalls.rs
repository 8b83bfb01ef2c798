//! Call management → Incoming calls' server functions.

use super::client::ConsoleClient;
use super::FormOutcome;
use crate::model::incall::{Incall, IncallInput, IncallView};
use crate::model::list::{ListPage, ListQuery};
use crate::model::repair::Repair;
use crate::model::Context;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// One page of the incoming-call list, with the names of the users its
/// rows ring ("Front Desk (1000)").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncallRows {
    pub page: ListPage<IncallView>,
    pub user_names: Vec<(i64, String)>,
}

#[server(prefix = "/api", endpoint = "list_incalls", client = ConsoleClient)]
pub async fn list_incalls(
    #[server(default)] query: ListQuery,
) -> Result<IncallRows, ServerFnError> {
    use super::server::{core, read};
    use crate::model::incall::IncallDestination;
    use crate::ssr::service::{incalls, users};
    let core = core()?;
    let page = read(incalls::page(&core, &query).await)?;
    let rung = page.rows.iter().filter_map(|i| match i.incall.destination {
        IncallDestination::User { user_id } => Some(user_id),
        IncallDestination::Hangup => None,
    });
    let user_names = users::names(&core, rung);
    Ok(IncallRows { page, user_names })
}

/// What the incoming-call form opens with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncallFormData {
    pub input: IncallInput,
    pub id: Option<i64>,
    pub version: Option<i64>,
    pub contexts: Vec<Context>,
    /// Every user, by id and "Front Desk (1000)", for Redirect to.
    pub users: Vec<(i64, String)>,
    pub others: Vec<Incall>,
    /// Set when the stored incoming call does not read (see `OutcallFormData`).
    #[serde(default)]
    pub repair: Option<Repair>,
}

#[server(prefix = "/api", endpoint = "incall_form", client = ConsoleClient)]
pub async fn incall_form(id: Option<i64>) -> Result<IncallFormData, ServerFnError> {
    use super::server::{core, editing, read};
    use crate::ssr::service::{contexts, incalls, users};
    let core = core()?;
    let (input, version, repair) = match id {
        Some(id) => {
            let opened = read(incalls::open(&core, id).await)?;
            let (input, version, repair) =
                editing(opened, |v: &IncallView| (v.incall.to_input(), v.version));
            (input, Some(version), repair)
        }
        None => (IncallInput::default(), None, None),
    };
    let others = read(incalls::list(&core).await)?
        .into_iter()
        .filter(|v| Some(v.id) != id)
        .map(|v| v.incall)
        .collect();
    Ok(IncallFormData {
        input,
        id,
        version,
        contexts: read(contexts::list(&core).await)?
            .into_iter()
            .map(|v| v.context)
            .collect(),
        users: read(users::list(&core).await)?
            .into_iter()
            .map(|v| (v.id, v.user.display()))
            .collect(),
        others,
        repair,
    })
}

/// Creates (no `id`) or updates the incoming call opened at `version`.
#[server(prefix = "/api", endpoint = "save_incall", input = Json, client = ConsoleClient)]
pub async fn save_incall(
    id: Option<i64>,
    version: Option<i64>,
    input: IncallInput,
) -> Result<FormOutcome<IncallView>, ServerFnError> {
    use super::server::{core, outcome};
    use crate::ssr::service::incalls;
    let core = core()?;
    match (id, version) {
        (Some(id), Some(version)) => outcome(incalls::update(&core, id, version, &input).await),
        _ => outcome(incalls::create(&core, &input).await),
    }
}

#[server(prefix = "/api", endpoint = "delete_incall", client = ConsoleClient)]
pub async fn delete_incall(id: i64) -> Result<FormOutcome<()>, ServerFnError> {
    use super::server::{core, outcome};
    outcome(crate::ssr::service::incalls::delete(&core()?, id).await)
}

/// Calls from trunks to DIDs no incoming call answers, newest first, and how many older ones
/// were not kept.
#[server(prefix = "/api", endpoint = "unmatched_calls", client = ConsoleClient)]
pub async fn unmatched_calls() -> Result<crate::model::calls::UnmatchedCalls, ServerFnError> {
    use super::server::{core, read};
    read(crate::ssr::service::calls::unmatched(&core()?).await)
}
