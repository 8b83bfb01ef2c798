//! Digest `uri` against the Request-URI (RFC 2617 §3.2.2.5, RFC 3261 §22.4): credentials
//! computed for one request must not authorise another one sent to a different number. Pure
//! comparison; the server decides what to answer.

use rsip::{Host, Scheme};

use crate::sip::proto::message::parse_request_uri;

/// True when the credentials' `uri` names the same resource as `request_uri`.
///
/// Compared as SIP URIs (RFC 3261 §19.1.4): scheme, user (after `%HH` unescaping), host (any
/// case) and port. Where that section is stricter than real phones, this is lenient on purpose:
/// a missing port equals the scheme's default (some phones write `:5060`, some leave it out), and
/// URI parameters are ignored (phones add or drop `;transport=` or `;user=phone` between the
/// request line and the digest; none of them changes which user is called). A `uri` that is not
/// a SIP URI at all matches only the Request-URI printed byte for byte.
pub fn names_request_uri(request_uri: &rsip::Uri, digest_uri: &str) -> bool {
    let Ok(claimed) = parse_request_uri(digest_uri.trim()) else {
        return request_uri.to_string() == digest_uri;
    };
    let scheme = |u: &rsip::Uri| u.scheme.clone().unwrap_or(Scheme::Sip);
    let port = |u: &rsip::Uri| {
        let default = if scheme(u) == Scheme::Sips {
            5061
        } else {
            5060
        };
        u.host_with_port.port.map_or(default, |p| *p.value())
    };
    scheme(request_uri) == scheme(&claimed)
        && match (user(request_uri), user(&claimed)) {
            (Some(a), Some(b)) => same_user(a, b),
            (a, b) => a.is_none() && b.is_none(),
        }
        && same_host(
            &request_uri.host_with_port.host,
            &claimed.host_with_port.host,
        )
        && port(request_uri) == port(&claimed)
}

fn user(u: &rsip::Uri) -> Option<&str> {
    u.auth.as_ref().map(|a| a.user.as_str())
}

/// Host names in any case; an address by its value. Compared in place: every authenticated
/// REGISTER and INVITE comes through here.
fn same_host(a: &Host, b: &Host) -> bool {
    match (a, b) {
        (Host::Domain(a), Host::Domain(b)) => a.value().eq_ignore_ascii_case(b.value()),
        (Host::IpAddr(a), Host::IpAddr(b)) => a == b,
        _ => false,
    }
}

/// Users equal once `%HH` escapes are decoded (RFC 3261 §19.1.4: escaped and unescaped
/// characters are equivalent); a malformed escape stays as written.
fn same_user(a: &str, b: &str) -> bool {
    if !a.contains('%') && !b.contains('%') {
        return a == b;
    }
    unescaped(a).eq(unescaped(b))
}

/// The bytes of `s` with each well-formed `%HH` decoded.
fn unescaped(s: &str) -> impl Iterator<Item = u8> + '_ {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let c = *b.get(i)?;
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (c, hex) {
            (b'%', Some(v)) => {
                i += 3;
                Some(v)
            }
            _ => {
                i += 1;
                Some(c)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> rsip::Uri {
        parse_request_uri(s).expect("uri")
    }

    #[test]
    fn another_number_or_host_is_not_the_request_uri() {
        let called = uri("sip:4185557777@pbx.test");
        for other in [
            "sip:1001@pbx.test",
            "sip:pbx.test",
            "sip:4185557777@other.test",
            "sip:4185557777@pbx.test:5070",
            "sips:4185557777@pbx.test",
            "sip:41855577770@pbx.test",
            "<sip:4185557777@pbx.test>",
            "",
        ] {
            assert!(!names_request_uri(&called, other), "{other}");
        }
    }

    #[test]
    fn what_phones_write_for_the_same_uri_matches() {
        let called = uri("sip:4185557777@PBX.test;user=phone");
        for same in [
            "sip:4185557777@pbx.test;user=phone",
            "sip:4185557777@pbx.test",
            "sip:4185557777@pbx.test:5060;transport=udp",
            "SIP:4185557777@Pbx.Test",
            "sip:%34185557777@pbx.test",
        ] {
            assert!(names_request_uri(&called, same), "{same}");
        }
        let register = uri("sip:127.0.0.1:5070");
        assert!(names_request_uri(&register, "sip:127.0.0.1:5070"));
        assert!(!names_request_uri(&register, "sip:127.0.0.1"));
    }
}
