//! Runtime counters readable by the rest of the server (console, REST). Must not lock: atomics only.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::sip::proto::priority::LaneStats;
use crate::sip::proto::Stats;
use app::model::registry::SipStats;

/// Live counters; the driver updates them after every step.
#[derive(Debug, Default)]
pub struct Counters {
    messages_in: AtomicU64,
    messages_out: AtomicU64,
    parse_errors: AtomicU64,
    retransmissions: AtomicU64,
    send_errors: AtomicU64,
    /// Datagrams and connections dropped because their address is blocked.
    blocked: AtomicU64,
    /// Requests turned away (503) because their handler's backlog was full.
    overloaded: AtomicU64,
    /// Unmatched incoming calls not recorded (per-source rate limit).
    unmatched_not_recorded: AtomicU64,
    /// The endpoint's caps at work: see `proto::Stats`.
    shed_for_transactions: AtomicU64,
    shed_for_bytes: AtomicU64,
    refused_at_cap: AtomicU64,
    held_back: AtomicU64,
    oversized: AtomicU64,
    /// Datagrams dropped under load for want of room in their priority lane.
    dropped_known: AtomicU64,
    dropped_unknown: AtomicU64,
    /// Gauges: transactions alive, bytes they hold for retransmission.
    transactions: AtomicU64,
    held_bytes: AtomicU64,
}

impl Counters {
    pub(crate) fn publish(&self, stats: &Stats) {
        // Relaxed is enough: readers want recent totals, not ordering with other memory.
        self.messages_in.store(stats.messages_in, Ordering::Relaxed);
        self.messages_out
            .store(stats.messages_out, Ordering::Relaxed);
        self.parse_errors
            .store(stats.parse_errors, Ordering::Relaxed);
        self.retransmissions
            .store(stats.retransmissions, Ordering::Relaxed);
        self.shed_for_transactions
            .store(stats.shed_for_transactions, Ordering::Relaxed);
        self.shed_for_bytes
            .store(stats.shed_for_bytes, Ordering::Relaxed);
        self.refused_at_cap
            .store(stats.refused_at_cap, Ordering::Relaxed);
        self.held_back.store(stats.held_back, Ordering::Relaxed);
        self.oversized.store(stats.oversized, Ordering::Relaxed);
    }

    /// The priority lanes' drops and the endpoint's gauges.
    pub(crate) fn publish_load(&self, lanes: &LaneStats, transactions: usize, held_bytes: usize) {
        self.dropped_known
            .store(lanes.dropped_known, Ordering::Relaxed);
        self.dropped_unknown
            .store(lanes.dropped_unknown, Ordering::Relaxed);
        self.transactions
            .store(transactions as u64, Ordering::Relaxed);
        self.held_bytes.store(held_bytes as u64, Ordering::Relaxed);
    }

    /// The reception's total of unmatched calls it did not record.
    pub(crate) fn unmatched_not_recorded(&self, total: u64) {
        self.unmatched_not_recorded.store(total, Ordering::Relaxed);
    }

    pub(crate) fn send_error(&self) {
        self.send_errors.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn blocked(&self) {
        self.blocked.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one more request turned away; returns the total.
    pub(crate) fn overloaded(&self) -> u64 {
        self.overloaded.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A consistent-enough copy for display.
    pub fn snapshot(&self) -> SipStats {
        SipStats {
            messages_in: self.messages_in.load(Ordering::Relaxed),
            messages_out: self.messages_out.load(Ordering::Relaxed),
            parse_errors: self.parse_errors.load(Ordering::Relaxed),
            retransmissions: self.retransmissions.load(Ordering::Relaxed),
            send_errors: self.send_errors.load(Ordering::Relaxed),
            blocked: self.blocked.load(Ordering::Relaxed),
            turned_away: self.overloaded.load(Ordering::Relaxed),
            unmatched_not_recorded: self.unmatched_not_recorded.load(Ordering::Relaxed),
            // Counted by the engine, not by SIP: `engine::start` adds it.
            registry_rows_built: 0,
            shed_for_transactions: self.shed_for_transactions.load(Ordering::Relaxed),
            shed_for_bytes: self.shed_for_bytes.load(Ordering::Relaxed),
            refused_at_cap: self.refused_at_cap.load(Ordering::Relaxed),
            held_back: self.held_back.load(Ordering::Relaxed),
            oversized: self.oversized.load(Ordering::Relaxed),
            dropped_known: self.dropped_known.load(Ordering::Relaxed),
            dropped_unknown: self.dropped_unknown.load(Ordering::Relaxed),
            transactions: self.transactions.load(Ordering::Relaxed),
            held_bytes: self.held_bytes.load(Ordering::Relaxed),
        }
    }
}
