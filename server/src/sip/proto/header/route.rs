//! Message layer: Route and Record-Route (RFC 3261 §20.30, §20.34), ordered route sets.
//! Must not reorder entries: order is the path (§16.12).

use std::fmt;

use super::name_addr::NameAddr;
use super::HeaderError;

/// An ordered list of route entries (one Route or Record-Route header may hold several).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteSet(pub Vec<NameAddr>);

impl RouteSet {
    /// Parses one entry; the message layer splits comma lists and calls this per element.
    pub fn parse_entry(value: &str, header: &'static str) -> Result<NameAddr, HeaderError> {
        let entry = NameAddr::parse(value, header)?;
        if !value.trim_start().starts_with('<')
            && !value.trim_start().starts_with('"')
            && entry.display.is_none()
        {
            // §20.30: Route uses name-addr only; the angle brackets are mandatory.
            return Err(HeaderError::invalid(header, "route entry needs <uri>"));
        }
        Ok(entry)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for RouteSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            r.fmt(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let a = RouteSet::parse_entry("<sip:p1.example.com;lr>", "Route").expect("route");
        let b = RouteSet::parse_entry("<sip:p2.example.com;lr>;x=y", "Route").expect("route");
        let set = RouteSet(vec![a, b]);
        assert_eq!(
            set.to_string(),
            "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>;x=y"
        );
        assert!(RouteSet::parse_entry("sip:p1.example.com", "Route").is_err());
    }
}
