//! Message layer: typed `Message` to bytes (RFC 3261 §7), each header in
//! rsip's spelling of its name. Must not emit a Content-Length that
//! disagrees with the body: it is always computed here.

use super::{Headers, Message, Request, Response};

/// The body goes in as bytes: it need not be UTF-8.
fn finish(head: String, body: &[u8]) -> Vec<u8> {
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// One header line per value, in the order RFC 3261 §7.3.1 recommends
/// (Via first), then Content-Length, then the blank line. Written straight
/// into the output: building each header as a string and joining them
/// cost a third of the printing under load (BENCHMARKS.md).
fn write_headers(out: &mut String, h: &Headers, body_len: usize) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    fn line(out: &mut String, name: &str, value: impl std::fmt::Display) {
        out.push_str(name);
        out.push_str(": ");
        let _ = write!(out, "{value}");
        out.push_str("\r\n");
    }
    // Values that are already text (Call-ID, unknown headers) are copied
    // as they are, without going through the formatting machinery.
    fn text_line(out: &mut String, name: &str, value: &str) {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    for v in &h.via {
        line(out, "Via", v);
    }
    if let Some(m) = h.max_forwards {
        line(out, "Max-Forwards", m);
    }
    if !h.route.is_empty() {
        line(out, "Route", &h.route);
    }
    if !h.record_route.is_empty() {
        line(out, "Record-Route", &h.record_route);
    }
    line(out, "From", &h.from);
    line(out, "To", &h.to);
    text_line(out, "Call-ID", h.call_id.as_str());
    line(out, "CSeq", &h.cseq);
    for c in &h.contact {
        line(out, "Contact", c);
    }
    if let Some(e) = h.expires {
        line(out, "Expires", e);
    }
    if let Some(e) = h.min_expires {
        line(out, "Min-Expires", e);
    }
    for c in &h.www_authenticate {
        line(out, "WWW-Authenticate", c);
    }
    for c in &h.proxy_authenticate {
        line(out, "Proxy-Authenticate", c);
    }
    for c in &h.authorization {
        line(out, "Authorization", c);
    }
    for c in &h.proxy_authorization {
        line(out, "Proxy-Authorization", c);
    }
    for e in &h.extra {
        text_line(out, &e.name, &e.value);
    }
    line(out, "Content-Length", body_len);
    out.push_str("\r\n");
}

/// A head's usual size: one allocation for most messages.
const HEAD_CAPACITY: usize = 640;

impl Request {
    /// Serialises the request for the wire.
    pub fn encode(&self) -> Vec<u8> {
        use std::fmt::Write;
        let mut head = String::with_capacity(HEAD_CAPACITY + self.body.len());
        let _ = write!(head, "{} {} SIP/2.0\r\n", self.method, self.uri);
        write_headers(&mut head, &self.headers, self.body.len());
        finish(head, &self.body)
    }
}

impl Response {
    /// Serialises the response for the wire; the reason phrase is ours.
    pub fn encode(&self) -> Vec<u8> {
        use std::fmt::Write;
        let mut head = String::with_capacity(HEAD_CAPACITY + self.body.len());
        let _ = write!(head, "SIP/2.0 {} {}\r\n", self.status, self.reason);
        write_headers(&mut head, &self.headers, self.body.len());
        finish(head, &self.body)
    }
}

impl Message {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Self::Request(r) => r.encode(),
            Self::Response(r) => r.encode(),
        }
    }
}
