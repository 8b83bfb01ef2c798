//! `/api/v1/nat`: the External address, Local networks, SIP bind and RTP range,
//! as Services → IPBX → General settings → SIP (NAT) edits them: GET,
//! PUT (every field) and PATCH. Only the body's shape is handled here; the
//! rules are the form's.

use super::body::{self, Body};
use super::ApiError;
use app::model::nat::{SipNatInput, SipNatView};
use app::ssr::service::nat;
use app::ssr::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub async fn get(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(show(&nat::get(&state.core).await?)))
}

pub async fn update(
    State(state): State<AppState>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let (version, body) = body::replace::<NatBody>(body)?;
    save(&state, version, body).await
}

pub async fn patch(
    State(state): State<AppState>,
    headers: HeaderMap,
    patch: Bytes,
) -> Result<Json<Value>, ApiError> {
    let current = show(&nat::get(&state.core).await?);
    let (version, body) = body::patched::<NatBody>(current, &headers, &patch)?;
    save(&state, version, body).await
}

async fn save(state: &AppState, version: i64, body: NatBody) -> Result<Json<Value>, ApiError> {
    let input = SipNatInput {
        external_address: body.external_address,
        local_networks: body.local_networks,
        bind_address: body.bind_address,
        rtp_start: body.rtp_start,
        rtp_end: body.rtp_end,
    };
    Ok(Json(show(
        &nat::update(&state.core, version, &input).await?,
    )))
}

/// The settings as stored and validated: the networks as an array.
fn show(view: &SipNatView) -> Value {
    serde_json::to_value(view).unwrap_or_default()
}

/// The PUT body. Every field is required: a PUT replaces the settings, and
/// a client that forgot `local_networks` should hear so rather than make
/// every destination look remote (or forgot `bind_address`, and find SIP on
/// another address at the next start). `null` is an empty field.
#[derive(Default, Serialize, Deserialize)]
pub struct NatBody {
    #[serde(deserialize_with = "app::model::text::lenient_string")]
    external_address: String,
    #[serde(deserialize_with = "networks")]
    local_networks: String,
    #[serde(deserialize_with = "app::model::text::lenient_string")]
    bind_address: String,
    /// Optional, unlike the others: clients written before the relay existed keep working,
    /// and a PUT without them sets Asterisk's 10000-20000.
    #[serde(default, deserialize_with = "app::model::text::lenient_string")]
    rtp_start: String,
    #[serde(default, deserialize_with = "app::model::text::lenient_string")]
    rtp_end: String,
}

impl Body for NatBody {
    const ONE: &'static str = "the SIP (NAT) settings";
    const OPTIONAL: &'static [&'static str] = &["rtp_start", "rtp_end"];
    const READ_ONLY: &'static [&'static str] = &[];
    const ALIASES: &'static [(&'static str, &'static str)] = &[
        ("externaddr", "external_address"),
        ("externip", "external_address"),
        ("externhost", "external_address"),
        ("localnet", "local_networks (an array of address/prefix)"),
        ("local_net", "local_networks (an array of address/prefix)"),
        ("udpbindaddr", "bind_address"),
        ("bindaddr", "bind_address"),
        ("rtpstart", "rtp_start"),
        ("rtpend", "rtp_end"),
    ];
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
