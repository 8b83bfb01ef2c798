//! Status → SIP registry's server functions.

use crate::model::registry::{RegistryAction, RegistryEntry};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The rows for the first render; the page then follows the SSE stream.
#[server(prefix = "/api", endpoint = "registry")]
pub async fn registry() -> Result<Vec<RegistryEntry>, ServerFnError> {
    Ok(super::server::state()?.engine.registry_rows())
}

/// "Re-register now" or "Send OPTIONS now" for one trunk.
#[server(prefix = "/api", endpoint = "registry_act", input = Json)]
pub async fn registry_act(trunk_id: i64, action: RegistryAction) -> Result<(), ServerFnError> {
    let state = super::server::state()?;
    if !state
        .core
        .config
        .borrow()
        .trunks
        .iter()
        .any(|t| t.id == trunk_id)
    {
        return Err(ServerFnError::new(format!(
            "Trunk {trunk_id} does not exist any more."
        )));
    }
    state.engine.act(trunk_id, action);
    Ok(())
}
