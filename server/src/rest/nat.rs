//! `/api/v1/nat`: the External address, Local networks and SIP bind,
//! as Services → IPBX → General settings → SIP (NAT) edits them. Only the
//! body's shape is handled here; the rules are the form's.

use super::{versioned, ApiError, Versioned};
use app::model::nat::{SipNatInput, SipNatView};
use app::ssr::service::nat;
use app::ssr::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Deserializer};

pub async fn get(State(state): State<AppState>) -> Result<Json<SipNatView>, ApiError> {
    Ok(Json(nat::get(&state.core).await?))
}

pub async fn update(
    State(state): State<AppState>,
    body: Result<Json<Versioned<NatBody>>, JsonRejection>,
) -> Result<Json<SipNatView>, ApiError> {
    let (version, body) = versioned(body)?;
    Ok(Json(
        nat::update(&state.core, version, &body.into_input()).await?,
    ))
}

/// The PUT body. Every field is required: a PUT replaces the settings, and
/// a client that forgot `local_networks` should hear so rather than make
/// every destination look remote (or forgot `bind_address`, and find SIP on
/// another address at the next start).
#[derive(Deserialize)]
pub struct NatBody {
    #[serde(deserialize_with = "app::model::text::lenient_string")]
    external_address: String,
    #[serde(deserialize_with = "networks")]
    local_networks: String,
    #[serde(deserialize_with = "app::model::text::lenient_string")]
    bind_address: String,
}

impl NatBody {
    fn into_input(self) -> SipNatInput {
        SipNatInput {
            external_address: self.external_address,
            local_networks: self.local_networks,
            bind_address: self.bind_address,
        }
    }
}

/// What GET returns (an array of strings) or what the form holds (one
/// string, a network per line), as the form's text.
fn networks<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        List(Vec<String>),
        Text(String),
        Null,
    }
    match Loose::deserialize(deserializer) {
        Ok(Loose::List(items)) => Ok(items.join("\n")),
        Ok(Loose::Text(text)) => Ok(text),
        Ok(Loose::Null) => Ok(String::new()),
        Err(_) => Err(serde::de::Error::custom(
            "local_networks must be an array of strings such as [\"192.168.1.0/24\"], \
             or one string with a network per line",
        )),
    }
}
