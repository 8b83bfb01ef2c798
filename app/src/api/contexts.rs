//! PBX settings → Contexts' server functions.

use super::client::ConsoleClient;
use super::FormOutcome;
use crate::model::context::{ContextInput, ContextView};
use crate::model::repair::Repair;
use crate::model::Context;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[server(prefix = "/api", endpoint = "list_contexts", client = ConsoleClient)]
pub async fn list_contexts() -> Result<Vec<ContextView>, ServerFnError> {
    use super::server::{core, read};
    read(crate::ssr::service::contexts::list(&core()?).await)
}

/// What the context form opens with: the input, and every context (the
/// includes' choices and the browser's own checks).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContextFormData {
    pub input: ContextInput,
    /// `None` for a new context.
    pub version: Option<i64>,
    pub editing: Option<String>,
    pub contexts: Vec<Context>,
    /// Set when the stored context does not read (see `OutcallFormData`).
    #[serde(default)]
    pub repair: Option<Repair>,
}

#[server(prefix = "/api", endpoint = "context_form", client = ConsoleClient)]
pub async fn context_form(name: Option<String>) -> Result<ContextFormData, ServerFnError> {
    use super::server::{core, read};
    use crate::ssr::service::contexts;
    use crate::ssr::service::repair::lenient_input;
    let core = core()?;
    let all = read(contexts::list(&core).await)?;
    let editing = name
        .as_ref()
        .and_then(|n| all.iter().find(|v| &v.context.name == n).cloned());
    // A context the model cannot read is not in the list: open its repair.
    let repair = match (&name, &editing) {
        (Some(n), None) => crate::ssr::service::config::repairs_of(
            &core,
            crate::model::repair::RepairKind::Context,
        )
        .into_iter()
        .find(|r| &r.key == n),
        _ => None,
    };
    if let Some(repair) = repair {
        let mut input: ContextInput = lenient_input(&repair.stored);
        input.name.clone_from(&repair.key);
        return Ok(ContextFormData {
            input,
            version: Some(repair.version),
            editing: Some(repair.key.clone()),
            contexts: all.into_iter().map(|v| v.context).collect(),
            repair: Some(repair),
        });
    }
    Ok(ContextFormData {
        input: editing
            .as_ref()
            .map_or_else(ContextInput::default, |v| v.context.to_input()),
        version: editing.as_ref().map(|v| v.version),
        editing: editing.map(|v| v.context.name),
        contexts: all.into_iter().map(|v| v.context).collect(),
        repair: None,
    })
}

/// Creates (no `name`) or updates the context opened at `version`.
#[server(prefix = "/api", endpoint = "save_context", input = Json, client = ConsoleClient)]
pub async fn save_context(
    name: Option<String>,
    version: Option<i64>,
    input: ContextInput,
) -> Result<FormOutcome<ContextView>, ServerFnError> {
    use super::server::{core, outcome};
    use crate::ssr::service::contexts;
    let core = core()?;
    match (name, version) {
        (Some(name), Some(version)) => {
            outcome(contexts::update(&core, &name, version, &input).await)
        }
        _ => outcome(contexts::create(&core, &input).await),
    }
}

#[server(prefix = "/api", endpoint = "delete_context", client = ConsoleClient)]
pub async fn delete_context(name: String) -> Result<FormOutcome<()>, ServerFnError> {
    use super::server::{core, outcome};
    outcome(crate::ssr::service::contexts::delete(&core()?, &name).await)
}
