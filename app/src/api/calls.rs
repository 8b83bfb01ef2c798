//! Status → Calls' server functions.

use super::client::ConsoleClient;
use crate::model::call_log::{CallLogPage, CallLogQuery};
use crate::model::calls::LiveCall;
use leptos::prelude::*;

/// One page of the ended calls `query` searches for, newest first.
#[server(prefix = "/api", endpoint = "call_log", client = ConsoleClient)]
pub async fn call_log(query: CallLogQuery) -> Result<CallLogPage, ServerFnError> {
    use super::server::{core, read};
    read(crate::ssr::service::calls::log(&core()?, &query).await)
}

/// The calls in progress.
#[server(prefix = "/api", endpoint = "live_calls", client = ConsoleClient)]
pub async fn live_calls() -> Result<Vec<LiveCall>, ServerFnError> {
    let engine = super::server::state()?.engine;
    Ok(engine.live_calls().await.as_ref().clone())
}

/// Ends a call in progress ("Hang up" on Status → Calls).
#[server(prefix = "/api", endpoint = "hang_up_call", client = ConsoleClient)]
pub async fn hang_up_call(id: u64) -> Result<(), ServerFnError> {
    use super::server::{read, state};
    read(crate::ssr::service::calls::hang_up(&state()?.engine, id).await)
}
