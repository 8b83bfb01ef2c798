//! Message layer: bytes to typed `Message` (RFC 3261 §7). The start line is read here (method
//! token, SIP-URI into `rsip::Uri`, version, status code); our header modules type the fields.
//! Must not panic or allocate beyond `Limits`.

use super::framing::prepare;
use super::uri::parse_request_uri;
use super::{Headers, Limits, Message, Method, ParseError, Request, Response};

/// Parses one whole message (a UDP datagram or one frame cut from a stream).
///
/// # Errors
/// Any `ParseError`; the caller decides between an error response (see `bad_request`) and a
/// silent drop.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Message, ParseError> {
    let prepared = prepare(bytes, limits)?;
    let start = prepared.start_line;
    if start.starts_with("SIP/") {
        let (status, reason) = status_line(start)?;
        let headers = Headers::from_fields(&prepared.fields, prepared.other)?;
        return Ok(Message::Response(Response {
            status,
            reason: reason.to_string(),
            headers,
            body: prepared.body.to_vec(),
        }));
    }
    let (method, uri) = request_line(start)?;
    let headers = Headers::from_fields(&prepared.fields, prepared.other)?;
    if headers.cseq.method != method {
        return Err(ParseError::CSeqMethod);
    }
    Ok(Message::Request(Request {
        method,
        uri,
        headers,
        body: prepared.body.to_vec(),
    }))
}

/// `SIP/2.0`, case-insensitively (§7.1); another `SIP/x.y` is `Version`, anything else `Syntax`.
fn version(s: &str) -> Result<(), ParseError> {
    if s.eq_ignore_ascii_case("SIP/2.0") {
        return Ok(());
    }
    let numbered = s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("SIP/"))
        && s[4..].split_once('.').is_some_and(|(major, minor)| {
            [major, minor]
                .iter()
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        });
    Err(if numbered {
        ParseError::Version
    } else {
        ParseError::Syntax
    })
}

/// `Method SP Request-URI SP SIP-Version` with exactly one SP between elements (§7.1), so a URI
/// with LWS, `<>` around it, or trailing spaces are all refused.
fn request_line(line: &str) -> Result<(Method, rsip::Uri), ParseError> {
    let mut parts = line.split(' ');
    let (Some(method), Some(uri), Some(ver), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::Syntax);
    };
    let method = Method::parse(method).ok_or(ParseError::Syntax)?;
    version(ver)?;
    Ok((method, parse_request_uri(uri)?))
}

/// `SIP-Version SP Status-Code SP Reason-Phrase`; the code is exactly three digits (§7.2, §25.1).
/// A missing final SP before an empty reason is tolerated.
fn status_line(line: &str) -> Result<(u16, &str), ParseError> {
    let mut parts = line.splitn(3, ' ');
    let (Some(ver), Some(code)) = (parts.next(), parts.next()) else {
        return Err(ParseError::Syntax);
    };
    version(ver)?;
    let status = Some(code)
        .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|s| (100..=699).contains(s))
        .ok_or(ParseError::Syntax)?;
    let reason = parts.next().unwrap_or_default();
    if reason.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err(ParseError::Syntax);
    }
    Ok((status, reason))
}
