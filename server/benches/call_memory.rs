//! Benchmark (plain main): where the heap of a call in progress goes (issue 20, item 4).
//! Drives the SIP core as the runtime does (an `Endpoint` and `Calls`, fake clock, no
//! sockets) through `BENCH_N` outgoing calls shaped as `scripts/bench-sip` places them:
//! the phone's INVITE challenged with 407 and sent again with credentials, the trunk's
//! INVITE challenged by the provider and sent again, 180, 200 with SDP, the phone's ACK;
//! direct media (no relay), or with `BENCH_ANCHORED=1` media anchored (each call given
//! relay ports, its SDP rewritten both ways; the relay itself is `trunk_memory`'s). After each step it prints the bytes the PBX's side holds per
//! call, as the allocator hands them out (`mi_usable_size`), counted only for what the
//! PBX allocates: the scripted phone and provider are plain text and count nothing.
//! Then the same calls once the transactions kept for Timers D, I, L and M are gone, and
//! what `Calls` and the `Endpoint` each hold. Run with
//! `cargo bench -p trunkline --bench call_memory`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use trunkline::sip::proto::call::{
    CallLabels, CallerId, Calls, Inbound, MediaPorts, NewCall, Target, TrunkCredentials,
    TrunkMedia, TrunkTarget,
};
use trunkline::sip::proto::header::NameAddr;
use trunkline::sip::proto::message::ExtraHeader;
use trunkline::sip::proto::{Endpoint, EndpointConfig, Event, Response, Transport};

#[path = "common/counting.rs"]
mod counting;

use counting::{live, marked as pbx, only_marked, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

const PHONE: &str = "10.0.0.1:5062";
const PROVIDER: &str = "10.0.0.9:5060";
const SDP_PHONE: &str = "v=0\r\no=phone 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n";
const SDP_PROVIDER: &str = "v=0\r\no=provider 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n";

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("an address")
}

/// The PBX's side: its endpoint, its calls, and the clock.
struct Pbx {
    ep: Endpoint,
    calls: Calls,
    now: Instant,
    /// Media anchored: the next call's relay ports (none: direct media).
    ports: Option<u16>,
}

/// What the PBX sent, as text, for the scripted peers (their own allocations, uncounted).
struct Sent {
    to: SocketAddr,
    text: String,
}

impl Pbx {
    /// Delivers `text` from `from`, lets the core act, and returns what it sent.
    fn deliver(&mut self, from: &str, text: &str) -> Vec<Sent> {
        let from = addr(from);
        pbx(|| {
            self.ep
                .handle_datagram(self.now, from, Transport::Udp, text.as_bytes());
        });
        self.settle()
    }

    /// Events to their users (a new INVITE: a challenge, or a call as the runtime routes
    /// it), then the datagrams out, until nothing moves.
    fn settle(&mut self) -> Vec<Sent> {
        let mut sent = Vec::new();
        while let Some(ev) = pbx(|| self.ep.poll_event()) {
            pbx(|| self.route(ev));
        }
        // The payload is the PBX's (freed as the PBX), its text copy the peer's.
        while let Some(t) = pbx(|| self.ep.poll_transmit()) {
            let text = String::from_utf8_lossy(&t.payload).into_owned();
            sent.push(Sent { to: t.dest, text });
            pbx(|| drop(t));
        }
        pbx(|| while self.calls.poll_event().is_some() {});
        sent
    }

    /// What the lines task and the dial plan do with a request no call claims.
    fn route(&mut self, ev: Event) {
        if self.calls.handle_event(self.now, &mut self.ep, &ev) {
            return;
        }
        let Event::Request {
            tx,
            request,
            source,
            transport,
        } = ev
        else {
            return;
        };
        if request.headers.proxy_authorization.is_empty() {
            // Reception's challenge (its digest check is the registration benchmark's).
            let mut challenge =
                Response::for_request(&request, 407, "Proxy Authentication Required");
            challenge.headers.to = challenge.headers.to.with_tag("pbx407");
            challenge.headers.extra.push(ExtraHeader {
                name: "Proxy-Authenticate".into(),
                value: "Digest realm=\"trunkline\", nonce=\"0123456789abcdef\", algorithm=MD5"
                    .into(),
            });
            let _ = self.ep.respond(self.now, tx, challenge);
            return;
        }
        let inbound = Inbound {
            tx,
            request,
            source,
            transport,
        };
        let ports = self.ports.map(|next| {
            self.ports = Some(next.wrapping_add(4));
            MediaPorts {
                caller: next,
                callee: next.wrapping_add(2),
            }
        });
        self.calls
            .start(self.now, &mut self.ep, inbound, new_call(ports));
    }
}

