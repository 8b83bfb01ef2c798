//! Message layer: WWW-/Proxy-Authenticate challenges and Authorization/Proxy-Authorization
//! credentials (RFC 3261 §20.27/§20.44/§20.7/§20.28, RFC 7616 §3.3–3.4). Must not compute digests.

use std::borrow::Cow;
use std::fmt;

use super::params::{self, unquote_borrowed, write_quoted};
use super::HeaderError;

/// Digest algorithm (RFC 7616 §3.3); unknown ones are kept so a client can skip them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Sha256,
    Other(String),
}

impl Algorithm {
    fn parse(s: &str) -> Self {
        if s.eq_ignore_ascii_case("MD5") {
            Self::Md5
        } else if s.eq_ignore_ascii_case("SHA-256") {
            Self::Sha256
        } else {
            Self::Other(s.to_string())
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Md5 => f.write_str("MD5"),
            Self::Sha256 => f.write_str("SHA-256"),
            Self::Other(s) => f.write_str(s),
        }
    }
}

/// Quality of protection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qop {
    Auth,
    AuthInt,
    Other(String),
}

impl Qop {
    fn parse(s: &str) -> Self {
        match s.trim() {
            s if s.eq_ignore_ascii_case("auth") => Self::Auth,
            s if s.eq_ignore_ascii_case("auth-int") => Self::AuthInt,
            s => Self::Other(s.to_string()),
        }
    }

    /// The value as written in a header.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Auth => "auth",
            Self::AuthInt => "auth-int",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for Qop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// True if the value uses the Digest scheme. Other schemes (RFC 4475 §3.3.7 `regaut01`) are
/// not an error: the message layer carries them opaquely and the server challenges with Digest.
pub fn is_digest(value: &str) -> bool {
    value
        .split_ascii_whitespace()
        .next()
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("Digest"))
}

/// Splits `Digest a=b, c="d"` into names and unquoted values, borrowed where they can be.
/// One pass over the parameters (every authenticated request has a dozen):
/// a name, `=`, then a quoted string up to its closing quote or a bare
/// value up to the next comma.
fn parse_digest_params<'a>(
    value: &'a str,
    header: &'static str,
) -> Result<Vec<(&'a str, Cow<'a, str>)>, HeaderError> {
    let v = value.trim();
    let (scheme, rest) = v
        .split_once(|c: char| c.is_ascii_whitespace())
        .ok_or(HeaderError::invalid(header, "missing auth params"))?;
    if !scheme.eq_ignore_ascii_case("Digest") {
        return Err(HeaderError::invalid(header, "scheme is not Digest"));
    }
    let b = rest.as_bytes();
    let skip_space = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    // The parameter that starts at `from`, as the administrator would read it.
    let bad = |from: usize| {
        let piece = rest[from..].split(',').next().unwrap_or_default();
        HeaderError::Param(piece.trim().to_string())
    };
    let mut list = Vec::with_capacity(12);
    let mut i = 0;
    loop {
        // Empty list elements (`a=1,,b=2`) are allowed (§7.3.1).
        while b
            .get(i)
            .is_some_and(|&c| c == b',' || c.is_ascii_whitespace())
        {
            i += 1;
        }
        if i == b.len() {
            return Ok(list);
        }
        let start = i;
        while b.get(i).copied().is_some_and(params::is_token_byte) {
            i += 1;
        }
        let name = &rest[start..i];
        i = skip_space(i);
        if name.is_empty() || b.get(i) != Some(&b'=') {
            return Err(bad(start));
        }
        i = skip_space(i + 1);
        let value = if b.get(i) == Some(&b'"') {
            let open = i;
            i += 1;
            loop {
                match b.get(i) {
                    None => return Err(bad(start)),
                    Some(b'\\') => i += 2,
                    Some(b'"') => break,
                    Some(_) => i += 1,
                }
            }
            i += 1;
            unquote_borrowed(&rest[open..i]).ok_or_else(|| bad(start))?
        } else {
            let end = rest[i..].find(',').map_or(b.len(), |at| i + at);
            let bare = rest[i..end].trim();
            i = end;
            if bare.is_empty() {
                return Err(bad(start));
            }
            Cow::Borrowed(bare)
        };
        i = skip_space(i);
        if i < b.len() && b[i] != b',' {
            return Err(bad(start));
        }
        list.push((name, value));
    }
}

