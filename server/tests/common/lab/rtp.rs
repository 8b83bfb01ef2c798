//! The lab's RTP endpoints, doing what phones and carriers do: send a 20 ms
//! packet to the address and port the peer's SDP names (read from a file the
//! endpoint's SIPp writes once the offer/answer is done), never to where
//! packets come from, and count what arrives. A packet is the peer's when it
//! carries the peer's SSRC; any other is a foreign call's audio. What it
//! sends is a [`Voice`]: silence, or a tone a listener would hear. An
//! endpoint may also report what it hears in RTCP, to the peer's RTP port
//! + 1 (RFC 3550 §11), and keep the RTCP that reaches its own.

use super::rtcp::{receiver_report, Reception, Report};
use super::tone::{tone, ulaw_encode};
use super::{Lab, Ns};
use std::collections::BTreeMap;
use std::fmt;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A 20 ms G.711 packet: 12 bytes of RTP header, 160 of payload.
const PAYLOAD: usize = 160;
const PTIME: Duration = Duration::from_millis(20);
/// Longest wait for the SIPp side to write the peer's address.
const SETUP: Duration = Duration::from_secs(30);
/// A receiver report every 50 packets (1 s), the last with the last packet
/// sent: RFC 3550's interval for a two-party call is 5 s, shortened as its
/// §6.2 allows so that a 10 s call has ten.
pub const REPORT_EVERY: u32 = 50;

/// What one endpoint saw.
#[derive(Debug, Default, Clone)]
pub struct RtpStats {
    pub sent: u32,
    /// Packets with the peer's SSRC.
    pub heard: u32,
    /// Packets with any other SSRC: audio of another call.
    pub foreign: u32,
    /// Where it sent (what the peer's SDP named), once known.
    pub peer: Option<SocketAddr>,
    /// Packets received, by SSRC.
    pub by_ssrc: BTreeMap<u32, u32>,
    /// What those packets carried.
    pub payloads: Payloads,
    /// The receiver reports it sent, oldest first, and their bytes.
    pub reports: Vec<Report>,
    pub rtcp_sent: Datagrams,
    /// The packets taken as lost on purpose (see [`Reception`]).
    pub lost_on_purpose: u32,
    /// What reached its RTCP port.
    pub rtcp_heard: Datagrams,
}

/// RTCP datagrams, in the order sent or received, and when (milliseconds
/// since the test's first endpoint started: the endpoints' times compare).
#[derive(Default, Clone)]
pub struct Datagrams(pub Vec<Vec<u8>>, pub Vec<u128>);

impl Datagrams {
    fn push(&mut self, packet: Vec<u8>) {
        self.0.push(packet);
        self.1.push(epoch().elapsed().as_millis());
    }
}

/// The process's first use of it: a clock all endpoints share.
fn epoch() -> Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

impl fmt::Debug for Datagrams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Datagrams({} at {:?} ms)", self.0.len(), self.1)
    }
}

/// An endpoint's RTCP side: its socket (RTP port + 1) and the statistics
/// its reports give.
struct Rtcp {
    sock: UdpSocket,
    reception: Reception,
    epoch: Instant,
    cname: String,
}

impl Rtcp {
    /// Keeps what reached the RTCP port (it never blocks).
    fn drain(&self, stats: &mut RtpStats) {
        let mut buf = [0u8; 2048];
        while let Ok((n, _)) = self.sock.recv_from(&mut buf) {
            stats.rtcp_heard.push(buf[..n].to_vec());
        }
    }

    /// Sends a report of what was heard so far to RTP port + 1 of `peer`.
    fn report(&mut self, ssrc: u32, peer: SocketAddr, stats: &mut RtpStats) {
        let Some(report) = self.reception.report() else {
            return;
        };
        let packet = receiver_report(ssrc, &report, &self.cname);
        let to = SocketAddr::new(peer.ip(), peer.port() + 1);
        let _ = self.sock.send_to(&packet, to);
        stats.reports.push(report);
        stats.rtcp_sent.push(packet);
        stats.lost_on_purpose = self.reception.lost_on_purpose;
    }
}

/// The payload type and payload of each packet received, by SSRC, in the
/// order they arrived.
#[derive(Default, Clone)]
pub struct Payloads(pub BTreeMap<u32, Vec<(u8, Vec<u8>)>>);

impl fmt::Debug for Payloads {
    /// The packet counts are `by_ssrc`; the bytes would drown a report.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes: usize = self.0.values().flatten().map(|(_, p)| p.len()).sum();
        write!(f, "Payloads({bytes} bytes)")
    }
}

