//! The registry the console shows (Status → SIP registry, REST, `sip
//! show registry`), kept up to date from the registrations' status board.
//! A status change rebuilds the rows of the trunks it names and nothing
//! else: with 10,000 trunks refreshing, rebuilding and comparing every row
//! per change cost a whole core (issue 21). A configuration change
//! rebuilds the rows of the trunks it touched (issue 20); only the start
//! rebuilds them all.

use crate::show::format_time;
use crate::sip::runtime::TrunkStatus;
use app::model::config::TrunkConfig;
use app::model::registry::{PeerStatus, RegistrationState, RegistryEntry, StateChange};
use app::model::PbxConfig;
use app::ssr::board::Board;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::watch;

/// What the engine remembers between two status changes.
pub struct RegistryFollower {
    /// Each trunk's configuration by id, kept up to date change by change.
    trunks: HashMap<i64, Arc<TrunkConfig>>,
    /// Trunks whose configuration changed since the last update.
    reconfigured: BTreeSet<i64>,
    /// The status board's sequence number last read; `None` until the
    /// next read must look at every trunk.
    seen: Option<u64>,
    /// Trunks monitoring makes calls skip, with why.
    unavailable: BTreeMap<i64, String>,
    /// Rows built since start (`sip show stats`).
    built: Arc<AtomicU64>,
}

impl RegistryFollower {
    pub fn new(built: Arc<AtomicU64>) -> Self {
        Self {
            trunks: HashMap::new(),
            reconfigured: BTreeSet::new(),
            seen: None,
            unavailable: BTreeMap::new(),
            built,
        }
    }

    /// The first configuration: the next update reads every trunk.
    pub fn reconfigured_all(&mut self, config: &PbxConfig) {
        self.trunks = config.trunks.iter().map(|t| (t.id, t.clone())).collect();
        self.seen = None;
    }

    /// A change to these trunks (a name, a host, or the trunk itself gone):
    /// the next update rebuilds their rows, and no other.
    pub fn reconfigured(&mut self, config: &PbxConfig, ids: &BTreeSet<i64>) {
        let found = app::model::config::delta::pick(&config.trunks, ids);
        for id in ids {
            match found.get(id) {
                Some(t) => self.trunks.insert(*id, Arc::clone(t)),
                None => self.trunks.remove(id),
            };
        }
        self.reconfigured.extend(ids);
    }

    /// Trunks that calls skip, and why (what the calls' directory needs).
    pub fn unavailable(&self) -> &BTreeMap<i64, String> {
        &self.unavailable
    }

    /// Rebuilds the rows of the trunks whose status changed since the last
    /// call and publishes them in `registry`. Returns the trunks that
    /// became available to calls or stopped being so.
    pub fn update(
        &mut self,
        status: &mut watch::Receiver<Board<TrunkStatus>>,
        registry: &watch::Sender<Board<RegistryEntry>>,
    ) -> BTreeSet<i64> {
        // One short read of each board: the SIP thread writes the first,
        // browsers read the second.
        let changed: Vec<(i64, Option<Arc<TrunkStatus>>)> = {
            let board = status.borrow_and_update();
            let mut ids = match self.seen.and_then(|seq| board.changed_since(seq)) {
                Some(ids) => ids,
                None => {
                    let mut ids: BTreeSet<i64> = board.ids().collect();
                    ids.extend(registry.borrow().ids());
                    ids
                }
            };
            ids.append(&mut self.reconfigured);
            self.seen = Some(board.seq());
            ids.into_iter()
                .map(|id| (id, board.get(id).cloned()))
                .collect()
        };
        if changed.is_empty() {
            return BTreeSet::new();
        }
        let rows: Vec<(i64, Option<RegistryEntry>)> = changed
            .into_iter()
            .map(|(id, status)| {
                // A trunk that neither registers nor is monitored has
                // nothing to show: no row (issue 19: it was listed as
                // "monitoring only").
                let row = self
                    .trunks
                    .get(&id)
                    .zip(status)
                    .map(|(t, s)| entry(t, &s))
                    .filter(|row| row.registers || row.qualify != PeerStatus::Unmonitored);
                (id, row)
            })
            .collect();
        self.built.fetch_add(
            rows.iter().filter(|(_, row)| row.is_some()).count() as u64,
            Ordering::Relaxed,
        );
        let mut availability = BTreeSet::new();
        for (id, row) in &rows {
            let reason = row.as_ref().and_then(super::lines::unavailable);
            let moved = match reason {
                Some(reason) => self.unavailable.insert(*id, reason.clone()) != Some(reason),
                None => self.unavailable.remove(id).is_some(),
            };
            if moved {
                availability.insert(*id);
            }
        }
        registry.send_if_modified(|board| {
            let mut any = false;
            for (id, row) in rows {
                any |= match row {
                    Some(row) => board.set(id, row),
                    None => board.remove(id),
                };
            }
            any
        });
        availability
    }
}

/// One trunk's registry row.
pub fn entry(t: &TrunkConfig, s: &TrunkStatus) -> RegistryEntry {
    let reg = s.registration.as_ref();
    RegistryEntry {
        trunk_id: t.id,
        trunk: t.trunk.name.clone(),
        registers: reg.is_some(),
        host: reg
            .map(|r| r.host.clone())
            .unwrap_or_else(|| t.trunk.host_label()),
        username: reg.map(|r| r.username.clone()).unwrap_or_default(),
        refresh: reg.map_or(0, |r| r.refresh_secs),
        granted_expiry: reg.and_then(|r| r.granted_secs),
        state: reg.map_or(RegistrationState::Unregistered, |r| r.state),
        reg_time: reg.and_then(|r| r.registered_at),
        reg_time_text: reg
            .and_then(|r| r.registered_at)
            .map(format_time)
            .unwrap_or_default(),
        last_response: reg.and_then(|r| r.last_response.clone()),
        attempts: reg.map_or(0, |r| r.attempts),
        next_register_at: reg.and_then(|r| r.next_attempt_at),
        qualify: s.qualify,
        next_qualify_at: s.next_qualify_at,
        nat_warning: reg.and_then(|r| {
            let seen = r.nat_seen.as_deref()?;
            Some(app::model::registry::nat_warning(&r.host, seen))
        }),
        history: reg
            .map(|r| {
                r.history
                    .iter()
                    .map(|h| StateChange {
                        at: h.at,
                        at_text: format_time(h.at),
                        from: h.from,
                        to: h.to,
                        reason: h.reason.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}
