//! Fuzz target for the sans-IO `Endpoint`, run by `cargo test` (issue 17): valid INVITE,
//! REGISTER, OPTIONS, ACK, BYE and CANCEL requests and responses to our own requests, mutated
//! (bytes, lines, header names, lengths, numbers, oversized runs) or replaced by noise, fed to the
//! real endpoint while a fake clock jumps at random and a TU answers, late or never.
//!
//! Asserted after every datagram: no panic; server transactions within their cap; bytes held
//! for retransmission within the byte cap plus what unanswered transactions may hold (one
//! trimmed 100 Trying each); responses sent at most 1.5 times the bytes received (the TU here
//! never accepts a request, so every answer is limited).
//!
//! Each proptest case runs `DATAGRAMS_PER_CASE` datagrams from its seed, so that the work per
//! execution stays small; `FUZZ_DATAGRAMS` sets the total, one million by default (measured:
//! 46 s in a debug build, 6 s in a release one, on 2 cores). `--nocapture` prints the count.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use trunkline::sip::proto::header::NameAddr;
use trunkline::sip::proto::message::Method;
use trunkline::sip::proto::{Caps, Endpoint, EndpointConfig, Event, Response, Transport, TxId};

const DATAGRAMS_PER_CASE: u64 = 2_000;

const CAPS: Caps = Caps {
    max_server_transactions: 64,
    max_held_bytes: 16 * 1024,
    max_reflection_percent: 150,
    max_unaccepted_response: 2048,
};

