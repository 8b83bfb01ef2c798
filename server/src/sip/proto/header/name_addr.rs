//! Message layer: `name-addr / addr-spec` shared by From, To, Contact, Route (RFC 3261 §20.10, §25.1).
//! Must not parse URI internals beyond the scheme check; header params are split from URI params here.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use super::params::{self, Param};
use super::HeaderError;

/// `["display"] <uri>;params` or `uri;params`. Printed always in the `<uri>` form, which is
/// equivalent and avoids the addr-spec ambiguity of §20.10.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// Display name as written (quoted string kept quoted).
    pub display: Option<String>,
    pub uri: String,
    pub params: Vec<Param>,
}

impl NameAddr {
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            display: None,
            uri: uri.into(),
            params: Vec::new(),
        }
    }

    pub fn parse(value: &str, header: &'static str) -> Result<Self, HeaderError> {
        let v = value.trim();
        if v.is_empty() {
            return Err(HeaderError::Empty { header });
        }
        let (display, uri, rest) = match find_open_angle(v) {
            Some(open) => {
                let close = v[open..]
                    .find('>')
                    .map(|i| open + i)
                    .ok_or(HeaderError::invalid(header, "unclosed `<`"))?;
                let display = v[..open].trim();
                if display.starts_with('"') {
                    if params::unquote_borrowed(display).is_none() {
                        return Err(HeaderError::invalid(header, "bad quoted display name"));
                    }
                } else if !display
                    .split_ascii_whitespace()
                    .all(|t| t.bytes().all(params::is_token_byte))
                {
                    // §25.1 display-name = *(token LWS) / quoted-string: `Bell, Alexander` needs
                    // quotes (RFC 4475 §3.1.2.15).
                    return Err(HeaderError::invalid(header, "display name is not tokens"));
                }
                let display = (!display.is_empty()).then(|| display.to_string());
                (display, &v[open + 1..close], &v[close + 1..])
            }
            None => {
                let (uri, rest) = match v.find(';') {
                    Some(i) => (v[..i].trim_end(), &v[i..]),
                    None => (v, ""),
                };
                // §20.10: a URI with `,`, `?` or `;` must be in `<>`; here `;` already started
                // the header params, and `?` would be URI headers (RFC 4475 §3.1.2.13).
                if uri.contains('?') {
                    return Err(HeaderError::invalid(header, "URI with `?` needs <>"));
                }
                (None, uri, rest)
            }
        };
        check_uri(uri, header)?;
        let rest = rest.trim();
        if !rest.is_empty() && !rest.starts_with(';') {
            return Err(HeaderError::invalid(header, "junk after the address"));
        }
        Ok(Self {
            display,
            uri: uri.to_string(),
            params: params::parse_params(rest)?,
        })
    }

    /// Sets the display name to `name`, quoted (see [`quoted_display`]); an empty name (or one
    /// of control characters only) leaves none.
    pub fn set_display_name(&mut self, name: &str) {
        self.display = quoted_display(name);
    }

    /// The display name as text: a quoted one unquoted, a token one as written.
    pub fn display_name(&self) -> Option<Cow<'_, str>> {
        self.display.as_deref().and_then(params::unquote_borrowed)
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        params::find(&self.params, name).and_then(|p| p.value.as_deref())
    }

    pub fn set_param(&mut self, name: &str, value: Option<String>) {
        match self
            .params
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(name))
        {
            Some(p) => p.value = value,
            None => self.params.push(Param::new(name, value)),
        }
    }
}

/// `name` as a display name Trunkline writes: always a §25.1 `quoted-string`, so a name such as
/// `Jean Dupont, Sales; x=1` stays one name instead of ending the header value or adding a
/// parameter. `"` and `\` are escaped; control characters (CR and LF above all, which would
/// split the header) are dropped, as `quoted-pair` cannot carry CR or LF and a name has no use
/// for the others. `None` when nothing printable is left.
pub fn quoted_display(name: &str) -> Option<String> {
    let clean: Cow<'_, str> = if name.chars().any(char::is_control) {
        Cow::Owned(name.chars().filter(|c| !c.is_control()).collect())
    } else {
        Cow::Borrowed(name)
    };
    let clean = clean.trim();
    (!clean.is_empty()).then(|| params::quote(clean))
}

