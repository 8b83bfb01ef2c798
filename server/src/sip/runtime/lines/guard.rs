//! The lines task's side of the toll-fraud guard: counting failures,
//! answering slowed-down or blocked addresses, publishing the list for the
//! console and the blocked set for the driver.

use super::{wall_now, Lines};
use crate::sip::proto::answer::unavailable;
use crate::sip::proto::guard::Admission;
use crate::sip::proto::message::Method;
use crate::sip::proto::{Request, Response};
use crate::sip::runtime::driver::Shield;
use app::model::security::WatchedAddress;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

impl Lines {
    /// Publishes the guard's list, and tells the driver when the set of
    /// blocked addresses changed.
    pub(super) fn publish_guard(&mut self, now: Instant) {
        self.guard_dirty = false;
        let rows = self.guard.watched(now);
        let shield = Shield {
            blocked: rows
                .iter()
                .filter(|w| w.blocked_until.is_some())
                .map(|w| w.address)
                .collect(),
            trunks: self.addresses.sources().collect(),
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

    /// Counts a failed authentication from `source`; never one from a
    /// trunk's provider, which a forged datagram could otherwise get
    /// blocked.
    pub(super) fn failed(&mut self, now: Instant, source: SocketAddr, method: &Method) {
        if self.addresses.is_trunk(source) {
            tracing::info!(%source, %method, "failed authentication from a trunk's address: not counted");
            return;
        }
        if self.guard.failed(now, wall_now(), source.ip()) {
            tracing::warn!(address = %source.ip(), %method, "address blocked after repeated failed authentications");
            // The driver must drop its packets from now on.
            self.publish_guard(now);
        } else {
            tracing::info!(%source, %method, "failed authentication");
            self.guard_dirty = true;
        }
    }

    /// The guard's answer for a request that would be authenticated, when
    /// it is not to be served.
    pub(super) fn barred(
        &self,
        now: Instant,
        request: &Request,
        source: SocketAddr,
    ) -> Option<Response> {
        match self.guard.admit(now, source.ip()) {
            Admission::Allow => None,
            // The driver drops a blocked address's packets; these were
            // already on their way when the block began.
            Admission::Block => Some(Response::for_request(request, 403, "Forbidden")),
            Admission::Throttle { retry_after } => Some(unavailable(request, retry_after)),
        }
    }
}
