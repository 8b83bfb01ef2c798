//! Calls layer: one leg's dialog state (RFC 3261 §12) and the requests and responses built on
//! it: in-dialog requests, CANCEL (§9.1), the ACK for a 2xx (§13.2.2.4). Pure builders: sending
//! is the caller's.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::sip::proto::header::{CSeq, Contact, MaxForwards, NameAddr, RouteSet, Via};
use crate::sip::proto::message::{ExtraHeader, Headers, Method, Request, Response, Transport};
use crate::sip::proto::{Endpoint, TxId};

/// Headers that describe the body and travel with it from one leg to the other.
const BODY_HEADERS: &[&str] = &["Content-Type", "Content-Disposition"];

/// Our side of one dialog, enough to send requests in it.
#[derive(Debug, Clone)]
pub(super) struct Dialog {
    pub call_id: crate::sip::proto::header::CallId,
    /// From of the requests we send (our URI and tag).
    pub local: NameAddr,
    /// To of the requests we send (the peer's URI and tag).
    pub remote: NameAddr,
    /// The peer's Contact: Request-URI of our in-dialog requests.
    pub remote_target: String,
    pub route: RouteSet,
    pub local_cseq: u32,
    /// Where the peer is reached when neither the route set nor the remote target names an
    /// address: where its request came from, or the trunk's resolved address.
    pub dest: SocketAddr,
    /// A phone: always sent to `dest`, whatever its Contact says, as chan_sip's
    /// `nat=force_rport` does for phones behind NAT. A provider: by the route set, else the
    /// remote target (§12.2.1.1).
    pub symmetric: bool,
    pub transport: Transport,
}

impl Dialog {
    /// The index key: Call-ID and our tag.
    pub fn key(&self) -> (String, String) {
        (
            self.call_id.as_str().to_string(),
            self.local.param("tag").unwrap_or_default().to_string(),
        )
    }

    /// Where requests in this dialog are sent: the first hop of the route set (the address it
    /// names, loose or strict), else the remote target, else `dest`. Host names are not
    /// resolved here (no I/O): a route through a named proxy goes to `dest`, the address the
    /// runtime resolved for the trunk or the request's source.
    pub fn next_hop(&self) -> SocketAddr {
        if self.symmetric {
            return self.dest;
        }
        let first = self
            .route
            .0
            .first()
            .map_or(self.remote_target.as_str(), |r| r.uri.as_str());
        uri_addr(first).unwrap_or(self.dest)
    }

    /// Request-URI and Route of an in-dialog request (§12.2.1.1): with a loose-routing first
    /// hop (`lr`) the remote target and the route set as is; with a strict router, its URI as
    /// the Request-URI and the remote target appended as the last Route.
    fn target(&self) -> Option<(rsip::Uri, RouteSet)> {
        let parse = crate::sip::proto::message::parse_request_uri;
        match self.route.0.split_first() {
            Some((first, rest)) if !loose(&first.uri) => {
                let uri = parse(&strip_for_request_uri(&first.uri)).ok()?;
                let mut route = rest.to_vec();
                route.push(NameAddr::new(self.remote_target.clone()));
                Some((uri, RouteSet(route)))
            }
            _ => Some((parse(&self.remote_target).ok()?, self.route.clone())),
        }
    }

    /// A new request in this dialog, CSeq incremented, no Via yet (`send_request` adds ours).
    pub fn request(&mut self, method: Method, contact: &str) -> Option<Request> {
        self.local_cseq += 1;
        let (uri, route) = self.target()?;
        let mut headers = Headers::new(
            Vec::new(),
            crate::sip::proto::header::From(self.local.clone()),
            crate::sip::proto::header::To(self.remote.clone()),
            self.call_id.clone(),
            CSeq::new(self.local_cseq, method.clone()),
        );
        headers.max_forwards = Some(MaxForwards(70));
        headers.route = route;
        if matches!(method, Method::Invite | Method::Update) {
            headers.contact = vec![Contact::Addr(NameAddr::new(contact))];
        }
        Some(Request {
            method,
            uri,
            headers,
            body: Vec::new(),
        })
    }

