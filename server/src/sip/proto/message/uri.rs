//! Message layer: the SIP/SIPS Request-URI (RFC 3261 §19.1.1, §25.1 `SIP-URI`) into `rsip::Uri`.
//! rsip's own URI reader misplaces a userinfo holding `;`, `?` or `/` (it reads
//! `sip:user;par=x@example.com` as host `user`), so the split is done here and rsip only holds
//! the result. Must not accept URI headers in a Request-URI (§19.1.1 table: not allowed).

use std::net::{Ipv4Addr, Ipv6Addr};

use rsip::{Auth, Host, HostWithPort, Param, Port, Scheme};

use super::ParseError;

/// RFC 3261 §25.1 `unreserved`.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}

/// True if every byte is allowed by `extra` or `unreserved`, and every `%` starts `%HH`.
fn is_escaped_run(s: &str, extra: &[u8]) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else if is_unreserved(b[i]) || extra.contains(&b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

const USER_UNRESERVED: &[u8] = b"&=+$,;?/";
const PASSWORD_EXTRA: &[u8] = b"&=+$,";
const PARAM_UNRESERVED: &[u8] = b"[]/:&+$";

fn parse_host(s: &str) -> Option<Host> {
    if let Some(inner) = s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        // rsip prints an IPv6 `IpAddr` without brackets; a bracketed domain prints back intact.
        inner.parse::<Ipv6Addr>().ok()?;
        return Some(Host::Domain(s.into()));
    }
    if let Ok(ip) = s.parse::<Ipv4Addr>() {
        return Some(Host::IpAddr(ip.into()));
    }
    let ok = !s.is_empty()
        && s.split('.').enumerate().all(|(i, label)| {
            // A trailing dot (FQDN) leaves one empty last label, which §25.1 allows.
            (label.is_empty() && i > 0 && s.ends_with('.'))
                || (!label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        });
    ok.then(|| Host::Domain(s.into()))
}

fn parse_hostport(s: &str) -> Option<HostWithPort> {
    let (host, port) = match s.rfind(':') {
        Some(i) if !s[i..].contains(']') => (&s[..i], Some(&s[i + 1..])),
        _ => (s, None),
    };
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(Port::from(p.parse::<u16>().ok()?))
        }
        Some(_) => return None,
        None => None,
    };
    Some(HostWithPort {
        host: parse_host(host)?,
        port,
    })
}

fn parse_param(p: &str) -> Option<Param> {
    let (name, value) = match p.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (p, None),
    };
    let valid = |s: &str| !s.is_empty() && is_escaped_run(s, PARAM_UNRESERVED);
    if !valid(name) || value.is_some_and(|v| !valid(v)) {
        return None;
    }
    // rsip types the parameters it knows (transport, lr, ...); a value it cannot type, such as
    // an unknown transport, stays an opaque `Other`.
    Param::try_from((name, value))
        .ok()
        .or_else(|| Some(Param::Other(name.into(), value.map(Into::into))))
}

/// Parses a Request-URI. Only `sip` and `sips` are supported: any other well-formed scheme gives
/// `UnsupportedScheme` so the caller can answer 416 (§8.2.2.1).
///
/// # Errors
/// `UnsupportedScheme` for another scheme, `RequestUri` for anything that breaks the grammar.
pub(crate) fn parse_request_uri(s: &str) -> Result<rsip::Uri, ParseError> {
    let (scheme, rest) = s.split_once(':').ok_or(ParseError::RequestUri)?;
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    let scheme = match scheme {
        s if s.eq_ignore_ascii_case("sip") => Scheme::Sip,
        s if s.eq_ignore_ascii_case("sips") => Scheme::Sips,
        _ if scheme_ok => return Err(ParseError::UnsupportedScheme),
        _ => return Err(ParseError::RequestUri),
    };
    // `@` appears in no other part of a SIP-URI unescaped, so it alone ends the userinfo.
    let (userinfo, rest) = match rest.split_once('@') {
        Some((u, r)) => (Some(u), r),
        None => (None, rest),
    };
    let auth = match userinfo {
        Some(u) => {
            let (user, password) = match u.split_once(':') {
                Some((user, pw)) => (user, Some(pw)),
                None => (u, None),
            };
            let ok = !user.is_empty()
                && is_escaped_run(user, USER_UNRESERVED)
                && password.is_none_or(|pw| is_escaped_run(pw, PASSWORD_EXTRA));
            if !ok {
                return Err(ParseError::RequestUri);
            }
            Some(Auth {
                user: user.to_string(),
                password: password.map(str::to_string),
            })
        }
        None => None,
    };
    if rest.contains(['?', '@']) {
        return Err(ParseError::RequestUri);
    }
    let mut parts = rest.split(';');
    let host_with_port = parts
        .next()
        .and_then(parse_hostport)
        .ok_or(ParseError::RequestUri)?;
    let params = parts
        .map(parse_param)
        .collect::<Option<Vec<_>>>()
        .ok_or(ParseError::RequestUri)?;
    Ok(rsip::Uri {
        scheme: Some(scheme),
        auth,
        host_with_port,
        params,
        headers: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str) -> rsip::Uri {
        let u = parse_request_uri(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(u.to_string(), s);
        u
    }

    #[test]
    fn unusual_userinfo_is_split_at_the_at_sign() {
        let u = round_trip("sip:user;par=u%40example.net@example.com");
        assert_eq!(u.user(), Some("user;par=u%40example.net"));
        assert_eq!(u.host().to_string(), "example.com");
        let u = round_trip("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
        assert_eq!(
            u.user(),
            Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        );
        assert_eq!(
            u.auth.and_then(|a| a.password).as_deref(),
            Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        );
        let u = round_trip("sip:sips%3Auser%40example.com@example.net");
        assert_eq!(u.user(), Some("sips%3Auser%40example.com"));
    }

    #[test]
    fn hosts_ports_and_params() {
        let u = round_trip("sip:registrar.example.com");
        assert_eq!(u.auth, None);
        let u = round_trip("sips:bob@192.0.2.4:5061;lr;maddr=239.255.255.1;unknownparam");
        assert_eq!(u.port().map(|p| *p.value()), Some(5061));
        assert!(u.params.contains(&Param::Lr));
        round_trip("sip:alice@[2001:db8::10]:5070");
        round_trip("sip:example.com;transport=FOO");
    }

    #[test]
    fn refuses_what_the_grammar_does_not_allow() {
        for bad in [
            "sip:user@example.com?Route=%3Csip:example.com%3E",
            "sip:",
            "sip:@example.com",
            "sip:a b@example.com",
            "sip:user@exa mple.com",
            "sip:u%4@example.com",
            "sip:user@example.com:99999",
            "sip:user@example.com:",
            "sip:user@[::1",
            "sip:a@b@c",
            "sip:user@example.com;=x",
            "<sip:user@example.com>",
            "noscheme",
        ] {
            assert_eq!(parse_request_uri(bad), Err(ParseError::RequestUri), "{bad}");
        }
        for other in [
            "tel:+1-201-555-0123",
            "nobodyKnowsThisScheme:totallyopaquecontent",
            "soap.beep://192.0.2.103:3002",
        ] {
            assert_eq!(
                parse_request_uri(other),
                Err(ParseError::UnsupportedScheme),
                "{other}"
            );
        }
    }
}
