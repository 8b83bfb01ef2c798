//! Sans-IO endpoint: the armed transaction timers, earliest first. Must hand them out in the
//! order of a sorted set of `(deadline, transaction, timer)`, duplicates at most harmless
//! (a machine ignores a timer it no longer has armed).
//!
//! Most timers of one kind share one duration (Timer J is always 64*T1, K and I are T4, D is
//! 32 s), so with a clock that only moves forward each kind's deadlines come in order. Under
//! load those are nearly all of them: every REGISTER leaves a Timer J for 32 s, 640,000 at
//! once at 10,000 registrations a second. A sorted tree paid a search and a few cache misses
//! per timer for that; a queue per kind appends and pops at its ends. What would break a
//! queue's order (the doubling retransmission timers, a deadline passed in out of order) goes
//! to the tree.

use std::collections::{BTreeSet, VecDeque};
use std::time::Instant;

use super::TxId;
use crate::sip::proto::transaction::Timer;

type Deadline = (Instant, TxId, Timer);

/// Timer kinds, one queue each (`Timer as usize`).
const KINDS: usize = Timer::Trying as usize + 1;

#[derive(Debug, Default)]
pub(super) struct Deadlines {
    /// Each strictly increasing.
    runs: [VecDeque<Deadline>; KINDS],
    rest: BTreeSet<Deadline>,
}

impl Deadlines {
    pub fn insert(&mut self, deadline: Deadline) {
        let run = &mut self.runs[deadline.2 as usize];
        if run.back().is_none_or(|last| *last < deadline) {
            run.push_back(deadline);
        } else {
            self.rest.insert(deadline);
        }
    }

    /// The earliest deadline.
    pub fn first(&self) -> Option<Deadline> {
        self.runs
            .iter()
            .filter_map(VecDeque::front)
            .chain(self.rest.first())
            .min()
            .copied()
    }

    /// Takes the earliest deadline.
    pub fn pop_first(&mut self) -> Option<Deadline> {
        let first = self.first()?;
        let run = &mut self.runs[first.2 as usize];
        if run.front() == Some(&first) {
            run.pop_front();
            // A burst's queue keeps its room only while a quarter of it is in use.
            if run.capacity() > 1024 && run.len() < run.capacity() / 4 {
                run.shrink_to(run.capacity() / 2);
            }
        } else {
            self.rest.remove(&first);
        }
        Some(first)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.runs.iter().map(VecDeque::len).sum::<usize>() + self.rest.len()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::sip::proto::rng::Rng;

    const KINDS_IN_ORDER: [Timer; KINDS] = [
        Timer::A,
        Timer::B,
        Timer::D,
        Timer::E,
        Timer::F,
        Timer::G,
        Timer::H,
        Timer::I,
        Timer::J,
        Timer::K,
        Timer::Trying,
    ];

    /// A number below `n` (a test's dice; the slight bias does not matter here).
    fn below(rng: &mut Rng, n: u64) -> u64 {
        rng.next_u64() % n
    }

    #[test]
    fn every_kind_has_its_own_queue() {
        for (i, t) in KINDS_IN_ORDER.iter().enumerate() {
            assert_eq!(*t as usize, i);
        }
    }

    /// Inserts and pops mixed as the endpoint does, against a sorted set: deadlines in
    /// order per kind (fixed durations), doubling ones, some from a clock sent backwards,
    /// and exact repeats. The order handed out must be the set's.
    #[test]
    fn timers_come_out_in_the_order_of_a_sorted_set() {
        let start = Instant::now();
        let mut rng = Rng::new(7);
        let mut ours = Deadlines::default();
        let mut model = BTreeSet::new();
        let mut now = start;
        let mut seen = Vec::new();
        for step in 0..20_000u64 {
            let roll = below(&mut rng, 100);
            if roll < 60 {
                let kind = KINDS_IN_ORDER[below(&mut rng, KINDS as u64) as usize];
                let after = match kind {
                    // Retransmissions double: out of order within their kind.
                    Timer::A | Timer::E | Timer::G => {
                        Duration::from_millis(500 << below(&mut rng, 4))
                    }
                    Timer::J | Timer::B | Timer::F | Timer::H => Duration::from_secs(32),
                    Timer::D => Duration::from_secs(32),
                    Timer::I | Timer::K => Duration::from_secs(5),
                    Timer::Trying => Duration::from_millis(200),
                };
                // Now and then a caller's clock runs behind the last one.
                let base = if roll < 3 {
                    now - Duration::from_millis(below(&mut rng, 900))
                } else {
                    now
                };
                let d = (base + after, TxId(below(&mut rng, 50_000)), kind);
                ours.insert(d);
                model.insert(d);
                if roll < 5 {
                    // The same deadline armed twice may come out twice (a stale fire is
                    // ignored by its machine), but never out of order.
                    ours.insert(d);
                }
            } else if roll < 95 {
                now += Duration::from_millis(below(&mut rng, 20));
                while ours.first().is_some_and(|(at, _, _)| at <= now) {
                    let got = ours.pop_first().expect("a first deadline pops");
                    if seen.last() != Some(&got) {
                        assert_eq!(Some(got), model.pop_first(), "step {step}");
                    }
                    seen.push(got);
                }
                assert_eq!(ours.first().map(|d| d.0), model.first().map(|d| d.0));
            } else {
                now += Duration::from_secs(below(&mut rng, 40));
            }
        }
        while let Some(got) = ours.pop_first() {
            if seen.last() != Some(&got) {
                assert_eq!(Some(got), model.pop_first());
            }
            seen.push(got);
        }
        assert!(model.is_empty());
        assert_eq!(ours.len(), 0);
    }

    #[test]
    fn a_queue_gives_back_its_room_after_a_burst() {
        let start = Instant::now();
        let mut ours = Deadlines::default();
        for i in 0..100_000u64 {
            ours.insert((start + Duration::from_micros(i), TxId(i), Timer::J));
        }
        let burst = ours.runs[Timer::J as usize].capacity();
        while ours.pop_first().is_some() {}
        assert!(ours.runs[Timer::J as usize].capacity() < burst / 8);
    }
}
