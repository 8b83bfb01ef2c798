//! Message layer: the Contact header (RFC 3261 §20.10) with its `expires` parameter.
//! Must not mix `*` with addresses (§10.2.2 allows `*` alone only).

use std::fmt;

use super::name_addr::NameAddr;
use super::HeaderError;

/// One Contact value: `*` or an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Wildcard,
    Addr(NameAddr),
}

impl Contact {
    pub fn parse(value: &str) -> Result<Self, HeaderError> {
        if value.trim() == "*" {
            return Ok(Self::Wildcard);
        }
        NameAddr::parse(value, "Contact").map(Self::Addr)
    }

    /// The `expires` parameter in seconds, when present and numeric.
    pub fn expires(&self) -> Option<u32> {
        match self {
            Self::Wildcard => None,
            Self::Addr(a) => a.param("expires").and_then(|v| v.parse().ok()),
        }
    }
}

impl fmt::Display for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Wildcard => f.write_str("*"),
            Self::Addr(a) => a.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_expires() {
        let raw = "<sip:alice@192.0.2.4:5060>;expires=3600;q=0.7";
        let c = Contact::parse(raw).expect("contact");
        assert_eq!(c.to_string(), raw);
        assert_eq!(c.expires(), Some(3600));
        assert_eq!(Contact::parse(" * "), Ok(Contact::Wildcard));
        assert!(Contact::parse("<sip:a").is_err());
    }
}
