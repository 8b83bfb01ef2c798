//! Message layer, shared lexing for header values (RFC 3261 §25.1 quoting, §7.3.1 lists).
//! Must not allocate per byte or panic: every index comes from `char_indices`/`find` on the input.

use std::borrow::Cow;
use std::fmt;

use super::HeaderError;

/// One `;name[=value]` parameter, name kept as received (compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub value: Option<String>,
}

impl Param {
    pub fn new(name: impl Into<String>, value: Option<String>) -> Self {
        Self {
            name: name.into(),
            value,
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, ";{}={}", self.name, v),
            None => write!(f, ";{}", self.name),
        }
    }
}

/// Finds a parameter by case-insensitive name.
pub fn find<'a>(params: &'a [Param], name: &str) -> Option<&'a Param> {
    params.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// Splits `s` on `sep` outside double quotes and angle brackets, trimming each piece.
/// Quotes matter because a display name may contain commas (RFC 3261 §7.3.1).
/// `sep` is ASCII, as every separator SIP has: the scan goes byte by byte
/// (no byte of a multi-byte UTF-8 character is ASCII), every header of
/// every message passes through here.
pub fn split_top_level(s: &str, sep: char) -> Vec<&str> {
    debug_assert!(sep.is_ascii());
    let sep = sep as u8;
    let mut out = Vec::new();
    let mut in_quotes = false;
    let mut escaped = false;
    let mut angle = 0u32;
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if escaped {
            escaped = false;
            continue;
        }
        match b {
            b'\\' if in_quotes => escaped = true,
            b'"' => in_quotes = !in_quotes,
            b'<' if !in_quotes => angle += 1,
            b'>' if !in_quotes => angle = angle.saturating_sub(1),
            b if b == sep && !in_quotes && angle == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out
}

/// Parses `;a=b;c` (leading `;` optional) into params. Quoted values keep their quotes so they
/// print back unchanged.
pub fn parse_params(s: &str) -> Result<Vec<Param>, HeaderError> {
    let s = s.trim();
    let s = s.strip_prefix(';').unwrap_or(s);
    if s.is_empty() {
        return Ok(Vec::new());
    }
    split_top_level(s, ';')
        .into_iter()
        .map(|piece| {
            let (name, value) = match piece.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim().to_string())),
                None => (piece, None),
            };
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                return Err(HeaderError::Param(piece.to_string()));
            }
            if let Some(v) = &value {
                if v.is_empty() {
                    return Err(HeaderError::Param(piece.to_string()));
                }
            }
            Ok(Param::new(name, value))
        })
        .collect()
}

/// RFC 3261 §25.1 `token` characters.
pub fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

/// Removes surrounding quotes and backslash escapes; `None` if the quoting is unbalanced.
pub fn unquote(s: &str) -> Option<String> {
    unquote_borrowed(s).map(Cow::into_owned)
}

/// `unquote`, borrowing the value when it has no escapes to undo (nearly
/// always: digest parameters are parsed on every authenticated request).
pub fn unquote_borrowed(s: &str) -> Option<Cow<'_, str>> {
    let s = s.trim();
    let Some(inner) = s.strip_prefix('"') else {
        return Some(Cow::Borrowed(s));
    };
    let inner = inner.strip_suffix('"')?;
    if !inner.contains(['\\', '"']) {
        return Some(Cow::Borrowed(inner));
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(Cow::Owned(out))
}

/// Quotes a value, escaping `"` and `\`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Writes params in order.
pub fn write_params(f: &mut fmt::Formatter<'_>, params: &[Param]) -> fmt::Result {
    params.iter().try_for_each(|p| write!(f, "{p}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_respects_quotes_and_angles() {
        let parts = split_top_level(r#""a, b" <sip:x@y;a=b,c>, <sip:z>"#, ',');
        assert_eq!(parts, vec![r#""a, b" <sip:x@y;a=b,c>"#, "<sip:z>"]);
    }

    #[test]
    fn params_round_trip_and_reject_garbage() {
        let p = parse_params(";tag=1;lr;q=\"x;y\"").unwrap_or_default();
        assert_eq!(p.len(), 3);
        assert_eq!(
            find(&p, "TAG").and_then(|p| p.value.clone()),
            Some("1".into())
        );
        assert!(parse_params(";=x").is_err());
        assert!(parse_params(";a=").is_err());
        assert_eq!(unquote(r#""a\"b""#), Some("a\"b".to_string()));
        assert_eq!(unquote(r#""abc"#), None);
        assert_eq!(quote("a\"b"), r#""a\"b""#);
    }
}
