//! Message layer: bytes to typed `Message` (RFC 3261 §7). rsip parses the start line and URI;
//! our header modules type the fields. Must not panic or allocate beyond `Limits`.

use super::framing::prepare;
use super::{Headers, Limits, Message, ParseError, Request, Response};

/// Parses one whole message (a UDP datagram or one frame cut from a stream).
///
/// # Errors
/// Any `ParseError`; the caller decides between a 400 (see `bad_request`) and a silent drop.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Message, ParseError> {
    let prepared = prepare(bytes, limits)?;
    if !prepared.start_line.starts_with("SIP/") {
        // §7.1: exactly one SP between the three request-line elements, and a bare URI
        // (rsip would read `<sip:a@b>` as a user named `<sip`).
        let parts: Vec<&str> = prepared.start_line.split(' ').collect();
        let uri_ok = parts.get(1).is_some_and(|u| !u.contains(['<', '>', '"']));
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) || !uri_ok {
            return Err(ParseError::Syntax);
        }
    }
    // rsip owns the start-line grammar (method token, Request-URI, SIP-Version, Status-Code).
    let mut start = String::with_capacity(prepared.start_line.len() + 4);
    start.push_str(prepared.start_line);
    start.push_str("\r\n\r\n");
    let first = rsip::SipMessage::try_from(start.as_str()).map_err(|_| ParseError::Syntax)?;
    let headers = Headers::from_fields(&prepared.fields, prepared.other)?;
    let body = prepared.body.to_vec();
    match first {
        rsip::SipMessage::Request(r) => {
            if r.version != rsip::Version::V2 {
                return Err(ParseError::Version);
            }
            if headers.cseq.method != r.method {
                return Err(ParseError::CSeqMethod);
            }
            Ok(Message::Request(Request {
                method: r.method,
                uri: r.uri,
                headers,
                body,
            }))
        }
        rsip::SipMessage::Response(r) => {
            if r.version != rsip::Version::V2 {
                return Err(ParseError::Version);
            }
            let status = r.status_code.code();
            if !(100..=699).contains(&status) {
                return Err(ParseError::Syntax);
            }
            let reason = prepared
                .start_line
                .splitn(3, ' ')
                .nth(2)
                .unwrap_or_default()
                .to_string();
            Ok(Message::Response(Response {
                status,
                reason,
                headers,
                body,
            }))
        }
    }
}
