//! Benchmark (plain main): messages parsed per second and non-INVITE transactions completed per
//! second on one core, both endpoints in-process over a fake UDP wire. Run with `cargo bench`.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use trunkline::sip::proto::header::NameAddr;
use trunkline::sip::proto::message::{self, Limits, Method};
use trunkline::sip::proto::{Endpoint, EndpointConfig, Event, Response, Transport};

const MSG: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\nMax-Forwards: 70\r\nTo: Bob <sip:bob@biloxi.example.com>\r\nFrom: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\nCall-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 314159 INVITE\r\nContact: <sip:alice@pc33.atlanta.example.com>\r\nContent-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n";

fn bench_parse() -> f64 {
    let limits = Limits::default();
    let n = 200_000;
    let start = Instant::now();
    for _ in 0..n {
        black_box(message::parse(black_box(MSG.as_bytes()), &limits).is_ok());
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn bench_transactions() -> f64 {
    let a_addr: SocketAddr = ([10, 0, 0, 1], 5060).into();
    let b_addr: SocketAddr = ([10, 0, 0, 2], 5060).into();
    let mut a = Endpoint::new(EndpointConfig::default(), 1);
    let mut b = Endpoint::new(EndpointConfig::default(), 2);
    let uri = rsip::Uri::try_from("sip:bob@10.0.0.2").unwrap_or_default();
    let mut now = Instant::now();
    let n = 100_000;
    let mut completed = 0u64;
    let start = Instant::now();
    for _ in 0..n {
        let req = a.new_request(
            Method::Options,
            uri.clone(),
            NameAddr::new("sip:alice@10.0.0.1"),
            NameAddr::new("sip:bob@10.0.0.2"),
        );
        let _ = a.send_request(now, req, b_addr, Transport::Udp);
        while let Some(t) = a.poll_transmit() {
            b.handle_datagram(now, a_addr, Transport::Udp, &t.payload);
        }
        while let Some(ev) = b.poll_event() {
            if let Event::Request { tx, request, .. } = ev {
                let _ = b.respond(now, tx, Response::for_request(&request, 200, "OK"));
            }
        }
        while let Some(t) = b.poll_transmit() {
            a.handle_datagram(now, b_addr, Transport::Udp, &t.payload);
        }
        while let Some(ev) = a.poll_event() {
            if matches!(ev, Event::Response { ref response, .. } if response.status == 200) {
                completed += 1;
            }
        }
        // Simulated time moves 1 ms per transaction so Timers K and J reap finished ones.
        now += Duration::from_millis(1);
        a.handle_timeout(now);
        b.handle_timeout(now);
    }
    assert_eq!(completed, n);
    completed as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    println!("parser: {:.0} messages/s", bench_parse());
    println!(
        "non-INVITE transactions (both ends, UDP): {:.0} transactions/s",
        bench_transactions()
    );
}
