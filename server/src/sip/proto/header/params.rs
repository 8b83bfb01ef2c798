//! Message layer, shared lexing for header values (RFC 3261 §25.1 quoting, §7.3.1 lists).
//! Must not allocate per byte or panic: every index comes from `char_indices`/`find` on the input.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use super::HeaderError;

/// One `;name[=value]` parameter, name kept as received (compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Borrowed from `COMMON_PARAMS` when it is one of them, as received: nearly every
    /// parameter of every message is, and each would otherwise be a small allocation of its
    /// own, on parsing and again on each copy into a response.
    pub name: Cow<'static, str>,
    pub value: Option<String>,
}

/// The parameter names nearly all traffic uses (RFC 3261 §20, §25.1; RFC 3581 `rport`;
/// RFC 5626 `ob`, `reg-id`, `+sip.instance`; loose routing's `lr`; Kamailio's `ftag`).
const COMMON_PARAMS: &[&str] = &[
    "tag",
    "branch",
    "rport",
    "received",
    "lr",
    "expires",
    "transport",
    "user",
    "maddr",
    "ttl",
    "method",
    "q",
    "ob",
    "reg-id",
    "+sip.instance",
    "ftag",
];

/// `name` borrowed from `common` when it is there, spelled the same (a name keeps the case
/// it was received in), else copied.
pub fn interned(name: &str, common: &[&'static str]) -> Cow<'static, str> {
    common
        .iter()
        .find(|c| c.len() == name.len() && **c == name)
        .map_or_else(|| Cow::Owned(name.to_owned()), |c| Cow::Borrowed(*c))
}

impl Param {
    pub fn new(name: &str, value: Option<String>) -> Self {
        Self {
            name: interned(name, COMMON_PARAMS),
            value,
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char(';')?;
        f.write_str(&self.name)?;
        if let Some(v) = &self.value {
            f.write_char('=')?;
            f.write_str(v)?;
        }
        Ok(())
    }
}

/// Finds a parameter by case-insensitive name.
pub fn find<'a>(params: &'a [Param], name: &str) -> Option<&'a Param> {
    params.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// Splits `s` on `sep` outside double quotes and angle brackets, trimming each piece.
/// Quotes matter because a display name may contain commas (RFC 3261 §7.3.1).
/// `sep` is ASCII, as every separator SIP has: the scan goes byte by byte
/// (no byte of a multi-byte UTF-8 character is ASCII). Every header of
/// every message passes through here, so the pieces are yielded as they
/// are found rather than collected, and a value without `sep` in it at
/// all (one Via, one Contact) is not scanned byte by byte.
pub fn split_top_level(s: &str, sep: char) -> impl Iterator<Item = &str> {
    debug_assert!(sep.is_ascii());
    let sep = sep as u8;
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        let cut = if r.as_bytes().contains(&sep) {
            top_level_at(r, sep)
        } else {
            None
        };
        match cut {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(r[..i].trim())
            }
            None => {
                rest = None;
                Some(r.trim())
            }
        }
    })
}

/// Where the first `sep` outside quotes and angle brackets is.
fn top_level_at(s: &str, sep: u8) -> Option<usize> {
    let mut in_quotes = false;
    let mut escaped = false;
    let mut angle = 0u32;
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
            b if b == sep && !in_quotes && angle == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Parses `;a=b;c` (leading `;` optional) into params. Quoted values keep their quotes so they
/// print back unchanged.
pub fn parse_params(s: &str) -> Result<Vec<Param>, HeaderError> {
    let s = s.trim();
    let s = s.strip_prefix(';').unwrap_or(s);
    if s.is_empty() {
        return Ok(Vec::new());
    }
    // Sized before it is filled: a collected vector starts with room for four, and most of
    // these lists hold one parameter (a tag) or two, kept for as long as the call or the
    // binding. Every `;` counted, even a quoted one (rare: a little room to spare), in one
    // quick pass rather than a second split.
    let mut params = Vec::with_capacity(s.bytes().filter(|&b| b == b';').count() + 1);
    for piece in split_top_level(s, ';') {
        let (name, value) = match piece.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (piece, None),
        };
        if name.is_empty() || !name.bytes().all(is_token_byte) || value == Some("") {
            return Err(HeaderError::Param(piece.to_string()));
        }
        params.push(Param::new(name, value.map(str::to_string)));
    }
    Ok(params)
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

/// `s` as a quoted-string (§25.1): in quotes, with `"` and `\` escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    // Writing into a String cannot fail.
    let _ = write_quoted(&mut out, s);
    out
}

/// Writes `s` as `quote` returns it, without building a string first:
/// challenges and credentials are printed on every authenticated request.
pub fn write_quoted(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('"')?;
    let mut rest = s;
    while let Some(i) = rest.find(['"', '\\']) {
        f.write_str(&rest[..i])?;
        f.write_char('\\')?;
        f.write_str(&rest[i..=i])?;
        rest = &rest[i + 1..];
    }
    f.write_str(rest)?;
    f.write_char('"')
}

/// Writes params in order.
pub fn write_params(f: &mut fmt::Formatter<'_>, params: &[Param]) -> fmt::Result {
    params.iter().try_for_each(|p| fmt::Display::fmt(p, f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_common_name_is_borrowed_and_any_name_keeps_its_spelling() {
        let params = parse_params(";tag=1;Branch=z9hG4bK1;x-custom;lr").expect("params");
        let names: Vec<(&str, bool)> = params
            .iter()
            .map(|p| (&*p.name, matches!(p.name, Cow::Borrowed(_))))
            .collect();
        assert_eq!(
            names,
            [
                ("tag", true),
                ("Branch", false),
                ("x-custom", false),
                ("lr", true)
            ]
        );
        let printed: String = params.iter().map(ToString::to_string).collect();
        assert_eq!(printed, ";tag=1;Branch=z9hG4bK1;x-custom;lr");
    }

    #[test]
    fn split_respects_quotes_and_angles() {
        let parts: Vec<&str> = split_top_level(r#""a, b" <sip:x@y;a=b,c>, <sip:z>"#, ',').collect();
        assert_eq!(parts, vec![r#""a, b" <sip:x@y;a=b,c>"#, "<sip:z>"]);
        let parts: Vec<&str> = split_top_level(r#" a ,"x\"," ,,<b,c> "#, ',').collect();
        assert_eq!(parts, vec!["a", r#""x\",""#, "", "<b,c>"]);
        assert_eq!(split_top_level("", ',').collect::<Vec<_>>(), vec![""]);
        assert_eq!(
            split_top_level(" one ", ',').collect::<Vec<_>>(),
            vec!["one"]
        );
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
