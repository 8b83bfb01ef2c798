//! The SIP trunk screens' server functions.

use super::client::ConsoleClient;
use super::FormOutcome;
use crate::model::list::{ListPage, ListQuery};
use crate::model::repair::Repair;
use crate::model::trunk::{TrunkInput, TrunkListRow, TrunkView};
use crate::model::Context;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// One page of the trunk list, each row with what registering and
/// monitoring say of it now (only the page's trunks: the list of thousands
/// is never sent whole).
#[server(prefix = "/api", endpoint = "list_trunks", client = ConsoleClient)]
pub async fn list_trunks(
    #[server(default)] query: ListQuery,
) -> Result<ListPage<TrunkListRow>, ServerFnError> {
    use super::server::{read, state};
    let state = state()?;
    let page = read(crate::ssr::service::trunks::page(&state.core, &query).await)?;
    let statuses = crate::ssr::service::status::registry_of(&state, page.rows.iter().map(|t| t.id));
    let status = |id| statuses.iter().find(|s| s.trunk_id == id);
    Ok(page.map(|t| TrunkListRow::new(&t, status(t.id))))
}

/// What the trunk form opens with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrunkFormData {
    pub input: TrunkInput,
    /// `None` for a new trunk.
    pub id: Option<i64>,
    pub version: Option<i64>,
    pub has_secret: bool,
    pub has_reg_secret: bool,
    pub incall_contexts: Vec<Context>,
    /// Set when the stored trunk does not read (see `OutcallFormData`).
    #[serde(default)]
    pub repair: Option<Repair>,
}

#[server(prefix = "/api", endpoint = "trunk_form", client = ConsoleClient)]
pub async fn trunk_form(id: Option<i64>) -> Result<TrunkFormData, ServerFnError> {
    use super::server::{core, editing, read};
    use crate::model::ContextKind;
    use crate::ssr::service::repair::Opened;
    let core = core()?;
    let incall_contexts = read(
        crate::ssr::store::contexts::list(&core.pool)
            .await
            .map_err(Into::into),
    )?
    .into_iter()
    .filter(|c| c.kind == ContextKind::Incall)
    .collect();
    Ok(match id {
        None => TrunkFormData {
            // Static, with its Host shown: the usual choice for a
            // provider, as XiVO's form proposes.
            input: TrunkInput {
                host_type: "static".into(),
                ..TrunkInput::default()
            },
            id: None,
            version: None,
            has_secret: false,
            has_reg_secret: false,
            incall_contexts,
            repair: None,
        },
        Some(id) => {
            let opened = read(crate::ssr::service::trunks::open(&core, id).await)?;
            // A trunk under repair keeps its stored passwords too, so
            // the form must know of them as it does for a readable one.
            let stored = match &opened {
                Opened::Readable(view) => (view.has_secret, view.has_reg_secret),
                Opened::Repair { .. } => {
                    read(crate::ssr::service::trunks::stored_secrets(&core, id).await)?
                }
            };
            let (input, version, repair) =
                editing(opened, |v: &TrunkView| (v.trunk.to_input(), v.version));
            TrunkFormData {
                input,
                id: Some(id),
                version: Some(version),
                has_secret: stored.0,
                has_reg_secret: stored.1,
                incall_contexts,
                repair,
            }
        }
    })
}

/// Creates (no `id`) or updates the trunk opened at `version`.
#[server(prefix = "/api", endpoint = "save_trunk", input = Json, client = ConsoleClient)]
pub async fn save_trunk(
    id: Option<i64>,
    version: Option<i64>,
    input: TrunkInput,
) -> Result<FormOutcome<TrunkView>, ServerFnError> {
    use super::server::{core, outcome};
    use crate::ssr::service::trunks;
    let core = core()?;
    match (id, version) {
        (Some(id), Some(version)) => outcome(trunks::update(&core, id, version, &input).await),
        _ => outcome(trunks::create(&core, &input).await),
    }
}

#[server(prefix = "/api", endpoint = "delete_trunk", client = ConsoleClient)]
pub async fn delete_trunk(id: i64) -> Result<(), ServerFnError> {
    use super::server::{core, read};
    read(crate::ssr::service::trunks::delete(&core()?, id).await)
}
