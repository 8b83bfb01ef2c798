//! Which of our addresses a destination is given in Via and Contact (chan_sip's `localnet` /
//! `externaddr`, PJSIP's `local_net` / `external_signaling_address`). A phone on the LAN must
//! get the PBX's LAN address, a provider across the NAT router the public one: one fixed
//! address cannot be right for both. Must not do I/O: the runtime finds our address on each
//! local network (the kernel's source address toward it) and hands the table over.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

/// An IP network, e.g. `192.168.0.0/16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// Whether `ip` lies in this network (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let bits = u32::from(self.prefix.min(32));
                let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let bits = u32::from(self.prefix.min(128));
                let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// A host and port as written in Via sent-by and Contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentBy {
    pub host: String,
    pub port: u16,
}

impl SentBy {
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
        }
    }
}

/// Our address per destination. With nothing set, every destination gets `default`.
#[derive(Debug, Clone, Default)]
pub struct Addressing {
    /// Each local network with our address on it, most specific first is not required: the
    /// longest matching prefix wins.
    pub local: Vec<(Cidr, SentBy)>,
    /// Toward any other destination: the administrator's External address (`externaddr`).
    pub external: Option<SentBy>,
    /// Toward any other destination without an external address: what that provider told us
    /// it sees (`received` / `rport` of a REGISTER's answer), by the provider's address.
    pub learned: HashMap<IpAddr, SentBy>,
}

impl Addressing {
    /// Our address as `dest` must see it, or `None` when nothing is set for it (the caller
    /// then writes its default).
    pub fn sent_by(&self, dest: SocketAddr) -> Option<&SentBy> {
        let ip = dest.ip();
        let local = self
            .local
            .iter()
            .filter(|(net, _)| net.contains(ip))
            .max_by_key(|(net, _)| net.prefix)
            .map(|(_, us)| us);
        local
            .or(self.external.as_ref())
            .or_else(|| self.learned.get(&ip))
    }

    /// Whether `ip` is on one of the local networks.
    pub fn is_local(&self, ip: IpAddr) -> bool {
        self.local.iter().any(|(net, _)| net.contains(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> Cidr {
        let (addr, prefix) = s.split_once('/').expect("cidr");
        Cidr {
            addr: addr.parse().expect("addr"),
            prefix: prefix.parse().expect("prefix"),
        }
    }

    fn dest(s: &str) -> SocketAddr {
        s.parse().expect("socket address")
    }

    #[test]
    fn cidr_membership_follows_the_prefix() {
        assert!(cidr("192.168.0.0/16").contains("192.168.77.10".parse().expect("ip")));
        assert!(!cidr("192.168.0.0/16").contains("192.169.0.1".parse().expect("ip")));
        assert!(cidr("0.0.0.0/0").contains("198.51.100.1".parse().expect("ip")));
        assert!(cidr("10.1.2.3/32").contains("10.1.2.3".parse().expect("ip")));
        assert!(!cidr("10.1.2.3/32").contains("10.1.2.4".parse().expect("ip")));
        assert!(cidr("fe80::/10").contains("fe80::1".parse().expect("ip")));
        assert!(cidr("127.0.0.0/8").contains("::ffff:127.0.0.1".parse().expect("ip")));
        assert!(!cidr("127.0.0.0/8").contains("::1".parse().expect("ip")));
    }

    #[test]
    fn lan_gets_the_local_address_and_the_internet_the_external_one() {
        let mut a = Addressing {
            local: vec![
                (cidr("192.168.0.0/16"), SentBy::new("192.168.77.2", 5060)),
                (cidr("192.168.77.0/24"), SentBy::new("192.168.77.3", 5060)),
                (cidr("127.0.0.0/8"), SentBy::new("127.0.0.1", 5060)),
            ],
            ..Addressing::default()
        };
        assert_eq!(a.sent_by(dest("198.51.100.20:5060")), None);
        a.learned.insert(
            "198.51.100.20".parse().expect("ip"),
            SentBy::new("198.51.100.1", 40000),
        );
        assert_eq!(
            a.sent_by(dest("198.51.100.20:5060")),
            Some(&SentBy::new("198.51.100.1", 40000)),
            "what the provider reported, toward that provider"
        );
        assert_eq!(a.sent_by(dest("203.0.113.9:5060")), None);
        a.external = Some(SentBy::new("pbx.example.com", 5060));
        assert_eq!(
            a.sent_by(dest("198.51.100.20:5060")),
            Some(&SentBy::new("pbx.example.com", 5060)),
            "the administrator's external address wins over a learned one"
        );
        assert_eq!(
            a.sent_by(dest("192.168.77.10:5060")),
            Some(&SentBy::new("192.168.77.3", 5060)),
            "the longest matching local network"
        );
        assert_eq!(
            a.sent_by(dest("192.168.1.10:5060")),
            Some(&SentBy::new("192.168.77.2", 5060))
        );
        assert_eq!(
            a.sent_by(dest("127.0.0.1:5080")),
            Some(&SentBy::new("127.0.0.1", 5060))
        );
        assert!(a.is_local("192.168.1.1".parse().expect("ip")));
        assert!(!a.is_local("198.51.100.20".parse().expect("ip")));
    }
}
