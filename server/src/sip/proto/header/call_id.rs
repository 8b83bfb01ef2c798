//! Message layer: the Call-ID header (RFC 3261 §20.8). Must not accept whitespace or empty ids.

use std::fmt;

use super::HeaderError;

/// Call-ID: `word ["@" word]`; compared byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallId(String);

impl CallId {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    pub fn parse(value: &str) -> Result<Self, HeaderError> {
        let v = value.trim();
        if v.is_empty() {
            return Err(HeaderError::Empty { header: "Call-ID" });
        }
        if v.bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(HeaderError::invalid("Call-ID", "whitespace inside the id"));
        }
        Ok(Self(v.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let c = CallId::parse(" a84b4c76e66710@pc33.atlanta.com ");
        assert_eq!(
            c.map(|c| c.to_string()),
            Ok("a84b4c76e66710@pc33.atlanta.com".into())
        );
        assert!(CallId::parse("").is_err());
        assert!(CallId::parse("a b").is_err());
    }
}
