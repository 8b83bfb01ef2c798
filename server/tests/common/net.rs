//! Ports and sockets of the tests' own processes: a port free for UDP and
//! TCP alike, whether a process listens yet (read from /proc, so asking
//! never takes the port), and a bounded wait for something to be ready.
//! Nothing here binds for longer than the question takes.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Ports [`free_port`] handed out in this process: the kernel may offer a
/// released port again at once, and two peers of one test on one port
/// would steal each other's datagrams.
static GIVEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

/// A port of 127.0.0.1 free for both UDP and TCP (SIPp and the server
/// listen on both with `-t t1` / `--sip`), never handed out before in
/// this process.
///
/// # Panics
/// When 100 ports offered by the kernel in a row were all taken on one
/// side or already given.
pub fn free_port() -> u16 {
    for _ in 0..100 {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP probe on 127.0.0.1");
        let port = udp.local_addr().expect("probe address").port();
        if TcpListener::bind(("127.0.0.1", port)).is_err() {
            continue;
        }
        if GIVEN.lock().expect("ports handed out").insert(port) {
            return port;
        }
    }
    panic!("no port of 127.0.0.1 free for UDP and TCP in 100 tries");
}

/// The transport of a socket to look for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Udp,
    Tcp,
}

/// True once the network namespace of process `pid` (None: this one) has
/// a socket that receives on `ip`:`port`: bound there or on 0.0.0.0, and
/// for TCP listening. Read from /proc/<pid>/net/{udp,tcp}, which shows the
/// sockets of that process's namespace.
pub fn listens(pid: Option<u32>, proto: Proto, ip: Ipv4Addr, port: u16) -> bool {
    let table = match proto {
        Proto::Udp => "udp",
        Proto::Tcp => "tcp",
    };
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/net/{table}"),
        None => format!("/proc/net/{table}"),
    };
    // The kernel prints the address as the u32 it holds (network order) in hex.
    let hex = |ip: Ipv4Addr| format!("{:08X}:{port:04X}", u32::from_le_bytes(ip.octets()));
    let wanted = [hex(ip), hex(Ipv4Addr::UNSPECIFIED)];
    std::fs::read_to_string(path).is_ok_and(|text| {
        text.lines().skip(1).any(|line| {
            let mut cells = line.split_whitespace().skip(1);
            let local = cells.next().unwrap_or_default();
            let st = cells.nth(1).unwrap_or_default();
            // 0A: TCP_LISTEN. Any UDP socket bound there receives.
            wanted.iter().any(|w| w == local) && (proto == Proto::Udp || st == "0A")
        })
    })
}

/// Polls `ready` every 20 ms until it holds.
///
/// # Panics
/// After `limit` (or 1,000 polls) without it, saying what was awaited.
pub async fn wait_until(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    for _ in 0..1_000 {
        if ready() {
            return;
        }
        if Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what}: not within {limit:?}");
}
