//! The relay's port range (General settings → SIP: RTP start/end, Asterisk's `rtp.conf`
//! `rtpstart`/`rtpend`): an even RTP port and the next (RTCP) per leg. Free pairs queue in
//! the order they were freed, so the pair taken is always the one freed longest ago: under
//! ordinary load a pair rests for as long as the whole range takes to cycle, and never less
//! than `REST` after its call ended, so late packets of an old call cannot reach a new one.
//! Taking and releasing are O(1): the set-up of a call must not slow as the range fills.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

/// The least a freed port pair waits before another call may take it. Packets still in
/// flight when a call ends arrive within a few hundred milliseconds; an endpoint that keeps
/// sending longer is not late but wrong, and a new call's latch refuses it as any stranger.
/// Asterisk reuses a port at once; a long rest would cap the rate of anchored calls, since a
/// range holds every pair freed within the rest (5,000 pairs resting 10 s allow 250 calls a
/// second; resting 1 s, 2,500).
pub const REST: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct PortPool {
    start: u16,
    end: u16,
    /// The free RTP ports of the range, least recently freed first, each with when it may be
    /// taken (`None`: never used, free now).
    free: VecDeque<(Option<Instant>, u16)>,
    in_use: HashSet<u16>,
}

impl PortPool {
    /// The pairs within `start..=end` (an odd start moves up to the next even port).
    pub fn new(start: u16, end: u16) -> Self {
        let mut pool = Self {
            start: 0,
            end: 0,
            free: VecDeque::new(),
            in_use: HashSet::new(),
        };
        pool.set_range(start, end);
        pool
    }

    /// A new range; the pairs in use stay theirs until released. Pairs of the new range that
    /// are still resting keep their turn, behind the ones never used.
    pub fn set_range(&mut self, start: u16, end: u16) {
        self.start = start.saturating_add(start % 2);
        self.end = end;
        let resting: Vec<_> = std::mem::take(&mut self.free)
            .into_iter()
            .filter(|(until, port)| until.is_some() && self.contains(*port))
            .collect();
        let waiting: HashSet<u16> = resting.iter().map(|(_, port)| *port).collect();
        let fresh = (u32::from(self.start)..u32::from(self.end))
            .step_by(2)
            .filter_map(|port| u16::try_from(port).ok())
            .filter(|port| !self.in_use.contains(port) && !waiting.contains(port))
            .map(|port| (None, port));
        self.free.extend(fresh);
        self.free.extend(resting);
    }

    /// Whether `port` is the RTP port of a pair in the range (its RTCP port within it too).
    fn contains(&self, port: u16) -> bool {
        port >= self.start && port < self.end && (port - self.start).is_multiple_of(2)
    }

    /// The free RTP port freed longest ago (its RTCP port is one above), or `None` when every
    /// pair of the range is in use or resting.
    pub fn take(&mut self, now: Instant) -> Option<u16> {
        let (until, port) = *self.free.front()?;
        if until.is_some_and(|until| until > now) {
            return None;
        }
        self.free.pop_front();
        self.in_use.insert(port);
        Some(port)
    }

    /// The pair of `port` is free again, once it has rested; a pair outside the range (it
    /// changed during the call) is not taken again.
    pub fn release(&mut self, now: Instant, port: u16) {
        if self.in_use.remove(&port) && self.contains(port) {
            self.free.push_back((Some(now + REST), port));
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
    #[test]
    fn the_pair_freed_longest_ago_is_taken_first() {
        let t0 = Instant::now();
        let mut pool = PortPool::new(10000, 10007);
        let taken: Vec<_> = (0..4).map(|_| pool.take(t0)).collect();
        assert_eq!(taken, [Some(10000), Some(10002), Some(10004), Some(10006)]);
        pool.release(t0, 10004);
        pool.release(t0 + Duration::from_millis(5), 10000);
        pool.release(t0 + Duration::from_millis(9), 10002);
        let later = t0 + REST + Duration::from_secs(1);
        assert_eq!(pool.take(later), Some(10004));
        assert_eq!(pool.take(later), Some(10000));
        assert_eq!(pool.take(later), Some(10002));
        assert_eq!(pool.take(later), None);
        // Released twice (a task that ended twice) it is still one pair, not two.
        pool.release(later, 10006);
        pool.release(later, 10006);
        assert_eq!(pool.take(later + REST), Some(10006));
        assert_eq!(pool.take(later + REST), None);
    }

    #[test]
    fn a_resting_pair_keeps_its_rest_when_the_range_changes() {
        let t0 = Instant::now();
        let mut pool = PortPool::new(10000, 10003);
        assert_eq!(pool.take(t0), Some(10000));
        pool.release(t0, 10000);
        // The range grows: the new pairs come first, the resting one only once it has rested.
        pool.set_range(10000, 10005);
        assert_eq!(pool.take(t0), Some(10002));
        assert_eq!(pool.take(t0), Some(10004));
        assert_eq!(pool.take(t0), None);
        assert_eq!(pool.take(t0 + REST), Some(10000));
    }

    #[test]
    fn a_full_range_cycles_without_running_out() {
        // A range of 25,000 pairs at 4,000 calls a second (8,000 pairs) held 100 ms each:
        // every take finds a pair as long as the range outlasts the rest.
        let t0 = Instant::now();
        let mut pool = PortPool::new(10000, 60000);
        let mut held = VecDeque::new();
        for n in 0..80_000u32 {
            let now = t0 + Duration::from_micros(u64::from(n) * 125);
            while held
                .front()
                .is_some_and(|(at, _)| now.duration_since(*at) >= Duration::from_millis(100))
            {
                if let Some((_, port)) = held.pop_front() {
                    pool.release(now, port);
                }
            }
            let port = pool.take(now);
            assert!(port.is_some(), "pair {n} found none");
            held.extend(port.map(|p| (now, p)));
        }
    }
}
