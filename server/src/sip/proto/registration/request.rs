//! Registration layer: builds REGISTER (RFC 3261 §10.2) and out-of-dialog OPTIONS (§11) for a
//! trunk, with our own Via so NAT-facing addresses and `rport` (RFC 3581 §3) are ours to choose.
//! Must not send anything or touch transactions: the Endpoint does that.

use super::config::{HostPort, RegistrationConfig};
use crate::sip::proto::header::{
    CSeq, CallId, Contact, Expires, From, MaxForwards, NameAddr, To, Via,
};
use crate::sip::proto::message::{ExtraHeader, Headers, Method, Request, Transport};
use crate::sip::proto::rng::Rng;

/// Product token sent in User-Agent, so a provider's logs say who registered.
pub const USER_AGENT: &str = "Trunkline";

/// The configuration cannot be written as a SIP request: local misuse, not the peer's fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("`{0}` is not a valid SIP URI")]
    BadUri(String),
}

/// The dialog-less identity one client keeps across its requests (RFC 3261 §10.2.4: the same
/// Call-ID for every REGISTER to one registrar, CSeq increasing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    pub call_id: String,
    pub from_tag: String,
    pub cseq: u32,
}

impl Leg {
    pub fn new(rng: &mut Rng, host: &str) -> Self {
        Self {
            call_id: format!("{}@{}", rng.token(24), host),
            from_tag: rng.token(10),
            cseq: 0,
        }
    }

    fn next_cseq(&mut self) -> u32 {
        self.cseq += 1;
        self.cseq
    }
}

fn host_with_port(host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) if p != 5060 => format!("{host}:{p}"),
        _ => host.to_string(),
    }
}

fn transport_param(t: Transport) -> &'static str {
    match t {
        Transport::Udp => "",
        _ => ";transport=tcp",
    }
}

/// Our Contact URI at `binding` (the address the provider can reach).
pub fn contact_uri(cfg: &RegistrationConfig, binding: &HostPort) -> String {
    let user = cfg.contact_user.as_deref().unwrap_or(&cfg.username);
    format!("sip:{user}@{binding}{}", transport_param(cfg.transport))
}

fn parse_uri(s: &str) -> Result<rsip::Uri, BuildError> {
    rsip::Uri::try_from(s).map_err(|_| BuildError::BadUri(s.to_string()))
}

/// A Via at `binding` with a new branch and an empty `rport`, so the 200 tells us our public
/// address (RFC 3581 §4).
pub fn via(transport: Transport, binding: &HostPort, rng: &mut Rng) -> Via {
    Via::new(
        transport,
        binding.host.clone(),
        Some(binding.port),
        &rng.branch(),
    )
}

/// A REGISTER for `expires` seconds (0 removes the binding, §10.2.2).
///
/// # Errors
/// The server host or user do not form a SIP URI.
pub fn register(
    cfg: &RegistrationConfig,
    binding: &HostPort,
    leg: &mut Leg,
    expires: u32,
    rng: &mut Rng,
) -> Result<Request, BuildError> {
    let domain = host_with_port(&cfg.server_host, cfg.server_port);
    let uri = parse_uri(&format!("sip:{domain}{}", transport_param(cfg.transport)))?;
    let aor = format!("sip:{}@{domain}", cfg.username);
    parse_uri(&aor)?;
    let contact = contact_uri(cfg, binding);
    parse_uri(&contact)?;
    let seq = leg.next_cseq();
    let mut headers = Headers::new(
        vec![via(cfg.transport, binding, rng)],
        From(NameAddr::new(aor.clone())).with_tag(&leg.from_tag),
        To(NameAddr::new(aor)),
        CallId::new(leg.call_id.clone()),
        CSeq::new(seq, Method::Register),
    );
    headers.max_forwards = Some(MaxForwards(70));
    headers.contact = vec![Contact::Addr(NameAddr::new(contact))];
    headers.expires = Some(Expires(expires));
    headers.extra.push(ExtraHeader {
        name: "User-Agent".into(),
        value: USER_AGENT.into(),
    });
    Ok(Request {
        method: Method::Register,
        uri,
        headers,
        body: Vec::new(),
    })
}

/// An OPTIONS probe to `target` (`sip:host:port`), From `user` at `binding` (§11.1).
///
/// # Errors
/// `target` or `user` do not form a SIP URI.
pub fn options(
    target: &HostPort,
    transport: Transport,
    user: &str,
    binding: &HostPort,
    rng: &mut Rng,
) -> Result<Request, BuildError> {
    let uri_s = format!("sip:{target}{}", transport_param(transport));
    let uri = parse_uri(&uri_s)?;
    let from = format!("sip:{user}@{binding}");
    parse_uri(&from)?;
    let mut headers = Headers::new(
        vec![via(transport, binding, rng)],
        From(NameAddr::new(from.clone())).with_tag(&rng.token(10)),
        To(NameAddr::new(format!("sip:{target}"))),
        CallId::new(format!("{}@{}", rng.token(24), binding.host)),
        CSeq::new(1, Method::Options),
    );
    headers.max_forwards = Some(MaxForwards(70));
    headers.contact = vec![Contact::Addr(NameAddr::new(from))];
    headers.extra.push(ExtraHeader {
        name: "User-Agent".into(),
        value: USER_AGENT.into(),
    });
    Ok(Request {
        method: Method::Options,
        uri,
        headers,
        body: Vec::new(),
    })
}
