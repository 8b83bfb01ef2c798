//! Where each trunk's provider is: its host, outbound proxy and registrar
//! looked up by name when the configuration changes, never per INVITE, so
//! that reception (`proto::reception`) decides from plain addresses.

use crate::sip::proto::reception::{Directory, TrunkAddresses, TrunkDial};
use futures_util::future::join_all;
use futures_util::FutureExt as _;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// Longest wait for one name: a DNS server that does not answer must not hold a trunk's
/// addresses (or, before lookups left the loops, every SIP message) for the resolver's own
/// 30 s and more of retries.
pub(crate) const DNS_TIMEOUT: Duration = Duration::from_secs(5);

/// A and AAAA lookup of `host`, given up after [`DNS_TIMEOUT`].
///
/// # Errors
/// The resolver's, or `TimedOut`.
pub(crate) async fn lookup_bounded(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    match tokio::time::timeout(DNS_TIMEOUT, tokio::net::lookup_host((host, port))).await {
        Ok(addrs) => Ok(addrs?.collect()),
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no answer within {} s", DNS_TIMEOUT.as_secs()),
        )),
    }
}

/// Why `host` gave no address, as the registry's Last response column says it: a name the
/// resolver does not know "does not resolve"; a resolver that does not answer says how long
/// it was given.
pub(crate) fn unresolved(host: &str, error: Option<&io::Error>) -> String {
    match error {
        Some(e) if e.kind() == io::ErrorKind::TimedOut => format!("DNS: {host}: {e}"),
        _ => format!("DNS: {host} does not resolve"),
    }
}

async fn lookup(host: &str, port: u16) -> Vec<SocketAddr> {
    lookup_bounded(host, port).await.unwrap_or_else(|error| {
        tracing::warn!(%host, %error, "trunk host does not resolve");
        Vec::new()
    })
}

/// Where one trunk is called (proxy first) and which addresses are its provider's.
#[derive(Default)]
struct Found {
    call_at: Vec<SocketAddr>,
    provider_at: Vec<SocketAddr>,
}

async fn trunk_found(trunk: &TrunkDial) -> Found {
    let mut found = Found::default();
    // A dynamic trunk has no host to call, through a proxy or not.
    if let (Some(_), Some((proxy, port))) = (&trunk.host, &trunk.outbound_proxy) {
        found.call_at.extend(lookup(proxy, *port).await.first());
    }
    if let Some(host) = &trunk.host {
        let addrs = lookup(host, trunk.port).await;
        found.call_at.extend(addrs.first());
        if trunk.matched_by_address() {
            found.provider_at.extend(addrs);
        }
    }
    if trunk.matched_by_address() {
        if let Some((host, port)) = &trunk.registrar {
            found.provider_at.extend(lookup(host, *port).await);
        }
    }
    found
}

/// The trunks' findings in `directory`'s order.
fn assemble<'a>(found: impl IntoIterator<Item = (&'a TrunkDial, Found)>) -> TrunkAddresses {
    let mut out = TrunkAddresses::default();
    for (trunk, found) in found {
        for a in found.call_at {
            out.call_at(trunk.id, a);
        }
        for a in found.provider_at {
            out.provider_at(a, trunk.id);
        }
    }
    out
}

/// Resolves every enabled trunk's addresses for `directory`, all trunks at once: a name that
/// does not resolve costs its own trunk [`DNS_TIMEOUT`] at most, and the others nothing.
pub async fn trunk_addresses(directory: &Directory) -> TrunkAddresses {
    let found = join_all(directory.trunks.iter().map(trunk_found)).await;
    assemble(directory.trunks.iter().zip(found))
}

/// The addresses of the trunks given by IP address, which need no lookup, without waiting;
/// and whether that is every trunk. What the caller uses while the names are looked up, so a
/// trunk whose name does not resolve does not hold back the others.
pub fn known_now(directory: &Directory) -> (TrunkAddresses, bool) {
    let mut complete = true;
    let found: Vec<_> = directory
        .trunks
        .iter()
        .filter_map(|trunk| {
            // A literal's lookup is ready at the first poll (tokio parses it in place).
            let found = trunk_found(trunk).now_or_never();
            complete &= found.is_some();
            Some(trunk).zip(found)
        })
        .collect();
    (assemble(found), complete)
}
