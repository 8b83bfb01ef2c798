//! Message layer: typed `Message` to bytes, printed by rsip (RFC 3261 §7). Must not emit a
//! Content-Length that disagrees with the body: it is always computed here.

use rsip::headers as rh;
use rsip::headers::UntypedHeader;
use rsip::Header;

use super::{Headers, Message, Request, Response};

fn to_rsip(h: &Headers, body_len: usize) -> rsip::Headers {
    let mut out: Vec<Header> = Vec::with_capacity(12 + h.extra.len());
    out.extend(
        h.via
            .iter()
            .map(|v| Header::Via(rh::Via::new(v.to_string()))),
    );
    if let Some(m) = h.max_forwards {
        out.push(Header::MaxForwards(rh::MaxForwards::new(m.to_string())));
    }
    if !h.route.is_empty() {
        out.push(Header::Route(rh::Route::new(h.route.to_string())));
    }
    if !h.record_route.is_empty() {
        out.push(Header::RecordRoute(rh::RecordRoute::new(
            h.record_route.to_string(),
        )));
    }
    out.push(Header::From(rh::From::new(h.from.to_string())));
    out.push(Header::To(rh::To::new(h.to.to_string())));
    out.push(Header::CallId(rh::CallId::new(h.call_id.to_string())));
    out.push(Header::CSeq(rh::CSeq::new(h.cseq.to_string())));
    out.extend(
        h.contact
            .iter()
            .map(|c| Header::Contact(rh::Contact::new(c.to_string()))),
    );
    if let Some(e) = h.expires {
        out.push(Header::Expires(rh::Expires::new(e.to_string())));
    }
    if let Some(e) = h.min_expires {
        out.push(Header::MinExpires(rh::MinExpires::new(e.to_string())));
    }
    out.extend(
        h.www_authenticate
            .iter()
            .map(|c| Header::WwwAuthenticate(rh::WwwAuthenticate::new(c.to_string()))),
    );
    out.extend(
        h.proxy_authenticate
            .iter()
            .map(|c| Header::ProxyAuthenticate(rh::ProxyAuthenticate::new(c.to_string()))),
    );
    out.extend(
        h.authorization
            .iter()
            .map(|c| Header::Authorization(rh::Authorization::new(c.to_string()))),
    );
    out.extend(
        h.proxy_authorization
            .iter()
            .map(|c| Header::ProxyAuthorization(rh::ProxyAuthorization::new(c.to_string()))),
    );
    out.extend(
        h.extra
            .iter()
            .map(|e| Header::Other(e.name.clone(), e.value.clone())),
    );
    out.push(Header::ContentLength(rh::ContentLength::new(
        body_len.to_string(),
    )));
    out.into()
}

/// rsip prints bodies through a lossy UTF-8 conversion, so it prints the head and we append the
/// body bytes ourselves.
fn finish(head: String, body: &[u8]) -> Vec<u8> {
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

impl Request {
    /// Serialises the request for the wire. The request line is printed here because
    /// `rsip::Method` has no room for extension methods.
    pub fn encode(&self) -> Vec<u8> {
        let head = format!(
            "{} {} {}\r\n{}\r\n",
            self.method,
            self.uri,
            rsip::Version::V2,
            to_rsip(&self.headers, self.body.len())
        );
        finish(head, &self.body)
    }
}

impl Response {
    /// Serialises the response for the wire; the reason phrase is ours, not rsip's.
    pub fn encode(&self) -> Vec<u8> {
        let r = rsip::Response {
            status_code: rsip::StatusCode::Other(self.status, self.reason.clone()),
            version: rsip::Version::V2,
            headers: to_rsip(&self.headers, self.body.len()),
            body: Vec::new(),
        };
        finish(r.to_string(), &self.body)
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
