//! A SIP trunk: the connection to a VoIP provider, as XiVO's Services →
//! IPBX → Trunk management → SIP Protocol screen describes it.
//!
//! Three shapes: [`TrunkInput`] is what the administrator typed (strings, so
//! a refused save loses nothing); [`Trunk`] is the validated configuration;
//! [`TrunkView`] is what leaves the server (never the secrets).

mod choices;
mod row;
mod validate;

pub use choices::{Codec, ConnectionType, DtmfMode, Nat, Transport};
pub use row::{TrunkListRow, TrunkStatus};
pub use validate::{ValidationContext, MONITORING_CHOICES};

use serde::{Deserialize, Serialize};

/// Default registration expiry, as XiVO proposes.
pub const DEFAULT_EXPIRY: u32 = 120;
/// Default time between two OPTIONS when monitoring is on.
pub const DEFAULT_QUALIFY_FREQ: u16 = 60;
/// `qualify=yes` in Asterisk means a 2000 ms threshold.
pub const MONITORING_YES_MS: u16 = 2000;
/// Seconds without RTP from a side before an anchored call is hung up (Asterisk
/// `rtptimeout`, as XiVO and FreePBX set it).
pub const DEFAULT_RTP_TIMEOUT: u16 = 60;
/// The same while the call is on hold (`rtpholdtimeout`).
pub const DEFAULT_RTP_HOLD_TIMEOUT: u16 = 300;

fn default_rtp_timeout() -> u16 {
    DEFAULT_RTP_TIMEOUT
}

fn default_rtp_hold_timeout() -> u16 {
    DEFAULT_RTP_HOLD_TIMEOUT
}

/// The trunk form as typed. Numbers stay strings until validated; REST
/// clients may send them as JSON numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrunkInput {
    pub name: String,
    pub auth_username: String,
    /// Blank on edit keeps the stored password.
    pub secret: String,
    pub caller_id: String,
    pub connection_type: String,
    /// `dynamic` or `static`.
    pub host_type: String,
    pub host: String,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub port: String,
    pub context: String,
    pub nat: String,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub call_limit: String,
    pub language: String,
    pub register: bool,
    pub reg_transport: String,
    pub reg_username: String,
    /// Blank keeps the stored one, or uses the General password.
    pub reg_secret: String,
    pub reg_server: String,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub reg_port: String,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub reg_expiry: String,
    pub reg_callback: String,
    pub outbound_proxy: String,
    pub from_user: String,
    pub from_domain: String,
    pub codecs: Vec<String>,
    pub dtmf_mode: String,
    /// Media flows straight between the provider and the phone when the line allows it too
    /// (Asterisk `directmedia`); off: Trunkline relays it (anchoring).
    pub direct_media: bool,
    /// Seconds without RTP from a side before an anchored call is hung up; 0 never.
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub rtp_timeout: String,
    /// The same while the call is on hold; 0 never.
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub rtp_hold_timeout: String,
    /// `no`, `yes` (2000 ms) or a threshold in ms (500-4000).
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub monitoring: String,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub qualify_freq: String,
    pub disabled: bool,
}

impl Default for TrunkInput {
    /// A new trunk's form, with the defaults XiVO proposes.
    fn default() -> Self {
        Self {
            name: String::new(),
            auth_username: String::new(),
            secret: String::new(),
            caller_id: String::new(),
            connection_type: ConnectionType::Peer.as_str().into(),
            host_type: "dynamic".into(),
            host: String::new(),
            port: "5060".into(),
            context: "from-extern".into(),
            nat: Nat::No.as_str().into(),
            call_limit: "0".into(),
            language: String::new(),
            register: false,
            reg_transport: Transport::Udp.as_str().into(),
            reg_username: String::new(),
            reg_secret: String::new(),
            reg_server: String::new(),
            // Blank: the General tab's port.
            reg_port: String::new(),
            reg_expiry: DEFAULT_EXPIRY.to_string(),
            reg_callback: String::new(),
            outbound_proxy: String::new(),
            from_user: String::new(),
            from_domain: String::new(),
            codecs: vec![Codec::Ulaw.as_str().into(), Codec::Alaw.as_str().into()],
            dtmf_mode: DtmfMode::Rfc2833.as_str().into(),
            direct_media: false,
            rtp_timeout: DEFAULT_RTP_TIMEOUT.to_string(),
            rtp_hold_timeout: DEFAULT_RTP_HOLD_TIMEOUT.to_string(),
            monitoring: "no".into(),
            qualify_freq: DEFAULT_QUALIFY_FREQ.to_string(),
            disabled: false,
        }
    }
}

