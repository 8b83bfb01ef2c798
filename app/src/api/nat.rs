//! Services → IPBX → General settings → SIP (NAT)'s server functions.

use super::client::ConsoleClient;
use super::FormOutcome;
use crate::model::nat::{SipNatInput, SipNatView};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The screen's data: the stored settings, and where SIP listens now, which differs from
/// the stored bind until the next start (or when `--sip` overrides it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipNatScreen {
    pub view: SipNatView,
    pub listening: Option<String>,
}

#[server(prefix = "/api", endpoint = "sip_nat", client = ConsoleClient)]
pub async fn sip_nat() -> Result<SipNatScreen, ServerFnError> {
    use super::server::{read, state};
    let state = state()?;
    let view = read(crate::ssr::service::nat::get(&state.core).await)?;
    Ok(SipNatScreen {
        view,
        listening: state.engine.sip_listening.map(|a| a.to_string()),
    })
}

/// Saves the settings opened at `version`.
#[server(prefix = "/api", endpoint = "save_sip_nat", input = Json, client = ConsoleClient)]
pub async fn save_sip_nat(
    version: i64,
    input: SipNatInput,
) -> Result<FormOutcome<SipNatView>, ServerFnError> {
    use super::server::{core, outcome};
    outcome(crate::ssr::service::nat::update(&core()?, version, &input).await)
}
