//! Call setup through Trunkline with real SIP on UDP: a phone (a line with digest, answering
//! the 407) calls `418` + the call's number, Trunkline places it on the bench trunk, and the
//! provider end here answers. Each end's SDP names the generator's socket of that call; the
//! relay ports come from the SDP Trunkline writes: its 200 to the phone (the caller leg) and
//! its INVITE to the provider (the callee leg). Deliberately small: one dialog per call, no
//! Record-Route, retransmission of the INVITE only, which is what loopback needs.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::time::{Duration, Instant};

use md5::{Digest, Md5};

use crate::load::{CallPorts, Ends};

pub struct Setup {
    pub pbx: SocketAddr,
    pub phone: UdpSocket,
    pub provider: UdpSocket,
    /// Lines 1000.. with password `bench-line-<line>`, used in turn.
    pub lines: usize,
    /// New calls per second.
    pub rate: u64,
}

#[derive(Default, Clone)]
struct Call {
    invite: String,
    sent: Option<Instant>,
    answered: bool,
    failed: bool,
    caller_leg: Option<SocketAddrV4>,
    callee_leg: Option<SocketAddrV4>,
}

const NUMBER_PREFIX: &str = "418";
const RETRANSMIT: Duration = Duration::from_millis(1000);
/// Calls in setup at once.
const WINDOW: usize = 200;

/// A parsed SIP message: its first line, headers (name lowercased) and body.
struct Msg<'a> {
    start: &'a str,
    headers: Vec<(String, &'a str)>,
    body: &'a str,
}

impl<'a> Msg<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let (head, body) = text.split_once("\r\n\r\n")?;
        let mut lines = head.split("\r\n");
        let start = lines.next()?;
        let headers = lines
            .filter_map(|l| {
                let (n, v) = l.split_once(':')?;
                let n = match n.trim().to_ascii_lowercase().as_str() {
                    "i" => "call-id".to_owned(),
                    "v" => "via".to_owned(),
                    "f" => "from".to_owned(),
                    "t" => "to".to_owned(),
                    "m" => "contact".to_owned(),
                    other => other.to_owned(),
                };
                Some((n, v.trim()))
            })
            .collect();
        Some(Self {
            start,
            headers,
            body,
        })
    }

    fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
    }

    fn all(&self, name: &str) -> impl Iterator<Item = &'a str> + '_ {
        let name = name.to_owned();
        self.headers
            .iter()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    fn status(&self) -> Option<u16> {
        self.start.strip_prefix("SIP/2.0 ")?.get(..3)?.parse().ok()
    }
}

/// The audio address an SDP names (`c=` and `m=audio`).
fn sdp_audio(body: &str) -> Option<SocketAddrV4> {
    let mut ip = None;
    let mut port = None;
    for l in body.lines() {
        if let Some(c) = l.strip_prefix("c=IN IP4 ") {
            ip = c.trim().parse().ok();
        }
        if let Some(m) = l.strip_prefix("m=audio ") {
            port = m.split_whitespace().next()?.parse().ok();
        }
    }
    Some(SocketAddrV4::new(ip?, port?))
}

fn sdp(owner: &str, port: u16) -> String {
    format!(
        "v=0\r\no={owner} 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
    )
}

fn param<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .trim_start_matches("Digest")
        .split(',')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().trim_matches('"'))
}

fn md5_hex(s: &str) -> String {
    format!("{:x}", Md5::digest(s.as_bytes()))
}

impl Setup {
    fn local(&self, s: &UdpSocket) -> SocketAddr {
        s.local_addr().unwrap_or(self.pbx)
    }

    fn line(&self, i: usize) -> usize {
        1000 + i % self.lines
    }

    fn invite(&self, i: usize, cseq: u32, auth: Option<String>, ends: &Ends) -> String {
        let me = self.local(&self.phone);
        let line = self.line(i);
        let body = sdp("phone", ends.port(0, i));
        let uri = format!("sip:{NUMBER_PREFIX}{i:06}@{}", self.pbx);
        format!(
            "INVITE {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK-rb{i}-{cseq};rport\r\n\
             From: <sip:{line}@{pbx}>;tag=rb{i}\r\nTo: <{uri}>\r\nCall-ID: relaybench-{i}\r\n\
             CSeq: {cseq} INVITE\r\nContact: <sip:{line}@{me}>\r\nMax-Forwards: 70\r\n{auth}\
             Content-Type: application/sdp\r\nContent-Length: {len}\r\n\r\n{body}",
            pbx = self.pbx,
            auth = auth.map(|a| format!("{a}\r\n")).unwrap_or_default(),
            len = body.len(),
        )
    }

