//! The NAT settings the engine runs: the `--sip-external-address` flag over
//! the stored External address, and a host name there resolved the way
//! chan_sip's `externhost` is, again every `REFRESH`, so that a dynamic-DNS
//! name follows the office's changing public address. The lookup is the
//! only I/O, off the SIP thread.

use crate::sip::runtime::addresses::{local_nets, NatSettings};
use app::model::PbxConfig;
use std::net::IpAddr;
use std::time::Duration;

use super::EngineOptions;

/// How often a host name in External address is looked up again
/// (chan_sip's `externrefresh` defaults to 10 s; a minute is plenty for a
/// dynamic-DNS name and costs one lookup).
pub const REFRESH: Duration = Duration::from_secs(60);

/// Longest a lookup may hold up the engine's configuration loop.
const LOOKUP_LIMIT: Duration = Duration::from_secs(3);

/// The NAT settings in force, as configured (a host name not yet looked up).
pub fn configured(config: &PbxConfig, options: &EngineOptions) -> NatSettings {
    let stored = Some(config.nat.external_address.clone()).filter(|e| !e.is_empty());
    NatSettings {
        external: options.external_address.clone().or(stored),
        local: local_nets(&config.nat.local_networks),
        rtp_start: config.nat.rtp_start,
        rtp_end: config.nat.rtp_end,
    }
}

/// `host` and `port` of an External address (`host`, `host:port`, `[v6]:port`, `v6`).
fn split(external: &str) -> (&str, Option<&str>) {
    if external.parse::<IpAddr>().is_ok() {
        return (external, None);
    }
    match external.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.ends_with(']') => (h, Some(p)),
        _ => (external, None),
    }
}

/// Whether the External address is a name to look up.
pub fn is_name(nat: &NatSettings) -> bool {
    nat.external.as_deref().is_some_and(|e| {
        let (host, _) = split(e);
        host.trim_matches(['[', ']']).parse::<IpAddr>().is_err()
    })
}

/// `nat` with a host name in External address replaced by the address it
/// resolves to (the port kept). A name that does not resolve stays as it
/// is: written in Via and Contact it is still valid SIP, and the provider
/// resolves it itself.
pub async fn resolved(mut nat: NatSettings) -> NatSettings {
    if !is_name(&nat) {
        return nat;
    }
    let Some(external) = nat.external.clone() else {
        return nat;
    };
    let (host, port) = split(&external);
    let lookup = tokio::net::lookup_host((host, 5060));
    match tokio::time::timeout(LOOKUP_LIMIT, lookup).await {
        Ok(Ok(mut addrs)) => {
            if let Some(ip) = addrs.find(|a| a.is_ipv4()).map(|a| a.ip()) {
                nat.external = Some(match port {
                    Some(port) => format!("{ip}:{port}"),
                    None => ip.to_string(),
                });
            }
        }
        Ok(Err(error)) => tracing::warn!(%host, %error, "External address does not resolve"),
        Err(_) => tracing::warn!(%host, "External address lookup timed out"),
    }
    nat
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(external: &str) -> NatSettings {
        NatSettings {
            external: Some(external.into()),
            ..NatSettings::default()
        }
    }

    #[test]
    fn only_names_are_looked_up() {
        assert!(is_name(&with("pbx.example.com")));
        assert!(is_name(&with("pbx.example.com:5070")));
        assert!(!is_name(&with("198.51.100.1")));
        assert!(!is_name(&with("198.51.100.1:5070")));
        assert!(!is_name(&with("2001:db8::1")));
        assert!(!is_name(&with("[2001:db8::1]:5070")));
        assert!(!is_name(&NatSettings::default()));
    }

    #[tokio::test]
    async fn a_name_resolves_to_its_address_and_keeps_its_port() {
        // `localhost` resolves without a network, from /etc/hosts.
        let nat = resolved(with("localhost:5070")).await;
        assert_eq!(nat.external.as_deref(), Some("127.0.0.1:5070"));
        let ip = resolved(with("198.51.100.1")).await;
        assert_eq!(ip.external.as_deref(), Some("198.51.100.1"));
        let unknown = resolved(with("no-such-host.invalid")).await;
        assert_eq!(unknown.external.as_deref(), Some("no-such-host.invalid"));
    }
}
