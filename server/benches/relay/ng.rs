//! Call setup on rtpengine through its ng control protocol: bencoded dictionaries over UDP,
//! each behind a cookie. `offer` takes the caller's SDP and returns the one for the callee
//! (naming rtpengine's callee-leg port), `answer` takes the callee's and returns the one for
//! the caller (its caller-leg port), `delete` ends the call.

use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::time::Duration;

use crate::load::{CallPorts, Ends};

pub struct Ng {
    sock: UdpSocket,
    daemon: SocketAddr,
    cookie: u64,
}

/// A bencoded string.
fn b(s: &str) -> String {
    format!("{}:{s}", s.len())
}

fn dict(pairs: &[(&str, &str)]) -> String {
    let mut out = String::from("d");
    for (k, v) in pairs {
        out.push_str(&b(k));
        out.push_str(&b(v));
    }
    out.push('e');
    out
}

/// The value of a top-level string key of a bencoded dictionary (the replies are flat in
/// what we read: `result`, `sdp`, `error-reason`).
fn lookup(reply: &[u8], key: &str) -> Option<String> {
    let mut i = 1; // past 'd'
    while i < reply.len() && reply[i] != b'e' {
        let (k, next) = string(reply, i)?;
        i = next;
        match reply.get(i)? {
            b'0'..=b'9' => {
                let (v, next) = string(reply, i)?;
                if k == key.as_bytes() {
                    return Some(String::from_utf8_lossy(v).into_owned());
                }
                i = next;
            }
            _ => i = skip(reply, i)?,
        }
    }
    None
}

fn string(s: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let colon = i + s[i..].iter().position(|&c| c == b':')?;
    let len: usize = std::str::from_utf8(&s[i..colon]).ok()?.parse().ok()?;
    let end = colon + 1 + len;
    Some((s.get(colon + 1..end)?, end))
}

/// Past one value (integer, list or dictionary) at `i`.
fn skip(s: &[u8], i: usize) -> Option<usize> {
    match s.get(i)? {
        b'i' => Some(i + s[i..].iter().position(|&c| c == b'e')? + 1),
        b'l' | b'd' => {
            let mut j = i + 1;
            while *s.get(j)? != b'e' {
                j = match s[j] {
                    b'0'..=b'9' => string(s, j)?.1,
                    _ => skip(s, j)?,
                };
            }
            Some(j + 1)
        }
        b'0'..=b'9' => Some(string(s, i)?.1),
        _ => None,
    }
}

fn sdp(owner: &str, port: u16) -> String {
    format!(
        "v=0\r\no={owner} 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
    )
}

fn audio(sdp: &str) -> Option<SocketAddrV4> {
    let mut ip = None;
    let mut port = None;
    for l in sdp.lines() {
        if let Some(c) = l.strip_prefix("c=IN IP4 ") {
            ip = c.trim().parse().ok();
        }
        if let Some(m) = l.strip_prefix("m=audio ") {
            port = m.split_whitespace().next()?.parse().ok();
        }
    }
    Some(SocketAddrV4::new(ip?, port?))
}

impl Ng {
    pub fn new(daemon: SocketAddr) -> std::io::Result<Self> {
        let sock = UdpSocket::bind("127.0.0.1:0")?;
        sock.set_read_timeout(Some(Duration::from_millis(500)))?;
        Ok(Self {
            sock,
            daemon,
            cookie: 0,
        })
    }

    /// One command and its reply, tried three times.
    fn command(&mut self, body: &str) -> Result<Vec<u8>, String> {
        self.cookie += 1;
        let cookie = format!("rb{}", self.cookie);
        let message = format!("{cookie} {body}");
        let mut buf = vec![0u8; 65536];
        for _ in 0..3 {
            self.sock
                .send_to(message.as_bytes(), self.daemon)
                .map_err(|e| e.to_string())?;
            // Until the read times out: a late reply to an earlier command is skipped.
            while let Ok(n) = self.sock.recv(&mut buf) {
                if let Some(rest) = buf[..n].strip_prefix(format!("{cookie} ").as_bytes()) {
                    return Ok(rest.to_vec());
                }
            }
        }
        Err(format!(
            "rtpengine did not answer {}",
            body.get(..40).unwrap_or(body)
        ))
    }

    fn sdp_command(&mut self, pairs: &[(&str, &str)]) -> Result<SocketAddrV4, String> {
        let reply = self.command(&dict(pairs))?;
        if lookup(&reply, "result").as_deref() != Some("ok") {
            return Err(format!(
                "rtpengine refused: {}",
                lookup(&reply, "error-reason").unwrap_or_default()
            ));
        }
        lookup(&reply, "sdp")
            .as_deref()
            .and_then(audio)
            .ok_or_else(|| "rtpengine's SDP has no audio".to_owned())
    }

    /// Offer and answer for each call.
    pub fn setup(&mut self, count: usize, ends: &Ends) -> Result<Vec<CallPorts>, String> {
        (0..count)
            .map(|i| {
                let call_id = format!("relaybench-{i}");
                let offer = sdp("phone", ends.port(0, i));
                let toward_b = self.sdp_command(&[
                    ("command", "offer"),
                    ("call-id", &call_id),
                    ("from-tag", "a"),
                    ("sdp", &offer),
                ])?;
                let answer = sdp("provider", ends.port(1, i));
                let toward_a = self.sdp_command(&[
                    ("command", "answer"),
                    ("call-id", &call_id),
                    ("from-tag", "a"),
                    ("to-tag", "b"),
                    ("sdp", &answer),
                ])?;
                Ok(CallPorts {
                    to_relay_from_a: toward_a,
                    to_relay_from_b: toward_b,
                })
            })
            .collect()
    }

    pub fn delete(&mut self, count: usize) {
        for i in 0..count {
            let call_id = format!("relaybench-{i}");
            let body = dict(&[
                ("command", "delete"),
                ("call-id", &call_id),
                ("from-tag", "a"),
            ]);
            if let Err(e) = self.command(&body) {
                eprintln!("relay bench: {e}");
                return;
            }
        }
    }
}
