//! SIP behind NAT, as Services → IPBX → General settings → SIP (NAT) sets it: the External
//! address written toward the internet and the Local networks that get the PBX's own
//! address (chan_sip's `externaddr` / `externhost` and `localnet`).

use super::net::parse_host_port;
use super::FieldErrors;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};

/// Where SIP listens unless the administrator says otherwise: every interface, port 5060
/// (chan_sip's `udpbindaddr`, PJSIP's transport `bind`).
pub const DEFAULT_BIND: &str = "0.0.0.0:5060";

/// Local unless the administrator says otherwise: the private ranges (RFC 1918, RFC 4193),
/// loopback and link-local, as Asterisk's `localnet` examples and PJSIP's `local_net` do.
pub const DEFAULT_LOCAL_NETWORKS: &[&str] = &[
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
];

/// The RTP relay's port range unless the administrator says otherwise (Asterisk's
/// `rtp.conf`: `rtpstart=10000`, `rtpend=20000`).
pub const DEFAULT_RTP_START: u16 = 10000;
pub const DEFAULT_RTP_END: u16 = 20000;

/// Fewest ports in the range: an anchored call takes four (an RTP/RTCP pair per leg).
pub const MIN_RTP_PORTS: u16 = 4;

/// More would be a list nobody reads; an office has a handful of subnets.
pub const MAX_LOCAL_NETWORKS: usize = 64;

/// The NAT settings as validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipNat {
    /// Host name or IP, with `:port` when the router forwards another port; empty: none.
    pub external_address: String,
    /// Networks written as `address/prefix`, in the administrator's order.
    pub local_networks: Vec<String>,
    /// `address:port` the SIP listener binds (UDP and TCP) at start-up.
    pub bind_address: String,
    /// The ports the RTP relay takes its pairs from, both included.
    pub rtp_start: u16,
    pub rtp_end: u16,
}

impl Default for SipNat {
    fn default() -> Self {
        Self {
            external_address: String::new(),
            local_networks: DEFAULT_LOCAL_NETWORKS
                .iter()
                .map(|n| (*n).to_owned())
                .collect(),
            bind_address: DEFAULT_BIND.to_owned(),
            rtp_start: DEFAULT_RTP_START,
            rtp_end: DEFAULT_RTP_END,
        }
    }
}

/// The form as typed: the networks one per line (commas and spaces also separate).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SipNatInput {
    #[serde(default, deserialize_with = "crate::model::text::lenient_string")]
    pub external_address: String,
    #[serde(default, deserialize_with = "crate::model::text::lenient_string")]
    pub local_networks: String,
    /// Blank: every interface, port 5060.
    #[serde(default, deserialize_with = "crate::model::text::lenient_string")]
    pub bind_address: String,
    /// Blank: 10000.
    #[serde(default, deserialize_with = "crate::model::text::lenient_string")]
    pub rtp_start: String,
    /// Blank: 20000.
    #[serde(default, deserialize_with = "crate::model::text::lenient_string")]
    pub rtp_end: String,
}

/// The stored settings and their version, for the optimistic lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipNatView {
    pub version: i64,
    #[serde(flatten)]
    pub settings: SipNat,
}

/// `address/prefix` (a bare address is one host) as an address and a prefix length, the
/// address reduced to the network's own.
pub fn parse_network(text: &str) -> Option<(IpAddr, u8)> {
    let text = text.trim();
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
        None => (text.parse::<IpAddr>().ok()?, None),
    };
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = prefix.unwrap_or(max);
    if prefix > max {
        return None;
    }
    let network = match addr {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & mask).into())
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & mask).into())
        }
    };
    Some((network, prefix))
}

/// The SIP bind as typed: an IP address of this machine (0.0.0.0 or :: for all of them),
/// with `:port` when not 5060 (an IPv6 address then in brackets). A host name is refused:
/// a listener binds addresses, and a name that resolves elsewhere later would move it.
fn bind(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(DEFAULT_BIND.to_owned());
    }
    if let Ok(addr) = value.parse::<SocketAddr>() {
        if addr.port() == 0 {
            return Err("SIP bind port must be between 1 and 65535.".into());
        }
        return Ok(addr.to_string());
    }
    let bare = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 5060).to_string());
    }
    if let Some((host, port)) = value.rsplit_once(':') {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.parse::<IpAddr>().is_ok() {
            return Err(format!(
                "SIP bind port \u{201c}{port}\u{201d} must be a number between 1 and 65535."
            ));
        }
    }
    Err(format!(
        "SIP bind \u{201c}{value}\u{201d} is not an IP address of this machine; write one, \
         with :port if not 5060 (for example 192.168.1.2:5060, or 0.0.0.0 for all \
         interfaces)."
    ))
}

