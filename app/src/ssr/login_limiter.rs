//! The console's login limiter: how many passwords may be tried, per
//! address and per username. An attempt is counted before its password is
//! checked, under one lock, so a burst of parallel logins cannot slip
//! past the count while the first ones are still being checked; beyond
//! the budget the password is not checked at all.
//!
//! In memory on purpose: a restart forgives, the log keeps the record.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Attempts allowed at once, before any wait.
pub const FREE_ATTEMPTS: u32 = 3;
/// The longest wait between two attempts.
pub const MAX_WAIT: Duration = Duration::from_secs(300);
/// Past this many remembered names and addresses, those that do not have
/// to wait are forgotten, so sprayed usernames cannot fill the memory.
const MAX_ENTRIES: usize = 4096;

/// Counts login attempts per address and per username. After
/// [`FREE_ATTEMPTS`], each attempt makes the next wait twice as long as
/// the last (1 s, 2 s, 4 s … [`MAX_WAIT`]): guessing is slow, a person who
/// mistyped barely notices. A successful login clears both counts.
#[derive(Default)]
pub struct LoginLimiter {
    // A std Mutex: held for a map update only, never across an await.
    entries: Mutex<HashMap<Key, Attempts>>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
enum Key {
    Address(IpAddr),
    Username(String),
}

#[derive(Clone, Copy, Default)]
struct Attempts {
    count: u32,
    blocked_until: Option<Instant>,
}

impl Attempts {
    fn wait(&self, now: Instant) -> Option<Duration> {
        self.blocked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    fn count(&mut self, now: Instant) {
        self.count += 1;
        self.block(now);
    }

    /// Blocks for the wait the count has earned, from `now`.
    fn block(&mut self, now: Instant) {
        if self.count >= FREE_ATTEMPTS {
            let exponent = (self.count - FREE_ATTEMPTS).min(16);
            let wait = Duration::from_secs(1u64 << exponent).min(MAX_WAIT);
            self.blocked_until = Some(now + wait);
        }
    }
}

impl LoginLimiter {
    /// Counts an attempt from `address` for `username`, before its
    /// password is checked.
    ///
    /// # Errors
    /// How long to wait when the address or the username must still wait;
    /// then nothing is counted and the password must not be checked.
    pub fn attempt(&self, address: IpAddr, username: &str, now: Instant) -> Result<(), Duration> {
        let keys = [Key::Address(address), Key::Username(username.to_owned())];
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let wait = keys
            .iter()
            .filter_map(|key| entries.get(key)?.wait(now))
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, attempts| attempts.wait(now).is_some());
        }
        for key in keys {
            entries.entry(key).or_default().count(now);
        }
        Ok(())
    }

    /// The password was wrong: the wait the attempt earned starts again
    /// from now, so it is not used up while the password was being checked.
    pub fn failed(&self, address: IpAddr, username: &str, now: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for key in [Key::Address(address), Key::Username(username.to_owned())] {
            if let Some(attempts) = entries.get_mut(&key) {
                attempts.block(now);
            }
        }
    }

    /// A successful login forgets the address's and the username's attempts.
    pub fn succeeded(&self, address: IpAddr, username: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&Key::Address(address));
        entries.remove(&Key::Username(username.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn free_attempts_then_doubling_waits() {
        let limiter = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..FREE_ATTEMPTS {
            assert_eq!(limiter.attempt(ip("192.0.2.7"), "admin", t0), Ok(()));
        }
        assert_eq!(
            limiter.attempt(ip("192.0.2.7"), "admin", t0),
            Err(Duration::from_secs(1))
        );
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(limiter.attempt(ip("192.0.2.7"), "admin", t1), Ok(()));
        assert_eq!(
            limiter.attempt(ip("192.0.2.7"), "admin", t1),
            Err(Duration::from_secs(2))
        );
        let mut now = t1;
        for _ in 0..40 {
            now += MAX_WAIT;
            assert_eq!(limiter.attempt(ip("192.0.2.7"), "admin", now), Ok(()));
        }
        assert_eq!(
            limiter.attempt(ip("192.0.2.7"), "admin", now),
            Err(MAX_WAIT)
        );
        limiter.succeeded(ip("192.0.2.7"), "admin");
        assert_eq!(limiter.attempt(ip("192.0.2.7"), "admin", now), Ok(()));
    }

    /// README's figure: a guesser who tries again the moment each wait
    /// ends gets 8 passwords checked in the first minute.
    #[test]
    fn the_first_minute_allows_eight_guesses() {
        let limiter = LoginLimiter::default();
        let t0 = Instant::now();
        let (mut now, mut checked) = (t0, 0);
        while now < t0 + Duration::from_secs(60) {
            match limiter.attempt(ip("192.0.2.7"), "admin", now) {
                Ok(()) => {
                    limiter.failed(ip("192.0.2.7"), "admin", now);
                    checked += 1;
                }
                Err(wait) => now += wait,
            }
        }
        assert_eq!(checked, 8);
    }

    #[test]
    fn address_and_username_are_limited_apart() {
        let limiter = LoginLimiter::default();
        let t0 = Instant::now();
        for n in 0..FREE_ATTEMPTS {
            let from = ip(&format!("192.0.2.{}", n + 1));
            assert_eq!(limiter.attempt(from, "admin", t0), Ok(()));
        }
        // The username waits whatever the address…
        assert!(limiter.attempt(ip("198.51.100.1"), "admin", t0).is_err());
        // …and another username from a fresh address does not.
        assert_eq!(limiter.attempt(ip("198.51.100.1"), "other", t0), Ok(()));
        for n in 0..FREE_ATTEMPTS {
            assert_eq!(
                limiter.attempt(ip("203.0.113.9"), &format!("user{n}"), t0),
                Ok(())
            );
        }
        // The address waits whatever the username.
        assert!(limiter.attempt(ip("203.0.113.9"), "fresh", t0).is_err());
    }

    #[test]
    fn a_refused_attempt_is_not_counted() {
        let limiter = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..FREE_ATTEMPTS {
            assert_eq!(limiter.attempt(ip("192.0.2.7"), "admin", t0), Ok(()));
        }
        for _ in 0..100 {
            assert!(limiter.attempt(ip("192.0.2.7"), "admin", t0).is_err());
        }
        // Still the first wait: the refused hundred did not lengthen it.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(limiter.attempt(ip("192.0.2.7"), "admin", t1), Ok(()));
    }

    #[test]
    fn the_wait_starts_when_the_password_is_found_wrong() {
        let limiter = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..FREE_ATTEMPTS {
            assert_eq!(limiter.attempt(ip("192.0.2.7"), "admin", t0), Ok(()));
        }
        // A slow check: the answer comes 5 s after the attempt.
        let answered = t0 + Duration::from_secs(5);
        limiter.failed(ip("192.0.2.7"), "admin", answered);
        assert_eq!(
            limiter.attempt(ip("192.0.2.7"), "admin", answered),
            Err(Duration::from_secs(1))
        );
    }
}
