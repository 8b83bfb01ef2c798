//! Qualify on the fake clock: OK, LAGGED, UNREACHABLE after 2 x threshold, 10 s probing while
//! down, recovery, "send OPTIONS now", and the exact status strings.

use std::time::{Duration, Instant};

use super::*;
use crate::sip::proto::message::Method;
use crate::sip::proto::testrig::{ok, Reply, Rig, Tu};

impl Tu for Qualifier {
    fn poll_transmit(&mut self) -> Option<Outgoing> {
        Qualifier::poll_transmit(self)
    }
    fn sent(&mut self, tx: TxId) {
        Qualifier::sent(self, tx);
    }
    fn send_failed(&mut self, now: Instant) {
        Qualifier::send_failed(self, now);
    }
    fn handle_event(&mut self, now: Instant, ev: &Event) -> bool {
        Qualifier::handle_event(self, now, ev)
    }
    fn handle_timeout(&mut self, now: Instant) {
        Qualifier::handle_timeout(self, now);
    }
    fn poll_timeout(&self) -> Option<Instant> {
        Qualifier::poll_timeout(self)
    }
}

fn qualifier(max_ms: u64, freq_s: u64) -> Qualifier {
    let cfg = QualifyConfig {
        max_rtt: Duration::from_millis(max_ms),
        frequency: Duration::from_secs(freq_s),
    };
    Qualifier::new(
        cfg,
        HostPort::new("voip.provider.example.com", 5060),
        Transport::Udp,
        HostPort::new("10.0.0.1", 5060),
        "trunkline",
        5,
    )
}

#[test]
fn strings_are_exact() {
    assert_eq!(PeerStatus::Unknown.to_string(), "UNKNOWN");
    assert_eq!(PeerStatus::Ok(23).to_string(), "OK (23 ms)");
    assert_eq!(PeerStatus::Lagged(2500).to_string(), "LAGGED (2500 ms)");
    assert_eq!(PeerStatus::Unreachable.to_string(), "UNREACHABLE");
    assert_eq!(PeerStatus::Unmonitored.to_string(), "Unmonitored");
}

#[test]
fn ok_then_probes_every_qualify_frequency() {
    let mut rig = Rig::new(|_, req| Reply::Respond(ok(req)));
    let mut q = qualifier(2000, 60);
    assert_eq!(q.status(), PeerStatus::Unknown);
    q.start(rig.now, rig.peer_addr);
    rig.run_until(&mut q, 130.0);
    // The rig delays answers by 10 ms.
    assert_eq!(q.status().to_string(), "OK (10 ms)");
    assert_eq!(rig.times(Method::Options), [0.0, 60.01, 120.02]);
    let r = rig.last();
    assert_eq!(r.uri.to_string(), "sip:voip.provider.example.com:5060");
    assert_eq!(r.headers.via[0].sent_by(), "10.0.0.1:5060");
}

#[test]
fn slow_answer_is_lagged_and_polled_every_10s() {
    let mut rig = Rig::new(|_, req| Reply::Later(Duration::from_millis(480), ok(req)));
    let mut q = qualifier(250, 60);
    q.start(rig.now, rig.peer_addr);
    rig.run_until(&mut q, 15.0);
    assert_eq!(q.status().to_string(), "LAGGED (490 ms)");
    assert!(!q.status().usable());
    assert_eq!(rig.times(Method::Options), [0.0, 10.49]);
}

#[test]
fn silence_is_unreachable_after_twice_the_threshold_then_probes_every_10s() {
    let mut rig = Rig::new(|_, _| Reply::Drop);
    let mut q = qualifier(500, 60);
    q.start(rig.now, rig.peer_addr);
    rig.run_until(&mut q, 0.99);
    assert_eq!(q.status(), PeerStatus::Unknown);
    rig.run_until(&mut q, 1.0);
    assert_eq!(q.status().to_string(), "UNREACHABLE");
    rig.run_until(&mut q, 35.0);
    assert_eq!(rig.times(Method::Options), [0.0, 11.0, 22.0, 33.0]);
    // The peer comes back: next probe succeeds and the 60 s rhythm resumes.
    rig.set_peer(|_, req| Reply::Respond(ok(req)));
    rig.run_until(&mut q, 110.0);
    assert_eq!(q.status(), PeerStatus::Ok(10));
    assert_eq!(
        rig.times(Method::Options),
        [0.0, 11.0, 22.0, 33.0, 44.0, 104.01]
    );
}

#[test]
fn transport_error_is_unreachable_at_once_and_probe_now_sends() {
    let mut rig = Rig::new(|_, _| Reply::Fail);
    let mut q = qualifier(2000, 60);
    q.start(rig.now, rig.peer_addr);
    rig.run_until(&mut q, 0.1);
    assert_eq!(q.status(), PeerStatus::Unreachable);
    rig.set_peer(|_, req| Reply::Respond(ok(req)));
    q.probe_now(rig.now);
    rig.run_until(&mut q, 0.5);
    assert_eq!(q.status(), PeerStatus::Ok(10));
    assert_eq!(rig.times(Method::Options), [0.0, 0.1]);
}
