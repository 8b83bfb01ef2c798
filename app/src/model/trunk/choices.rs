//! The fixed choices of the trunk form, with the exact words Asterisk and
//! XiVO use for them.

use serde::{de::Error as _, Deserialize, Deserializer, Serialize};

macro_rules! choice {
    ($(#[$doc:meta])* $name:ident, $label:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the form's value, or says which values are allowed.
            pub fn parse(raw: &str) -> Result<Self, String> {
                match raw.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "{} must be one of {}; \u{201c}{}\u{201d} is not.",
                        $label,
                        [$($text),+].join(", "),
                        other
                    )),
                }
            }
        }
    };
}

choice!(
    /// chan_sip's `type=`: who may call whom.
    ConnectionType, "Connection type" { User => "user", Peer => "peer", Friend => "friend" }
);
choice!(
    /// chan_sip's `nat=`.
    Nat, "NAT" { No => "no", ForceRport => "force_rport", Comedia => "comedia", Both => "both" }
);
choice!(
    /// Transport of the REGISTER.
    Transport, "Transport" { Udp => "udp", Tcp => "tcp" }
);
choice!(
    /// Audio codecs a trunk may offer, in the order the administrator prefers.
    Codec, "Codec" { Ulaw => "ulaw", Alaw => "alaw", G722 => "g722", Opus => "opus", G729 => "g729" }
);
choice!(
    /// How DTMF digits travel. Asterisk's third mode, `inband` (tones in the
    /// audio), is not offered: it needs tones detected and generated in the
    /// audio, which Trunkline's relay does not do.
    DtmfMode, "DTMF mode" { Rfc2833 => "rfc2833", Info => "info" }
);

/// Why `inband`, offered by earlier releases, is refused now.
pub const INBAND_REFUSED: &str = "DTMF mode inband is not offered: it needs tones detected and generated in the audio, which Trunkline does not do. Choose rfc2833 (RFC 4733 events, what most providers use) or info.";

impl DtmfMode {
    /// The form's value, with a sentence of its own for `inband`.
    pub fn parse_input(raw: &str) -> Result<Self, String> {
        if raw.trim() == "inband" {
            return Err(INBAND_REFUSED.into());
        }
        Self::parse(raw)
    }

    /// A stored trunk's DTMF mode. A trunk an earlier release stored with
    /// `inband` does not read: like any row the model cannot read, it goes
    /// on the repair list (left out of calls until saved again) with this
    /// sentence, rather than silently sending DTMF another way than the
    /// administrator chose.
    pub(super) fn deserialize_stored<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse_input(&raw).map_err(D::Error::custom)
    }
}

impl ConnectionType {
    pub fn label(self) -> &'static str {
        match self {
            ConnectionType::User => "User",
            ConnectionType::Peer => "Peer",
            ConnectionType::Friend => "Friend",
        }
    }
}
