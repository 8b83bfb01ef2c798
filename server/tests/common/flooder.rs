//! A bounded UDP flood from one socket on loopback: new requests, each with its own Call-ID and
//! branch as a scanner's are, paced (at a fixed rate, or rising until the server falls behind),
//! answers read and counted as they come.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// Which requests a flood sends.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// INVITEs without credentials, never ACKed: each is challenged and kept until Timer H.
    Invites,
    /// REGISTERs and INVITEs in turn.
    RegistersAndInvites,
}

/// Request number `n` of a flood from `local` to Trunkline's `sip_port`.
pub fn request(kind: Kind, n: u64, local: SocketAddr, sip_port: u16) -> String {
    let method = match kind {
        Kind::RegistersAndInvites if n.is_multiple_of(2) => "REGISTER",
        _ => "INVITE",
    };
    let user = 1000 + n % 1000;
    format!(
        "{method} sip:{user}@127.0.0.1:{sip_port} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {local};branch=z9hG4bKflood{n};rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:{user}@127.0.0.1>;tag=f{n}\r\n\
         To: <sip:{user}@127.0.0.1>\r\n\
         Call-ID: flood-{n}@{local}\r\n\
         CSeq: 1 {method}\r\n\
         Contact: <sip:{user}@{local}>\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

/// What a flood did.
#[derive(Debug, Clone, Copy)]
pub struct Flooded {
    pub sent: u64,
    pub answers: u64,
    pub took: Duration,
    /// The rate it ended at, a second.
    pub rate: u64,
}

/// How a flood is paced.
#[derive(Debug, Clone, Copy)]
pub enum Pace {
    /// This many requests a second throughout.
    Fixed(u64),
    /// Starts at `from` a second and doubles, up to `most`, each half second in which the server
    /// answered nearly everything it was sent: whatever the machine, the flood ends up above what
    /// the server answers (a test about saturation must not pass or fail with the CPU's speed).
    AboveServer { from: u64, most: u64 },
}

/// A half second in which at least this share (per mille) was answered was not above the server.
const KEPT_UP: u64 = 950;
const STEP: Duration = Duration::from_millis(500);

/// Sends `kind` requests from `from_ip` to 127.0.0.1:`sip_port` at `pace`, until `count` are
/// sent or `limit` has passed; reads the answers as it goes and for 1 s after.
/// Blocking: run it on a thread of its own.
pub fn flood(
    kind: Kind,
    from_ip: &str,
    sip_port: u16,
    pace: Pace,
    count: u64,
    limit: Duration,
) -> Flooded {
    let socket = UdpSocket::bind((from_ip, 0)).expect("bind the flooder");
    socket.set_nonblocking(true).expect("nonblocking");
    let local = socket.local_addr().expect("local");
    let (mut sent, mut answers) = (0u64, 0u64);
    let mut buf = vec![0u8; 65_536];
    let (mut rate, most) = match pace {
        Pace::Fixed(rate) => (rate, rate),
        Pace::AboveServer { from, most } => (from, most),
    };
    let start = Instant::now();
    // The current step: when it began, and what had been sent and answered by then.
    let (mut step_at, mut step_sent, mut step_answers) = (start, 0u64, 0u64);
    while sent < count && start.elapsed() < limit {
        let due = (step_sent + (step_at.elapsed().as_secs_f64() * rate as f64) as u64).min(count);
        while sent < due {
            let request = request(kind, sent, local, sip_port);
            if socket
                .send_to(request.as_bytes(), ("127.0.0.1", sip_port))
                .is_err()
            {
                break;
            }
            sent += 1;
        }
        while socket.recv_from(&mut buf).is_ok() {
            answers += 1;
        }
        if step_at.elapsed() >= STEP {
            let (stepped, answered) = (sent - step_sent, answers - step_answers);
            if answered * 1000 >= stepped * KEPT_UP {
                rate = (rate * 2).min(most);
            }
            (step_at, step_sent, step_answers) = (Instant::now(), sent, answers);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let took = start.elapsed();
    let drain_until = Instant::now() + Duration::from_secs(1);
    while Instant::now() < drain_until {
        match socket.recv_from(&mut buf) {
            Ok(_) => answers += 1,
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    Flooded {
        sent,
        answers,
        took,
        rate,
    }
}
