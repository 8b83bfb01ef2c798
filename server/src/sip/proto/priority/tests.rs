//! The classifier on real message heads, and the queues' order and caps.

use super::*;
use std::net::SocketAddr;

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("address")
}

fn request(call_id_line: &str) -> Vec<u8> {
    format!(
        "BYE sip:1001@192.0.2.1 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 203.0.113.9:5070;branch=z9hG4bK-1\r\n\
         From: <sip:1000@192.0.2.1>;tag=a\r\n\
         To: <sip:1001@192.0.2.1>;tag=b\r\n\
         {call_id_line}\r\n\
         CSeq: 3 BYE\r\n\
         Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

#[test]
fn the_call_id_is_read_in_long_and_compact_form_whatever_the_case_and_spacing() {
    assert_eq!(call_id(&request("Call-ID: abc@host")), Some("abc@host"));
    assert_eq!(call_id(&request("call-id:abc@host  ")), Some("abc@host"));
    assert_eq!(call_id(&request("i : abc@host")), Some("abc@host"));
    assert_eq!(call_id(&request("CALL-ID:\tabc")), Some("abc"));
}

#[test]
fn no_call_id_is_found_where_there_is_none_or_only_in_the_body() {
    assert_eq!(call_id(&request("X-Call-ID: abc")), None);
    assert_eq!(call_id(&request("Call-ID:")), None);
    assert_eq!(call_id(b""), None);
    assert_eq!(call_id(b"\r\n\r\n"), None);
    assert_eq!(call_id(b"garbage without lines"), None);
    // A start line is not a header, nor is a body line after the head.
    assert_eq!(call_id(b"Call-ID: x SIP/2.0\r\n\r\n"), None);
    let mut sipfrag = b"NOTIFY sip:a SIP/2.0\r\nCSeq: 1 NOTIFY\r\n\r\n".to_vec();
    sipfrag.extend_from_slice(b"Call-ID: quoted\r\n");
    assert_eq!(call_id(&sipfrag), None);
}

#[test]
fn a_known_source_or_a_live_call_is_known_anything_else_unknown() {
    let bye = request("Call-ID: live@host");
    assert_eq!(classify(true, b"junk", |_| false), Class::Known);
    assert_eq!(classify(false, &bye, |id| id == "live@host"), Class::Known);
    assert_eq!(classify(false, &bye, |id| id == "other"), Class::Unknown);
    assert_eq!(classify(false, b"junk", |_| true), Class::Unknown);
}

fn caps() -> LaneCaps {
    LaneCaps {
        known: 4,
        known_bytes: 1000,
        unknown: 6,
        unknown_bytes: 1000,
        per_source: 3,
        known_turn: 2,
        unknown_turn: 3,
        source_turn: 1,
    }
}

fn taken(lanes: &mut Lanes<Vec<u8>>) -> Vec<(SocketAddr, Vec<u8>)> {
    let mut out = Vec::new();
    lanes.turn(&mut out);
    out
}

fn bodies(turn: &[(SocketAddr, Vec<u8>)]) -> Vec<&[u8]> {
    turn.iter().map(|(_, d)| d.as_slice()).collect()
}

#[test]
fn a_turn_serves_the_known_class_first_even_when_it_came_last() {
    let mut lanes = Lanes::new(caps());
    let flooder = addr("203.0.113.9:5070");
    let provider = addr("198.51.100.1:5060");
    assert!(lanes.push(Class::Unknown, flooder, b"u1".to_vec()));
    assert!(lanes.push(Class::Known, provider, b"k1".to_vec()));
    let turn = taken(&mut lanes);
    assert_eq!(bodies(&turn), [b"k1".as_slice(), b"u1"]);
    assert_eq!(turn[0].0, provider);
    assert!(lanes.is_empty());
}

#[test]
fn one_flooding_source_takes_its_budget_per_round_and_leaves_the_rest_to_others() {
    let mut lanes = Lanes::new(caps());
    let flooder = addr("203.0.113.9:5070");
    let phone = addr("192.0.2.50:5060");
    for n in 0..3 {
        assert!(lanes.push(Class::Unknown, flooder, vec![b'f', n]));
    }
    // The flooder's share is full: more from it (any port) is dropped...
    assert!(!lanes.push(Class::Unknown, addr("203.0.113.9:6000"), b"f".to_vec()));
    // ...while a phone at another address still finds room.
    assert!(lanes.push(Class::Unknown, phone, b"p".to_vec()));
    let turn = taken(&mut lanes);
    assert_eq!(bodies(&turn), [[b'f', 0].as_slice(), b"p", &[b'f', 1]]);
    assert_eq!(lanes.stats().dropped_unknown, 1);
    assert_eq!(bodies(&taken(&mut lanes)), [[b'f', 2].as_slice()]);
    assert!(lanes.is_empty());
}

#[test]
fn each_class_is_capped_in_datagrams_and_bytes_and_counts_what_it_drops() {
    let mut lanes = Lanes::new(caps());
    let provider = addr("198.51.100.1:5060");
    for _ in 0..4 {
        assert!(lanes.push(Class::Known, provider, b"k".to_vec()));
    }
    assert!(!lanes.push(Class::Known, provider, b"k".to_vec()));
    assert_eq!(lanes.stats().dropped_known, 1);
    // The unknown class as a whole: six sources of one datagram each fill it.
    for n in 1..=6u8 {
        let source = SocketAddr::from(([192, 0, 2, n], 5060));
        assert!(lanes.push(Class::Unknown, source, b"u".to_vec()));
    }
    assert!(!lanes.push(Class::Unknown, addr("192.0.2.7:5060"), b"u".to_vec()));
    assert_eq!(lanes.len(), 10);
    // Bytes: one datagram as large as the cap fits only when the queue is empty.
    let mut lanes = Lanes::new(caps());
    assert!(lanes.push(Class::Unknown, provider, vec![0; 1000]));
    assert!(!lanes.push(Class::Unknown, addr("192.0.2.1:1"), vec![0; 1]));
    assert!(!lanes.push(Class::Known, provider, vec![0; 1001]));
    assert_eq!(
        lanes.stats(),
        LaneStats {
            dropped_known: 1,
            dropped_unknown: 1
        }
    );
    taken(&mut lanes);
    assert!(lanes.push(Class::Unknown, addr("192.0.2.1:1"), vec![0; 1000]));
}

#[test]
fn a_turn_takes_a_bounded_share_of_each_class_and_the_rest_waits_for_the_next() {
    let mut lanes = Lanes::new(caps());
    for n in 0..4u8 {
        assert!(lanes.push(Class::Known, addr("198.51.100.1:5060"), vec![b'k', n]));
    }
    for n in 1..=5u8 {
        let source = SocketAddr::from(([192, 0, 2, n], 5060));
        assert!(lanes.push(Class::Unknown, source, vec![b'u', n]));
    }
    let first = taken(&mut lanes);
    assert_eq!(
        bodies(&first),
        [
            [b'k', 0].as_slice(),
            &[b'k', 1],
            &[b'u', 1],
            &[b'u', 2],
            &[b'u', 3]
        ]
    );
    let second = taken(&mut lanes);
    assert_eq!(
        bodies(&second),
        [[b'k', 2].as_slice(), &[b'k', 3], &[b'u', 4], &[b'u', 5]]
    );
    assert!(lanes.is_empty());
    // Emptied queues give their room back.
    for n in 0..3u8 {
        assert!(lanes.push(Class::Unknown, addr("203.0.113.9:5070"), vec![n]));
    }
}
