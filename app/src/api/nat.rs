//! Services → IPBX → General settings → SIP (NAT)'s server functions.

use super::FormOutcome;
use crate::model::nat::{SipNatInput, SipNatView};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "sip_nat")]
pub async fn sip_nat() -> Result<SipNatView, ServerFnError> {
    use super::server::{core, read};
    read(crate::ssr::service::nat::get(&core()?).await)
}

/// Saves the settings opened at `version`.
#[server(prefix = "/api", endpoint = "save_sip_nat", input = Json)]
pub async fn save_sip_nat(
    version: i64,
    input: SipNatInput,
) -> Result<FormOutcome<SipNatView>, ServerFnError> {
    use super::server::{core, outcome};
    outcome(crate::ssr::service::nat::update(&core()?, version, &input).await)
}
