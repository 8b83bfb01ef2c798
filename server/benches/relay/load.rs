//! The media load: G.711 (PCMU, payload type 0, 160 bytes every 20 ms) both ways on every
//! call, sent and received with batched system calls (`sendmmsg`, `recvmmsg`) so that the
//! generator outruns the relay it measures. Each packet carries its send time and its call
//! and direction (in the SSRC), so the receiver computes the time through the relay, the
//! RFC 3550 interarrival jitter of each stream, and the loss each way.
//!
//! The calls' endpoints share a few sockets per side (`SOCKETS`): with one socket per call
//! end, each socket would carry one packet per 20 ms and no batch would ever hold more than
//! one, so the generator would pay a system call per packet, as the relay does, and measure
//! itself. The relay still sees what it sees in production: a socket pair per leg per call,
//! each packet sent to the address the call's SDP named.

use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// RTP header (12) and 20 ms of PCMU (160).
const PACKET: usize = 172;
/// Packets per stream per second.
const RATE: u64 = 50;
/// The 20 ms are split in ticks, each sending for the calls of its slot.
const TICKS_PER_PERIOD: u64 = 20;
const TICK: Duration = Duration::from_millis(1);
/// Histogram buckets of 1 µs; later arrivals count in the last one.
const BUCKETS: usize = 1_000_000;
const RECV_BATCH: usize = 64;

/// Where one call's two ends send: the relay's port toward each of them.
#[derive(Debug, Clone, Copy)]
pub struct CallPorts {
    /// Where the calling end (A) sends: the relay's caller-leg port.
    pub to_relay_from_a: SocketAddrV4,
    /// Where the called end (B) sends: the relay's callee-leg port.
    pub to_relay_from_b: SocketAddrV4,
}

/// The generator's sockets: `a[k]` and `b[k]` are the two ends of calls `k`, `k + K`, ...
pub struct Ends {
    pub a: Vec<UdpSocket>,
    pub b: Vec<UdpSocket>,
}

impl Ends {
    pub fn bind(count: usize) -> std::io::Result<Self> {
        let open = || -> std::io::Result<UdpSocket> {
            let s = UdpSocket::bind("127.0.0.1:0")?;
            widen(&s);
            Ok(s)
        };
        let a = (0..count).map(|_| open()).collect::<Result<_, _>>()?;
        let b = (0..count).map(|_| open()).collect::<Result<_, _>>()?;
        Ok(Self { a, b })
    }

    /// The port call `i`'s end names in its SDP.
    pub fn port(&self, side: usize, call: usize) -> u16 {
        let socks = if side == 0 { &self.a } else { &self.b };
        socks[call % socks.len()]
            .local_addr()
            .map(|a| a.port())
            .unwrap_or(0)
    }
}

/// Room for a burst: the root user may exceed `net.core.rmem_max` with the FORCE options.
fn widen(s: &UdpSocket) {
    let size: libc::c_int = 16 << 20;
    for opt in [libc::SO_RCVBUFFORCE, libc::SO_SNDBUFFORCE] {
        // SAFETY: a valid socket and a c_int option value of the right size.
        unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                libc::SOL_SOCKET,
                opt,
                (&size as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
}

/// What one step measured.
#[derive(Debug, Default)]
pub struct Outcome {
    pub seconds: f64,
    /// Index 0: A → B, 1: B → A.
    pub sent: [u64; 2],
    pub received: [u64; 2],
    pub p50_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    /// RFC 3550 jitter averaged over the streams, and the worst stream's.
    pub jitter_mean_us: f64,
    pub jitter_max_us: f64,
}

fn sockaddr(a: SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: a.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*a.ip()).to_be(),
        },
        sin_zero: [0; 8],
    }
}

/// Sends the calls' packets for `duration`, then waits `drain` for the last ones.
pub fn run(ends: &Ends, calls: &[CallPorts], duration: Duration, drain: Duration) -> Outcome {
    let epoch = Instant::now();
    let stop = AtomicBool::new(false);
    let mut outcome = Outcome::default();
    let receiver = std::thread::scope(|scope| {
        let rx = scope.spawn(|| {
            let mut r = Receiver::new(calls.len());
            r.run(ends, epoch, &stop);
            r
        });
        outcome.sent = send(ends, calls, epoch, duration);
        outcome.seconds = epoch.elapsed().as_secs_f64();
        std::thread::sleep(drain);
        stop.store(true, Ordering::Relaxed);
        rx.join().unwrap_or_else(|_| {
            eprintln!("relay bench: the receiver thread panicked");
            Receiver::new(0)
        })
    });
    receiver.summarize(&mut outcome);
    outcome
}

