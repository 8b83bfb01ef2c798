//! Transaction layer tests (RFC 3261 §17) on the fake clock: Table 4 schedules, loss, duplication.

mod common;

use std::time::Duration;

use common::*;
use trunkline::sip::proto::harness::{Fault, Harness};
use trunkline::sip::proto::message::Method;
use trunkline::sip::proto::{Event, Transport};

fn start(h: &mut Harness, method: Method) {
    let req = request(&mut h.a.endpoint, method);
    let now = h.now;
    let dest = h.b.addr;
    h.a.endpoint
        .send_request(now, req, dest, h.transport)
        .expect("send");
}

fn timeout_at(h: &Harness) -> Vec<f64> {
    h.a.events
        .iter()
        .filter(|(_, e)| matches!(e, Event::Timeout { .. }))
        .map(|(at, e)| {
            assert_eq!(e.status(), Some(408));
            h.elapsed(*at)
        })
        .collect()
}

#[test]
fn non_invite_client_timer_e_caps_at_t2_and_f_gives_408() {
    let mut h = Harness::new(Transport::Udp, 1);
    h.set_fault(|_| Fault::Drop);
    start(&mut h, Method::Options);
    h.run_for(Duration::from_secs(40));
    let times = request_times(&h, Method::Options, true);
    // Timer E: T1, 2T1, 4T1, then T2 (4 s) until Timer F at 64*T1 = 32 s.
    assert_eq!(
        gaps(&times),
        vec![0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    );
    assert_eq!(times.last().copied(), Some(31.5));
    assert_eq!(timeout_at(&h), vec![32.0]);
    assert_eq!(h.a.endpoint.transaction_count(), 0);
    assert_eq!(h.a.endpoint.stats().retransmissions, 10);
}

#[test]
fn invite_client_timer_a_doubles_without_cap_and_b_gives_408() {
    let mut h = Harness::new(Transport::Udp, 2);
    h.set_fault(|_| Fault::Drop);
    start(&mut h, Method::Invite);
    h.run_for(Duration::from_secs(40));
    let times = request_times(&h, Method::Invite, true);
    assert_eq!(gaps(&times), vec![0.5, 1.0, 2.0, 4.0, 8.0, 16.0]);
    assert_eq!(timeout_at(&h), vec![32.0]);
}

#[test]
fn reliable_transport_never_retransmits() {
    for method in [Method::Options, Method::Invite] {
        let mut h = Harness::new(Transport::Tcp, 3);
        h.set_fault(|_| Fault::Drop);
        start(&mut h, method.clone());
        h.run_for(Duration::from_secs(40));
        assert_eq!(request_times(&h, method, true), vec![0.0]);
        assert_eq!(timeout_at(&h), vec![32.0]);
    }
}

#[test]
fn options_exchange_completes_and_transactions_are_reaped() {
    let mut h = Harness::new(Transport::Udp, 4);
    h.b.on_event(answer_with(200));
    start(&mut h, Method::Options);
    h.run_for(Duration::from_secs(60));
    assert_eq!(
        responses(&h.a.events)
            .iter()
            .map(|r| r.1)
            .collect::<Vec<_>>(),
        vec![200]
    );
    assert_eq!(h.a.endpoint.transaction_count(), 0);
    assert_eq!(h.b.endpoint.transaction_count(), 0);
    assert_eq!(h.a.endpoint.stats().retransmissions, 0);
}

#[test]
fn lost_response_is_recovered_by_retransmission_from_the_server_transaction() {
    let mut h = Harness::new(Transport::Udp, 5);
    h.b.on_event(answer_with(200));
    let b = h.b.addr;
    let mut dropped = false;
    h.set_fault(move |p| {
        if p.from == b && !dropped {
            dropped = true;
            Fault::Drop
        } else {
            Fault::Deliver
        }
    });
    start(&mut h, Method::Register);
    h.run_for(Duration::from_secs(60));
    // The TU saw one request; the retransmitted REGISTER got the stored 200 again.
    let requests =
        h.b.events
            .iter()
            .filter(|(_, e)| matches!(e, Event::Request { .. }))
            .count();
    assert_eq!(requests, 1);
    assert_eq!(request_times(&h, Method::Register, true).len(), 2);
    assert_eq!(response_times(&h, 200, false).len(), 2);
    assert_eq!(responses(&h.a.events).len(), 1);
}

#[test]
fn duplicated_packets_reach_each_tu_once() {
    for method in [Method::Options, Method::Invite] {
        let mut h = Harness::new(Transport::Udp, 6);
        h.set_fault(|_| Fault::Duplicate);
        h.b.on_event(answer_with(486));
        start(&mut h, method.clone());
        h.run_for(Duration::from_secs(60));
        let requests =
            h.b.events
                .iter()
                .filter(|(_, e)| matches!(e, Event::Request { .. }))
                .count();
        assert_eq!(requests, 1, "{method}");
        let finals: Vec<u16> = responses(&h.a.events)
            .into_iter()
            .map(|r| r.1)
            .filter(|s| *s >= 200)
            .collect();
        assert_eq!(finals, vec![486], "{method}");
        assert_eq!(h.a.endpoint.transaction_count(), 0);
        assert_eq!(h.b.endpoint.transaction_count(), 0);
    }
}

#[test]
fn invite_non_2xx_is_acked_by_the_transaction_and_lost_ack_repaired() {
    let mut h = Harness::new(Transport::Udp, 7);
    // Timer G's repair of a lost ACK: past 1.5 times the INVITE's bytes the reflection limit
    // would stop it (a lost 486 is still repaired, by the caller's retransmitted INVITE).
    h.b.endpoint.caps_mut().max_reflection_percent = usize::MAX / 2;
    h.b.on_event(answer_with(486));
    let a = h.a.addr;
    let mut acks_dropped = 0;
    h.set_fault(move |p| {
        let is_ack = p.from == a && p.payload.starts_with(b"ACK ");
        if is_ack && acks_dropped < 1 {
            acks_dropped += 1;
            Fault::Drop
        } else {
            Fault::Deliver
        }
    });
    start(&mut h, Method::Invite);
    h.run_for(Duration::from_secs(60));
    // The 486 came within 200 ms, so no 100 Trying (§17.2.1); the ACK was sent twice (first
    // one lost, 486 retransmitted).
    let statuses: Vec<u16> = responses(&h.a.events).into_iter().map(|r| r.1).collect();
    assert_eq!(statuses, vec![486]);
    assert_eq!(request_times(&h, Method::Ack, true).len(), 2);
    assert_eq!(response_times(&h, 486, false).len(), 2);
    let ack = h
        .wire
        .iter()
        .find(|p| p.payload.starts_with(b"ACK "))
        .map(parse);
    let invite = h
        .wire
        .iter()
        .find(|p| p.payload.starts_with(b"INVITE "))
        .map(parse);
    if let (
        Some(trunkline::sip::proto::Message::Request(ack)),
        Some(trunkline::sip::proto::Message::Request(inv)),
    ) = (ack, invite)
    {
        assert_eq!(
            ack.headers.via, inv.headers.via,
            "ACK reuses the INVITE's top Via"
        );
        assert_eq!(ack.headers.cseq.seq, inv.headers.cseq.seq);
        assert!(ack.headers.to.tag().is_some());
    } else {
        panic!("ACK and INVITE on the wire");
    }
    assert!(h
        .b
        .events
        .iter()
        .all(|(_, e)| !matches!(e, Event::Timeout { .. })));
}

/// §17.2.1: once its ACK came, an INVITE server transaction only absorbs ACKs until Timer I
/// (T4, 5 s over UDP): it sends nothing more, so it keeps no response for that time.
#[test]
fn a_confirmed_invite_transaction_keeps_no_response() {
    let mut h = Harness::new(Transport::Udp, 9);
    h.b.on_event(answer_with(486));
    start(&mut h, Method::Invite);
    // Until the ACK is on the wire, then its delivery (the clock moves to it, then it lands):
    // the next deadline after that is Timer I's.
    while request_times(&h, Method::Ack, true).is_empty() && h.step() {}
    h.step();
    h.step();
    assert_eq!(h.b.endpoint.transaction_count(), 1, "Timer I runs");
    assert_eq!(h.b.endpoint.held_bytes(), 0, "no 486 kept to resend");
    h.run_for(Duration::from_secs(10));
    assert_eq!(h.b.endpoint.transaction_count(), 0, "Timer I is over");
    assert_eq!(response_times(&h, 486, false).len(), 1, "the 486 went once");
}

#[test]
fn server_invite_timer_g_caps_at_t2_and_h_times_out_without_ack() {
    let mut h = Harness::new(Transport::Udp, 8);
    // The RFC's whole schedule: without this the reflection limit stops Timer G's resends once
    // they pass 1.5 times the INVITE's bytes (tests/flood.rs).
    h.b.endpoint.caps_mut().max_reflection_percent = usize::MAX / 2;
    h.b.on_event(answer_with(486));
    let a = h.a.addr;
    h.set_fault(move |p| {
        if p.from == a && p.payload.starts_with(b"ACK ") {
            Fault::Drop
        } else {
            Fault::Deliver
        }
    });
    start(&mut h, Method::Invite);
    h.run_for(Duration::from_secs(80));
    let times = response_times(&h, 486, false);
    let g = gaps(&times);
    assert_eq!(&g[..5], &[0.5, 1.0, 2.0, 4.0, 4.0]);
    assert!(g.iter().all(|d| *d <= 4.0));
    let h_fired: Vec<f64> =
        h.b.events
            .iter()
            .filter(|(_, e)| matches!(e, Event::Timeout { .. }))
            .map(|(at, _)| h.elapsed(*at))
            .collect();
    // Timer H = 64*T1 after the 486 left B (10 ms one-way latency after the INVITE).
    assert_eq!(h_fired, vec![32.01]);
}
