//! Status → SIP registry's server functions.

use super::client::ConsoleClient;
use crate::model::registry::{RegistryAction, RegistryEntry};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The rows for the first render; the page then follows the SSE stream.
#[server(prefix = "/api", endpoint = "registry", client = ConsoleClient)]
pub async fn registry() -> Result<Vec<RegistryEntry>, ServerFnError> {
    Ok(crate::ssr::service::status::registry(
        &super::server::state()?,
    ))
}

/// "Re-register now" or "Send OPTIONS now" for one trunk.
#[server(prefix = "/api", endpoint = "registry_act", input = Json, client = ConsoleClient)]
pub async fn registry_act(trunk_id: i64, action: RegistryAction) -> Result<(), ServerFnError> {
    use crate::ssr::service::status;
    super::server::read(status::registry_act(
        &super::server::state()?,
        trunk_id,
        action,
    ))
}
