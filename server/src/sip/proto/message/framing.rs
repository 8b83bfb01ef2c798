//! Message layer edge: size limits, header unfolding, compact names and body framing
//! (RFC 3261 §7.3.1, §7.3.3, §7.5, §18.3). Must not interpret header values beyond Content-Length.

use std::borrow::Cow;

use super::ParseError;
use crate::sip::proto::header::params::{interned, is_token_byte};
use crate::sip::proto::header::ContentLength;

/// Resource limits applied before any parsing, so a hostile peer cannot make us allocate much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_message: usize,
    pub max_headers: usize,
    pub max_line: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message: 64 * 1024,
            max_headers: 128,
            max_line: 8 * 1024,
        }
    }
}

/// A message split into its start line, unfolded header fields and framed body.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub start_line: &'a str,
    /// Header fields with compact names expanded; values trimmed, folding replaced by one space.
    /// Borrowed from the datagram unless a folded line had to be joined.
    pub fields: Vec<(&'static str, Cow<'a, str>)>,
    /// Headers this core does not type, their names interned (`COMMON_EXTRA`) when possible.
    pub other: Vec<(Cow<'static, str>, String)>,
    pub body: &'a [u8],
}

/// Header lines a message usually has, and room to spare.
const USUAL_HEADERS: usize = 16;

/// RFC 3261 §7.3.3 compact forms plus the long names this core types.
const KNOWN: &[(&str, Option<&str>)] = &[
    ("Via", Some("v")),
    ("From", Some("f")),
    ("To", Some("t")),
    ("Call-ID", Some("i")),
    ("CSeq", None),
    ("Contact", Some("m")),
    ("Content-Length", Some("l")),
    ("Max-Forwards", None),
    ("Expires", None),
    ("Min-Expires", None),
    ("Route", None),
    ("Record-Route", None),
    ("WWW-Authenticate", None),
    ("Proxy-Authenticate", None),
    ("Authorization", None),
    ("Proxy-Authorization", None),
    ("Content-Type", Some("c")),
    ("Content-Encoding", Some("e")),
    ("Subject", Some("s")),
    ("Supported", Some("k")),
];

/// Headers this core passes through untyped that most phones and providers send, spelled as
/// they usually are: their names are then not copied for each message.
const COMMON_EXTRA: &[&str] = &[
    "User-Agent",
    "Allow",
    "Accept",
    "Server",
    "Date",
    "Require",
    "Proxy-Require",
    "Unsupported",
    "Allow-Events",
    "Event",
    "Content-Disposition",
    "Accept-Encoding",
    "Accept-Language",
    "Session-Expires",
    "Min-SE",
    "P-Asserted-Identity",
    "Remote-Party-ID",
    "Privacy",
    "Reason",
    "Warning",
    "Organization",
];

/// Maps a received header name to its canonical long form, if it is one we know.
/// Every header line of every message is looked up: names are told apart
/// by length before any letters are compared.
pub(crate) fn canonical_name(name: &str) -> Option<&'static str> {
    if name.len() == 1 {
        return KNOWN.iter().find_map(|(long, short)| {
            short
                .is_some_and(|s| s.eq_ignore_ascii_case(name))
                .then_some(*long)
        });
    }
    KNOWN
        .iter()
        .find(|(long, _)| long.len() == name.len() && long.eq_ignore_ascii_case(name))
        .map(|(long, _)| *long)
}

/// Splits off leading CRLFs, which §7.5 says to ignore (they are also keep-alives).
pub(crate) fn skip_leading_crlf(bytes: &[u8]) -> &[u8] {
    let mut b = bytes;
    while let Some(rest) = b.strip_prefix(b"\r\n") {
        b = rest;
    }
    b
}

/// A datagram of only CRLFs is a keep-alive (RFC 5626 §3.5.1), not a malformed message.
pub fn is_keepalive(bytes: &[u8]) -> bool {
    !bytes.is_empty() && skip_leading_crlf(bytes).is_empty()
}

