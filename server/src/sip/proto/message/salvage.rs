//! Message layer: answering a refused request with 400, 416 or 505 when enough of it survives
//! (RFC 3261 §8.2, §8.2.2.1, §16.3). Must never answer a response or an ACK (§17.1.1.3: ACK gets no reply).

use super::framing::{canonical_name, head_end, header_lines, skip_leading_crlf, split_field};
use super::{Limits, ParseError, Response};
use crate::sip::proto::header::{
    params::{parse_params, split_top_level},
    CSeq, CallId, From, NameAddr, Param, To, Via,
};
use crate::sip::proto::message::{default_reason, Headers, Method};

/// Stand-in for a From or To the request did not carry at all (RFC 4475 §3.3.1 insuf). The
/// typed `Headers` must print one; this is the RFC 3261 §8.1.1.3 anonymous URI, so the answer
/// stays parseable. The client matches the answer by Via branch and CSeq method (§17.1.3).
const ABSENT_ADDR: &str = "sip:anonymous@anonymous.invalid";
/// Stand-in for an absent Call-ID, for the same reason.
const ABSENT_CALL_ID: &str = "absent@anonymous.invalid";

/// Builds the error response for a request that failed to parse, as long as its top Via can be
/// read well enough to route an answer (sent-by host and port, branch, received/rport); otherwise
/// `None` and the caller drops and counts it. The status is 416 for an unsupported Request-URI
/// scheme (§8.2.2.1), 505 for another SIP version (§21.5.7) and 400 otherwise, with the reason
/// phrase naming what was wrong.
///
/// From, To, Call-ID and CSeq are copied as typed headers when they parse. When one does not
/// (RFC 4475 quotbal, badaspec, baddn), its raw text is copied as closely as the typed header can
/// print it: `display <uri>;rest` comes out byte for byte, an addr-spec gains the equivalent
/// `<>`. A To tag is added only when the To parsed. A CSeq that cannot be typed keeps its
/// method and, if it fits, its number (else 0). A header that is absent gets a neutral stand-in.
pub fn bad_request(bytes: &[u8], error: &ParseError, limits: &Limits) -> Option<Response> {
    if matches!(error, ParseError::TooLarge { .. }) {
        // Do not read further into an oversized buffer; a 513 would need the same headers.
        return None;
    }
    let bytes = skip_leading_crlf(bytes);
    let head_end = head_end(bytes).unwrap_or(bytes.len());
    let head_bytes = &bytes[..head_end.min(limits.max_message)];
    let head = String::from_utf8_lossy(head_bytes);
    let (start, rest) = head.split_once("\r\n")?;
    let request_method = start.split(' ').next().unwrap_or_default();
    if start.starts_with("SIP/") || request_method == "ACK" {
        return None;
    }
    let lines = header_lines(rest, limits).ok()?;
    let mut via_values = Vec::new();
    let (mut from, mut to, mut call_id, mut cseq) = (None, None, None, None);
    for line in &lines {
        let Some((name, value)) = split_field(line) else {
            continue;
        };
        // The first instance of a single-value header is the one echoed (RFC 4475 multi01).
        match canonical_name(name) {
            Some("Via") => via_values.extend(split_top_level(value, ',')),
            Some("From") => from = from.or(Some(value)),
            Some("To") => to = to.or(Some(value)),
            Some("Call-ID") => call_id = call_id.or(Some(value)),
            Some("CSeq") => cseq = cseq.or(Some(value)),
            _ => {}
        }
    }
    let via = routable_vias(&via_values)?;
    let cseq = salvage_cseq(cseq, request_method);
    if cseq.method == Method::Ack {
        return None;
    }
    let from = from
        .and_then(|v| From::parse(v).ok().or_else(|| raw_name_addr(v).map(From)))
        .unwrap_or_else(|| From(NameAddr::new(ABSENT_ADDR)));
    let to = match to.map(|v| (v, To::parse(v))) {
        Some((_, Ok(to))) if to.tag().is_some() => to,
        Some((_, Ok(to))) => to.with_tag(&stateless_tag(head_bytes)),
        Some((v, Err(_))) => raw_name_addr(v).map_or_else(|| To(NameAddr::new(ABSENT_ADDR)), To),
        None => To(NameAddr::new(ABSENT_ADDR)),
    };
    let call_id = call_id
        .and_then(|v| {
            CallId::parse(v)
                .ok()
                .or_else(|| raw_text(v).map(CallId::new))
        })
        .unwrap_or_else(|| CallId::new(ABSENT_CALL_ID));
    let headers = Headers::new(via, from, to, call_id, cseq);
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

/// The Via entries an answer can carry, topmost first. The top one must be readable: it is
/// where the answer goes (§18.2.2). When even it cannot be read (RFC 4475 badinv01,
/// `SIP/2.0/UDP 192.0.2.15;;,;,,`), no answer can be routed, so `None` makes the caller drop
/// and count the request — the correct outcome there. Below the top, copying stops at the first
/// unreadable entry: a proxy would misroute an answer whose Via list skipped one.
fn routable_vias(values: &[&str]) -> Option<Vec<Via>> {
    let mut vias = Vec::new();
    for value in values {
        match lenient_via(value) {
            Some(v) => vias.push(v),
            None => break,
        }
    }
    (!vias.is_empty()).then_some(vias)
}

/// A Via value, also when its sent-protocol names another SIP version (RFC 4475 badvers has
/// `SIP/7.0/UDP`): sent-by and params are what route the answer. The typed Via prints
/// `SIP/2.0`, which is the version of the answer itself.
fn lenient_via(value: &str) -> Option<Via> {
    if let Ok(v) = Via::parse(value) {
        return Some(v);
    }
    let mut parts = value.trim().splitn(3, '/');
    let (name, version, tail) = (parts.next()?, parts.next()?, parts.next()?);
    let numbered = version
        .trim()
        .split_once('.')
        .is_some_and(|(major, minor)| {
            [major, minor]
                .iter()
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        });
    if !name.trim().eq_ignore_ascii_case("SIP") || !numbered {
        return None;
    }
    Via::parse(&format!("SIP/2.0/{tail}")).ok()
}

/// The CSeq to echo: typed if it parses; else its method (or the request's) and its number
/// when that fits, else 0. The client matches by branch and method, not the number (§17.1.3).
fn salvage_cseq(raw: Option<&str>, request_method: &str) -> CSeq {
    if let Some(c) = raw.and_then(|v| CSeq::parse(v).ok()) {
        return c;
    }
    let mut parts = raw.unwrap_or_default().split_ascii_whitespace();
    let seq = parts
        .next()
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| *n < (1 << 31))
        .unwrap_or(0);
    let method = parts
        .next()
        .and_then(Method::parse)
        .or_else(|| Method::parse(request_method))
        .unwrap_or(Method::Options);
    CSeq::new(seq, method)
}