/// The outgoing call as the dial plan routes it: one trunk, with credentials; with `ports`,
/// media anchored on them.
fn new_call(ports: Option<MediaPorts>) -> NewCall {
    NewCall {
        target: Target::Trunks(vec![TrunkTarget {
            trunk_id: 1,
            name: "provider".into(),
            request_uri: "sip:4185551234@10.0.0.9:5060".into(),
            from_domain: "10.0.0.2".into(),
            from_user: None,
            caller_id: CallerId {
                name: Some("Front Desk".into()),
                number: Some("4185550000".into()),
                anonymous: false,
            },
            dest: addr(PROVIDER),
            transport: Transport::Udp,
            credentials: Some(TrunkCredentials {
                username: "office".into(),
                password: "secret".into(),
            }),
            media: TrunkMedia::default(),
            call_limit: 0,
            skipped: None,
            force_rport: false,
        }]),
        labels: CallLabels {
            caller: "Front Desk (1000)".into(),
            callee: "provider".into(),
            dialed: "4185551234".into(),
        },
        from: NameAddr::new("sip:1000@10.0.0.2"),
        ring_time: None,
        caller_is_phone: true,
        caller_force_rport: false,
        from_trunk: None,
        direct_media: ports.is_none(),
        caller_symmetric_rtp: true,
        caller_timeouts: Default::default(),
        caller_dtmf_info: false,
        media: ports,
    }
}

/// Header line `name` of `text` (the whole line), as the PBX printed it.
fn header<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines()
        .find(|l| {
            l.split_once(':')
                .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        })
        .unwrap_or_default()
}

fn is_request(text: &str, method: &str) -> bool {
    text.starts_with(method) && text[method.len()..].starts_with(' ')
}

fn status(text: &str) -> Option<u16> {
    text.strip_prefix("SIP/2.0 ")?.get(..3)?.parse().ok()
}

/// The provider's answer to `invite` (the PBX's INVITE text): `code`, its To tagged, with
/// `more` header lines and SDP on a 200.
fn answer(invite: &str, code: u16, reason: &str, more: &str) -> String {
    let vias: Vec<&str> = invite.lines().filter(|l| l.starts_with("Via:")).collect();
    let body = if code == 200 { SDP_PROVIDER } else { "" };
    let kind = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    format!(
        "SIP/2.0 {code} {reason}\r\n{}\r\n{}\r\n{};tag=prov\r\n{}\r\n{}\r\n\
         Contact: <sip:4185551234@{PROVIDER}>\r\n{more}{kind}Content-Length: {}\r\n\r\n{body}",
        vias.join("\r\n"),
        header(invite, "From"),
        header(invite, "To"),
        header(invite, "Call-ID"),
        header(invite, "CSeq"),
        body.len()
    )
}

/// The phone's INVITE of call `n` (CSeq `seq`, with credentials from the second on).
fn phone_invite(n: usize, seq: u32) -> String {
    let auth = if seq > 1 {
        "Proxy-Authorization: Digest username=\"1000\", realm=\"trunkline\", \
         nonce=\"0123456789abcdef\", uri=\"sip:4185551234@10.0.0.2:5060\", \
         response=\"00112233445566778899aabbccddeeff\", algorithm=MD5\r\n"
    } else {
        ""
    };
    format!(
        "INVITE sip:4185551234@10.0.0.2:5060 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-{n}-{seq};rport\r\n\
         Max-Forwards: 70\r\n\
         From: \"1000\" <sip:1000@10.0.0.2:5060>;tag={n}-phone\r\n\
         To: <sip:4185551234@10.0.0.2:5060>\r\n\
         Call-ID: {n}-bench@10.0.0.1\r\n\
         CSeq: {seq} INVITE\r\n\
         Contact: <sip:1000@10.0.0.1:5062>\r\n\
         {auth}User-Agent: SIPp\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{SDP_PHONE}",
        SDP_PHONE.len()
    )
}

/// The phone's ACK of call `n` to `response` (the 407 of CSeq 1, or the 200 of CSeq 2).
fn phone_ack(n: usize, seq: u32, response: &str) -> String {
    // A 2xx's ACK is a new transaction; a failure's reuses the INVITE's branch (§17.1.1.3).
    let branch = if seq == 1 {
        format!("z9hG4bK-{n}-1")
    } else {
        format!("z9hG4bK-{n}-ack")
    };
    format!(
        "ACK sip:4185551234@10.0.0.2:5060 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 10.0.0.1:5062;branch={branch};rport\r\n\
         Max-Forwards: 70\r\n\
         From: \"1000\" <sip:1000@10.0.0.2:5060>;tag={n}-phone\r\n\
         {}\r\n\
         Call-ID: {n}-bench@10.0.0.1\r\n\
         CSeq: {seq} ACK\r\n\
         Content-Length: 0\r\n\r\n",
        header(response, "To")
    )
}

fn find<'a>(sent: &'a [Sent], to: &str, pick: impl Fn(&str) -> bool) -> Option<&'a str> {
    let to = addr(to);
    sent.iter()
        .find(|s| s.to == to && pick(&s.text))
        .map(|s| s.text.as_str())
}

