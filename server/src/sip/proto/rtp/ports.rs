//! The relay's port range (General settings → SIP: RTP start/end, Asterisk's `rtp.conf`
//! `rtpstart`/`rtpend`): an even RTP port and the next (RTCP) per leg, taken in turn through
//! the range so a port freed a moment ago is the last to be reused, and never before it has
//! rested `REST` after its call ended, so late packets of an old call cannot reach a new one.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

/// How long a freed port pair waits before another call may take it.
pub const REST: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct PortPool {
    start: u16,
    end: u16,
    next: u16,
    in_use: HashSet<u16>,
    resting: VecDeque<(Instant, u16)>,
}

impl PortPool {
    /// The pairs within `start..=end` (an odd start moves up to the next even port).
    pub fn new(start: u16, end: u16) -> Self {
        let start = start.saturating_add(start % 2);
        Self {
            start,
            end,
            next: start,
            in_use: HashSet::new(),
            resting: VecDeque::new(),
        }
    }

    /// A new range; the pairs in use stay theirs until released.
    pub fn set_range(&mut self, start: u16, end: u16) {
        let fresh = Self::new(start, end);
        self.start = fresh.start;
        self.end = fresh.end;
        self.next = fresh.start;
    }

    fn pairs(&self) -> u32 {
        if self.end <= self.start {
            return 0;
        }
        (u32::from(self.end) - u32::from(self.start)).div_ceil(2)
    }

    /// The next free RTP port (its RTCP port is one above), or `None` when every pair of the
    /// range is in use or resting.
    pub fn take(&mut self, now: Instant) -> Option<u16> {
        while self.resting.front().is_some_and(|(until, _)| *until <= now) {
            self.resting.pop_front();
        }
        for _ in 0..self.pairs() {
            let port = self.next;
            self.next = match port.checked_add(2) {
                Some(n) if n < self.end => n,
                _ => self.start,
            };
            let resting = self.resting.iter().any(|(_, p)| *p == port);
            if !resting && self.in_use.insert(port) {
                return Some(port);
            }
        }
        None
    }

    /// The pair of `port` is free again, once it has rested.
    pub fn release(&mut self, now: Instant, port: u16) {
        if self.in_use.remove(&port) {
            self.resting.push_back((now + REST, port));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_even_and_taken_in_turn() {
        let now = Instant::now();
        let mut pool = PortPool::new(10001, 10007);
        assert_eq!(pool.take(now), Some(10002));
        assert_eq!(pool.take(now), Some(10004));
        assert_eq!(pool.take(now), Some(10006));
        assert_eq!(
            pool.take(now),
            None,
            "10008 would put RTCP outside the range"
        );
    }

    #[test]
    fn a_freed_pair_rests_before_reuse() {
        let t0 = Instant::now();
        let mut pool = PortPool::new(10000, 10003);
        assert_eq!(pool.take(t0), Some(10000));
        assert_eq!(pool.take(t0), Some(10002));
        pool.release(t0, 10000);
        assert_eq!(pool.take(t0 + REST - Duration::from_millis(1)), None);
        assert_eq!(pool.take(t0 + REST), Some(10000));
    }

    #[test]
    fn the_range_can_change_under_calls_in_progress() {
        let now = Instant::now();
        let mut pool = PortPool::new(10000, 10001);
        assert_eq!(pool.take(now), Some(10000));
        pool.set_range(20000, 20003);
        assert_eq!(pool.take(now), Some(20000));
        pool.release(now, 10000);
        assert_eq!(pool.take(now), Some(20002));
        assert_eq!(PortPool::new(5, 4).take(now), None);
    }
}