/// A validated trunk. Secrets are not part of it: they travel separately
/// ([`TrunkSecrets`]) so this type can be shown and serialised freely.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trunk {
    pub name: String,
    pub auth_username: String,
    pub caller_id: String,
    pub connection_type: ConnectionType,
    /// `None` is dynamic addressing (the provider registers to us).
    pub host: Option<String>,
    pub port: u16,
    pub context: String,
    pub nat: Nat,
    pub call_limit: u8,
    pub language: String,
    pub register: bool,
    pub reg_transport: Transport,
    pub reg_username: String,
    pub reg_server: String,
    pub reg_port: u16,
    pub reg_expiry: u32,
    pub reg_callback: String,
    pub outbound_proxy: String,
    pub from_user: String,
    pub from_domain: String,
    pub codecs: Vec<Codec>,
    #[serde(deserialize_with = "DtmfMode::deserialize_stored")]
    pub dtmf_mode: DtmfMode,
    /// Media flows straight between the provider and the phone when the line allows it too
    /// (Asterisk `directmedia`).
    #[serde(default)]
    pub direct_media: bool,
    /// Seconds without RTP from a side before an anchored call is hung up (Asterisk
    /// `rtptimeout`); 0 never. Rows stored before it read the default.
    #[serde(default = "default_rtp_timeout")]
    pub rtp_timeout: u16,
    /// The same while the call is on hold (`rtpholdtimeout`); 0 never.
    #[serde(default = "default_rtp_hold_timeout")]
    pub rtp_hold_timeout: u16,
    /// Qualify threshold in ms; `None` is Monitoring off.
    pub monitoring: Option<u16>,
    pub qualify_freq: u16,
    pub disabled: bool,
}

impl Trunk {
    /// The text the list shows in the Monitoring column.
    pub fn monitoring_label(&self) -> String {
        match self.monitoring {
            None => "No".into(),
            Some(ms) => format!("{ms} ms every {} s", self.qualify_freq),
        }
    }

    /// `host:port` as `sip show registry` prints it, or "dynamic".
    pub fn host_label(&self) -> String {
        match &self.host {
            Some(host) => host.clone(),
            None => "dynamic".into(),
        }
    }

    /// Back to the form's shape, with blank secrets (they are write-only).
    pub fn to_input(&self) -> TrunkInput {
        TrunkInput {
            name: self.name.clone(),
            auth_username: self.auth_username.clone(),
            secret: String::new(),
            caller_id: self.caller_id.clone(),
            connection_type: self.connection_type.as_str().into(),
            host_type: if self.host.is_some() {
                "static"
            } else {
                "dynamic"
            }
            .into(),
            host: self.host.clone().unwrap_or_default(),
            port: self.port.to_string(),
            context: self.context.clone(),
            nat: self.nat.as_str().into(),
            call_limit: self.call_limit.to_string(),
            language: self.language.clone(),
            register: self.register,
            reg_transport: self.reg_transport.as_str().into(),
            reg_username: self.reg_username.clone(),
            reg_secret: String::new(),
            reg_server: self.reg_server.clone(),
            reg_port: self.reg_port.to_string(),
            reg_expiry: self.reg_expiry.to_string(),
            reg_callback: self.reg_callback.clone(),
            outbound_proxy: self.outbound_proxy.clone(),
            from_user: self.from_user.clone(),
            from_domain: self.from_domain.clone(),
            codecs: self.codecs.iter().map(|c| c.as_str().to_owned()).collect(),
            dtmf_mode: self.dtmf_mode.as_str().into(),
            direct_media: self.direct_media,
            rtp_timeout: self.rtp_timeout.to_string(),
            rtp_hold_timeout: self.rtp_hold_timeout.to_string(),
            // `yes` comes back as its value, 2000, which the select also offers.
            monitoring: self
                .monitoring
                .map_or_else(|| "no".into(), |ms| ms.to_string()),
            qualify_freq: self.qualify_freq.to_string(),
            disabled: self.disabled,
        }
    }
}

/// New secrets from one submission; `None` keeps what is stored.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TrunkSecrets {
    pub secret: Option<String>,
    pub reg_secret: Option<String>,
}

impl std::fmt::Debug for TrunkSecrets {
    // Secrets never reach a log, even through a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrunkSecrets")
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("reg_secret", &self.reg_secret.as_ref().map(|_| "***"))
            .finish()
    }
}

/// A stored trunk as the browser and REST clients see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrunkView {
    pub id: i64,
    /// Bumped by every save; an update must name the version it edited.
    pub version: i64,
    #[serde(flatten)]
    pub trunk: Trunk,
    pub has_secret: bool,
    pub has_reg_secret: bool,
}
