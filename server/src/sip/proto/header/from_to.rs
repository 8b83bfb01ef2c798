//! Message layer: From and To headers (RFC 3261 §20.20, §20.39) with their dialog `tag`.
//! Must not invent tags: a missing To tag is meaningful (out-of-dialog request).

use std::fmt;

use super::name_addr::NameAddr;
use super::HeaderError;

macro_rules! tagged_header {
    ($(#[$doc:meta])* $name:ident, $header:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub NameAddr);

        impl $name {
            pub fn parse(value: &str) -> Result<Self, HeaderError> {
                NameAddr::parse(value, $header).map(Self)
            }

            pub fn tag(&self) -> Option<&str> {
                self.0.param("tag")
            }

            pub fn with_tag(mut self, tag: &str) -> Self {
                self.0.set_param("tag", Some(tag.to_string()));
                self
            }

            pub fn uri(&self) -> &str {
                &self.0.uri
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

tagged_header!(
    /// From: the request's originator.
    From, "From"
);
tagged_header!(
    /// To: the logical recipient; the UAS adds its tag.
    To, "To"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tag() {
        let raw = "Alice <sip:alice@atlanta.com>;tag=1928301774";
        let f = From::parse(raw).expect("from");
        assert_eq!(f.to_string(), raw);
        assert_eq!(f.tag(), Some("1928301774"));
        let t = To::parse("<sip:bob@biloxi.com>").expect("to");
        assert_eq!(t.tag(), None);
        assert_eq!(t.with_tag("x").to_string(), "<sip:bob@biloxi.com>;tag=x");
    }
}
