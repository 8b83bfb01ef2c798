//! The fixed choices of the trunk form, with the exact words Asterisk and
//! XiVO use for them.

use serde::{Deserialize, Serialize};

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
    /// How DTMF digits travel.
    DtmfMode, "DTMF mode" { Rfc2833 => "rfc2833", Info => "info", Inband => "inband" }
);

impl ConnectionType {
    pub fn label(self) -> &'static str {
        match self {
            ConnectionType::User => "User",
            ConnectionType::Peer => "Peer",
            ConnectionType::Friend => "Friend",
        }
    }
}
