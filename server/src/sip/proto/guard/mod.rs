//! Toll-fraud guard: counts failed digest authentications per source
//! address, slows an address down after a few, and blocks it for a while
//! after too many — what FreePBX's Intrusion Detection (fail2ban) does for
//! Asterisk, inside the PBX. Must not read the clock: `now` (monotonic,
//! for the decisions) and `wall` (Unix seconds, for the screen) are
//! arguments.
//!
//! Only wrong credentials count: a request without credentials is simply
//! challenged, and a stale nonce or one from before a restart is what a
//! phone with the right password sends too.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The longest an address is made to wait between two attempts while
/// throttled.
const MAX_WAIT: Duration = Duration::from_secs(60);
/// Addresses followed at most; beyond, new addresses are not counted
/// until old records lapse (memory stays bounded under a spoofed flood).
const MAX_TRACKED: usize = 65_536;

/// The administrator's settings (FreePBX's Max retry, Find time, Ban time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardConfig {
    /// Failures an address may make before it is slowed down.
    pub free_tries: usize,
    /// Failures within `find_time` that block the address.
    pub max_retry: usize,
    pub find_time: Duration,
    pub ban_time: Duration,
}

impl Default for GuardConfig {
    fn default() -> Self {
        Self {
            free_tries: 3,
            max_retry: 10,
            find_time: Duration::from_secs(600),
            ban_time: Duration::from_secs(1800),
        }
    }
}

/// What to do with a request that would be authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Allow,
    /// Too soon after the last failure: answer 503 with this Retry-After
    /// (seconds) and do not look at the credentials.
    Throttle {
        retry_after: u32,
    },
    /// Blocked: nothing from this address is served.
    Block,
}

/// An address the guard is watching, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    pub address: IpAddr,
    /// Failures still counted (within the find time), or that caused the block.
    pub failures: usize,
    /// Unix seconds of the last failure.
    pub last_failure: u64,
    /// Unix seconds until which the address is blocked, when it is.
    pub blocked_until: Option<u64>,
}

#[derive(Debug)]
struct Record {
    /// Instants of the failures within the find time, oldest first.
    failures: VecDeque<Instant>,
    last_failure_wall: u64,
    /// No attempt is served before this (throttling).
    wait_until: Option<Instant>,
    block: Option<Block>,
}

#[derive(Debug, Clone, Copy)]
struct Block {
    until: Instant,
    until_wall: u64,
    failures: usize,
}

/// The failures of every address, and the blocks.
#[derive(Debug, Default)]
pub struct Guard {
    config: GuardConfig,
    records: HashMap<IpAddr, Record>,
}

impl Guard {
    pub fn new(config: GuardConfig) -> Self {
        Self {
            config,
            records: HashMap::new(),
        }
    }

    /// New settings apply to the next failure; blocks already running
    /// keep their end.
    pub fn configure(&mut self, config: GuardConfig) {
        self.config = config;
    }

    pub fn admit(&self, now: Instant, address: IpAddr) -> Admission {
        let Some(r) = self.records.get(&address) else {
            return Admission::Allow;
        };
        if r.block.is_some_and(|b| b.until > now) {
            return Admission::Block;
        }
        match r.wait_until {
            Some(at) if at > now => {
                let secs = at.duration_since(now).as_millis().div_ceil(1000);
                Admission::Throttle {
                    retry_after: u32::try_from(secs).unwrap_or(u32::MAX).max(1),
                }
            }
            _ => Admission::Allow,
        }
    }

    /// Counts a failed authentication; true when it starts a block.
    pub fn failed(&mut self, now: Instant, wall: u64, address: IpAddr) -> bool {
        if !self.records.contains_key(&address) && self.records.len() >= MAX_TRACKED {
            self.expire(now);
            if self.records.len() >= MAX_TRACKED {
                return false;
            }
        }
        let config = self.config;
        let r = self.records.entry(address).or_insert_with(|| Record {
            failures: VecDeque::new(),
            last_failure_wall: wall,
            wait_until: None,
            block: None,
        });
        if r.block.is_some_and(|b| b.until > now) {
            return false;
        }
        r.block = None;
        r.last_failure_wall = wall;
        r.failures.push_back(now);
        while r
            .failures
            .front()
            .is_some_and(|t| now.duration_since(*t) > config.find_time)
        {
            r.failures.pop_front();
        }
        let count = r.failures.len();
        if count >= config.max_retry.max(1) {
            r.block = Some(Block {
                until: now + config.ban_time,
                until_wall: wall + config.ban_time.as_secs(),
                failures: count,
            });
            r.failures.clear();
            r.wait_until = None;
            return true;
        }
        r.wait_until = (count >= config.free_tries).then(|| {
            // 1 s after the last free try, then doubling.
            let doublings = u32::try_from(count - config.free_tries)
                .unwrap_or(u32::MAX)
                .min(6);
            now + Duration::from_secs(1u64 << doublings).min(MAX_WAIT)
        });
        false
    }

    /// The address proved a password: its earlier failures are forgiven
    /// (not a running block, which only the administrator or time lifts).
    pub fn succeeded(&mut self, now: Instant, address: IpAddr) {
        if self
            .records
            .get(&address)
            .is_some_and(|r| r.block.is_none_or(|b| b.until <= now))
        {
            self.records.remove(&address);
        }
    }

    /// The administrator lifts a block (or a throttle): the address starts
    /// afresh. False when the guard was not watching it.
    pub fn lift(&mut self, address: IpAddr) -> bool {
        self.records.remove(&address).is_some()
    }

    /// Forgets ended blocks and failures older than the find time; true
    /// when the list of watched addresses changed.
    pub fn expire(&mut self, now: Instant) -> bool {
        let find_time = self.config.find_time;
        let before = self.records.len();
        self.records.retain(|_, r| {
            if let Some(b) = r.block {
                return b.until > now;
            }
            r.failures
                .back()
                .is_some_and(|t| now.duration_since(*t) <= find_time)
        });
        before != self.records.len()
    }

    /// Blocked addresses first (the latest block first), then the others
    /// by their number of failures.
    pub fn watched(&self, now: Instant) -> Vec<Watched> {
        let mut rows: Vec<Watched> = self
            .records
            .iter()
            .map(|(address, r)| {
                let block = r.block.filter(|b| b.until > now);
                Watched {
                    address: *address,
                    failures: block.map_or(r.failures.len(), |b| b.failures),
                    last_failure: r.last_failure_wall,
                    blocked_until: block.map(|b| b.until_wall),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            (
                b.blocked_until.is_some(),
                b.failures,
                b.last_failure,
                a.address,
            )
                .cmp(&(
                    a.blocked_until.is_some(),
                    a.failures,
                    a.last_failure,
                    b.address,
                ))
        });
        rows
    }
}

#[cfg(test)]
mod tests;