/// Where the head ends: the first CRLF CRLF. Looks for each CR and then
/// the three bytes after it, rather than comparing every 4-byte window.
pub(crate) fn head_end(hay: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = hay.get(from..)?.iter().position(|&b| b == b'\r') {
        let at = from + i;
        if hay[at..].starts_with(b"\r\n\r\n") {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// `s` cut at each CRLF, as `s.split("\r\n")` would (a lone CR or LF stays
/// in its line), but finding each CR with a byte search: the substring
/// searcher was a visible share of parsing.
fn crlf_lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        let mut from = 0;
        loop {
            match r[from..].find('\r') {
                Some(i) if r[from + i..].starts_with("\r\n") => {
                    let at = from + i;
                    rest = Some(&r[at + 2..]);
                    return Some(&r[..at]);
                }
                Some(i) => from += i + 1,
                None => {
                    rest = None;
                    return Some(r);
                }
            }
        }
    })
}

/// Unfolds header lines and enforces line and count limits. Lines are
/// borrowed from `head`; only a folded one is copied, to join it.
pub(crate) fn header_lines<'a>(
    head: &'a str,
    limits: &Limits,
) -> Result<Vec<Cow<'a, str>>, ParseError> {
    // Sized for a usual message (about a dozen headers), so that it is
    // allocated once rather than grown three times.
    let mut lines: Vec<Cow<'a, str>> = Vec::with_capacity(USUAL_HEADERS);
    for line in crlf_lines(head) {
        if line.len() > limits.max_line {
            return Err(ParseError::LineTooLong {
                len: line.len(),
                limit: limits.max_line,
            });
        }
        if line.starts_with([' ', '\t']) {
            // §7.3.1 folding: a continuation line joins the previous one with a single space.
            let prev = lines.last_mut().ok_or(ParseError::HeaderLine)?.to_mut();
            prev.push(' ');
            prev.push_str(line.trim());
            if prev.len() > limits.max_line {
                return Err(ParseError::LineTooLong {
                    len: prev.len(),
                    limit: limits.max_line,
                });
            }
        } else {
            if lines.len() >= limits.max_headers {
                return Err(ParseError::TooManyHeaders {
                    limit: limits.max_headers,
                });
            }
            lines.push(Cow::Borrowed(line));
        }
    }
    Ok(lines)
}

/// Splits `name : value`; the name must be a token (LWS before the colon is allowed, §7.3.1).
pub(crate) fn split_field(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    let name = name.trim_end_matches([' ', '\t']);
    (!name.is_empty() && name.bytes().all(is_token_byte)).then_some((name, value.trim()))
}

/// Applies the limits and frames the message. `stream` is true for TCP, where the runtime has
/// already cut the buffer to exactly one message.
pub(crate) fn prepare<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Prepared<'a>, ParseError> {
    if bytes.len() > limits.max_message {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: limits.max_message,
        });
    }
    let bytes = skip_leading_crlf(bytes);
    let end = head_end(bytes).ok_or(ParseError::Unterminated)?;
    let head = std::str::from_utf8(&bytes[..end]).map_err(|_| ParseError::NotUtf8)?;
    let raw_body = &bytes[end + 4..];
    let (start_line, rest) = head.split_once("\r\n").unwrap_or((head, ""));
    if start_line.len() > limits.max_line {
        return Err(ParseError::LineTooLong {
            len: start_line.len(),
            limit: limits.max_line,
        });
    }
    let lines = header_lines(rest, limits)?;
    let mut fields = Vec::with_capacity(lines.len());
    let mut other = Vec::new();
    let mut content_length = None;
    for line in lines {
        if line.is_empty() {
            continue;
        }
        // A value cut from a borrowed line borrows the datagram too.
        let (name, value) = match &line {
            Cow::Borrowed(whole) => {
                let (name, value) = split_field(whole).ok_or(ParseError::HeaderLine)?;
                (name, Cow::Borrowed(value))
            }
            Cow::Owned(joined) => {
                let (name, value) = split_field(joined).ok_or(ParseError::HeaderLine)?;
                (name, Cow::Owned(value.to_string()))
            }
        };
        match canonical_name(name) {
            Some("Content-Length") => {
                if content_length.is_some() {
                    return Err(ParseError::Duplicate("Content-Length"));
                }
                content_length = Some(ContentLength::parse(&value)?.0 as usize);
            }
            Some(long) => fields.push((long, value)),
            None => other.push((interned(name, COMMON_EXTRA), value.into_owned())),
        }
    }
    // §18.3: over UDP, bytes beyond Content-Length are discarded; fewer bytes is an error.
    let body = match content_length {
        Some(n) if n > raw_body.len() => {
            return Err(ParseError::BodyShort {
                declared: n,
                actual: raw_body.len(),
            })
        }
        Some(n) => &raw_body[..n],
        None => raw_body,
    };
    Ok(Prepared {
        start_line,
        fields,
        other,
        body,
    })
}

