//! Message layer: answering a refused request with 400, 416 or 505 when enough of it survives
//! (RFC 3261 §8.2, §8.2.2.1, §16.3). Must never answer a response or an ACK (§17.1.1.3: ACK gets no reply).

use super::framing::{canonical_name, header_lines, skip_leading_crlf, split_field};
use super::{Limits, ParseError, Response};
use crate::sip::proto::header::{params::split_top_level, CSeq, CallId, From, To, Via};
use crate::sip::proto::message::{default_reason, Headers, Method};

/// Builds the error response for a request that failed to parse, if its Via, From, To, Call-ID
/// and CSeq can still be read; otherwise `None` and the caller drops and counts it. The status is
/// 416 for an unsupported Request-URI scheme (§8.2.2.1), 505 for another SIP version (§21.5.7)
/// and 400 otherwise.
pub fn bad_request(bytes: &[u8], error: &ParseError, limits: &Limits) -> Option<Response> {
    if matches!(error, ParseError::TooLarge { .. }) {
        // Do not read further into an oversized buffer; a 513 would need the same headers.
        return None;
    }
    let bytes = skip_leading_crlf(bytes);
    let head_end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(bytes.len());
    let head = String::from_utf8_lossy(&bytes[..head_end.min(limits.max_message)]);
    let (start, rest) = head.split_once("\r\n")?;
    if start.starts_with("SIP/") || start.split(' ').next() == Some("ACK") {
        return None;
    }
    let lines = header_lines(rest, limits).ok()?;
    let (mut via, mut from, mut to, mut call_id, mut cseq) = (Vec::new(), None, None, None, None);
    for line in &lines {
        let Some((name, value)) = split_field(line) else {
            continue;
        };
        match canonical_name(name) {
            Some("Via") => {
                for v in split_top_level(value, ',') {
                    via.push(Via::parse(v).ok()?);
                }
            }
            Some("From") => from = Some(From::parse(value).ok()?),
            Some("To") => to = Some(To::parse(value).ok()?),
            Some("Call-ID") => call_id = Some(CallId::parse(value).ok()?),
            Some("CSeq") => cseq = CSeq::parse(value).ok(),
            _ => {}
        }
    }
    if via.is_empty() {
        return None;
    }
    // A CSeq we cannot read still lets us answer; echo a neutral one so the peer can correlate
    // by branch.
    let cseq = cseq.unwrap_or(CSeq::new(0, Method::Options));
    if cseq.method == Method::Ack {
        return None;
    }
    let headers = Headers::new(via, from?, to?, call_id?, cseq);
    let (status, reason) = match error {
        ParseError::UnsupportedScheme => (416, default_reason(416).to_string()),
        ParseError::Version => (505, default_reason(505).to_string()),
        _ => (400, reason_phrase(error)),
    };
    Some(Response {
        status,
        reason,
        headers,
        body: Vec::new(),
    })
}

/// `Bad Request (why)`, restricted to printable ASCII so the phrase is valid TEXT-UTF8.
fn reason_phrase(error: &ParseError) -> String {
    let why: String = error
        .to_string()
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(100)
        .collect();
    format!("Bad Request ({why})")
}