/// What an endpoint sends: its payload type, and the payload of packet
/// `seq` (160 samples of 8 kHz audio per 20 ms packet).
pub struct Voice {
    pub pt: u8,
    pub payload: Box<dyn Fn(u32) -> Vec<u8> + Send>,
}

impl Voice {
    /// G.711 µ-law (payload type 0) silence.
    pub fn silence() -> Self {
        Voice {
            pt: 0,
            payload: Box::new(|_| vec![0xff; PAYLOAD]),
        }
    }

    /// A `freq` Hz tone in G.711 µ-law, continuous from packet to packet.
    pub fn ulaw_tone(freq: f64) -> Self {
        Voice {
            pt: 0,
            payload: Box::new(move |seq| {
                let from = u64::from(seq) * PAYLOAD as u64;
                tone(freq, from, PAYLOAD)
                    .into_iter()
                    .map(ulaw_encode)
                    .collect()
            }),
        }
    }
}

/// `ip port` as SIPp's `echo` wrote it, once the line is complete.
pub fn peer_of(path: &Path) -> Option<SocketAddr> {
    let text = std::fs::read_to_string(path).ok()?;
    if !text.ends_with('\n') {
        return None;
    }
    let mut words = text.split_whitespace();
    let ip = words.next()?.parse().ok()?;
    let port = words.next()?.parse().ok()?;
    Some(SocketAddr::new(ip, port))
}

fn packet(seq: u32, ssrc: u32, voice: &Voice) -> Vec<u8> {
    let mut p = vec![0x80, voice.pt & 0x7f];
    p.extend_from_slice(&(seq as u16).to_be_bytes());
    p.extend_from_slice(&(seq * PAYLOAD as u32).to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend((voice.payload)(seq));
    p
}

/// Counts what arrives on `sock` until `until`, then what reached the
/// RTCP port.
fn listen(
    sock: &UdpSocket,
    until: Instant,
    peer_ssrc: u32,
    stats: &mut RtpStats,
    mut rtcp: Option<&mut Rtcp>,
) {
    let mut buf = [0u8; 2048];
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || sock.set_read_timeout(Some(left)).is_err() {
            break;
        }
        let Ok((n, _)) = sock.recv_from(&mut buf) else {
            break;
        };
        if n < 12 {
            continue;
        }
        let ssrc = u32::from_be_bytes([buf[8], buf[9], buf[10], buf[11]]);
        if let Some(r) = rtcp.as_deref_mut() {
            let seq = u16::from_be_bytes([buf[2], buf[3]]);
            let timestamp = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
            let arrival = r.epoch.elapsed().as_secs_f64();
            r.reception.record(ssrc, seq, timestamp, arrival);
        }
        *stats.by_ssrc.entry(ssrc).or_default() += 1;
        let kept = stats.payloads.0.entry(ssrc).or_default();
        kept.push((buf[1] & 0x7f, buf[12..n].to_vec()));
        if ssrc == peer_ssrc {
            stats.heard += 1;
        } else {
            stats.foreign += 1;
        }
    }
    if let Some(r) = rtcp {
        r.drain(stats);
    }
}

impl Lab {
    /// An endpoint bound at `addr` in `ns` with SSRC `ssrc`: once `peer_sdp`
    /// holds the peer's address it sends `packets` packets of silence every
    /// 20 ms and counts those of `peer_ssrc`, for a second more after its
    /// last.
    pub fn rtp_endpoint(
        &self,
        ns: Ns,
        addr: &str,
        ssrcs: (u32, u32),
        peer_sdp: PathBuf,
        packets: u32,
    ) -> JoinHandle<RtpStats> {
        self.rtp_endpoint_voicing(ns, addr, ssrcs, peer_sdp, packets, Voice::silence())
    }

    /// [`Lab::rtp_endpoint`] sending `voice`.
    pub fn rtp_endpoint_voicing(
        &self,
        ns: Ns,
        addr: &str,
        ssrcs: (u32, u32),
        peer_sdp: PathBuf,
        packets: u32,
        voice: Voice,
    ) -> JoinHandle<RtpStats> {
        endpoint_on(self.udp(ns, addr), ssrcs, peer_sdp, packets, voice)
    }