    /// The ACK for a 2xx to our INVITE with CSeq `seq` (§13.2.2.4): a new branch, outside any
    /// transaction.
    pub fn ack(&self, ep: &mut Endpoint, seq: u32) -> Option<Request> {
        let (uri, route) = self.target()?;
        let mut headers = Headers::new(
            Vec::new(),
            crate::sip::proto::header::From(self.local.clone()),
            crate::sip::proto::header::To(self.remote.clone()),
            self.call_id.clone(),
            CSeq::new(seq, Method::Ack),
        );
        headers.max_forwards = Some(MaxForwards(70));
        headers.route = route;
        let mut ack = Request {
            method: Method::Ack,
            uri,
            headers,
            body: Vec::new(),
        };
        push_via(ep, &mut ack, self.next_hop(), self.transport);
        Some(ack)
    }
}

/// The part of a SIP URI after the scheme and userinfo: `host[:port][;params][?headers]`.
fn host_part(uri: &str) -> &str {
    let rest = uri.split_once(':').map_or(uri, |(_, r)| r);
    rest.rsplit_once('@').map_or(rest, |(_, h)| h)
}

/// Whether a route entry's URI carries `lr` (§19.1.1): a loose router.
fn loose(uri: &str) -> bool {
    let params = host_part(uri).split('?').next().unwrap_or("");
    params.split(';').skip(1).any(|p| {
        let name = p.split('=').next().unwrap_or("").trim();
        name.eq_ignore_ascii_case("lr")
    })
}

/// A route URI made fit for a Request-URI (§12.2.1.1): no `method` parameter, no headers.
fn strip_for_request_uri(uri: &str) -> String {
    let uri = uri.split('?').next().unwrap_or(uri);
    let mut parts = uri.split(';');
    let mut out = parts.next().unwrap_or("").to_string();
    for p in parts {
        let name = p.split('=').next().unwrap_or("").trim();
        if !name.eq_ignore_ascii_case("method") {
            out.push(';');
            out.push_str(p);
        }
    }
    out
}

/// The address a SIP URI names when its host is an IP literal: its port, else 5060 (5061
/// for `sips:`).
pub(super) fn uri_addr(uri: &str) -> Option<SocketAddr> {
    let secure = uri
        .get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("sips:"));
    let hostport = host_part(uri).split([';', '?']).next()?;
    let default = if secure { 5061 } else { 5060 };
    if let Some(v6) = hostport.strip_prefix('[') {
        let (ip, rest) = v6.split_once(']')?;
        let port = match rest.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None => default,
        };
        return Some(SocketAddr::new(ip.parse().ok()?, port));
    }
    let (ip, port) = match hostport.split_once(':') {
        Some((ip, p)) => (ip, p.parse().ok()?),
        None => (hostport, default),
    };
    Some(SocketAddr::new(ip.parse().ok()?, port))
}

/// Adds our Via with a new branch on top of `req`, with our address as `dest` sees it.
pub(super) fn push_via(
    ep: &mut Endpoint,
    req: &mut Request,
    dest: SocketAddr,
    transport: Transport,
) {
    let branch = ep.rng().branch();
    let us = ep.config().sent_by(dest);
    let via = Via::new(transport, us.host, Some(us.port), &branch);
    req.headers.via.insert(0, via);
}

/// How far one B leg's INVITE got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LegState {
    /// Sent, nothing above 100 yet.
    Calling,
    /// A provisional came: a CANCEL may be sent (§9.1).
    Early,
    Answered,
    /// A final non-2xx, a timeout or a transport error: nothing more to do.
    Done,
}

/// One outbound leg (B).
#[derive(Debug)]
pub(super) struct BLeg {
    /// Trunk name or contact URI.
    pub label: String,
    pub trunk_id: Option<i64>,
    /// Index into the call's trunk list.
    pub trunk: Option<usize>,
    /// Its dialog's requests go to `dest` whatever the Contact and route set say: a phone's
    /// always, a trunk's with `nat=force_rport`.
    pub symmetric: bool,
    /// The INVITE as last sent (with our Via), for CANCEL and the digest retry; shared with
    /// its client transaction (which builds the ACK of a failure from it). Let go once the
    /// leg is answered: its dialog has what the call needs of it from then on, and a call
    /// in progress would otherwise keep a parsed INVITE (about 3.5 KB) for nothing.
    pub invite: Option<Arc<Request>>,
    /// The CSeq number of that INVITE, which the ACK of its 2xx carries.
    pub seq: u32,
    pub tx: TxId,
    pub dest: SocketAddr,
    pub transport: Transport,
    pub state: LegState,
    pub auth_tried: bool,
    /// Cancel as soon as a provisional arrives (a CANCEL may not precede it).
    pub cancel_pending: bool,
    /// We decided to cancel it (its 487 is then no failure).
    pub cancelled: bool,
    /// Its attempt is in the call record already.
    pub recorded: bool,
    /// It counts against its trunk's call limit.
    pub counted: bool,
    pub dialog: Option<Dialog>,
    /// The ACK sent for its 2xx, as sent, resent when the 2xx is retransmitted.
    pub ack: Option<Box<[u8]>>,
}

