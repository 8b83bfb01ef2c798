//! Runtime layer: when each registration client and qualifier next wants
//! its timer, in order. Asking every client after every event cost the
//! SIP thread a visit to each of 10,000 trunks per refresh (issue 21);
//! here filing a deadline and finding the next one are O(log n), as the
//! calls keep theirs. Must hold no SIP logic: the clients say when.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;
use std::time::Instant;

#[derive(Debug)]
pub(super) struct Deadlines<K> {
    queue: BTreeSet<(Instant, K)>,
    /// The deadline each key has in `queue`.
    armed: HashMap<K, Instant>,
}

impl<K> Default for Deadlines<K> {
    fn default() -> Self {
        Self {
            queue: BTreeSet::new(),
            armed: HashMap::new(),
        }
    }
}

impl<K: Ord + Hash + Copy> Deadlines<K> {
    /// Files `key`'s deadline, replacing the one it had; `None` disarms it.
    pub fn set(&mut self, key: K, at: Option<Instant>) {
        if self.armed.get(&key).copied() == at {
            return;
        }
        if let Some(old) = self.armed.remove(&key) {
            self.queue.remove(&(old, key));
        }
        if let Some(at) = at {
            self.queue.insert((at, key));
            self.armed.insert(key, at);
        }
    }

    /// The earliest deadline.
    pub fn next(&self) -> Option<Instant> {
        self.queue.first().map(|(at, _)| *at)
    }

    /// Takes out every key due at or before `now`, earliest first: they are
    /// disarmed until filed again.
    pub fn due(&mut self, now: Instant) -> Vec<K> {
        let mut due = Vec::new();
        while let Some(&(at, key)) = self.queue.first() {
            if at > now {
                break;
            }
            self.queue.pop_first();
            self.armed.remove(&key);
            due.push(key);
        }
        due
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.armed.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn keys_come_due_in_order_and_a_new_deadline_replaces_the_old() {
        let t0 = Instant::now();
        let at = |s: u64| Some(t0 + Duration::from_secs(s));
        let mut d = Deadlines::default();
        d.set(1, at(30));
        d.set(2, at(10));
        d.set(3, at(20));
        d.set(1, at(5));
        assert_eq!(d.next(), at(5));
        assert_eq!(d.len(), 3);
        assert_eq!(d.due(t0 + Duration::from_secs(15)), vec![1, 2]);
        assert_eq!(d.next(), at(20));
        d.set(3, None);
        assert_eq!(d.next(), None);
        assert_eq!(d.len(), 0);
        assert!(d.due(t0 + Duration::from_secs(60)).is_empty());
    }

    #[test]
    fn the_same_deadline_twice_is_filed_once() {
        let t0 = Instant::now();
        let mut d = Deadlines::default();
        d.set("a", Some(t0));
        d.set("a", Some(t0));
        assert_eq!(d.due(t0), vec!["a"]);
        assert!(d.due(t0).is_empty());
    }
}