    /// [`Lab::rtp_endpoint`] that also sends RTCP receiver reports of what
    /// it hears from its RTCP address (every second, the last with its last
    /// packet), taking every `lose_every`-th packet as lost, and keeps the
    /// RTCP that reaches that address. `[rtp, rtcp]`: the endpoint's two
    /// addresses; its RTCP is usually on RTP's port + 1 ([`rtcp_next_to`]),
    /// unless its SDP says otherwise (RFC 3605).
    pub fn rtp_endpoint_reporting(
        &self,
        ns: Ns,
        [addr, rtcp_at]: [&str; 2],
        ssrcs: (u32, u32),
        peer_sdp: PathBuf,
        packets: u32,
        lose_every: u16,
    ) -> JoinHandle<RtpStats> {
        epoch();
        let sock = self.udp(ns, addr);
        let rtcp = self.udp(ns, rtcp_at);
        rtcp.set_nonblocking(true).expect("non-blocking RTCP");
        let rtcp = Rtcp {
            sock: rtcp,
            reception: Reception::lose_every(lose_every),
            epoch: Instant::now(),
            cname: format!("lab@{addr}"),
        };
        endpoint(
            sock,
            Some(rtcp),
            None,
            ssrcs,
            peer_sdp,
            packets,
            Voice::silence(),
        )
    }

    /// [`Lab::rtp_endpoint`] whose first packet leaves from `first_from`, every other one
    /// from `addr`: a stream whose source port changes after its first packet, as a media
    /// server that moves a stream does, or a NAT router that gave it a new port.
    pub fn rtp_endpoint_moving(
        &self,
        ns: Ns,
        [addr, first_from]: [&str; 2],
        ssrcs: (u32, u32),
        peer_sdp: PathBuf,
        packets: u32,
    ) -> JoinHandle<RtpStats> {
        let (sock, first) = (self.udp(ns, addr), self.udp(ns, first_from));
        endpoint(
            sock,
            None,
            Some(first),
            ssrcs,
            peer_sdp,
            packets,
            Voice::silence(),
        )
    }
}

/// RTP port + 1 of `rtp` (RFC 3550 §11): where an endpoint's RTCP is when
/// its SDP has no `a=rtcp`.
pub fn rtcp_next_to(rtp: &str) -> String {
    let at: SocketAddr = rtp.parse().expect("an ip:port");
    SocketAddr::new(at.ip(), at.port() + 1).to_string()
}

/// [`Lab::rtp_endpoint_voicing`] on a socket already bound (on loopback,
/// for a test without the lab's namespaces).
pub fn endpoint_on(
    sock: UdpSocket,
    ssrcs: (u32, u32),
    peer_sdp: PathBuf,
    packets: u32,
    voice: Voice,
) -> JoinHandle<RtpStats> {
    endpoint(sock, None, None, ssrcs, peer_sdp, packets, voice)
}

/// The endpoint's thread: see [`Lab::rtp_endpoint`].
fn endpoint(
    sock: UdpSocket,
    mut rtcp: Option<Rtcp>,
    first_from: Option<UdpSocket>,
    (ssrc, peer_ssrc): (u32, u32),
    peer_sdp: PathBuf,
    packets: u32,
    voice: Voice,
) -> JoinHandle<RtpStats> {
    std::thread::spawn(move || {
        let mut stats = RtpStats::default();
        let give_up = Instant::now() + SETUP;
        let peer = loop {
            if let Some(peer) = peer_of(&peer_sdp) {
                break peer;
            }
            if Instant::now() > give_up {
                return stats;
            }
            // What comes before the answer is early media: counted too.
            listen(
                &sock,
                Instant::now() + Duration::from_millis(5),
                peer_ssrc,
                &mut stats,
                rtcp.as_mut(),
            );
        };
        stats.peer = Some(peer);
        let start = Instant::now();
        for seq in 0..packets {
            // An unreachable peer (a private address across the
            // internet) fails the send: it still counts as sent.
            let from = match &first_from {
                Some(first) if seq == 0 => first,
                _ => &sock,
            };
            let _ = from.send_to(&packet(seq, ssrc, &voice), peer);
            stats.sent += 1;
            let until = start + PTIME * (seq + 1);
            listen(&sock, until, peer_ssrc, &mut stats, rtcp.as_mut());
            if let Some(r) = rtcp.as_mut().filter(|_| (seq + 1) % REPORT_EVERY == 0) {
                r.report(ssrc, peer, &mut stats);
            }
        }
        listen(
            &sock,
            Instant::now() + Duration::from_secs(1),
            peer_ssrc,
            &mut stats,
            rtcp.as_mut(),
        );
        stats
    })
}
