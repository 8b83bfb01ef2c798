//! Floods against the real sans-IO `Endpoint` on a fake clock (issue 17 item 3): what peers can
//! make it hold is capped by its configuration, the oldest finished transactions are shed first
//! and counted, and everything held is given back once Timers H and J have run out.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use trunkline::sip::proto::auth::DigestServer;
use trunkline::sip::proto::header::Algorithm;
use trunkline::sip::proto::message::Method;
use trunkline::sip::proto::{Caps, Endpoint, EndpointConfig, Event, Transport};

const ATTACKER: ([u8; 4], u16) = ([203, 0, 113, 9], 5070);

fn assert_reflects_at_most_150_percent(f: &Flood) {
    let ratio = f.bytes_out as f64 / f.bytes_in as f64;
    assert!(
        ratio <= 1.5,
        "{} bytes out for {} in",
        f.bytes_out,
        f.bytes_in
    );
}

/// A phone's first INVITE (no credentials yet), with the SDP offer real phones send.
fn invite(n: u64) -> Vec<u8> {
    let sdp = "v=0\r\no=- 1 1 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\nt=0 0\r\n\
               m=audio 4000 RTP/AVP 9 0 8 101\r\na=rtpmap:9 G722/8000\r\n\
               a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
               a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n\
               a=ptime:20\r\na=sendrecv\r\n";
    format!(
        "INVITE sip:4185557777@192.0.2.1 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 203.0.113.9:5070;branch=z9hG4bK-flood-{n};rport\r\n\
         From: <sip:1001@192.0.2.1>;tag=f{n}\r\n\
         To: <sip:4185557777@192.0.2.1>\r\n\
         Call-ID: flood-{n}@203.0.113.9\r\n\
         CSeq: 1 INVITE\r\n\
         Contact: <sip:1001@203.0.113.9:5070>\r\n\
         Max-Forwards: 70\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    )
    .into_bytes()
}

/// A REGISTER without credentials; `padding` bytes of an unknown header make it as large as
/// an attacker likes.
fn register(n: u64, padding: usize) -> Vec<u8> {
    format!(
        "REGISTER sip:192.0.2.1 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 203.0.113.9:5070;branch=z9hG4bK-reg-{n};rport\r\n\
         From: <sip:1001@192.0.2.1>;tag=r{n}\r\n\
         To: <sip:1001@192.0.2.1>\r\n\
         Call-ID: reg-{n}@203.0.113.9\r\n\
         CSeq: 1 REGISTER\r\n\
         Contact: <sip:1001@203.0.113.9:5070>\r\n\
         Max-Forwards: 70\r\n\
         X-Padding: {}\r\n\
         Content-Length: 0\r\n\r\n",
        "a".repeat(padding)
    )
    .into_bytes()
}

/// Our endpoint, answered by a TU that challenges every request as the lines task does
/// (401 to REGISTER, 407 to INVITE), and the sender, which never sends an ACK.
struct Flood {
    start: Instant,
    now: Instant,
    ep: Endpoint,
    auth: DigestServer,
    bytes_in: usize,
    bytes_out: usize,
    peak_transactions: usize,
    peak_held: usize,
}

impl Flood {
    fn new(caps: Caps) -> Self {
        let start = Instant::now();
        let cfg = EndpointConfig {
            via_host: "192.0.2.1".into(),
            caps,
            ..EndpointConfig::default()
        };
        let auth = DigestServer::new(
            "pbx",
            b"flood-secret".to_vec(),
            start,
            Duration::from_secs(300),
            Algorithm::Md5,
        );
        Self {
            start,
            now: start,
            ep: Endpoint::new(cfg, 17),
            auth,
            bytes_in: 0,
            bytes_out: 0,
            peak_transactions: 0,
            peak_held: 0,
        }
    }

    fn at(&mut self, secs: f64) {
        self.now = self.start + Duration::from_secs_f64(secs);
        self.ep.handle_timeout(self.now);
        self.drain();
    }

    fn receive(&mut self, bytes: &[u8]) {
        self.bytes_in += bytes.len();
        let from = SocketAddr::from(ATTACKER);
        self.ep
            .handle_datagram(self.now, from, Transport::Udp, bytes);
        self.drain();
    }

    /// Answers what the endpoint passed up and sends what it queued.
    fn drain(&mut self) {
        while let Some(ev) = self.ep.poll_event() {
            if let Event::Request { tx, request, .. } = ev {
                let challenge = self.auth.challenge(self.now, false);
                let response = if request.method == Method::Invite {
                    DigestServer::proxy_required(&request, challenge)
                } else {
                    DigestServer::unauthorized(&request, challenge)
                };
                let _ = self.ep.respond(self.now, tx, response);
            }
        }
        while let Some(t) = self.ep.poll_transmit() {
            self.bytes_out += t.payload.len();
        }
        self.peak_transactions = self
            .peak_transactions
            .max(self.ep.server_transaction_count());
        self.peak_held = self.peak_held.max(self.ep.held_bytes());
    }

    /// Lets every timer run out.
    fn settle(&mut self) {
        while let Some(at) = self.ep.poll_timeout() {
            self.now = self.now.max(at);
            self.ep.handle_timeout(self.now);
            self.drain();
        }
    }
}

#[test]
fn at_the_transaction_cap_the_oldest_finished_are_shed_and_counted() {
    let mut f = Flood::new(Caps {
        max_server_transactions: 100,
        ..Caps::default()
    });
    for n in 0..150 {
        f.at(n as f64 * 0.01);
        f.receive(&register(n, 0));
    }
    assert_eq!(f.ep.server_transaction_count(), 100);
    assert_eq!(f.peak_transactions, 100);
    assert_eq!(f.ep.stats().shed_for_transactions, 50);
    // The newest ones were kept: a retransmission of the last REGISTER is answered from its
    // transaction (the TU is not asked again), one of the first is a new request.
    let answered = f.ep.stats().retransmissions;
    f.receive(&register(149, 0));
    assert_eq!(f.ep.stats().retransmissions, answered + 1);
    f.receive(&register(0, 0));
    assert_eq!(f.ep.stats().retransmissions, answered + 1);
}

#[test]
fn at_the_byte_cap_the_oldest_finished_are_shed_and_counted() {
    let cap = 20_000;
    let mut f = Flood::new(Caps {
        max_held_bytes: cap,
        ..Caps::default()
    });
    for n in 0..100 {
        f.at(n as f64 * 0.01);
        f.receive(&register(n, 0));
    }
    assert!(f.peak_held <= cap, "{} bytes held", f.peak_held);
    let kept = f.ep.server_transaction_count() as u64;
    assert!(kept > 10, "{kept} kept");
    assert_eq!(kept + f.ep.stats().shed_for_bytes, 100);
}

#[test]
fn at_the_cap_with_nothing_finished_new_requests_are_dropped_and_counted() {
    let mut f = Flood::new(Caps {
        max_server_transactions: 10,
        ..Caps::default()
    });
    // Nobody answers: every transaction waits for its TU.
    for n in 0..15 {
        f.ep.handle_datagram(
            f.now,
            SocketAddr::from(ATTACKER),
            Transport::Udp,
            &register(n, 0),
        );
    }
    assert_eq!(f.ep.server_transaction_count(), 10);
    assert_eq!(f.ep.stats().refused_at_cap, 5);
}

/// 50,000 requests at 5,000 a second, never ACKed; the state stays within the caps during the
/// flood and is all given back once Timers H and J have run.
fn flood(request: fn(u64) -> Vec<u8>) -> Flood {
    let caps = Caps {
        max_server_transactions: 20_000,
        max_held_bytes: 4 << 20,
        ..Caps::default()
    };
    let mut f = Flood::new(caps);
    for n in 0..50_000u64 {
        f.at(n as f64 / 5_000.0);
        f.receive(&request(n));
    }
    assert!(f.peak_transactions <= caps.max_server_transactions);
    assert!(f.peak_held <= caps.max_held_bytes, "{}", f.peak_held);
    let stats = f.ep.stats();
    assert!(stats.shed_for_transactions + stats.shed_for_bytes > 0);
    f.settle();
    assert_reflects_at_most_150_percent(&f);
    assert_eq!(f.ep.transaction_count(), 0);
    assert_eq!(f.ep.held_bytes(), 0);
    assert_eq!(f.ep.poll_timeout(), None);
    f
}

#[test]
fn a_flood_of_unanswered_invites_is_bounded_and_given_back() {
    flood(invite);
}

#[test]
fn a_flood_of_registers_is_bounded_and_given_back() {
    flood(|n| register(n, 0));
}

/// An INVITE without its SDP: the smallest a real one gets.
fn bare_invite(n: u64) -> Vec<u8> {
    let text = String::from_utf8(invite(n)).unwrap_or_default();
    let head = text.split("Content-Type").next().unwrap_or_default();
    format!("{head}Content-Length: 0\r\n\r\n").into_bytes()
}

#[test]
fn a_never_acked_invite_gets_its_challenge_and_reflects_at_most_150_percent() {
    for request in [invite(1), bare_invite(2)] {
        let mut f = Flood::new(Caps::default());
        f.receive(&request);
        assert!(f.bytes_out > 0, "the 407 went out");
        // Through Timer G's retransmissions to Timer H, 32 s later.
        f.settle();
        assert_reflects_at_most_150_percent(&f);
        assert_eq!(f.ep.transaction_count(), 0);
        assert!(f.ep.stats().held_back > 0);
    }
}

#[test]
fn an_invite_the_tu_is_slow_to_answer_gets_100_trying_after_200_ms() {
    let mut f = Flood::new(Caps::default());
    let from = SocketAddr::from(ATTACKER);
    f.bytes_in += invite(3).len();
    f.ep.handle_datagram(f.now, from, Transport::Udp, &invite(3));
    let request = f.ep.poll_event();
    assert!(f.ep.poll_transmit().is_none(), "nothing before 200 ms");
    f.ep.handle_timeout(f.now + Duration::from_millis(200));
    let trying = f.ep.poll_transmit().map(|t| t.payload).unwrap_or_default();
    assert!(trying.starts_with(b"SIP/2.0 100 Trying\r\n"));
    assert!(matches!(request, Some(Event::Request { .. })));
}

/// A REGISTER of about 35 KB: a normal top Via, then five more Vias of 7 KB each.
fn fat_register() -> Vec<u8> {
    let text = String::from_utf8(register(7, 0)).unwrap_or_default();
    let pad = "p".repeat(7000);
    let fat: String = (0..5)
        .map(|i| format!("Via: SIP/2.0/UDP 198.51.100.{i}:5060;branch=z9hG4bK-fat{i};x={pad}\r\n"))
        .collect();
    text.replacen("From:", &format!("{fat}From:"), 1)
        .into_bytes()
}

#[test]
fn a_35_kb_register_gets_a_small_401_and_holds_little_for_timer_j() {
    let mut f = Flood::new(Caps::default());
    let request = fat_register();
    assert!(request.len() > 35_000, "{}", request.len());
    f.receive(&request);
    assert!(
        f.bytes_out > 0 && f.bytes_out <= 2048,
        "{} bytes out",
        f.bytes_out
    );
    assert!(f.ep.held_bytes() <= 2048, "{} held", f.ep.held_bytes());
    assert_eq!(f.ep.server_transaction_count(), 1);
    assert_eq!(f.ep.stats().oversized, 1);
}

#[test]
fn an_answer_that_would_copy_an_enormous_from_is_dropped_and_counted() {
    let mut f = Flood::new(Caps::default());
    let text = String::from_utf8(register(8, 0)).unwrap_or_default();
    let fat_from = format!("From: <sip:1001@192.0.2.1;x={}>;tag=r8", "q".repeat(7000));
    let request = text.replacen("From: <sip:1001@192.0.2.1>;tag=r8", &fat_from, 1);
    f.receive(request.as_bytes());
    assert_eq!(f.bytes_out, 0);
    assert_eq!(f.ep.transaction_count(), 0);
    assert_eq!(f.ep.held_bytes(), 0);
    assert_eq!(f.ep.stats().oversized, 1);
}

#[test]
fn a_stateless_400_is_no_larger_than_the_budget() {
    let mut f = Flood::new(Caps::default());
    // Only a Via: the 400 would need stand-ins for From, To, Call-ID and CSeq.
    f.receive(b"OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/UDP 203.0.113.9;branch=z9hG4bK1\r\n\r\n");
    assert_reflects_at_most_150_percent(&f);
    assert_eq!(f.ep.stats().held_back, 1);
}