/// The value of parameter `name` (names are case-insensitive), copied out once.
fn take(list: &[(&str, Cow<'_, str>)], name: &str) -> Option<String> {
    list.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.to_string())
}

/// A Digest challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    pub algorithm: Algorithm,
    /// Offered qop values; empty means the RFC 2069 compatible no-qop form.
    pub qop: Vec<Qop>,
    pub stale: bool,
}

impl Challenge {
    pub fn parse(value: &str) -> Result<Self, HeaderError> {
        const H: &str = "WWW-Authenticate";
        let list = parse_digest_params(value, H)?;
        Ok(Self {
            realm: take(&list, "realm").ok_or(HeaderError::invalid(H, "missing realm"))?,
            nonce: take(&list, "nonce").ok_or(HeaderError::invalid(H, "missing nonce"))?,
            opaque: take(&list, "opaque"),
            algorithm: take(&list, "algorithm").map_or(Algorithm::Md5, |a| Algorithm::parse(&a)),
            qop: take(&list, "qop")
                .map(|q| q.split(',').map(Qop::parse).collect())
                .unwrap_or_default(),
            stale: take(&list, "stale").is_some_and(|s| s.eq_ignore_ascii_case("true")),
        })
    }
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Pieces written one by one: a challenge goes out with every 401.
        f.write_str("Digest realm=")?;
        write_quoted(f, &self.realm)?;
        f.write_str(", nonce=")?;
        write_quoted(f, &self.nonce)?;
        if let Some(o) = &self.opaque {
            f.write_str(", opaque=")?;
            write_quoted(f, o)?;
        }
        f.write_str(", algorithm=")?;
        self.algorithm.fmt(f)?;
        match self.qop.as_slice() {
            [] => {}
            [one] => {
                f.write_str(", qop=")?;
                write_quoted(f, one.as_str())?;
            }
            many => {
                let joined: Vec<&str> = many.iter().map(Qop::as_str).collect();
                f.write_str(", qop=")?;
                write_quoted(f, &joined.join(","))?;
            }
        }
        if self.stale {
            f.write_str(", stale=true")?;
        }
        Ok(())
    }
}

/// Digest credentials answering a challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub algorithm: Option<Algorithm>,
    pub cnonce: Option<String>,
    pub opaque: Option<String>,
    pub qop: Option<Qop>,
    /// Nonce count, sent as 8 hex digits.
    pub nc: Option<u32>,
}

