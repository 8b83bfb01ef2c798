//! Message layer: the Via header (RFC 3261 §20.42, §18.2.1 received, RFC 3581 rport).
//! Must not resolve names or touch sockets: it only records what the peer wrote and where it came from.

use std::fmt::{self, Write as _};
use std::net::IpAddr;

use super::params::{self, Param};
use super::HeaderError;
use crate::sip::proto::message::Transport;

/// RFC 3581 `rport`: absent, requested by the client (no value), or filled by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rport {
    Absent,
    Requested,
    Value(u16),
}

/// The Via `transport` (§20.42): one this core can use, or an `other-transport` token it only
/// carries (RFC 4475 §3.1.1.10 has `SIP/2.0/UNKNOWN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViaTransport {
    Known(Transport),
    /// A token other than the known transports, kept as written.
    Other(String),
}

impl ViaTransport {
    fn parse(s: &str) -> Option<Self> {
        if let Some(t) = Transport::parse(s) {
            return Some(Self::Known(t));
        }
        (!s.is_empty() && s.bytes().all(params::is_token_byte)).then(|| Self::Other(s.to_string()))
    }

    /// The transport, when it is one this core can send on.
    pub fn known(&self) -> Option<Transport> {
        match self {
            Self::Known(t) => Some(*t),
            Self::Other(_) => None,
        }
    }
}

impl fmt::Display for ViaTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(t) => t.fmt(f),
            Self::Other(s) => f.write_str(s),
        }
    }
}

/// One Via entry (`SIP/2.0/UDP host:port;branch=...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    pub transport: ViaTransport,
    pub host: String,
    pub port: Option<u16>,
    /// Params in wire order; typed accessors read them. Validated at parse time.
    pub params: Vec<Param>,
}

impl Via {
    /// A new Via with a branch and an empty `rport` (we always ask for symmetric responses).
    pub fn new(
        transport: Transport,
        host: impl Into<String>,
        port: Option<u16>,
        branch: &str,
    ) -> Self {
        Self {
            transport: ViaTransport::Known(transport),
            host: host.into(),
            port,
            params: vec![
                Param::new("branch", Some(branch.to_string())),
                Param::new("rport", None),
            ],
        }
    }

    /// Parses a single Via value (the message layer splits comma lists first).
    pub fn parse(value: &str) -> Result<Self, HeaderError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(HeaderError::Empty { header: "Via" });
        }
        let (head, rest) = match value.find(';') {
            Some(i) => (&value[..i], &value[i..]),
            None => (value, ""),
        };
        let mut parts = head.splitn(3, '/');
        let (Some(name), Some(version), Some(tail)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(HeaderError::invalid("Via", "missing sent-protocol"));
        };
        if !name.trim().eq_ignore_ascii_case("SIP") || version.trim() != "2.0" {
            return Err(HeaderError::invalid("Via", "protocol is not SIP/2.0"));
        }
        let tail = tail.trim_start();
        let split = tail
            .find(|c: char| c.is_ascii_whitespace())
            .ok_or(HeaderError::invalid("Via", "missing sent-by"))?;
        let transport = ViaTransport::parse(&tail[..split])
            .ok_or(HeaderError::invalid("Via", "transport is not a token"))?;
        // LWS is allowed around the colon of sent-by; drop it before splitting host and port.
        // Copied only when there is such LWS: nearly every Via has none.
        let sent_by = tail[split..].trim();
        let sent_by: std::borrow::Cow<'_, str> = if sent_by.bytes().any(|b| b.is_ascii_whitespace())
        {
            sent_by
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect()
        } else {
            sent_by.into()
        };
        let (host, port) = split_host_port(&sent_by)?;
        let params = params::parse_params(rest)?;
        let via = Self {
            transport,
            host,
            port,
            params,
        };
        via.validate()?;
        Ok(via)
    }

    fn validate(&self) -> Result<(), HeaderError> {
        if let Some(p) = params::find(&self.params, "received") {
            let ok = p.value.as_deref().is_some_and(|v| parse_ip(v).is_some());
            if !ok {
                return Err(HeaderError::invalid("Via", "received is not an IP address"));
            }
        }
        if let Some(p) = params::find(&self.params, "rport") {
            if let Some(v) = &p.value {
                if v.parse::<u16>().is_err() {
                    return Err(HeaderError::invalid("Via", "rport is not a port"));
                }
            }
        }
        if params::find(&self.params, "branch").is_some_and(|p| p.value.is_none()) {
            return Err(HeaderError::invalid("Via", "branch without value"));
        }
        Ok(())
    }

    pub fn branch(&self) -> Option<&str> {
        params::find(&self.params, "branch").and_then(|p| p.value.as_deref())
    }

    pub fn received(&self) -> Option<IpAddr> {
        params::find(&self.params, "received").and_then(|p| p.value.as_deref().and_then(parse_ip))
    }

    pub fn rport(&self) -> Rport {
        match params::find(&self.params, "rport") {
            None => Rport::Absent,
            Some(Param { value: None, .. }) => Rport::Requested,
            Some(Param { value: Some(v), .. }) => v.parse().map_or(Rport::Requested, Rport::Value),
        }
    }

    /// `host[:port]` as the transaction key needs it (§17.2.3 sent-by), lowercased.
    pub fn sent_by(&self) -> String {
        let mut out = String::with_capacity(self.host.len() + 6);
        self.write_sent_by(&mut out);
        out
    }

    /// `sent_by`, written at the end of `out`.
    pub fn write_sent_by(&self, out: &mut String) {
        out.extend(self.host.chars().map(|c| c.to_ascii_lowercase()));
        if let Some(p) = self.port {
            // Writing into a String cannot fail.
            let _ = write!(out, ":{p}");
        }
    }

    fn set_param(&mut self, name: &str, value: Option<String>) {
        match self
            .params
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(name))
        {
            Some(p) => p.value = value,
            None => self.params.push(Param::new(name, value)),
        }
    }

    /// Asks for `rport` on the sender's behalf when it did not (chan_sip `nat=force_rport`),
    /// so that `stamp_source` records its source port and the answer goes there.
    pub fn force_rport(&mut self) {
        if self.rport() == Rport::Absent {
            self.set_param("rport", None);
        }
    }

    /// §18.2.1 and RFC 3581 §4: record where the request really came from.
    pub fn stamp_source(&mut self, src: std::net::SocketAddr) {
        let host_is_src = parse_ip(&self.host) == Some(src.ip());
        if !host_is_src || self.rport() == Rport::Requested {
            self.set_param("received", Some(src.ip().to_string()));
        }
        if self.rport() == Rport::Requested {
            self.set_param("rport", Some(src.port().to_string()));
        }
    }
}

