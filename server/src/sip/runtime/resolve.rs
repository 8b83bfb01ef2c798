//! Where each trunk's provider is: its host, outbound proxy and registrar
//! looked up by name when the configuration changes, never per INVITE, so
//! that reception (`proto::reception`) decides from plain addresses.

use crate::sip::proto::reception::{Directory, TrunkAddresses};
use std::net::SocketAddr;

async fn lookup(host: &str, port: u16) -> Vec<SocketAddr> {
    match tokio::net::lookup_host((host, port)).await {
        Ok(addrs) => addrs.collect(),
        Err(error) => {
            tracing::warn!(%host, %error, "trunk host does not resolve");
            Vec::new()
        }
    }
}

/// Resolves every enabled trunk's addresses for `directory`.
pub async fn trunk_addresses(directory: &Directory) -> TrunkAddresses {
    let mut out = TrunkAddresses::default();
    for trunk in &directory.trunks {
        // A dynamic trunk has no host to call, through a proxy or not.
        if let (Some(_), Some((proxy, port))) = (&trunk.host, &trunk.outbound_proxy) {
            if let Some(first) = lookup(proxy, *port).await.first() {
                out.call_at(trunk.id, *first);
            }
        }
        if let Some(host) = &trunk.host {
            let addrs = lookup(host, trunk.port).await;
            if let Some(first) = addrs.first() {
                out.call_at(trunk.id, *first);
            }
            for a in addrs.into_iter().filter(|_| trunk.matched_by_address()) {
                out.provider_at(a, trunk.id);
            }
        }
        if !trunk.matched_by_address() {
            continue;
        }
        if let Some((host, port)) = &trunk.registrar {
            for a in lookup(host, *port).await {
                out.provider_at(a, trunk.id);
            }
        }
    }
    out
}