/// One batch of packets to send out of one socket.
struct Batch {
    packets: Vec<[u8; PACKET]>,
    to: Vec<libc::sockaddr_in>,
}

fn send(ends: &Ends, calls: &[CallPorts], epoch: Instant, duration: Duration) -> [u64; 2] {
    let k = ends.a.len();
    let mut sent = [0u64; 2];
    // Batches per socket: index k * side + socket.
    let mut batches: Vec<Batch> = (0..2 * k)
        .map(|_| Batch {
            packets: Vec::new(),
            to: Vec::new(),
        })
        .collect();
    let ticks = duration.as_millis() as u64;
    for tick in 0..ticks {
        let due = epoch + TICK * tick as u32;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let slot = (tick % TICKS_PER_PERIOD) as usize;
        let seq = tick / TICKS_PER_PERIOD;
        for (i, c) in calls
            .iter()
            .enumerate()
            .skip(slot)
            .step_by(TICKS_PER_PERIOD as usize)
        {
            for (side, to) in [(0, c.to_relay_from_a), (1, c.to_relay_from_b)] {
                let b = &mut batches[side * k + i % k];
                b.packets.push(packet(i, side, seq));
                b.to.push(sockaddr(to));
            }
        }
        for (n, b) in batches.iter_mut().enumerate() {
            if b.packets.is_empty() {
                continue;
            }
            let side = n / k;
            let sock = if side == 0 {
                &ends.a[n % k]
            } else {
                &ends.b[n % k]
            };
            let now = epoch.elapsed().as_nanos() as u64;
            for p in &mut b.packets {
                p[12..20].copy_from_slice(&now.to_be_bytes());
            }
            sent[side] += send_batch(sock, b) as u64;
            b.packets.clear();
            b.to.clear();
        }
    }
    sent
}

/// `sendmmsg` until the batch is out; returns the packets the kernel took.
fn send_batch(sock: &UdpSocket, b: &mut Batch) -> usize {
    let mut iov: Vec<libc::iovec> = b
        .packets
        .iter_mut()
        .map(|p| libc::iovec {
            iov_base: p.as_mut_ptr().cast(),
            iov_len: PACKET,
        })
        .collect();
    let mut hdrs: Vec<libc::mmsghdr> = iov
        .iter_mut()
        .zip(b.to.iter_mut())
        .map(|(v, to)| {
            // SAFETY: an all-zero msghdr is valid; the pointers set below outlive the call.
            let mut h: libc::mmsghdr = unsafe { std::mem::zeroed() };
            h.msg_hdr.msg_name = (to as *mut libc::sockaddr_in).cast();
            h.msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            h.msg_hdr.msg_iov = v;
            h.msg_hdr.msg_iovlen = 1;
            h
        })
        .collect();
    let mut done = 0;
    while done < hdrs.len() {
        // SAFETY: `hdrs[done..]` are valid headers pointing at live buffers and addresses.
        let n = unsafe {
            libc::sendmmsg(
                sock.as_raw_fd(),
                hdrs[done..].as_mut_ptr(),
                (hdrs.len() - done) as libc::c_uint,
                0,
            )
        };
        if n <= 0 {
            // A refused destination (ICMP from a closed relay port) fails one packet: skip it.
            done += 1;
            continue;
        }
        done += n as usize;
    }
    hdrs.len()
}

/// An RTP packet of call `call`, direction `side`, number `seq`; the send time is stamped
/// at the batch's send.
fn packet(call: usize, side: usize, seq: u64) -> [u8; PACKET] {
    let mut p = [0xffu8; PACKET]; // PCMU silence
    p[0] = 0x80;
    p[1] = 0; // PCMU
    p[2..4].copy_from_slice(&(seq as u16).to_be_bytes());
    p[4..8].copy_from_slice(&((seq * 160) as u32).to_be_bytes());
    p[8..12].copy_from_slice(&(((call as u32) << 1) | side as u32).to_be_bytes());
    p
}

struct Receiver {
    received: [u64; 2],
    histogram: Vec<u64>,
    /// Per stream (call × 2 + direction): last transit time (ns) and jitter (ns), RFC 3550 §6.4.1.
    streams: Vec<(Option<i64>, f64)>,
}

impl Receiver {
    fn new(calls: usize) -> Self {
        Self {
            received: [0; 2],
            histogram: vec![0; BUCKETS],
            streams: vec![(None, 0.0); calls * 2],
        }
    }

