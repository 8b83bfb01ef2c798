//! Status → SIP registry's server functions.

use super::client::ConsoleClient;
use crate::model::list::{ListPage, ListQuery};
use crate::model::registry::{RegistryAction, RegistryEntry};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// One page of the registry for the first render (`?q=&page=` of the address); the page then
/// follows the SSE stream for its rows.
#[server(prefix = "/api", endpoint = "registry", client = ConsoleClient)]
pub async fn registry(
    #[server(default)] query: ListQuery,
) -> Result<ListPage<RegistryEntry>, ServerFnError> {
    use crate::ssr::service::status;
    super::server::read(status::registry_page(&super::server::state()?, &query))
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