fn total_datagrams() -> u64 {
    std::env::var("FUZZ_DATAGRAMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

static EXECUTED: AtomicU64 = AtomicU64::new(0);
/// What the endpoint did with them, summed over the cases: shows the caps and limits were hit.
static SHED: AtomicU64 = AtomicU64::new(0);
static HELD_BACK: AtomicU64 = AtomicU64::new(0);
static NOT_SIP: AtomicU64 = AtomicU64::new(0);

/// xorshift64*: the test's own randomness, cheap enough to draw per byte.
struct Rand(u64);

impl Rand {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A valid request; branches and Call-IDs come from small ranges so retransmissions, ACKs and
/// CANCELs meet the transactions they belong to.
fn request(r: &mut Rand) -> Vec<u8> {
    let methods = [
        "INVITE", "REGISTER", "OPTIONS", "ACK", "BYE", "CANCEL", "INFO",
    ];
    let method = methods[r.below(methods.len())];
    let (branch, call) = (r.below(40), r.below(20));
    let to_tag = if r.chance(30) { ";tag=t1" } else { "" };
    let body = if method == "INVITE" && r.chance(70) {
        "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n\
         m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
    } else {
        ""
    };
    let cseq_method = if method == "ACK" && r.chance(50) {
        "INVITE"
    } else {
        method
    };
    format!(
        "{method} sip:100{call}@192.0.2.1 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-fz{branch};rport\r\n\
         Max-Forwards: 70\r\n\
         From: \"Fuzz\" <sip:1001@192.0.2.1>;tag=f{call}\r\n\
         To: <sip:100{call}@192.0.2.1>{to_tag}\r\n\
         Call-ID: fz-{call}@198.51.100.7\r\n\
         CSeq: {} {cseq_method}\r\n\
         Contact: <sip:1001@198.51.100.7:5060>\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{body}",
        1 + r.below(3),
        body.len()
    )
    .into_bytes()
}

/// One of our own requests turned into a response to it (so client transactions see answers).
fn response_to(ours: &[u8], r: &mut Rand) -> Vec<u8> {
    let statuses = [
        "100 Trying",
        "180 Ringing",
        "200 OK",
        "401 Unauthorized",
        "486 Busy Here",
    ];
    let status = statuses[r.below(statuses.len())];
    let text = String::from_utf8_lossy(ours);
    let rest = text.split_once("\r\n").map_or("", |(_, rest)| rest);
    let to_tag = if status.starts_with('1') {
        ""
    } else {
        ";tag=x"
    };
    let rest = match rest.split_once("\r\nTo: ") {
        Some((before, to)) => {
            let (to, after) = to.split_once("\r\n").unwrap_or((to, ""));
            format!("{before}\r\nTo: {to}{to_tag}\r\n{after}")
        }
        None => rest.to_string(),
    };
    format!("SIP/2.0 {status}\r\n{rest}").into_bytes()
}

fn mutate(bytes: &mut Vec<u8>, r: &mut Rand) {
    for _ in 0..r.below(4) {
        let len = bytes.len();
        let at = r.below(len + 1);
        match r.below(10) {
            0 if len > 0 => bytes[at.min(len - 1)] ^= 1 << r.below(8),
            1 => bytes.insert(at, r.next() as u8),
            2 => {
                let end = (at + r.below(64)).min(len);
                bytes.drain(at..end);
            }
            3 => bytes.truncate(at),
            4 => {
                // Repeat a run: oversized headers, long lines, many Vias.
                let end = (at + 1 + r.below(80)).min(len);
                let run = bytes[at.min(end)..end].to_vec();
                for _ in 0..r.below(120) {
                    bytes.splice(at..at, run.iter().copied());
                }
            }
            5 => swap_digits(bytes, r),
            6 => duplicate_line(bytes, r),
            7 => bytes.splice(at..at, b"\r\n".iter().copied()).for_each(drop),
            8 => rename_header(bytes, r),
            _ => bytes
                .splice(at..at, b" ,;=<>\"\\".iter().copied())
                .for_each(drop),
        }
    }
}

/// Replaces one run of digits (a port, CSeq, Content-Length...) with another number.
fn swap_digits(bytes: &mut Vec<u8>, r: &mut Rand) {
    let start = r.below(bytes.len());
    let Some(i) = bytes[start..].iter().position(u8::is_ascii_digit) else {
        return;
    };
    let i = start + i;
    let n = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let numbers = ["0", "65536", "4294967296", "99999999999999999999", "-1", ""];
    let replacement = numbers[r.below(numbers.len())].as_bytes().to_vec();
    bytes.splice(i..i + n, replacement);
}

fn lines(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..bytes.len().saturating_sub(1) {
        if bytes[i] == b'\r' && bytes[i + 1] == b'\n' {
            out.push((start, i + 2));
            start = i + 2;
        }
    }
    out
}

fn duplicate_line(bytes: &mut Vec<u8>, r: &mut Rand) {
    let lines = lines(bytes);
    if lines.is_empty() {
        return;
    }
    let (s, e) = lines[r.below(lines.len())];
    let line = bytes[s..e].to_vec();
    bytes.splice(e..e, line);
}

fn rename_header(bytes: &mut Vec<u8>, r: &mut Rand) {
    let lines = lines(bytes);
    if lines.len() < 2 {
        return;
    }
    let (s, e) = lines[1 + r.below(lines.len() - 1)];
    let Some(colon) = bytes[s..e].iter().position(|b| *b == b':') else {
        return;
    };
    let names = [
        "v",
        "f",
        "t",
        "i",
        "l",
        "m",
        "Via",
        "CSeq",
        "Content-Length",
        "X",
    ];
    let name = names[r.below(names.len())].as_bytes().to_vec();
    bytes.splice(s..s + colon, name);
}

/// The endpoint under test, a TU that answers (late or never) and the byte counts.
struct Rig {
    ep: Endpoint,
    now: Instant,
    pending: Vec<(Instant, TxId, Response)>,
    ours: Vec<Vec<u8>>,
    bytes_in: usize,
    response_bytes_out: usize,
}

impl Rig {
    fn step(&mut self, r: &mut Rand) {
        self.now += match r.below(100) {
            0..=69 => Duration::from_millis(r.below(50) as u64),
            70..=94 => Duration::from_millis(r.below(2_000) as u64),
            _ => Duration::from_secs(r.below(40) as u64),
        };
        self.ep.handle_timeout(self.now);
        let mut bytes = match r.below(100) {
            0..=4 => (0..r.below(600)).map(|_| r.next() as u8).collect(),
            5..=19 if !self.ours.is_empty() => {
                let ours = &self.ours[r.below(self.ours.len())];
                response_to(ours, r)
            }
            _ => request(r),
        };
        if r.chance(60) {
            mutate(&mut bytes, r);
        }
        let source = SocketAddr::from(([198, 51, 100, 7], 5060 + r.below(3) as u16));
        let transport = if r.chance(90) {
            Transport::Udp
        } else {
            Transport::Tcp
        };
        self.bytes_in += bytes.len();
        self.ep.handle_datagram(self.now, source, transport, &bytes);
        self.tu(r);
        self.drain(r);
    }

    /// Answers requests with refusals and challenges, now, later or never, and now and then
    /// starts a request of its own.
    fn tu(&mut self, r: &mut Rand) {
        while let Some(ev) = self.ep.poll_event() {
            let Event::Request { tx, request, .. } = ev else {
                continue;
            };
            let statuses = [401, 403, 404, 407, 481, 486, 503];
            let status = statuses[r.below(statuses.len())];
            let response = Response::for_request(&request, status, "No");
            match r.below(10) {
                0 => {}
                1..=2 => {
                    let at = self.now + Duration::from_millis(r.below(3_000) as u64);
                    self.pending.push((at, tx, response));
                }
                _ => {
                    let _ = self.ep.respond(self.now, tx, response);
                }
            }
        }
        let now = self.now;
        let (due, later) = self.pending.drain(..).partition(|(at, ..)| *at <= now);
        self.pending = later;
        for (_, tx, response) in due {
            let _ = self.ep.respond(now, tx, response);
        }
        if r.chance(2) {
            let method = if r.chance(50) {
                Method::Invite
            } else {
                Method::Options
            };
            let req = self.ep.new_request(
                method,
                rsip::Uri::try_from("sip:peer@198.51.100.7").expect("test URI"),
                NameAddr::new("sip:pbx@192.0.2.1"),
                NameAddr::new("sip:peer@198.51.100.7"),
            );
            let dest = SocketAddr::from(([198, 51, 100, 7], 5060));
            let _ = self.ep.send_request(self.now, req, dest, Transport::Udp);
        }
    }

    fn drain(&mut self, r: &mut Rand) {
        while let Some(t) = self.ep.poll_transmit() {
            if t.payload.starts_with(b"SIP/2.0 ") {
                self.response_bytes_out += t.payload.len();
            } else if self.ours.len() < 16 {
                self.ours.push(t.payload);
            } else {
                let i = r.below(16);
                self.ours[i] = t.payload;
            }
        }
    }

    fn check(&self) {
        let txns = self.ep.server_transaction_count();
        assert!(txns <= CAPS.max_server_transactions, "{txns} transactions");
        let held = self.ep.held_bytes();
        let bound = CAPS.max_held_bytes + txns * CAPS.max_unaccepted_response;
        assert!(held <= bound, "{held} bytes held");
        assert!(
            self.response_bytes_out * 100 <= self.bytes_in * CAPS.max_reflection_percent,
            "{} bytes of responses for {} received",
            self.response_bytes_out,
            self.bytes_in
        );
    }
}

fn run(seed: u64) {
    let mut r = Rand(seed | 1);
    let cfg = EndpointConfig {
        via_host: "192.0.2.1".into(),
        caps: CAPS,
        ..EndpointConfig::default()
    };
    let mut rig = Rig {
        ep: Endpoint::new(cfg, seed),
        now: Instant::now(),
        pending: Vec::new(),
        ours: Vec::new(),
        bytes_in: 0,
        response_bytes_out: 0,
    };
    for _ in 0..DATAGRAMS_PER_CASE {
        rig.step(&mut r);
        rig.check();
    }
    EXECUTED.fetch_add(DATAGRAMS_PER_CASE, Ordering::Relaxed);
    let stats = rig.ep.stats();
    SHED.fetch_add(
        stats.shed_for_transactions + stats.shed_for_bytes + stats.refused_at_cap,
        Ordering::Relaxed,
    );
    HELD_BACK.fetch_add(stats.held_back + stats.oversized, Ordering::Relaxed);
    NOT_SIP.fetch_add(stats.parse_errors, Ordering::Relaxed);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: (total_datagrams() / DATAGRAMS_PER_CASE).max(1) as u32,
        ..ProptestConfig::default()
    })]

    fn fuzz_cases(seed in any::<u64>()) {
        run(seed);
    }
}

/// Runs the cases and prints how many datagrams went through (`--nocapture` shows it).
#[test]
fn endpoint_survives_mutated_datagrams_within_its_caps() {
    fuzz_cases();
    let executed = EXECUTED.load(Ordering::Relaxed);
    eprintln!(
        "endpoint fuzz: {executed} datagrams through the Endpoint; {} not SIP, {} shed or \
         dropped at a cap, {} answers held back or cut",
        NOT_SIP.load(Ordering::Relaxed),
        SHED.load(Ordering::Relaxed),
        HELD_BACK.load(Ordering::Relaxed)
    );
    assert!(executed >= total_datagrams() / DATAGRAMS_PER_CASE * DATAGRAMS_PER_CASE);
}