/// A header value that is echoed although it broke its grammar: non-empty, and free of control
/// characters so it cannot split the answer's header lines.
fn raw_text(value: &str) -> Option<&str> {
    let v = value.trim();
    (!v.is_empty() && !v.chars().any(|c| c.is_control() && c != '\t')).then_some(v)
}

/// Splits an unparseable From/To into parts that print back as written: `display <uri>rest`
/// with quotes ignored (RFC 4475 quotbal leaves one open) and spaces inside `<>` kept
/// (badaspec). Anything after `>` that is not well-formed params is carried as one raw param.
fn raw_name_addr(value: &str) -> Option<NameAddr> {
    let v = raw_text(value)?;
    let (display, uri, rest) = match v.find('<') {
        Some(open) => {
            let after = &v[open + 1..];
            let (uri, rest) = match after.rfind('>') {
                Some(close) => (&after[..close], &after[close + 1..]),
                None => (after, ""),
            };
            let display = v[..open].trim_end();
            (
                (!display.is_empty()).then(|| display.to_string()),
                uri,
                rest,
            )
        }
        None => match v.find(';') {
            Some(i) => (None, v[..i].trim_end(), &v[i..]),
            None => (None, v, ""),
        },
    };
    let rest = rest.trim();
    let params = parse_params(rest)
        .unwrap_or_else(|_| vec![Param::new(rest.strip_prefix(';').unwrap_or(rest), None)]);
    Some(NameAddr {
        display,
        uri: uri.to_string(),
        params,
    })
}

/// A To tag for an answer given without a transaction: derived from the request head (FNV-1a),
/// so a retransmission gets the same tag, as §8.2.7 asks of a stateless UAS.
fn stateless_tag(head: &[u8]) -> String {
    let hash = head.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::proto::message::parse;

    fn answer(text: &str) -> Option<Response> {
        let bytes = text.replace('\n', "\r\n").into_bytes();
        let error = parse(&bytes, &Limits::default()).err()?;
        bad_request(&bytes, &error, &Limits::default())
    }

    #[test]
    fn raw_echo_cannot_split_header_lines() {
        let r = answer("OPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\nTo: <sip:b@example.com\rInjected: yes>\nFrom: <sip:a@example.com>;tag=1\nCall-ID: c\rX\nCSeq: 1 OPTIONS\n\n")
            .expect("answered");
        let wire = String::from_utf8_lossy(&r.encode()).into_owned();
        assert!(
            !wire.contains("Injected") && !wire.contains("\rX"),
            "{wire}"
        );
        assert_eq!(r.headers.to.uri(), ABSENT_ADDR);
        assert_eq!(r.headers.call_id.as_str(), ABSENT_CALL_ID);
    }

    #[test]
    fn via_list_stops_at_the_first_unreadable_entry() {
        let r = answer("OPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;;\nVia: SIP/2.0/UDP c.example.com;branch=z9hG4bK3\nTo: <sip:b@example.com>\nFrom: <sip:a@example.com>;tag=1\nCall-ID: c\nCSeq: 1 OPTIONS\n\n")
            .expect("answered");
        let hosts: Vec<_> = r.headers.via.iter().map(|v| v.host.as_str()).collect();
        assert_eq!(hosts, ["a.example.com"]);
        let unroutable = answer("OPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP b.example.com;;\nTo: <sip:b@example.com>\nFrom: <sip:a@example.com>;tag=1\nCall-ID: c\nCSeq: 1 OPTIONS\n\n");
        assert_eq!(unroutable, None);
    }

    #[test]
    fn stateless_tag_is_stable_and_only_on_a_parsed_to() {
        let text = "OPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\nTo: <sip:b@example.com>\nFrom: <sip:a@example.com>;tag=1\nCall-ID: c\nCSeq: 1 OPTIONS\nMax-Forwards: x\n\n";
        let (a, b) = (answer(text), answer(text));
        let tag = a
            .as_ref()
            .and_then(|r| r.headers.to.tag().map(str::to_string));
        assert!(tag.is_some());
        assert_eq!(tag, b.and_then(|r| r.headers.to.tag().map(str::to_string)));
    }
}
