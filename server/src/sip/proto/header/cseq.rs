//! Message layer: the CSeq header (RFC 3261 §20.16). Must not accept numbers of 2**31 or more.

use super::HeaderError;
use crate::sip::proto::message::Method;
use std::fmt::{self, Write as _};

/// CSeq: sequence number and method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    pub seq: u32,
    pub method: Method,
}

impl CSeq {
    pub fn new(seq: u32, method: Method) -> Self {
        Self { seq, method }
    }

    pub fn parse(value: &str) -> Result<Self, HeaderError> {
        let mut parts = value.split_ascii_whitespace();
        let (Some(num), Some(method), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(HeaderError::invalid("CSeq", "expected `number method`"));
        };
        // §8.1.1.5: the number MUST be less than 2**31.
        let seq = num
            .parse::<u32>()
            .ok()
            .filter(|n| *n < (1 << 31) && num.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(HeaderError::invalid("CSeq", "sequence number out of range"))?;
        let method =
            Method::parse(method).ok_or(HeaderError::invalid("CSeq", "method is not a token"))?;
        Ok(Self { seq, method })
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.seq, f)?;
        f.write_char(' ')?;
        fmt::Display::fmt(&self.method, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_limits() {
        let c = CSeq::parse("314159 INVITE");
        assert_eq!(c, Ok(CSeq::new(314159, Method::Invite)));
        assert_eq!(c.map(|c| c.to_string()), Ok("314159 INVITE".into()));
        assert!(CSeq::parse("2147483648 INVITE").is_err());
        assert!(CSeq::parse("-1 INVITE").is_err());
        // Methods are case-sensitive: `invite` is an extension method, not INVITE (§7.1).
        let lower = CSeq::parse("1 invite").expect("extension method");
        assert_ne!(lower.method, Method::Invite);
        assert_eq!(lower.to_string(), "1 invite");
        assert!(CSeq::parse("1 IN<VITE").is_err());
        assert!(CSeq::parse("1").is_err());
        assert!(CSeq::parse("1 INVITE x").is_err());
    }
}
