//! Message layer: why a byte buffer is not an acceptable SIP message (RFC 3261 §7, §18.3).
//! Must not carry unbounded peer text: variants hold sizes and short static reasons.

use crate::sip::proto::header::HeaderError;

/// A refused message. The peer is at fault in every variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The message is larger than the configured limit.
    #[error("message of {size} bytes exceeds the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    /// One header line is longer than the configured limit.
    #[error("header line of {len} bytes exceeds the {limit}-byte limit")]
    LineTooLong { len: usize, limit: usize },
    /// More header lines than the configured limit.
    #[error("more than {limit} header lines")]
    TooManyHeaders { limit: usize },
    /// No empty line terminates the header section.
    #[error("header section is not terminated by an empty line")]
    Unterminated,
    /// The header section is not valid UTF-8.
    #[error("header section is not UTF-8")]
    NotUtf8,
    /// A header line has no `name:` part or an invalid name.
    #[error("malformed header line")]
    HeaderLine,
    /// The start line breaks the Request-Line or Status-Line grammar (§7.1, §7.2).
    #[error("malformed start line")]
    Syntax,
    /// The Request-URI breaks the SIP-URI grammar or carries URI headers (§19.1.1).
    #[error("malformed Request-URI")]
    RequestUri,
    /// The Request-URI scheme is well-formed but not `sip` or `sips`; answered with 416 (§8.2.2.1).
    #[error("unsupported URI scheme")]
    UnsupportedScheme,
    /// The SIP version is not 2.0.
    #[error("unsupported SIP version")]
    Version,
    /// A mandatory header is absent.
    #[error("missing {0} header")]
    Missing(&'static str),
    /// A mandatory header appears more than once.
    #[error("duplicate {0} header")]
    Duplicate(&'static str),
    /// A header value broke its grammar.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// Content-Length claims more bytes than arrived (§18.3: discard over UDP).
    #[error("Content-Length {declared} exceeds the {actual} body bytes received")]
    BodyShort { declared: usize, actual: usize },
    /// The CSeq method differs from the request method (§8.1.1.5).
    #[error("CSeq method does not match the request method")]
    CSeqMethod,
}
