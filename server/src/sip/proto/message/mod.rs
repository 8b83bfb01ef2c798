//! Message layer: typed SIP requests and responses over rsip (RFC 3261 §7, §20).
//! Must not let raw header strings past this module nor panic on any input; it never does I/O.

mod error;
mod framing;
mod headers;
mod method;
mod parse;
mod print;
mod salvage;
mod uri;

use std::fmt;

pub use error::ParseError;
pub use framing::{is_keepalive as framing_is_keepalive, stream_frame_len, Limits};
pub use headers::{ExtraHeader, Headers};
pub use method::{ExtensionMethod, Method};
pub use parse::parse;
pub use salvage::bad_request;
pub(crate) use uri::parse_request_uri;

/// Transport protocol of a hop (Via sent-protocol, RFC 3261 §18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Udp,
    Tcp,
    Tls,
    Sctp,
    Ws,
    Wss,
}

impl Transport {
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Udp,
            Self::Tcp,
            Self::Tls,
            Self::Sctp,
            Self::Ws,
            Self::Wss,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(s))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Udp => "UDP",
            Self::Tcp => "TCP",
            Self::Tls => "TLS",
            Self::Sctp => "SCTP",
            Self::Ws => "WS",
            Self::Wss => "WSS",
        }
    }

    /// Reliable transports get no retransmissions and zero-length wait timers (§17.1.1.2).
    pub fn is_reliable(self) -> bool {
        !matches!(self, Self::Udp)
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A SIP request with typed headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub uri: rsip::Uri,
    pub headers: Headers,
    pub body: Vec<u8>,
}

/// A SIP response with typed headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

/// Either kind of message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Request(Request),
    Response(Response),
}

impl Response {
    /// Builds a response to `req` per RFC 3261 §8.2.6.2: Via, From, To, Call-ID and CSeq copied;
    /// the caller adds a To tag when the status is above 100.
    pub fn for_request(req: &Request, status: u16, reason: &str) -> Self {
        let h = &req.headers;
        Self {
            status,
            reason: reason.to_string(),
            headers: Headers::new(
                h.via.clone(),
                h.from.clone(),
                h.to.clone(),
                h.call_id.clone(),
                h.cseq.clone(),
            ),
            body: Vec::new(),
        }
    }

    pub fn is_provisional(&self) -> bool {
        self.status < 200
    }
}

/// Default reason phrase for the statuses this core emits itself.
pub fn default_reason(status: u16) -> &'static str {
    match status {
        100 => "Trying",
        180 => "Ringing",
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        416 => "Unsupported URI Scheme",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        483 => "Too Many Hops",
        486 => "Busy Here",
        487 => "Request Terminated",
        491 => "Request Pending",
        500 => "Server Internal Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "Version Not Supported",
        600 => "Busy Everywhere",
        603 => "Decline",
        _ => "Unknown",
    }
}
