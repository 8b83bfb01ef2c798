//! Status → Calls' server functions.

use crate::model::calls::{CallLogEntry, LiveCall};
use leptos::prelude::*;

/// The latest ended calls matching `search`, newest first.
#[server(prefix = "/api", endpoint = "call_log")]
pub async fn call_log(search: String) -> Result<Vec<CallLogEntry>, ServerFnError> {
    use super::server::{core, read};
    read(crate::ssr::service::calls::log(&core()?, &search).await)
}

/// The calls in progress.
#[server(prefix = "/api", endpoint = "live_calls")]
pub async fn live_calls() -> Result<Vec<LiveCall>, ServerFnError> {
    Ok(super::server::state()?
        .engine
        .live_calls
        .borrow()
        .as_ref()
        .clone())
}

/// Ends a call in progress ("Hang up" on Status → Calls).
#[server(prefix = "/api", endpoint = "hang_up_call")]
pub async fn hang_up_call(id: u64) -> Result<(), ServerFnError> {
    use super::server::{read, state};
    read(crate::ssr::service::calls::hang_up(&state()?.engine, id))
}