/// Parses an IP that may be written in brackets.
fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(s);
    s.parse().ok()
}

/// Splits `host[:port]`, where host may be an IPv6 reference in brackets.
pub(crate) fn split_host_port(s: &str) -> Result<(String, Option<u16>), HeaderError> {
    let bad = HeaderError::invalid("Via", "malformed sent-by");
    let (host, port) = if s.starts_with('[') {
        let end = s.find(']').ok_or(bad.clone())?;
        let port = s[end + 1..].strip_prefix(':');
        if port.is_none() && end + 1 != s.len() {
            return Err(bad);
        }
        (&s[..=end], port)
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:_".contains(&b));
    if !host_ok {
        return Err(bad);
    }
    let port = match port {
        Some(p) => Some(p.parse::<u16>().map_err(|_| bad.clone())?),
        None => None,
    };
    Ok((host.to_string(), port))
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SIP/2.0/")?;
        self.transport.fmt(f)?;
        f.write_char(' ')?;
        f.write_str(&self.host)?;
        if let Some(p) = self.port {
            f.write_char(':')?;
            fmt::Display::fmt(&p, f)?;
        }
        params::write_params(f, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let raw = "SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;rport";
        let via = Via::parse(raw).expect("valid via");
        assert_eq!(via.to_string(), raw);
        assert_eq!(via.branch(), Some("z9hG4bK776asdhds"));
        assert_eq!(via.rport(), Rport::Requested);
        assert_eq!(via.sent_by(), "pc33.atlanta.com:5066");
    }

    #[test]
    fn lws_ipv6_and_stamp() {
        let via =
            Via::parse("SIP  /   2.0  / TCP [2001:db8::10] : 5070 ;branch=z9hG4bKa").expect("lws");
        assert_eq!(via.transport.known(), Some(Transport::Tcp));
        assert_eq!(via.host, "[2001:db8::10]");
        assert_eq!(via.port, Some(5070));
        let mut via = Via::parse("SIP/2.0/UDP a.example.com;rport;branch=z9hG4bK1").expect("via");
        via.stamp_source("192.0.2.4:6000".parse().expect("addr"));
        assert_eq!(
            via.to_string(),
            "SIP/2.0/UDP a.example.com;rport=6000;branch=z9hG4bK1;received=192.0.2.4"
        );
        assert_eq!(via.rport(), Rport::Value(6000));
    }

    #[test]
    fn other_transport_is_carried() {
        let raw = "SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en";
        let via = Via::parse(raw).expect("other-transport");
        assert_eq!(via.transport, ViaTransport::Other("UNKNOWN".into()));
        assert_eq!(via.transport.known(), None);
        assert_eq!(via.to_string(), raw);
    }

    #[test]
    fn refuses_garbage() {
        for bad in [
            "",
            "SIP/2.0",
            "SIP/3.0/UDP h",
            "SIP/2.0/F<O h",
            "SIP/2.0/UDP h:99999",
            "SIP/2.0/UDP h;received=x",
            "SIP/2.0/UDP h;rport=x",
            "SIP/2.0/UDP h;branch",
            "SIP/2.0/UDP h<>",
        ] {
            assert!(Via::parse(bad).is_err(), "{bad}");
        }
    }
}
