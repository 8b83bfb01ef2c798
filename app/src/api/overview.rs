//! The Overview screen's server function.

use super::client::ConsoleClient;
use crate::model::overview::Overview as Figures;
use leptos::prelude::*;

/// The PBX at a glance, now.
#[server(prefix = "/api", endpoint = "overview", client = ConsoleClient)]
pub async fn overview() -> Result<Figures, ServerFnError> {
    use super::server::{read, state};
    read(crate::ssr::service::overview::overview(&state()?, crate::ssr::unix_now()).await)
}
