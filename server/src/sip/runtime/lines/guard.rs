//! The lines task's side of the toll-fraud guard: publishing the list for
//! the console and the blocked set for the driver (reception counts the
//! failures and answers slowed-down or blocked addresses).

use super::Lines;
use crate::sip::runtime::driver::Shield;
use app::model::security::WatchedAddress;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

impl Lines {
    /// Publishes the guard's list, and tells the driver when the set of
    /// blocked addresses changed.
    pub(super) fn publish_guard(&mut self, now: Instant) {
        self.guard_dirty = false;
        let rows = self.reception.guard.watched(now);
        let forced: HashSet<i64> = self
            .directory
            .borrow()
            .trunks
            .iter()
            .filter(|t| t.force_rport)
            .map(|t| t.id)
            .collect();
        let shield = Shield {
            blocked: rows
                .iter()
                .filter(|w| w.blocked_until.is_some())
                .map(|w| w.address)
                .collect(),
            trunks: self.addresses.sources().collect(),
            force_rport: self.addresses.sources_of(&forced).collect(),
        };
        if shield != *self.shield {
            self.shield = Arc::new(shield);
            self.runtime.block(self.shield.clone());
        }
        let to_i64 = |secs: u64| i64::try_from(secs).unwrap_or(i64::MAX);
        self.watched.send_replace(Arc::new(
            rows.into_iter()
                .map(|w| WatchedAddress {
                    address: w.address.to_string(),
                    failures: u32::try_from(w.failures).unwrap_or(u32::MAX),
                    last_failure: to_i64(w.last_failure),
                    blocked_until: w.blocked_until.map(to_i64),
                })
                .collect(),
        ));
    }
}