fn networks(raw: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for item in raw.split(|c: char| c == ',' || c.is_whitespace()) {
        if item.is_empty() {
            continue;
        }
        let Some((addr, prefix)) = parse_network(item) else {
            return Err(format!(
                "Local networks: \u{201c}{item}\u{201d} is not a network; write each as an \
                 address and a prefix length, for example 192.168.1.0/24."
            ));
        };
        let text = format!("{addr}/{prefix}");
        if !out.contains(&text) {
            out.push(text);
        }
    }
    if out.len() > MAX_LOCAL_NETWORKS {
        return Err(format!(
            "Local networks may list at most {MAX_LOCAL_NETWORKS} networks; {} are given.",
            out.len()
        ));
    }
    Ok(out)
}

/// One end of the RTP range as typed; blank is the default.
fn rtp_port(label: &str, raw: &str, default: u16) -> Result<u16, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(default);
    }
    match value.parse::<u16>() {
        Ok(port) if port >= 1024 => Ok(port),
        _ => Err(format!(
            "{label} \u{201c}{value}\u{201d} must be a port number between 1024 and 65535."
        )),
    }
}

/// The range's end, checked against its start.
fn rtp_range_end(start: Option<u16>, end: Result<u16, String>) -> Result<u16, String> {
    let end = end?;
    match start {
        Some(start) if end < start.saturating_add(MIN_RTP_PORTS - 1) => Err(format!(
            "RTP end must be at least {} ports above RTP start ({start}): each call takes \
             four ports.",
            MIN_RTP_PORTS - 1
        )),
        _ => Ok(end),
    }
}

impl SipNatInput {
    /// # Errors
    /// The external address or a network that does not parse, each named.
    pub fn validate(&self) -> Result<SipNat, FieldErrors> {
        let mut e = FieldErrors::new();
        let external_address = e.take(
            "external_address",
            parse_host_port("External address", &self.external_address),
        );
        let local_networks = e.take("local_networks", networks(&self.local_networks));
        let bind_address = e.take("bind_address", bind(&self.bind_address));
        let rtp_start = e.take(
            "rtp_start",
            rtp_port("RTP start", &self.rtp_start, DEFAULT_RTP_START),
        );
        let rtp_end = e.take(
            "rtp_end",
            rtp_range_end(
                rtp_start,
                rtp_port("RTP end", &self.rtp_end, DEFAULT_RTP_END),
            ),
        );
        match (
            external_address,
            local_networks,
            bind_address,
            rtp_start,
            rtp_end,
        ) {
            (
                Some(external_address),
                Some(local_networks),
                Some(bind_address),
                Some(rtp_start),
                Some(rtp_end),
            ) if e.is_empty() => Ok(SipNat {
                external_address,
                local_networks,
                bind_address,
                rtp_start,
                rtp_end,
            }),
            _ => Err(e),
        }
    }
}

impl SipNat {
    pub fn to_input(&self) -> SipNatInput {
        SipNatInput {
            external_address: self.external_address.clone(),
            local_networks: self.local_networks.join("\n"),
            bind_address: self.bind_address.clone(),
            rtp_start: self.rtp_start.to_string(),
            rtp_end: self.rtp_end.to_string(),
        }
    }

    /// The stored bind as an address. It was validated on the way in, so
    /// only a hand-edited row fails here; the caller then listens on
    /// [`SipNat::DEFAULT_BIND`] and the row is on the repair list, said
    /// in the log and on the Overview rather than silently replaced.
    ///
    /// # Errors
    /// When the stored text is not an address and a port.
    pub fn bind(&self) -> Result<SocketAddr, std::net::AddrParseError> {
        self.bind_address.parse()
    }

