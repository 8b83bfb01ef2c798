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
