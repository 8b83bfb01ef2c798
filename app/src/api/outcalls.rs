//! Call management → Outgoing calls' server functions.

use super::client::ConsoleClient;
use super::FormOutcome;
use crate::model::list::{ListPage, ListQuery};
use crate::model::outcall::{Outcall, OutcallInput, OutcallSaved, OutcallView};
use crate::model::repair::Repair;
use crate::model::Context;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// One page of the outgoing-call list, with the names of the trunks its
/// rows use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutcallRows {
    pub page: ListPage<OutcallView>,
    pub trunk_names: Vec<(i64, String)>,
}

#[server(prefix = "/api", endpoint = "list_outcalls", client = ConsoleClient)]
pub async fn list_outcalls(
    #[server(default)] query: ListQuery,
) -> Result<OutcallRows, ServerFnError> {
    use super::server::{core, read};
    use crate::ssr::service::{outcalls, trunks};
    let core = core()?;
    let page = read(outcalls::page(&core, &query).await)?;
    let used = page
        .rows
        .iter()
        .flat_map(|o| o.outcall.trunks.iter().copied());
    let trunk_names = trunks::names(&core, used);
    Ok(OutcallRows { page, trunk_names })
}

/// What the outgoing-call form opens with: the input and what the
/// browser needs to judge it as the administrator types.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutcallFormData {
    pub input: OutcallInput,
    pub id: Option<i64>,
    pub version: Option<i64>,
    pub contexts: Vec<Context>,
    /// Every trunk, by id and name.
    pub trunks: Vec<(i64, String)>,
    /// The other outgoing calls, for duplicate patterns and warnings.
    pub others: Vec<Outcall>,
    /// Set when the stored outgoing call does not read: the form then
    /// holds what still fits and says what to fix.
    #[serde(default)]
    pub repair: Option<Repair>,
}

#[server(prefix = "/api", endpoint = "outcall_form", client = ConsoleClient)]
pub async fn outcall_form(id: Option<i64>) -> Result<OutcallFormData, ServerFnError> {
    use super::server::{core, editing, read};
    use crate::ssr::service::outcalls;
    let core = core()?;
    let rules = read(outcalls::rules(&core, id).await)?;
    let (input, version, repair) = match id {
        Some(id) => {
            let opened = read(outcalls::open(&core, id).await)?;
            let (input, version, repair) =
                editing(opened, |v: &OutcallView| (v.outcall.to_input(), v.version));
            (input, Some(version), repair)
        }
        None => (OutcallInput::default(), None, None),
    };
    Ok(OutcallFormData {
        input,
        id,
        version,
        contexts: rules.contexts,
        trunks: rules.trunks,
        others: rules.others,
        repair,
    })
}

/// Creates (no `id`) or updates the outgoing call opened at `version`.
#[server(prefix = "/api", endpoint = "save_outcall", input = Json, client = ConsoleClient)]
pub async fn save_outcall(
    id: Option<i64>,
    version: Option<i64>,
    input: OutcallInput,
) -> Result<FormOutcome<OutcallSaved>, ServerFnError> {
    use super::server::{core, outcome};
    use crate::ssr::service::outcalls;
    let core = core()?;
    match (id, version) {
        (Some(id), Some(version)) => outcome(outcalls::update(&core, id, version, &input).await),
        _ => outcome(outcalls::create(&core, &input).await),
    }
}

#[server(prefix = "/api", endpoint = "delete_outcall", client = ConsoleClient)]
pub async fn delete_outcall(id: i64) -> Result<FormOutcome<()>, ServerFnError> {
    use super::server::{core, outcome};
    outcome(crate::ssr::service::outcalls::delete(&core()?, id).await)
}
