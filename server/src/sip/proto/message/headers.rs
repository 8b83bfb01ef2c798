//! Message layer: the typed header set of one message (RFC 3261 §8.1.1 mandatory headers).
//! Must not hold raw values for headers this core interprets; unknown ones pass through opaque.

use crate::sip::proto::header::{
    auth::is_digest, params::split_top_level, CSeq, CallId, Challenge, Contact, Credentials,
    Expires, From, MaxForwards, MinExpires, RouteSet, To, Via,
};

use std::borrow::Cow;

use super::ParseError;

/// A header this core does not interpret, forwarded untouched (for example Content-Type, User-Agent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraHeader {
    /// Borrowed when it is a name the framing step knows (`framing::COMMON_EXTRA`).
    pub name: Cow<'static, str>,
    pub value: String,
}

/// All headers of a message. Mandatory ones are plain fields, so a parsed message always has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    /// Topmost first.
    pub via: Vec<Via>,
    pub from: From,
    pub to: To,
    pub call_id: CallId,
    pub cseq: CSeq,
    pub max_forwards: Option<MaxForwards>,
    pub route: RouteSet,
    pub record_route: RouteSet,
    pub contact: Vec<Contact>,
    pub expires: Option<Expires>,
    pub min_expires: Option<MinExpires>,
    pub www_authenticate: Vec<Challenge>,
    pub proxy_authenticate: Vec<Challenge>,
    pub authorization: Vec<Credentials>,
    pub proxy_authorization: Vec<Credentials>,
    pub extra: Vec<ExtraHeader>,
}

impl Headers {
    pub fn new(via: Vec<Via>, from: From, to: To, call_id: CallId, cseq: CSeq) -> Self {
        Self {
            via,
            from,
            to,
            call_id,
            cseq,
            max_forwards: None,
            route: RouteSet::default(),
            record_route: RouteSet::default(),
            contact: Vec::new(),
            expires: None,
            min_expires: None,
            www_authenticate: Vec::new(),
            proxy_authenticate: Vec::new(),
            authorization: Vec::new(),
            proxy_authorization: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Looks up an opaque extra header by case-insensitive name.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// Types the fields produced by the framing step.
    pub(crate) fn from_fields(
        fields: &[(&'static str, std::borrow::Cow<'_, str>)],
        other: Vec<(Cow<'static, str>, String)>,
    ) -> Result<Self, ParseError> {
        // Sized before filling: grown one push at a time, each list started with room for
        // four and the untyped headers moved twice, on every message.
        let (mut vias, mut contacts, mut extras) = (0, 0, other.len());
        for (name, _) in fields {
            match *name {
                "Via" => vias += 1,
                "Contact" => contacts += 1,
                n if !is_typed(n) => extras += 1,
                _ => {}
            }
        }
        let mut via = Vec::with_capacity(vias);
        let (mut from, mut to, mut call_id, mut cseq) = (None, None, None, None);
        let mut h = Partial {
            contact: Vec::with_capacity(contacts),
            extra: Vec::with_capacity(extras),
            ..Partial::default()
        };
        for (name, value) in fields {
            let value: &str = value;
            match *name {
                "Via" => {
                    for v in split_top_level(value, ',') {
                        via.push(Via::parse(v)?);
                    }
                }
                "From" => once(&mut from, From::parse(value)?, "From")?,
                "To" => once(&mut to, To::parse(value)?, "To")?,
                "Call-ID" => once(&mut call_id, CallId::parse(value)?, "Call-ID")?,
                "CSeq" => once(&mut cseq, CSeq::parse(value)?, "CSeq")?,
                "Max-Forwards" => h.max_forwards = Some(MaxForwards::parse(value)?),
                "Expires" => h.expires = Some(Expires::parse(value)?),
                "Min-Expires" => h.min_expires = Some(MinExpires::parse(value)?),
                "Contact" => {
                    for c in split_top_level(value, ',') {
                        h.contact.push(Contact::parse(c)?);
                    }
                }
                "Route" | "Record-Route" => {
                    let set = if *name == "Route" {
                        &mut h.route
                    } else {
                        &mut h.record_route
                    };
                    for r in split_top_level(value, ',') {
                        set.0.push(RouteSet::parse_entry(r, name)?);
                    }
                }
                "WWW-Authenticate"
                | "Proxy-Authenticate"
                | "Authorization"
                | "Proxy-Authorization"
                    if !is_digest(value) =>
                {
                    h.extra.push(ExtraHeader {
                        name: Cow::Borrowed(*name),
                        value: value.to_string(),
                    });
                }
                "WWW-Authenticate" => h.www_authenticate.push(Challenge::parse(value)?),
                "Proxy-Authenticate" => h.proxy_authenticate.push(Challenge::parse(value)?),
                "Authorization" => h.authorization.push(Credentials::parse(value)?),
                "Proxy-Authorization" => h.proxy_authorization.push(Credentials::parse(value)?),
                _ => h.extra.push(ExtraHeader {
                    name: Cow::Borrowed(*name),
                    value: value.to_string(),
                }),
            }
        }
        h.extra.extend(
            other
                .into_iter()
                .map(|(name, value)| ExtraHeader { name, value }),
        );
        if via.is_empty() {
            return Err(ParseError::Missing("Via"));
        }
        let mut headers = Self::new(
            via,
            from.ok_or(ParseError::Missing("From"))?,
            to.ok_or(ParseError::Missing("To"))?,
            call_id.ok_or(ParseError::Missing("Call-ID"))?,
            cseq.ok_or(ParseError::Missing("CSeq"))?,
        );
        headers.max_forwards = h.max_forwards;
        headers.route = h.route;
        headers.record_route = h.record_route;
        headers.contact = h.contact;
        headers.expires = h.expires;
        headers.min_expires = h.min_expires;
        headers.www_authenticate = h.www_authenticate;
        headers.proxy_authenticate = h.proxy_authenticate;
        headers.authorization = h.authorization;
        headers.proxy_authorization = h.proxy_authorization;
        headers.extra = h.extra;
        Ok(headers)
    }
}

/// Names `from_fields` types. The digest ones are typed only when they hold a digest; another
/// scheme's goes to `extra`, past the room made for it (rare: one more allocation).
fn is_typed(name: &str) -> bool {
    matches!(
        name,
        "Via"
            | "From"
            | "To"
            | "Call-ID"
            | "CSeq"
            | "Max-Forwards"
            | "Expires"
            | "Min-Expires"
            | "Contact"
            | "Route"
            | "Record-Route"
            | "WWW-Authenticate"
            | "Proxy-Authenticate"
            | "Authorization"
            | "Proxy-Authorization"
    )
}

/// Optional headers collected before the mandatory ones are known to be present.
#[derive(Default)]
struct Partial {
    max_forwards: Option<MaxForwards>,
    route: RouteSet,
    record_route: RouteSet,
    contact: Vec<Contact>,
    expires: Option<Expires>,
    min_expires: Option<MinExpires>,
    www_authenticate: Vec<Challenge>,
    proxy_authenticate: Vec<Challenge>,
    authorization: Vec<Credentials>,
    proxy_authorization: Vec<Credentials>,
    extra: Vec<ExtraHeader>,
}

/// Stores a single-instance header, refusing a second one (§7.3.1 allows repeats only for lists).
fn once<T>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), ParseError> {
    if slot.is_some() {
        return Err(ParseError::Duplicate(name));
    }
    *slot = Some(value);
    Ok(())
}
