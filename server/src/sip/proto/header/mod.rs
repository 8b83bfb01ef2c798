//! Message layer: typed SIP header values (RFC 3261 §20), one header per file.
//! Must not expose raw header strings past this module; parsers return `HeaderError`, never panic.

pub mod auth;
pub mod call_id;
pub mod contact;
pub mod cseq;
pub mod from_to;
pub mod name_addr;
pub mod numeric;
pub mod params;
pub mod route;
pub mod via;

pub use auth::{Algorithm, Challenge, Credentials, Qop};
pub use call_id::CallId;
pub use contact::Contact;
pub use cseq::CSeq;
pub use from_to::{From, To};
pub use name_addr::NameAddr;
pub use numeric::{ContentLength, Expires, MaxForwards, MinExpires};
pub use params::Param;
pub use route::RouteSet;
pub use via::{Rport, Via, ViaTransport};

/// Why a header value was refused. The peer is at fault in every case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// The value was empty where the grammar needs something.
    #[error("empty {header} header")]
    Empty { header: &'static str },
    /// A `;name=value` parameter did not follow the grammar.
    #[error("malformed parameter `{0}`")]
    Param(String),
    /// The value broke the header's grammar.
    #[error("malformed {header} header: {reason}")]
    Invalid {
        header: &'static str,
        reason: &'static str,
    },
}

impl HeaderError {
    pub(crate) fn invalid(header: &'static str, reason: &'static str) -> Self {
        Self::Invalid { header, reason }
    }
}