/// Length of the first complete message in a stream buffer (§18.3 framing by Content-Length),
/// counting skipped leading CRLFs. `Ok(None)` means more bytes are needed.
///
/// # Errors
/// Limits exceeded, or a Content-Length that does not parse.
pub fn stream_frame_len(buf: &[u8], limits: &Limits) -> Result<Option<usize>, ParseError> {
    let skipped = buf.len() - skip_leading_crlf(buf).len();
    let msg = &buf[skipped..];
    let Some(end) = head_end(msg) else {
        if msg.len() > limits.max_message {
            return Err(ParseError::TooLarge {
                size: msg.len(),
                limit: limits.max_message,
            });
        }
        return Ok(None);
    };
    let head = std::str::from_utf8(&msg[..end]).map_err(|_| ParseError::NotUtf8)?;
    let mut cl = 0usize;
    for line in head.split("\r\n").skip(1) {
        if let Some((name, value)) = split_field(line) {
            if canonical_name(name) == Some("Content-Length") {
                cl = ContentLength::parse(value)?.0 as usize;
            }
        }
    }
    let total = end + 4 + cl;
    if total > limits.max_message {
        return Err(ParseError::TooLarge {
            size: total,
            limit: limits.max_message,
        });
    }
    Ok((msg.len() >= total).then_some(skipped + total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_ends_at_the_first_blank_line() {
        assert_eq!(head_end(b"A\r\nB: c\r\n\r\nbody\r\n\r\n"), Some(7));
        assert_eq!(head_end(b"A\r\r\n\r\n"), Some(2), "a stray CR before it");
        assert_eq!(head_end(b"\r\n\r\n"), Some(0));
        assert_eq!(head_end(b"A\r\nB: c\r\n\r"), None, "cut short");
        assert_eq!(head_end(b""), None);
    }

    #[test]
    fn header_names_are_known_in_either_case_and_form() {
        for (received, long) in [
            ("via", Some("Via")),
            ("V", Some("Via")),
            ("call-id", Some("Call-ID")),
            ("i", Some("Call-ID")),
            ("CSEQ", Some("CSeq")),
            ("Proxy-Authorization", Some("Proxy-Authorization")),
            ("l", Some("Content-Length")),
            ("x", None),
            ("Vias", None),
            ("User-Agent", None),
            ("", None),
        ] {
            assert_eq!(canonical_name(received), long, "{received:?}");
        }
    }

    #[test]
    fn lines_are_cut_at_crlf_only() {
        for head in [
            "A: 1\r\nB: 2",
            "A: 1\r\nB: 2\r\n",
            "",
            "\r\n",
            "A: x\ry\r\nB: x\ny\r\r\n\r",
            "\r\r\n\n\r\n",
        ] {
            let ours: Vec<&str> = crlf_lines(head).collect();
            let split: Vec<&str> = head.split("\r\n").collect();
            assert_eq!(ours, split, "{head:?}");
        }
    }

    #[test]
    fn stream_framing() {
        let l = Limits::default();
        let m = b"\r\nOPTIONS sip:a SIP/2.0\r\nl: 3\r\n\r\nabcNEXT";
        assert_eq!(stream_frame_len(m, &l), Ok(Some(m.len() - 4)));
        assert_eq!(stream_frame_len(&m[..20], &l), Ok(None));
        assert!(stream_frame_len(b"X\r\nContent-Length: x\r\n\r\n", &l).is_err());
    }

    #[test]
    fn limits_refused() {
        let l = Limits {
            max_message: 100,
            max_headers: 2,
            max_line: 20,
        };
        assert!(matches!(
            prepare(&[b'a'; 101], &l),
            Err(ParseError::TooLarge { .. })
        ));
        let many = b"OPTIONS x SIP/2.0\r\na: 1\r\nb: 2\r\nc: 3\r\n\r\n";
        assert!(matches!(
            prepare(many, &l),
            Err(ParseError::TooManyHeaders { .. })
        ));
        let long = b"OPTIONS x SIP/2.0\r\na: 1234567890123456789\r\n\r\n";
        assert!(matches!(
            prepare(long, &l),
            Err(ParseError::LineTooLong { .. })
        ));
    }
}