/// Per call: bytes and blocks held beyond `base`.
fn per_call(base: (isize, isize), n: usize) -> String {
    let (bytes, blocks) = live();
    let n = n.max(1) as f64;
    format!(
        "{:>8.0} B  {:>6.1} blocks",
        (bytes - base.0) as f64 / n,
        (blocks - base.1) as f64 / n
    )
}

fn main() {
    let n: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let anchored = std::env::var("BENCH_ANCHORED").is_ok_and(|v| v == "1");
    // The scripted phone and provider are not counted, only what the PBX does.
    only_marked();
    let start = Instant::now();
    let zero = live();
    let mut p = pbx(|| Pbx {
        ep: Endpoint::new(
            EndpointConfig {
                via_host: "10.0.0.2".into(),
                via_port: 5060,
                ..EndpointConfig::default()
            },
            7,
        ),
        calls: Calls::new(),
        now: start,
        ports: anchored.then_some(10000),
    });
    let base = live();
    let media = if anchored {
        "media anchored"
    } else {
        "direct media"
    };
    println!("call_memory: {n} calls, phone 407 + provider 407, {media}; per call:");
    let mut broken = 0usize;
    // Step by step for every call, so that each figure is what one step adds.
    let mut invites = Vec::with_capacity(n);
    for k in 0..n {
        let sent = p.deliver(PHONE, &phone_invite(k, 1));
        if let Some(challenge) = find(&sent, PHONE, |t| status(t) == Some(407)) {
            let _ = p.deliver(PHONE, &phone_ack(k, 1, challenge));
        } else {
            broken += 1;
        }
    }
    println!(
        "  phone's INVITE challenged and ACKed:        {}",
        per_call(base, n)
    );
    for k in 0..n {
        let sent = p.deliver(PHONE, &phone_invite(k, 2));
        let Some(first) = find(&sent, PROVIDER, |t| is_request(t, "INVITE")) else {
            broken += 1;
            invites.push(None);
            continue;
        };
        let more =
            "Proxy-Authenticate: Digest realm=\"provider\", nonce=\"abc\", algorithm=MD5\r\n";
        let sent = p.deliver(
            PROVIDER,
            &answer(first, 407, "Proxy Authentication Required", more),
        );
        invites.push(find(&sent, PROVIDER, |t| is_request(t, "INVITE")).map(str::to_owned));
    }
    println!(
        "  the call, its trunk INVITE sent again:      {}",
        per_call(base, n)
    );
    for invite in invites.iter().flatten() {
        let _ = p.deliver(PROVIDER, &answer(invite, 180, "Ringing", ""));
    }
    println!(
        "  ringing (180):                              {}",
        per_call(base, n)
    );
    let mut oks = Vec::with_capacity(n);
    for (k, invite) in invites.iter().enumerate() {
        let Some(invite) = invite else { continue };
        let sent = p.deliver(PROVIDER, &answer(invite, 200, "OK", ""));
        oks.push((
            k,
            find(&sent, PHONE, |t| status(t) == Some(200)).map(str::to_owned),
        ));
    }
    println!(
        "  answered (200 both ways):                   {}",
        per_call(base, n)
    );
    for (k, ok) in &oks {
        match ok {
            Some(ok) => {
                let _ = p.deliver(PHONE, &phone_ack(*k, 2, ok));
            }
            None => broken += 1,
        }
    }
    let up = live();
    println!(
        "  the phone's ACK (what bench-sip measures):  {}",
        per_call(base, n)
    );
    // Every transaction's wait (Timer D, I, L, M: 32 s at most over UDP) runs out; Timer I
    // (5 s) first.
    for step in 0..4 {
        p.now += Duration::from_secs(10);
        pbx(|| {
            p.ep.handle_timeout(p.now);
            p.calls.handle_timeout(p.now, &mut p.ep);
        });
        let _ = p.settle();
        if step == 0 {
            println!(
                "  10 s later (Timer I over):                  {}",
                per_call(base, n)
            );
        }
    }
    let settled = live();
    println!(
        "  40 s later, transactions gone:              {}",
        per_call(base, n)
    );
    let Pbx { ep, calls, .. } = p;
    pbx(|| drop(calls));
    let without_calls = live();
    pbx(|| drop(ep));
    let nf = n.max(1) as f64;
    println!(
        "  of which the calls {:.0} B, the endpoint {:.0} B (with transactions: endpoint and \
         calls together {:.0} B); left after both are gone: {} B (0: every byte counted)",
        (settled.0 - without_calls.0) as f64 / nf,
        (without_calls.0 - base.0) as f64 / nf,
        (up.0 - base.0) as f64 / nf,
        live().0 - zero.0
    );
    if broken > 0 {
        println!("  {broken} calls did not go as scripted: the figures are not those of {n} calls");
    }
}