    /// Where SIP listens when nothing else is said: every IPv4 address, 5060.
    pub const DEFAULT_BIND: SocketAddr =
        SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), 5060);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(external: &str, nets: &str) -> SipNatInput {
        SipNatInput {
            external_address: external.into(),
            local_networks: nets.into(),
            bind_address: String::new(),
            rtp_start: String::new(),
            rtp_end: String::new(),
        }
    }

    fn bind_of(typed: &str) -> Result<String, String> {
        let mut i = input("", "");
        i.bind_address = typed.into();
        i.validate()
            .map(|n| n.bind_address)
            .map_err(|e| e.get("bind_address").unwrap_or_default().to_owned())
    }

    #[test]
    fn the_sip_bind_is_an_address_and_a_port() {
        assert_eq!(bind_of("").as_deref(), Ok("0.0.0.0:5060"));
        assert_eq!(bind_of(" 192.168.1.2 ").as_deref(), Ok("192.168.1.2:5060"));
        assert_eq!(
            bind_of("192.168.1.2:5070").as_deref(),
            Ok("192.168.1.2:5070")
        );
        assert_eq!(bind_of("::").as_deref(), Ok("[::]:5060"));
        assert_eq!(
            bind_of("[2001:db8::2]:5080").as_deref(),
            Ok("[2001:db8::2]:5080")
        );
        let name = bind_of("pbx.example.com").expect_err("a name");
        assert!(
            name.starts_with("SIP bind") && name.contains("IP address"),
            "{name}"
        );
        let port = bind_of("192.168.1.2:99999").expect_err("a port");
        assert!(port.contains("SIP bind port"), "{port}");
        assert!(bind_of("192.168.1.2:0").is_err());
    }

    #[test]
    fn the_rtp_range_defaults_to_asterisks_and_is_checked() {
        let range = |start: &str, end: &str| {
            let mut i = input("", "");
            i.rtp_start = start.into();
            i.rtp_end = end.into();
            i.validate().map(|n| (n.rtp_start, n.rtp_end))
        };
        assert_eq!(range("", ""), Ok((10000, 20000)));
        assert_eq!(range(" 30000 ", "30099"), Ok((30000, 30099)));
        let low = range("80", "").expect_err("privileged");
        assert!(
            low.get("rtp_start").expect("start").contains("RTP start"),
            "{low:?}"
        );
        let short = range("10000", "10001").expect_err("too short");
        let msg = short.get("rtp_end").expect("end");
        assert!(msg.contains("RTP end") && msg.contains("10000"), "{msg}");
        assert!(range("10000", "70000").is_err());
        assert!(range("ten", "").is_err());
    }

    #[test]
    fn defaults_round_trip_through_the_form() {
        let d = SipNat::default();
        assert_eq!(d.to_input().validate(), Ok(d));
    }

    #[test]
    fn external_addresses_and_networks_are_normalised() {
        let nat = input(
            " PBX.Example.com:5070 ",
            "192.168.1.7/24, 10.0.0.0/8\n10.0.0.0/8 fd00::/8",
        )
        .validate()
        .expect("valid");
        assert_eq!(nat.external_address, "pbx.example.com:5070");
        assert_eq!(
            nat.local_networks,
            ["192.168.1.0/24", "10.0.0.0/8", "fd00::/8"]
        );
        let v6 = input("2001:db8::1", "").validate().expect("valid");
        assert_eq!(v6.external_address, "2001:db8::1");
        let v6p = input("[2001:db8::1]:5080", "").validate().expect("valid");
        assert_eq!(v6p.external_address, "[2001:db8::1]:5080");
        assert_eq!(
            input("", "").validate().expect("valid").external_address,
            ""
        );
    }

    #[test]
    fn bad_input_names_the_field_in_a_sentence() {
        let e = input("pbx..example", "192.168.1/24")
            .validate()
            .expect_err("invalid");
        let external = e.get("external_address").expect("external error");
        assert!(external.contains("External address"), "{external}");
        let nets = e.get("local_networks").expect("networks error");
        assert!(
            nets.contains("192.168.1/24") && nets.contains("192.168.1.0/24"),
            "{nets}"
        );
        let port = input("198.51.100.1:99999", "")
            .validate()
            .expect_err("bad port");
        assert!(port.get("external_address").expect("port").contains("port"));
        assert!(input("", "10.0.0.0/33").validate().is_err());
    }

    #[test]
    fn networks_parse_to_their_network_address() {
        assert_eq!(
            parse_network("192.168.77.10/24"),
            Some(("192.168.77.0".parse().expect("ip"), 24))
        );
        assert_eq!(parse_network("10.1.2.3").map(|n| n.1), Some(32));
        assert_eq!(
            parse_network("::1"),
            Some(("::1".parse().expect("ip"), 128))
        );
        assert_eq!(parse_network("nonsense/8"), None);
    }
}
