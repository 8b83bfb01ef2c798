//! The route tester's data: the running dial plan, sent once, so the
//! browser resolves every keystroke itself with the same code the engine
//! uses.

use super::client::ConsoleClient;
use crate::model::DialPlan;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "dial_plan", client = ConsoleClient)]
pub async fn route_plan() -> Result<DialPlan, ServerFnError> {
    Ok(crate::ssr::service::routing::dial_plan(
        &super::server::core()?,
    ))
}
