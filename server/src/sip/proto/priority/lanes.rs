//! The two bounded queues of `priority`, and the order a turn takes from them: the known class
//! first, then the unknown class round-robin by source address with a per-source budget.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};

use super::Class;

/// What the queues may hold and what one turn takes from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaneCaps {
    /// Datagrams and bytes the known class may hold.
    pub known: usize,
    pub known_bytes: usize,
    /// Datagrams and bytes the unknown class may hold, and what one source may have queued.
    pub unknown: usize,
    pub unknown_bytes: usize,
    pub per_source: usize,
    /// Most datagrams one turn takes from each class, and from one unknown source.
    pub known_turn: usize,
    pub unknown_turn: usize,
    pub source_turn: usize,
}

impl Default for LaneCaps {
    /// The unknown class holds about a sixth of a second of the SIP thread's work (new requests
    /// cost some 40 µs each, BENCHMARKS.md): the slack the kernel's receive buffer gave before
    /// the intake emptied it, so that a short stall of the machine during a burst of new calls
    /// drops nothing. One source may hold a quarter of it: a flooder leaves room to the others,
    /// and being served round-robin they do not wait behind its queue anyway. The known class,
    /// whose datagrams are cheaper (responses, in-dialog requests) and must not be lost, gets
    /// more. A turn takes what the old loop took per wake-up (32 datagrams) from the unknown
    /// class, at most 8 of them from one source, and twice that from the known class.
    fn default() -> Self {
        Self {
            known: 8192,
            known_bytes: 16 << 20,
            unknown: 4096,
            unknown_bytes: 8 << 20,
            per_source: 1024,
            known_turn: 64,
            unknown_turn: 32,
            source_turn: 8,
        }
    }
}

/// Datagrams dropped because their class's queue (or, unknown, their source's share) was full.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LaneStats {
    pub dropped_known: u64,
    pub dropped_unknown: u64,
}

/// The queues. `T` is the datagram (its bytes are what the byte caps count).
#[derive(Debug)]
pub struct Lanes<T> {
    caps: LaneCaps,
    known: VecDeque<(SocketAddr, T)>,
    known_bytes: usize,
    /// Unknown datagrams by source address (one host, whatever its ports).
    unknown: HashMap<IpAddr, VecDeque<(SocketAddr, T)>>,
    /// The sources with datagrams queued, in the order they are served.
    ring: VecDeque<IpAddr>,
    unknown_len: usize,
    unknown_bytes: usize,
    stats: LaneStats,
}

impl<T: AsRef<[u8]>> Lanes<T> {
    pub fn new(caps: LaneCaps) -> Self {
        Self {
            caps,
            known: VecDeque::new(),
            known_bytes: 0,
            unknown: HashMap::new(),
            ring: VecDeque::new(),
            unknown_len: 0,
            unknown_bytes: 0,
            stats: LaneStats::default(),
        }
    }

    pub fn stats(&self) -> LaneStats {
        self.stats
    }

    /// Datagrams waiting in both classes.
    pub fn len(&self) -> usize {
        self.known.len() + self.unknown_len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Queues `datagram` from `source` in `class`; false (and counted) when there is no room.
    pub fn push(&mut self, class: Class, source: SocketAddr, datagram: T) -> bool {
        let size = datagram.as_ref().len();
        match class {
            Class::Known => {
                if self.known.len() >= self.caps.known
                    || self.known_bytes + size > self.caps.known_bytes
                {
                    self.stats.dropped_known += 1;
                    return false;
                }
                self.known_bytes += size;
                self.known.push_back((source, datagram));
            }
            Class::Unknown => {
                let queue = self.unknown.entry(source.ip()).or_default();
                if queue.len() >= self.caps.per_source
                    || self.unknown_len >= self.caps.unknown
                    || self.unknown_bytes + size > self.caps.unknown_bytes
                {
                    if queue.is_empty() {
                        self.unknown.remove(&source.ip());
                    }
                    self.stats.dropped_unknown += 1;
                    return false;
                }
                if queue.is_empty() {
                    self.ring.push_back(source.ip());
                }
                queue.push_back((source, datagram));
                self.unknown_len += 1;
                self.unknown_bytes += size;
            }
        }
        true
    }

    /// One turn's datagrams, in the order to handle them: up to `known_turn` known ones, then up
    /// to `unknown_turn` unknown ones, taking at most `source_turn` from a source before the
    /// next source's turn.
    pub fn turn(&mut self, out: &mut Vec<(SocketAddr, T)>) {
        let known = self.known.len().min(self.caps.known_turn);
        for (source, datagram) in self.known.drain(..known) {
            self.known_bytes -= datagram.as_ref().len();
            out.push((source, datagram));
        }
        let mut budget = self.caps.unknown_turn;
        while budget > 0 {
            let Some(ip) = self.ring.pop_front() else {
                break;
            };
            let Some(queue) = self.unknown.get_mut(&ip) else {
                continue;
            };
            let take = queue.len().min(self.caps.source_turn).min(budget);
            for (source, datagram) in queue.drain(..take) {
                self.unknown_len -= 1;
                self.unknown_bytes -= datagram.as_ref().len();
                out.push((source, datagram));
            }
            budget -= take;
            if queue.is_empty() {
                self.unknown.remove(&ip);
            } else {
                self.ring.push_back(ip);
            }
        }
    }
}