    fn answer_407(&self, i: usize, challenge: &str) -> String {
        let line = self.line(i);
        let realm = param(challenge, "realm").unwrap_or("");
        let nonce = param(challenge, "nonce").unwrap_or("");
        let uri = format!("sip:{NUMBER_PREFIX}{i:06}@{}", self.pbx);
        let ha1 = md5_hex(&format!("{line}:{realm}:bench-line-{line}"));
        let ha2 = md5_hex(&format!("INVITE:{uri}"));
        let opaque = param(challenge, "opaque")
            .map(|o| format!(", opaque=\"{o}\""))
            .unwrap_or_default();
        match param(challenge, "qop") {
            Some(q) if q.split(',').any(|q| q.trim() == "auth") => {
                let cnonce = format!("rb{i}");
                let response = md5_hex(&format!("{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}"));
                format!(
                    "Proxy-Authorization: Digest username=\"{line}\", realm=\"{realm}\", \
                     nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm=MD5, \
                     qop=auth, nc=00000001, cnonce=\"{cnonce}\"{opaque}"
                )
            }
            _ => {
                let response = md5_hex(&format!("{ha1}:{nonce}:{ha2}"));
                format!(
                    "Proxy-Authorization: Digest username=\"{line}\", realm=\"{realm}\", \
                     nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm=MD5{opaque}"
                )
            }
        }
    }

    /// ACK of a response to the INVITE with `cseq`: to the Contact for a 2xx (a new
    /// transaction), on the INVITE's branch otherwise.
    fn ack(&self, i: usize, m: &Msg, cseq: u32, ok: bool) -> String {
        let me = self.local(&self.phone);
        let line = self.line(i);
        let to = m.header("to").unwrap_or("");
        let target = match (ok, m.header("contact")) {
            (true, Some(c)) => c
                .trim_start_matches('<')
                .split(['>', ';'])
                .next()
                .unwrap_or("")
                .to_owned(),
            _ => format!("sip:{NUMBER_PREFIX}{i:06}@{}", self.pbx),
        };
        let branch = if ok {
            format!("z9hG4bK-rb{i}-ack{cseq}")
        } else {
            format!("z9hG4bK-rb{i}-{cseq}")
        };
        format!(
            "ACK {target} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch={branch};rport\r\n\
             From: <sip:{line}@{pbx}>;tag=rb{i}\r\nTo: {to}\r\nCall-ID: relaybench-{i}\r\n\
             CSeq: {cseq} ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
            pbx = self.pbx,
        )
    }

