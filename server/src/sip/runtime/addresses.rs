//! Finding our own addresses: the one the kernel would send from toward a network (bound to
//! `0.0.0.0`, the socket's own address says nothing) and the table `proto`'s `Addressing`
//! writes Via and Contact from. A UDP `connect` only looks the route up: nothing is sent.

use crate::sip::proto::endpoint::addressing::{Addressing, Cidr, SentBy};
use app::model::nat::{parse_network, DEFAULT_LOCAL_NETWORKS};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

/// The administrator's local networks (validated by the model) as `proto` matches them.
pub fn local_nets<S: AsRef<str>>(networks: &[S]) -> Vec<Cidr> {
    networks
        .iter()
        .filter_map(|n| parse_network(n.as_ref()))
        .map(|(addr, prefix)| Cidr { addr, prefix })
        .collect()
}

pub fn default_local_nets() -> Vec<Cidr> {
    local_nets(DEFAULT_LOCAL_NETWORKS)
}

/// How a host is written in a SIP URI: IPv6 in brackets.
pub fn host_text(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The address we send from toward `dest`: the bound one, or (bound to the unspecified
/// address) the kernel's choice for that route. `None` when no route leads there.
pub fn source_toward(bind: SocketAddr, dest: IpAddr) -> Option<IpAddr> {
    if !bind.ip().is_unspecified() {
        return Some(bind.ip());
    }
    let any: SocketAddr = if dest.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let probe = UdpSocket::bind(any).ok()?;
    probe.connect((dest, 5060)).ok()?;
    probe.local_addr().ok().map(|a| a.ip())
}

/// A host inside `net` to look its route up with: the first address after the network's.
fn probe_host(net: Cidr) -> IpAddr {
    match net.addr {
        IpAddr::V4(v4) if net.prefix < 31 => IpAddr::V4(Ipv4Addr::from(u32::from(v4) | 1)),
        IpAddr::V6(v6) if net.prefix < 127 => IpAddr::V6(Ipv6Addr::from(u128::from(v6) | 1)),
        other => other,
    }
}

/// Our address on each of `nets` (skipping those no route leads to).
pub fn local_table(bind: SocketAddr, nets: &[Cidr]) -> Vec<(Cidr, SentBy)> {
    nets.iter()
        .filter_map(|net| {
            let ip = source_toward(bind, probe_host(*net))?;
            Some((*net, SentBy::new(host_text(ip), bind.port())))
        })
        .collect()
}

/// The host written where `Addressing` sets nothing (a non-local destination with no external
/// address and nothing learned): the address toward the default route, else loopback.
/// 192.0.2.1 (TEST-NET-1) is only looked up, never sent to.
pub fn default_host(bind: SocketAddr) -> String {
    let probe = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    source_toward(bind, probe).map_or_else(|| "127.0.0.1".to_owned(), host_text)
}

/// What the administrator set (or the `--sip-external-address` flag overrides).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatSettings {
    /// Host or `host:port` written toward destinations outside `local`.
    pub external: Option<String>,
    pub local: Vec<Cidr>,
    /// The RTP relay's port range (General settings → SIP: RTP start/end).
    pub rtp_start: u16,
    pub rtp_end: u16,
}

impl Default for NatSettings {
    fn default() -> Self {
        Self {
            external: None,
            local: Vec::new(),
            rtp_start: app::model::nat::DEFAULT_RTP_START,
            rtp_end: app::model::nat::DEFAULT_RTP_END,
        }
    }
}

/// The addressing for a socket bound to `bind`.
pub fn addressing(bind: SocketAddr, nat: &NatSettings) -> Addressing {
    Addressing {
        local: local_table(bind, &nat.local),
        external: nat
            .external
            .as_deref()
            .map(|e| external_sent_by(e, bind.port())),
        learned: Default::default(),
    }
}

/// `host` or `host:port` (IPv6 in brackets) as written in Via and Contact.
pub fn external_sent_by(text: &str, default_port: u16) -> SentBy {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return SentBy::new(host_text(ip), default_port);
    }
    match text.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') => match port.parse() {
            Ok(port) => SentBy::new(host, port),
            Err(_) => SentBy::new(text, default_port),
        },
        _ => SentBy::new(text, default_port),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(text: &str) -> Cidr {
        local_nets(&[text])[0]
    }

    #[test]
    fn default_nets_cover_the_lan_ranges() {
        let nets = default_local_nets();
        assert_eq!(nets.len(), DEFAULT_LOCAL_NETWORKS.len());
        let local = |ip: &str| nets.iter().any(|n| n.contains(ip.parse().expect("ip")));
        assert!(local("192.168.77.10") && local("10.1.2.3") && local("127.0.0.1"));
        assert!(!local("198.51.100.20") && !local("8.8.8.8"));
    }

    #[test]
    fn a_bound_address_is_our_address_toward_every_network() {
        let bind: SocketAddr = "127.0.0.1:5070".parse().expect("addr");
        let table = local_table(bind, &default_local_nets());
        assert!(table
            .iter()
            .all(|(_, us)| us == &SentBy::new("127.0.0.1", 5070)));
        assert_eq!(default_host(bind), "127.0.0.1");
    }

    #[test]
    fn unbound_loopback_is_reached_from_loopback() {
        let bind: SocketAddr = "0.0.0.0:5060".parse().expect("addr");
        let lo = cidr("127.0.0.0/8");
        let table = local_table(bind, &[lo]);
        assert_eq!(table, vec![(lo, SentBy::new("127.0.0.1", 5060))]);
    }

    #[test]
    fn external_addresses_take_an_optional_port() {
        assert_eq!(
            external_sent_by("pbx.example.com", 5060),
            SentBy::new("pbx.example.com", 5060)
        );
        assert_eq!(
            external_sent_by("198.51.100.1:5070", 5060),
            SentBy::new("198.51.100.1", 5070)
        );
        assert_eq!(
            external_sent_by("2001:db8::1", 5060),
            SentBy::new("[2001:db8::1]", 5060)
        );
    }
}
