//! Runtime layer: applying a new set of trunks to the running clients —
//! the diff that makes "instant apply" leave untouched trunks alone
//! (DESIGN.md, "How data flows"). Must hold no SIP logic: the clients
//! decide what goes on the wire.

use std::collections::HashSet;
use std::time::Instant;

use super::{Owner, Registrations, TrunkSpec};
use crate::sip::proto::qualify::Qualifier;
use crate::sip::proto::registration::RegistrationClient;

impl Registrations {
    /// Replaces the whole set of trunks: those not in `specs` go, the
    /// others are updated as [`Self::update`] does. At start and when the
    /// addresses every REGISTER carries change.
    pub(super) fn apply(&mut self, now: Instant, specs: Vec<TrunkSpec>) {
        let wanted: HashSet<i64> = specs.iter().map(|(id, _, _)| *id).collect();
        let gone: Vec<i64> = self
            .trunks
            .keys()
            .filter(|id| !wanted.contains(id))
            .copied()
            .collect();
        self.update(now, specs, gone);
    }

    /// Applies one configuration change in O(changed): the trunks in
    /// `specs` start, re-register (in place when the binding is the same)
    /// or are left alone when unchanged; those in `removed` un-register.
    /// No other trunk is looked at.
    pub(super) fn update(&mut self, now: Instant, specs: Vec<TrunkSpec>, removed: Vec<i64>) {
        for id in removed {
            if let Some(mut t) = self.trunks.remove(&id) {
                if let Some(c) = t.reg.take() {
                    self.retire(now, c);
                }
            }
            self.status.send_if_modified(|board| board.remove(id));
            // So that the flush disarms its timers.
            self.dirty.insert(id);
        }
        for spec in specs {
            self.upsert(now, spec);
        }
    }

    fn upsert(&mut self, now: Instant, (id, reg, qualify): TrunkSpec) {
        let mut trunk = self.trunks.remove(&id).unwrap_or_default();
        let old = trunk.reg.take();
        trunk.reg = match (old, reg) {
            (None, None) => None,
            (Some(c), None) => {
                self.retire(now, c);
                None
            }
            (Some(c), Some(cfg)) if *c.config() == cfg => Some(c),
            (Some(mut c), Some(cfg)) if c.config().same_binding(&cfg) => {
                c.reconfigure(now, cfg);
                Some(c)
            }
            (old, Some(cfg)) => {
                if let Some(c) = old {
                    self.retire(now, c);
                }
                trunk.reg_generation += 1;
                trunk.reg_resolving = true;
                let host = cfg.next_hop();
                self.resolve(Owner::Register(id), trunk.reg_generation, host);
                let seed = self.seed ^ (id as u64).rotate_left(17);
                Some(RegistrationClient::new(cfg, self.local.clone(), seed))
            }
        };
        let old_q = trunk.qualify.take();
        trunk.qualify = match (old_q, qualify) {
            (Some((spec, q)), Some(new)) if spec == new => Some((spec, q)),
            (_, Some(spec)) => {
                trunk.qualify_generation += 1;
                self.resolve(
                    Owner::Qualify(id),
                    trunk.qualify_generation,
                    spec.host.clone(),
                );
                let q = Qualifier::new(
                    spec.config,
                    spec.host.clone(),
                    spec.transport,
                    self.local.clone(),
                    "trunkline",
                    self.seed ^ (id as u64).rotate_left(29),
                );
                Some((spec, q))
            }
            (_, None) => None,
        };
        self.trunks.insert(id, trunk);
        self.dirty.insert(id);
    }

    /// Sends `Expires: 0` for a registration that is going away, keeping it until answered.
    pub(super) fn retire(&mut self, now: Instant, mut c: RegistrationClient) {
        c.unregister(now);
        if !c.is_finished() {
            self.next_id += 1;
            self.leaving.insert(self.next_id, c);
            self.dirty_leaving.insert(self.next_id);
        }
    }
}
