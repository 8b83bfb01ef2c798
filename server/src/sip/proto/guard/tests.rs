//! The guard on a fake clock: free tries, doubling waits, blocks, lifts.

use super::*;

const WALL: u64 = 1_800_000_000;
const FREE_TRIES: usize = 3;

fn ip(last: u8) -> IpAddr {
    IpAddr::from([192, 0, 2, last])
}

fn guard() -> (Guard, Instant) {
    let config = GuardConfig {
        free_tries: FREE_TRIES,
        max_retry: 5,
        find_time: Duration::from_secs(600),
        ban_time: Duration::from_secs(1800),
    };
    (Guard::new(config), Instant::now())
}

#[test]
fn a_few_failures_are_free() {
    let (mut g, t0) = guard();
    for _ in 0..FREE_TRIES - 1 {
        assert!(!g.failed(t0, WALL, ip(1)));
    }
    assert_eq!(g.admit(t0, ip(1)), Admission::Allow);
    assert_eq!(g.admit(t0, ip(2)), Admission::Allow);
}

#[test]
fn then_each_attempt_waits_longer() {
    let (mut g, t0) = guard();
    for _ in 0..FREE_TRIES {
        g.failed(t0, WALL, ip(1));
    }
    assert_eq!(g.admit(t0, ip(1)), Admission::Throttle { retry_after: 1 });
    let t1 = t0 + Duration::from_secs(1);
    assert_eq!(g.admit(t1, ip(1)), Admission::Allow);
    g.failed(t1, WALL + 1, ip(1));
    assert_eq!(g.admit(t1, ip(1)), Admission::Throttle { retry_after: 2 });
    // Another address is not held up by this one.
    assert_eq!(g.admit(t1, ip(2)), Admission::Allow);
}

#[test]
fn max_retry_blocks_for_the_ban_time() {
    let (mut g, t0) = guard();
    let mut at = t0;
    for n in 1..=5 {
        at += Duration::from_secs(40);
        assert_eq!(g.failed(at, WALL, ip(1)), n == 5, "failure {n}");
    }
    assert_eq!(g.admit(at, ip(1)), Admission::Block);
    let rows = g.watched(at);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].failures, 5);
    assert_eq!(rows[0].blocked_until, Some(WALL + 1800));
    // Still blocked just before the end, served again after it.
    assert_eq!(
        g.admit(at + Duration::from_secs(1799), ip(1)),
        Admission::Block
    );
    let later = at + Duration::from_secs(1800);
    assert!(g.expire(later));
    assert_eq!(g.admit(later, ip(1)), Admission::Allow);
    assert!(g.watched(later).is_empty());
}

#[test]
fn failures_older_than_the_find_time_do_not_count() {
    let (mut g, t0) = guard();
    let mut at = t0;
    for _ in 0..20 {
        // One failure every 3 minutes: never 5 within 10 minutes.
        at += Duration::from_secs(180);
        assert!(!g.failed(at, WALL, ip(1)));
    }
    assert_ne!(g.admit(at, ip(1)), Admission::Block);
    assert!(g.expire(at + Duration::from_secs(601)));
    assert!(g.watched(at).is_empty());
}

#[test]
fn the_administrator_lifts_a_block() {
    let (mut g, t0) = guard();
    for _ in 0..5 {
        g.failed(t0, WALL, ip(1));
    }
    assert_eq!(g.admit(t0, ip(1)), Admission::Block);
    assert!(g.lift(ip(1)));
    assert_eq!(g.admit(t0, ip(1)), Admission::Allow);
    assert!(!g.lift(ip(1)), "nothing left to lift");
}

#[test]
fn a_right_password_forgives_but_does_not_unblock() {
    let (mut g, t0) = guard();
    for _ in 0..FREE_TRIES {
        g.failed(t0, WALL, ip(1));
    }
    g.succeeded(t0, ip(1));
    assert_eq!(g.admit(t0, ip(1)), Admission::Allow);
    assert!(g.watched(t0).is_empty());
    for _ in 0..5 {
        g.failed(t0, WALL, ip(2));
    }
    g.succeeded(t0, ip(2));
    assert_eq!(g.admit(t0, ip(2)), Admission::Block);
}

#[test]
fn new_settings_apply_to_the_next_failure() {
    let (mut g, t0) = guard();
    for _ in 0..3 {
        g.failed(t0, WALL, ip(1));
    }
    g.configure(GuardConfig {
        free_tries: FREE_TRIES,
        max_retry: 4,
        find_time: Duration::from_secs(600),
        ban_time: Duration::from_secs(60),
    });
    assert!(g.failed(t0, WALL, ip(1)));
    assert_eq!(g.watched(t0)[0].blocked_until, Some(WALL + 60));
}

#[test]
fn blocked_addresses_are_listed_first() {
    let (mut g, t0) = guard();
    g.failed(t0, WALL, ip(1));
    for _ in 0..5 {
        g.failed(t0, WALL, ip(2));
    }
    let rows = g.watched(t0);
    assert_eq!(rows[0].address, ip(2));
    assert_eq!(rows[1].address, ip(1));
    assert_eq!(rows[1].blocked_until, None);
}
