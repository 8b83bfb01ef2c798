//! Shared helpers for integration tests: building requests and reading the fake wire.
#![allow(dead_code)]

pub mod console;
pub mod flooder;
pub mod lab;
pub mod net;
pub mod office;
pub mod openapi;
pub mod pbx;
pub mod registrar;
pub mod rest;
pub mod serve;
pub mod sipp;

use std::time::Instant;

use trunkline::sip::proto::harness::{Harness, Packet};
use trunkline::sip::proto::header::NameAddr;
use trunkline::sip::proto::message::{self, Limits, Message, Method};
use trunkline::sip::proto::{Endpoint, Event, Request, Response, TxId};

pub fn uri(s: &str) -> rsip::Uri {
    rsip::Uri::try_from(s).expect("test URI")
}

pub fn request(ep: &mut Endpoint, method: Method) -> Request {
    ep.new_request(
        method,
        uri("sip:bob@10.0.0.2"),
        NameAddr::new("sip:alice@10.0.0.1"),
        NameAddr::new("sip:bob@10.0.0.2"),
    )
}

pub fn parse(p: &Packet) -> Message {
    message::parse(&p.payload, &Limits::default()).expect("wire message parses")
}

/// Send times (seconds from start) of requests with `method` sent by `from_a`.
pub fn request_times(h: &Harness, method: Method, from_a: bool) -> Vec<f64> {
    let addr = if from_a { h.a.addr } else { h.b.addr };
    h.wire
        .iter()
        .filter(|p| p.from == addr)
        .filter(|p| matches!(parse(p), Message::Request(r) if r.method == method))
        .map(|p| h.elapsed(p.sent_at))
        .collect()
}

/// Send times of responses with `status` sent by `from_a`.
pub fn response_times(h: &Harness, status: u16, from_a: bool) -> Vec<f64> {
    let addr = if from_a { h.a.addr } else { h.b.addr };
    h.wire
        .iter()
        .filter(|p| p.from == addr)
        .filter(|p| matches!(parse(p), Message::Response(r) if r.status == status))
        .map(|p| h.elapsed(p.sent_at))
        .collect()
}

pub fn gaps(times: &[f64]) -> Vec<f64> {
    times
        .windows(2)
        .map(|w| ((w[1] - w[0]) * 1000.0).round() / 1000.0)
        .collect()
}

/// A TU that answers every request with `status`.
pub fn answer_with(status: u16) -> impl FnMut(Instant, &mut Endpoint, &Event) {
    move |now, ep, ev| {
        if let Event::Request { tx, request, .. } = ev {
            if request.method != Method::Ack {
                let reason = message::default_reason(status);
                let _ = ep.respond(now, *tx, Response::for_request(request, status, reason));
            }
        }
    }
}

pub fn responses(events: &[(Instant, Event)]) -> Vec<(TxId, u16)> {
    events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::Response { tx, response } => Some((*tx, response.status)),
            _ => None,
        })
        .collect()
}
