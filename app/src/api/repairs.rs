//! The stored rows that need repair, for the Overview and the list screens.

use super::client::ConsoleClient;
use crate::model::repair::Repair;
use leptos::prelude::*;

/// Every stored row the model cannot read, as of the last publication.
#[server(prefix = "/api", endpoint = "needs_repair", client = ConsoleClient)]
pub async fn needs_repair() -> Result<Vec<Repair>, ServerFnError> {
    Ok(crate::ssr::service::config::repairs(&super::server::core()?))
}