impl Credentials {
    pub fn parse(value: &str) -> Result<Self, HeaderError> {
        const H: &str = "Authorization";
        let list = parse_digest_params(value, H)?;
        let need = |n: &'static str| take(&list, n).ok_or(HeaderError::invalid(H, n));
        let nc = match take(&list, "nc") {
            Some(nc) if nc.len() == 8 => Some(
                u32::from_str_radix(&nc, 16)
                    .map_err(|_| HeaderError::invalid(H, "nc is not 8 hex digits"))?,
            ),
            Some(_) => return Err(HeaderError::invalid(H, "nc is not 8 hex digits")),
            None => None,
        };
        Ok(Self {
            username: need("username")?,
            realm: need("realm")?,
            nonce: need("nonce")?,
            uri: need("uri")?,
            response: need("response")?,
            algorithm: take(&list, "algorithm").map(|a| Algorithm::parse(&a)),
            cnonce: take(&list, "cnonce"),
            opaque: take(&list, "opaque"),
            qop: take(&list, "qop").map(|q| Qop::parse(&q)),
            nc,
        })
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Pieces written one by one: every authenticated request carries these.
        for (name, value) in [
            ("Digest username=", &self.username),
            (", realm=", &self.realm),
            (", nonce=", &self.nonce),
            (", uri=", &self.uri),
            (", response=", &self.response),
        ] {
            f.write_str(name)?;
            write_quoted(f, value)?;
        }
        if let Some(a) = &self.algorithm {
            f.write_str(", algorithm=")?;
            a.fmt(f)?;
        }
        if let Some(c) = &self.cnonce {
            f.write_str(", cnonce=")?;
            write_quoted(f, c)?;
        }
        if let Some(o) = &self.opaque {
            f.write_str(", opaque=")?;
            write_quoted(f, o)?;
        }
        if let Some(q) = &self.qop {
            f.write_str(", qop=")?;
            f.write_str(q.as_str())?;
        }
        if let Some(nc) = self.nc {
            write!(f, ", nc={nc:08x}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_round_trip() {
        let raw = r#"Digest realm="testrealm@host.com", nonce="dcd98b", opaque="5ccc", algorithm=SHA-256, qop="auth,auth-int", stale=true"#;
        let c = Challenge::parse(raw).expect("challenge");
        assert_eq!(c.qop, vec![Qop::Auth, Qop::AuthInt]);
        assert!(c.stale);
        assert_eq!(c.to_string(), raw);
        assert_eq!(Challenge::parse(&c.to_string()), Ok(c));
        assert!(Challenge::parse("Basic realm=\"x\"").is_err());
        assert!(!is_digest("Basic realm=\"x\""));
        assert!(!is_digest("NoOneKnowsThisScheme opaque-data=here"));
        assert!(is_digest(raw));
        assert!(Challenge::parse("Digest nonce=\"x\"").is_err());
    }

    #[test]
    fn digest_parameters_are_names_and_unquoted_values() {
        let list = parse_digest_params(
            r#"Digest  realm = "a, b" ,, nonce="x\"y",algorithm=MD5 , qop="auth" ,"#,
            "Authorization",
        )
        .expect("valid");
        let read: Vec<(&str, &str)> = list.iter().map(|(n, v)| (*n, v.as_ref())).collect();
        assert_eq!(
            read,
            [
                ("realm", "a, b"),
                ("nonce", "x\"y"),
                ("algorithm", "MD5"),
                ("qop", "auth")
            ]
        );
        assert!(matches!(list[0].1, Cow::Borrowed(_)), "no escape: borrowed");
        for bad in [
            r#"Digest realm"#,
            r#"Digest realm="open"#,
            r#"Digest realm="x" junk, nonce="y""#,
            r#"Digest =x"#,
            r#"Digest re alm="x""#,
            r#"Digest realm=, nonce="y""#,
            r#"Digest realm="x\"#,
        ] {
            let refused = parse_digest_params(bad, "Authorization");
            assert!(
                matches!(refused, Err(HeaderError::Param(_))),
                "{bad}: {refused:?}"
            );
        }
        assert_eq!(
            parse_digest_params(r#"Digest realm="x" junk"#, "Authorization"),
            Err(HeaderError::Param(r#"realm="x" junk"#.into())),
            "the error names the parameter as written"
        );
    }

    #[test]
    fn credentials_round_trip() {
        let raw = r#"Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b", uri="/dir/index.html", response="6629fae4", algorithm=MD5, cnonce="0a4f113b", opaque="5ccc", qop=auth, nc=00000001"#;
        let c = Credentials::parse(raw).expect("credentials");
        assert_eq!(c.nc, Some(1));
        assert_eq!(c.to_string(), raw);
        assert!(Credentials::parse("Digest username=\"a\", nc=zz").is_err());
        assert!(Credentials::parse("Digest username=\"a\"").is_err());
    }
}