impl BLeg {
    pub fn ringing(&self) -> bool {
        matches!(self.state, LegState::Calling | LegState::Early)
    }
}

/// The CANCEL for `invite` (§9.1): same Request-URI, Call-ID, From, To, top Via and Route, CSeq
/// number with method CANCEL.
pub(super) fn cancel(invite: &Request) -> Request {
    let h = &invite.headers;
    let mut headers = Headers::new(
        h.via.iter().take(1).cloned().collect(),
        h.from.clone(),
        h.to.clone(),
        h.call_id.clone(),
        CSeq::new(h.cseq.seq, Method::Cancel),
    );
    headers.max_forwards = Some(MaxForwards(70));
    headers.route = h.route.clone();
    Request {
        method: Method::Cancel,
        uri: invite.uri.clone(),
        headers,
        body: Vec::new(),
    }
}

/// A response to `request` with our To tag; our Contact when it can set up a dialog, and the
/// request's Record-Route when it does (§12.1.1: the UAS MUST copy it, or the proxies that
/// record-routed lose the ACK and BYE).
pub(super) fn response(
    request: &Request,
    status: u16,
    reason: &str,
    tag: &str,
    contact: &str,
) -> Response {
    let mut resp = Response::for_request(request, status, reason);
    if resp.headers.to.tag().is_none() {
        resp.headers.to = resp.headers.to.with_tag(tag);
    }
    let dialog_method = matches!(request.method, Method::Invite | Method::Update);
    if dialog_method && (101..300).contains(&status) {
        resp.headers.contact = vec![Contact::Addr(NameAddr::new(contact))];
        let creates_dialog = request.method == Method::Invite && request.headers.to.tag().is_none();
        if creates_dialog {
            resp.headers.record_route = request.headers.record_route.clone();
        }
    }
    resp
}

/// Copies the body and its describing headers as they are.
pub(super) fn copy_body(
    from: &Headers,
    body: &[u8],
    to_headers: &mut Headers,
    to_body: &mut Vec<u8>,
) {
    drop_body(to_headers, to_body);
    to_body.extend_from_slice(body);
    for name in BODY_HEADERS {
        if let Some(value) = from.extra(name) {
            to_headers.extra.push(ExtraHeader {
                name: (*name).into(),
                value: value.to_string(),
            });
        }
    }
}

/// A's INVITE once A has ACKed the answer. From then on, for as long as the call lasts, it
/// only recognises the INVITE retransmitted (top Via, Call-ID, CSeq) and holds the offer
/// (the body and the headers that describe it): its Contact and route set are in A's dialog
/// already, and its other headers were read when the call started.
pub(super) fn settle_answered_invite(invite: &mut Request) {
    let h = &mut invite.headers;
    h.contact = Vec::new();
    h.route = RouteSet::default();
    h.record_route = RouteSet::default();
    h.extra
        .retain(|e| BODY_HEADERS.iter().any(|n| e.name.eq_ignore_ascii_case(n)));
    h.extra.shrink_to_fit();
}

/// Leaves the body and the headers describing it out of a message.
pub(super) fn drop_body(headers: &mut Headers, body: &mut Vec<u8>) {
    body.clear();
    headers
        .extra
        .retain(|h| !BODY_HEADERS.iter().any(|n| h.name.eq_ignore_ascii_case(n)));
}

/// The URI of a Contact header list's first address.
pub(super) fn contact_uri(contacts: &[Contact]) -> Option<String> {
    contacts.iter().find_map(|c| match c {
        Contact::Addr(a) => Some(a.uri.clone()),
        Contact::Wildcard => None,
    })
}