    fn run(&mut self, ends: &Ends, epoch: Instant, stop: &AtomicBool) {
        let socks: Vec<&UdpSocket> = ends.a.iter().chain(ends.b.iter()).collect();
        let mut fds: Vec<libc::pollfd> = socks
            .iter()
            .map(|s| libc::pollfd {
                fd: s.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        let mut bufs = vec![[0u8; 256]; RECV_BATCH];
        while !stop.load(Ordering::Relaxed) {
            // SAFETY: `fds` is a valid array of pollfd of the given length.
            let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 5) };
            if ready <= 0 {
                continue;
            }
            for f in fds.iter_mut().filter(|f| f.revents & libc::POLLIN != 0) {
                while let Some(n) = recv_batch(f.fd, &mut bufs) {
                    let now = epoch.elapsed().as_nanos() as i64;
                    for (buf, len) in bufs.iter().zip(n) {
                        self.count(&buf[..len], now);
                    }
                }
            }
        }
    }

    fn count(&mut self, p: &[u8], now: i64) {
        if p.len() < 20 {
            return;
        }
        let ssrc = u32::from_be_bytes([p[8], p[9], p[10], p[11]]) as usize;
        let mut sent = [0u8; 8];
        sent.copy_from_slice(&p[12..20]);
        let transit = now - u64::from_be_bytes(sent) as i64;
        let Some(stream) = self.streams.get_mut(ssrc) else {
            return;
        };
        if let Some(last) = stream.0 {
            let d = (transit - last).abs() as f64;
            stream.1 += (d - stream.1) / 16.0;
        }
        stream.0 = Some(transit);
        self.received[ssrc & 1] += 1;
        let us = (transit.max(0) / 1000) as usize;
        self.histogram[us.min(BUCKETS - 1)] += 1;
    }

    fn summarize(&self, o: &mut Outcome) {
        o.received = self.received;
        let total: u64 = self.histogram.iter().sum();
        let rank = |q: f64| {
            let target = ((total as f64) * q).ceil() as u64;
            let mut seen = 0;
            for (us, n) in self.histogram.iter().enumerate() {
                seen += n;
                if seen >= target.max(1) {
                    return us as u64;
                }
            }
            0
        };
        if total > 0 {
            o.p50_us = rank(0.5);
            o.p99_us = rank(0.99);
            o.max_us = self.histogram.iter().rposition(|&n| n > 0).unwrap_or(0) as u64;
        }
        let heard: Vec<f64> = self
            .streams
            .iter()
            .filter(|s| s.0.is_some())
            .map(|s| s.1 / 1000.0)
            .collect();
        if !heard.is_empty() {
            o.jitter_mean_us = heard.iter().sum::<f64>() / heard.len() as f64;
            o.jitter_max_us = heard.iter().copied().fold(0.0, f64::max);
        }
    }
}

/// `recvmmsg` without waiting; the length of each packet read, `None` when none was waiting.
fn recv_batch(fd: i32, bufs: &mut [[u8; 256]]) -> Option<Vec<usize>> {
    let mut iov: Vec<libc::iovec> = bufs
        .iter_mut()
        .map(|b| libc::iovec {
            iov_base: b.as_mut_ptr().cast(),
            iov_len: b.len(),
        })
        .collect();
    let mut hdrs: Vec<libc::mmsghdr> = iov
        .iter_mut()
        .map(|v| {
            // SAFETY: an all-zero msghdr is valid (no address wanted, no control data).
            let mut h: libc::mmsghdr = unsafe { std::mem::zeroed() };
            h.msg_hdr.msg_iov = v;
            h.msg_hdr.msg_iovlen = 1;
            h
        })
        .collect();
    // SAFETY: `hdrs` point at live buffers owned by `bufs`.
    let n = unsafe {
        libc::recvmmsg(
            fd,
            hdrs.as_mut_ptr(),
            hdrs.len() as libc::c_uint,
            libc::MSG_DONTWAIT,
            std::ptr::null_mut(),
        )
    };
    (n > 0).then(|| {
        hdrs[..n as usize]
            .iter()
            .map(|h| h.msg_len as usize)
            .collect()
    })
}

/// The packets per second a step forwards with every packet through.
pub fn offered(calls: usize) -> u64 {
    calls as u64 * 2 * RATE
}

/// For the `direct` baseline: where each end's packets go without a relay.
pub fn direct(ends: &Ends, calls: usize) -> Vec<CallPorts> {
    let v4 = |s: &UdpSocket| match s.local_addr() {
        Ok(SocketAddr::V4(a)) => a,
        _ => SocketAddrV4::new([127, 0, 0, 1].into(), 0),
    };
    let k = ends.a.len();
    (0..calls)
        .map(|i| CallPorts {
            to_relay_from_a: v4(&ends.b[i % k]),
            to_relay_from_b: v4(&ends.a[i % k]),
        })
        .collect()
}
