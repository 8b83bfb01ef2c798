//! Services → IPBX → SIP security's server functions.

use super::client::ConsoleClient;
use super::FormOutcome;
use crate::model::security::{SipSecurityInput, SipSecurityView, WatchedAddress};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "sip_security", client = ConsoleClient)]
pub async fn sip_security() -> Result<SipSecurityView, ServerFnError> {
    use super::server::{core, read};
    read(crate::ssr::service::security::get(&core()?).await)
}

/// Saves the settings opened at `version`.
#[server(prefix = "/api", endpoint = "save_sip_security", input = Json, client = ConsoleClient)]
pub async fn save_sip_security(
    version: i64,
    input: SipSecurityInput,
) -> Result<FormOutcome<SipSecurityView>, ServerFnError> {
    use super::server::{core, outcome};
    outcome(crate::ssr::service::security::update(&core()?, version, &input).await)
}

/// The addresses that failed to authenticate: blocked first.
#[server(prefix = "/api", endpoint = "watched_addresses", client = ConsoleClient)]
pub async fn watched_addresses() -> Result<Vec<WatchedAddress>, ServerFnError> {
    Ok(crate::ssr::service::security::watched(
        &super::server::state()?.engine,
    ))
}

#[server(prefix = "/api", endpoint = "lift_block", client = ConsoleClient)]
pub async fn lift_block(address: String) -> Result<(), ServerFnError> {
    use super::server::{read, state};
    read(crate::ssr::service::security::lift_block(
        &state()?.engine,
        &address,
    ))
}