/// Position of the `<` that opens the address, skipping a quoted display name.
fn find_open_angle(v: &str) -> Option<usize> {
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in v.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '<' if !in_quotes => return Some(i),
            _ => {}
        }
    }
    None
}

/// Minimal absolute-URI check (scheme ":" something, no whitespace); the TU parses further.
fn check_uri(uri: &str, header: &'static str) -> Result<(), HeaderError> {
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Err(HeaderError::invalid(header, "URI without scheme"));
    };
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !scheme_ok
        || rest.is_empty()
        || uri
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b"<>\"".contains(&b))
    {
        return Err(HeaderError::invalid(header, "malformed URI"));
    }
    Ok(())
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.display {
            f.write_str(d)?;
            f.write_char(' ')?;
        }
        f.write_char('<')?;
        f.write_str(&self.uri)?;
        f.write_char('>')?;
        params::write_params(f, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let a = NameAddr::parse(
            r#""Bob, \"B\"" <sip:bob@biloxi.com;transport=tcp>;tag=a6c85cf"#,
            "To",
        )
        .expect("name-addr");
        assert_eq!(a.uri, "sip:bob@biloxi.com;transport=tcp");
        assert_eq!(a.param("tag"), Some("a6c85cf"));
        assert_eq!(
            a.to_string(),
            r#""Bob, \"B\"" <sip:bob@biloxi.com;transport=tcp>;tag=a6c85cf"#
        );
        let b = NameAddr::parse("sip:alice@atlanta.com;tag=88sja8x", "From").expect("addr-spec");
        assert_eq!(b.uri, "sip:alice@atlanta.com");
        assert_eq!(b.param("tag"), Some("88sja8x"));
        assert_eq!(b.to_string(), "<sip:alice@atlanta.com>;tag=88sja8x");
    }

    #[test]
    fn display_names_written_are_one_quoted_string() {
        let mut a = NameAddr::new("sip:1031@pbx.test");
        for (name, wire) in [
            (
                "Jean Dupont, Sales; x=1",
                r#""Jean Dupont, Sales; x=1" <sip:1031@pbx.test>"#,
            ),
            (
                r#"Sales:"Alice""#,
                r#""Sales:\"Alice\"" <sip:1031@pbx.test>"#,
            ),
            ("back\\slash", r#""back\\slash" <sip:1031@pbx.test>"#),
            ("Evil\r\nVia: x\t", r#""EvilVia: x" <sip:1031@pbx.test>"#),
            ("Zoë <ops>", r#""Zoë <ops>" <sip:1031@pbx.test>"#),
        ] {
            a.set_display_name(name);
            let printed = a.to_string();
            assert_eq!(printed, wire, "{name:?}");
            // What a strict peer reads back is the one name, without parameters.
            let back = NameAddr::parse(&printed, "From").expect("parses back");
            assert!(
                back.params.is_empty(),
                "{name:?} injected {:?}",
                back.params
            );
            assert_eq!(back.uri, "sip:1031@pbx.test");
            let text: String = name.chars().filter(|c| !c.is_control()).collect();
            assert_eq!(back.display_name().as_deref(), Some(text.trim()));
        }
        a.set_display_name(" \r\n ");
        assert_eq!(
            a.to_string(),
            "<sip:1031@pbx.test>",
            "nothing printable: no name"
        );
    }

    #[test]
    fn refuses_garbage() {
        for bad in [
            "",
            "<sip:a",
            "alice",
            "<:x>",
            "<sip:a b>",
            "<sip:a> junk",
            "\"unterminated <sip:a>",
            "Bell, Alexander <sip:a.g.bell@example.com>",
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
        ] {
            assert!(NameAddr::parse(bad, "To").is_err(), "{bad}");
        }
    }
}
