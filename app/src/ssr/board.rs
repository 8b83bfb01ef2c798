//! A table of status rows by id that remembers which ids changed lately.
//!
//! The engine publishes trunk status on a `watch` channel holding a
//! `Board`: a change replaces one row in place and notes its id, so a
//! follower that knows the sequence number it last read asks for the ids
//! changed since and touches only those. With 10,000 trunks refreshing,
//! rebuilding every row per event cost a core (issue 21). A follower that
//! fell further behind than the log reaches reads everything once.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

/// How many changes the log keeps: far more than one wake-up of a
/// follower gathers, small next to what the rows themselves take.
const LOG: usize = 8192;

#[derive(Debug, Clone)]
pub struct Board<V> {
    rows: BTreeMap<i64, Arc<V>>,
    /// Bumped once per recorded change.
    seq: u64,
    /// `(seq, id)` of the latest changes, oldest first.
    log: VecDeque<(u64, i64)>,
}

impl<V> Default for Board<V> {
    fn default() -> Self {
        Self {
            rows: BTreeMap::new(),
            seq: 0,
            log: VecDeque::new(),
        }
    }
}

impl<V: PartialEq> Board<V> {
    /// Stores `row` for `id`; false (and nothing recorded) when it equals
    /// what is there.
    pub fn set(&mut self, id: i64, row: V) -> bool {
        if self.rows.get(&id).is_some_and(|old| **old == row) {
            return false;
        }
        self.rows.insert(id, Arc::new(row));
        self.record(id);
        true
    }
}

impl<V> Board<V> {
    /// Forgets `id`'s row; false when there was none.
    pub fn remove(&mut self, id: i64) -> bool {
        if self.rows.remove(&id).is_none() {
            return false;
        }
        self.record(id);
        true
    }

    fn record(&mut self, id: i64) {
        self.seq += 1;
        if self.log.len() == LOG {
            self.log.pop_front();
        }
        self.log.push_back((self.seq, id));
    }

    pub fn get(&self, id: i64) -> Option<&Arc<V>> {
        self.rows.get(&id)
    }

    /// The rows, by id.
    pub fn rows(&self) -> impl Iterator<Item = &Arc<V>> {
        self.rows.values()
    }

    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.rows.keys().copied()
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The sequence number of the latest change: what a follower passes to
    /// `changed_since` next time.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The ids changed (set or removed) after `seq`; `None` when the log no
    /// longer reaches back that far, so the follower must read every row.
    pub fn changed_since(&self, seq: u64) -> Option<BTreeSet<i64>> {
        if seq >= self.seq {
            return Some(BTreeSet::new());
        }
        let oldest = self.log.front().map_or(self.seq + 1, |(s, _)| *s);
        if oldest > seq + 1 {
            return None;
        }
        // The log is in order: only its tail is newer than `seq`.
        let start = self.log.partition_point(|(s, _)| *s <= seq);
        Some(self.log.range(start..).map(|(_, id)| *id).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_follower_reads_only_what_changed_since_it_last_looked() {
        let mut board = Board::default();
        assert!(board.set(1, "a"));
        assert!(board.set(2, "b"));
        let seen = board.seq();
        assert!(!board.set(1, "a"), "an equal row is no change");
        assert_eq!(board.changed_since(seen), Some(BTreeSet::new()));
        assert!(board.set(2, "B"));
        assert!(board.remove(1));
        assert!(!board.remove(1));
        assert_eq!(board.changed_since(seen), Some(BTreeSet::from([1, 2])));
        assert_eq!(board.changed_since(0), Some(BTreeSet::from([1, 2])));
        assert_eq!(board.get(2).map(|r| **r), Some("B"));
        assert_eq!(board.len(), 1);
    }

    #[test]
    fn a_follower_behind_the_log_is_told_to_read_everything() {
        let mut board = Board::default();
        for i in 0..(LOG as i64 + 10) {
            board.set(i, i);
        }
        assert_eq!(board.changed_since(0), None);
        assert_eq!(board.changed_since(9), None);
        assert_eq!(board.changed_since(10).map(|ids| ids.len()), Some(LOG));
        let recent = board.changed_since(board.seq() - 3).expect("in the log");
        assert_eq!(recent.len(), 3);
    }
}
