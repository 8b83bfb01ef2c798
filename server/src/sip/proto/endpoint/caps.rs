//! Endpoint memory caps: how many server transactions, and how many response bytes kept for
//! retransmission (Timers G, H, J, RFC 3261 §17.2), the endpoint holds whatever peers send.
//! When a cap is reached the oldest finished transaction goes first: it has already answered,
//! and only its retransmissions are lost. Must not do I/O or read the clock.

use super::{Endpoint, Key, Machine, TxId};

/// Limits on what peers can make the endpoint hold. Client transactions are not counted: we
/// start them ourselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Server transactions alive at once, finished ones waiting out their timers included.
    pub max_server_transactions: usize,
    /// Bytes of responses server transactions keep to retransmit.
    pub max_held_bytes: usize,
    /// What a request the TU has not accepted may make us send, in percent of its bytes
    /// (retransmissions of both included): its source may be forged (`reflection`).
    pub max_reflection_percent: usize,
    /// Largest answer to a request the TU has not accepted, in bytes; past it only the top Via
    /// is kept, and if that is not enough the answer is dropped.
    pub max_unaccepted_response: usize,
}

impl Default for Caps {
    /// A flood of unanswered requests holds every transaction for 32 s (Timers H and J):
    /// 50,000 is about 1,500 new requests a second kept in full, more than a small PBX's
    /// phones and providers send, and 32 MB of responses is far from what hurts a server.
    fn default() -> Self {
        Self {
            max_server_transactions: 50_000,
            max_held_bytes: 32 << 20,
            max_reflection_percent: 150,
            // A challenge to a phone behind three proxies is about 1 KB.
            max_unaccepted_response: 2048,
        }
    }
}

/// Why a finished transaction was dropped before its timers ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shed {
    Transactions,
    Bytes,
}

impl Endpoint {
    /// Bytes of responses held by server transactions for retransmission.
    pub fn held_bytes(&self) -> usize {
        self.held
    }

    /// Number of live server transactions.
    pub fn server_transaction_count(&self) -> usize {
        self.server_keys.len()
    }

    /// Room for one more server transaction: sheds the oldest finished one when at the cap.
    /// False when every one is still waiting for its answer: the new request must be dropped.
    pub(super) fn room_for_server_transaction(&mut self) -> bool {
        if self.server_keys.len() < self.cfg.caps.max_server_transactions {
            return true;
        }
        if self.shed_oldest(Shed::Transactions) {
            return true;
        }
        self.stats.refused_at_cap += 1;
        false
    }

    /// Brings the bytes held back under the cap, oldest finished transactions first.
    pub(super) fn enforce_byte_cap(&mut self) {
        while self.held > self.cfg.caps.max_held_bytes && self.shed_oldest(Shed::Bytes) {}
    }

    /// Records what transaction `tx` now holds and whether it has finished.
    pub(super) fn account(&mut self, tx: TxId) {
        let Some(entry) = self.txns.get_mut(&tx) else {
            return;
        };
        let (held, finished) = match &entry.machine {
            Machine::ServerInvite(m) => (m.held_bytes(), m.is_finished()),
            Machine::ServerNonInvite(m) => (m.held_bytes(), m.is_finished()),
            _ => return,
        };
        self.held = self.held - entry.held + held;
        entry.held = held;
        if finished && !entry.finished {
            entry.finished = true;
            self.finished.push_back(tx);
        }
    }

    /// Removes a transaction and its key, returning what it held.
    pub(super) fn remove(&mut self, tx: TxId) {
        let Some(entry) = self.txns.remove(&tx) else {
            return;
        };
        self.held -= entry.held;
        match entry.key {
            Key::Client(k) => self.client_keys.remove(&k),
            Key::Server(k) => self.server_keys.remove(&k),
        };
        // Ids of transactions that ended on their own stay queued until shed or swept here;
        // sweeping only when they outnumber the live ones keeps it amortised O(1).
        if self.finished.len() > 2 * self.server_keys.len() + 1024 {
            let txns = &self.txns;
            self.finished.retain(|id| txns.contains_key(id));
        }
    }

    /// Drops the oldest finished server transaction.
    fn shed_oldest(&mut self, why: Shed) -> bool {
        while let Some(tx) = self.finished.pop_front() {
            if !self.txns.contains_key(&tx) {
                continue;
            }
            self.end_early(tx);
            match why {
                Shed::Transactions => self.stats.shed_for_transactions += 1,
                Shed::Bytes => self.stats.shed_for_bytes += 1,
            }
            return true;
        }
        false
    }
}