    /// A response to a request, with `body` as SDP when given.
    fn respond(&self, m: &Msg, code: &str, body: Option<String>) -> String {
        let me = self.local(&self.provider);
        let mut out = format!("SIP/2.0 {code}\r\n");
        for v in m.all("via") {
            out.push_str(&format!("Via: {v}\r\n"));
        }
        let to = m.header("to").unwrap_or("");
        let to = if to.contains(";tag=") {
            to.to_owned()
        } else {
            format!("{to};tag=prov")
        };
        out.push_str(&format!(
            "From: {}\r\nTo: {to}\r\nCall-ID: {}\r\nCSeq: {}\r\nContact: <sip:provider@{me}>\r\n",
            m.header("from").unwrap_or(""),
            m.header("call-id").unwrap_or(""),
            m.header("cseq").unwrap_or(""),
        ));
        match body {
            Some(b) => out.push_str(&format!(
                "Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            )),
            None => out.push_str("Content-Length: 0\r\n\r\n"),
        }
        out
    }

    /// Sets up `count` calls within `limit`; their relay ports, or why not.
    pub fn run(
        &self,
        count: usize,
        ends: &Ends,
        limit: Duration,
    ) -> Result<Vec<CallPorts>, String> {
        let start = Instant::now();
        let mut calls = vec![Call::default(); count];
        let mut started = 0;
        let mut open = 0usize;
        let mut done = 0usize;
        let mut buf = vec![0u8; 65536];
        let mut by_call_id: HashMap<String, usize> = HashMap::new();
        for s in [&self.phone, &self.provider] {
            s.set_read_timeout(Some(Duration::from_millis(2)))
                .map_err(|e| e.to_string())?;
        }
        while done < count {
            if start.elapsed() > limit {
                return Err(format!("{done} of {count} calls set up in {limit:?}"));
            }
            let due = (start.elapsed().as_secs_f64() * self.rate as f64) as usize + 1;
            while started < count && started < due && open < WINDOW {
                let c = &mut calls[started];
                c.invite = self.invite(started, 1, None, ends);
                c.sent = Some(Instant::now());
                self.send(&self.phone, &c.invite, self.pbx);
                started += 1;
                open += 1;
            }
            for c in calls[..started].iter_mut() {
                if !c.answered && !c.failed && c.sent.is_some_and(|t| t.elapsed() > RETRANSMIT) {
                    c.sent = Some(Instant::now());
                    self.send(&self.phone, &c.invite, self.pbx);
                }
            }
            for from_phone in [true, false] {
                let sock = if from_phone {
                    &self.phone
                } else {
                    &self.provider
                };
                loop {
                    let (n, peer) = match sock.recv_from(&mut buf) {
                        Ok(r) => r,
                        Err(e)
                            if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                        {
                            break
                        }
                        Err(e) => return Err(e.to_string()),
                    };
                    let Ok(text) = std::str::from_utf8(&buf[..n]) else {
                        continue;
                    };
                    let Some(m) = Msg::parse(text) else { continue };
                    if from_phone {
                        self.on_phone(&m, peer, &mut calls, ends, &mut open, &mut done)?;
                    } else {
                        self.on_provider(&m, peer, &mut calls, &mut by_call_id, ends, &mut done);
                    }
                }
            }
        }
        let ports = calls
            .iter()
            .map(|c| CallPorts {
                to_relay_from_a: c
                    .caller_leg
                    .unwrap_or(SocketAddrV4::new([127, 0, 0, 1].into(), 9)),
                to_relay_from_b: c
                    .callee_leg
                    .unwrap_or(SocketAddrV4::new([127, 0, 0, 1].into(), 9)),
            })
            .collect();
        Ok(ports)
    }

    fn send(&self, sock: &UdpSocket, text: &str, to: SocketAddr) {
        if let Err(e) = sock.send_to(text.as_bytes(), to) {
            eprintln!("relay bench: SIP send failed: {e}");
        }
    }

    /// Responses to the phone's INVITEs, and any request Trunkline sends it.
    fn on_phone(
        &self,
        m: &Msg,
        peer: SocketAddr,
        calls: &mut [Call],
        ends: &Ends,
        open: &mut usize,
        done: &mut usize,
    ) -> Result<(), String> {
        let Some(code) = m.status() else {
            // A request in a dialog (a BYE, an OPTIONS): answered, so no retransmission.
            if !m.start.starts_with("ACK") {
                let reply = self.respond(m, "200 OK", None);
                self.send(&self.phone, &reply, peer);
            }
            return Ok(());
        };
        let Some(i) = m
            .header("call-id")
            .and_then(|c| c.strip_prefix("relaybench-"))
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&i| i < calls.len())
        else {
            return Ok(());
        };
        let cseq: u32 = m
            .header("cseq")
            .and_then(|c| c.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        match code {
            100..=199 => {
                calls[i].sent = Some(Instant::now() + Duration::from_secs(30));
            }
            407 | 401 if cseq == 1 => {
                self.send(&self.phone, &self.ack(i, m, cseq, false), self.pbx);
                let challenge = m
                    .header("proxy-authenticate")
                    .or(m.header("www-authenticate"))
                    .unwrap_or("");
                let auth = self.answer_407(i, challenge);
                let c = &mut calls[i];
                if c.invite.contains("CSeq: 1 INVITE") {
                    c.invite = self.invite(i, 2, Some(auth), ends);
                    c.sent = Some(Instant::now());
                    self.send(&self.phone, &c.invite, self.pbx);
                }
            }
            200..=299 => {
                self.send(&self.phone, &self.ack(i, m, cseq, true), self.pbx);
                let c = &mut calls[i];
                if !c.answered {
                    c.answered = true;
                    c.caller_leg = sdp_audio(m.body);
                    if c.caller_leg.is_none() {
                        return Err(format!("call {i}: 200 without audio in its SDP"));
                    }
                    *open -= 1;
                    if c.callee_leg.is_some() {
                        *done += 1;
                    }
                }
            }
            _ => {
                self.send(&self.phone, &self.ack(i, m, cseq, false), self.pbx);
                return Err(format!("call {i} failed: {}", m.start));
            }
        }
        Ok(())
    }

    /// Trunkline's requests to the provider: each INVITE answered with the call's SDP.
    fn on_provider(
        &self,
        m: &Msg,
        peer: SocketAddr,
        calls: &mut [Call],
        by_call_id: &mut HashMap<String, usize>,
        ends: &Ends,
        done: &mut usize,
    ) {
        if m.status().is_some() || m.start.starts_with("ACK") {
            return;
        }
        if !m.start.starts_with("INVITE") {
            let reply = self.respond(m, "200 OK", None);
            self.send(&self.provider, &reply, peer);
            return;
        }
        let call_id = m.header("call-id").unwrap_or("").to_owned();
        let number = m
            .start
            .split_whitespace()
            .nth(1)
            .and_then(|u| u.strip_prefix("sip:"))
            .and_then(|u| u.split(['@', ';']).next())
            .and_then(|u| u.strip_prefix(NUMBER_PREFIX))
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&i| i < calls.len());
        let Some(i) = by_call_id.get(&call_id).copied().or(number) else {
            let reply = self.respond(m, "404 Not Found", None);
            self.send(&self.provider, &reply, peer);
            return;
        };
        by_call_id.insert(call_id, i);
        let c = &mut calls[i];
        if c.callee_leg.is_none() {
            c.callee_leg = sdp_audio(m.body);
            if c.answered && c.callee_leg.is_some() {
                *done += 1;
            }
        }
        let reply = self.respond(m, "200 OK", Some(sdp("provider", ends.port(1, i))));
        self.send(&self.provider, &reply, peer);
    }
}
