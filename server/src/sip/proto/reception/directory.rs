//! What reception decides from: the configuration as calls need it
//! (`Directory`, published by the engine) and where each trunk's provider
//! is (`TrunkAddresses`, resolved by the runtime when the configuration
//! changes). Plain data: nothing here looks a name up.

use crate::sip::proto::guard::GuardConfig;
use crate::sip::proto::Transport;
use app::model::trunk::ConnectionType;
use app::model::DialPlan;
use std::collections::HashMap;
use std::net::SocketAddr;

/// A trunk as calls need it: where it is and how to authenticate there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrunkDial {
    pub id: i64,
    pub name: String,
    /// Static host; `None` for a dynamic trunk (no address to call).
    pub host: Option<String>,
    pub port: u16,
    /// The registrar, when the trunk registers: providers send calls from it.
    pub registrar: Option<(String, u16)>,
    pub transport: Transport,
    pub username: String,
    pub password: String,
    pub from_domain: String,
    /// The user part of From on the trunk's calls (chan_sip `fromuser`); empty: the caller's.
    pub from_user: String,
    pub call_limit: u32,
    /// Monitoring found it UNREACHABLE or LAGGED: skipped at once.
    pub unavailable: Option<String>,
    /// chan_sip's `type`: a `peer`'s calls are known by their address, a `user`'s by its
    /// username and password (407), a `friend`'s by either.
    pub connection: ConnectionType,
    /// Where the trunk's INVITEs are sent instead of its host (chan_sip `outboundproxy`);
    /// the Request-URI still names the host.
    pub outbound_proxy: Option<(String, u16)>,
    /// Codecs, DTMF and NAT as the trunk's calls' media apply them.
    pub media: crate::sip::proto::call::TrunkMedia,
    /// Its calls may pass their SDP unchanged (Asterisk `directmedia=yes`) when the line at
    /// the other end allows it too; else they are anchored.
    pub direct_media: bool,
    /// The provider is behind NAT (chan_sip `nat=force_rport`/`both`): its requests are
    /// answered at the port they came from, and requests in its calls' dialogs go to where
    /// it sends from, whatever its Via and Contact say.
    pub force_rport: bool,
}

impl TrunkDial {
    /// Whether a request from the trunk's host or registrar is the provider's.
    pub fn matched_by_address(&self) -> bool {
        matches!(
            self.connection,
            ConnectionType::Peer | ConnectionType::Friend
        )
    }

    /// Whether the provider may prove itself with the trunk's username and password.
    pub fn authenticates(&self) -> bool {
        matches!(
            self.connection,
            ConnectionType::User | ConnectionType::Friend
        ) && !self.username.is_empty()
    }
}

/// What reception knows of the configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Directory {
    /// Each line's password by its username.
    pub lines: HashMap<String, String>,
    /// Each line's user id by its username.
    pub users: HashMap<String, i64>,
    pub plan: DialPlan,
    pub trunks: Vec<TrunkDial>,
    /// The toll-fraud guard's settings.
    pub guard: GuardConfig,
    /// Which parts changed last, so a follower redoes only what they need.
    pub revision: Revision,
}

/// Counters bumped by whoever changes a [`Directory`]: the lines task
/// looks the trunks up again only when `trunks` moved, and drops the
/// bindings of lines that went only when `lines` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Revision {
    pub lines: u64,
    pub trunks: u64,
}

/// The trunks as calls list them, in the configuration's order.
impl app::model::config::delta::Row for TrunkDial {
    fn id(&self) -> i64 {
        self.id
    }

    fn order(&self, other: &Self) -> std::cmp::Ordering {
        (&self.name, self.id).cmp(&(&other.name, other.id))
    }
}

impl Directory {
    pub(super) fn trunk(&self, id: i64) -> Option<&TrunkDial> {
        self.trunks.iter().find(|t| t.id == id)
    }
}

/// Where each trunk is, resolved once per configuration change rather than
/// on every INVITE: name lookups must not sit on the call path.
#[derive(Clone, Debug, Default)]
pub struct TrunkAddresses {
    /// Where calls to the trunk go (its static host, or its outbound proxy).
    call: HashMap<i64, SocketAddr>,
    /// Addresses whose INVITEs come from the trunk's provider: its host
    /// and its registrar, matched with the port as chan_sip matches peers.
    sources: HashMap<SocketAddr, i64>,
}

impl TrunkAddresses {
    /// Calls to trunk `id` go to `addr`; the first address given wins.
    pub fn call_at(&mut self, id: i64, addr: SocketAddr) {
        self.call.entry(id).or_insert(addr);
    }

    /// Requests from `addr` are trunk `id`'s provider's; the first trunk given wins.
    pub fn provider_at(&mut self, addr: SocketAddr, id: i64) {
        self.sources.entry(addr).or_insert(id);
    }

    /// Whether `source` is a trunk's provider.
    pub fn is_trunk(&self, source: SocketAddr) -> bool {
        self.sources.contains_key(&source)
    }

    /// The trunk whose provider sends from `source`.
    pub fn trunk_at(&self, source: SocketAddr) -> Option<i64> {
        self.sources.get(&source).copied()
    }

    /// Where calls to trunk `id` go.
    pub fn call_address(&self, id: i64) -> Option<SocketAddr> {
        self.call.get(&id).copied()
    }

    /// The addresses of the providers of trunks `ids`.
    pub fn sources_of<'a>(
        &'a self,
        ids: &'a std::collections::HashSet<i64>,
    ) -> impl Iterator<Item = SocketAddr> + 'a {
        self.sources
            .iter()
            .filter(|(_, id)| ids.contains(id))
            .map(|(addr, _)| *addr)
    }

    /// Every address a trunk's provider sends from.
    pub fn sources(&self) -> impl Iterator<Item = SocketAddr> + '_ {
        self.sources.keys().copied()
    }
}
