//! Runtime: the RTP/RTCP relay of anchored calls. Each call gets an RTP/RTCP port pair per leg
//! from the pool, and one task that owns those four sockets and forwards each packet to the
//! other leg, following the latching rules of `proto::rtp`. The tasks run on the media
//! thread's runtime, not the SIP thread's, so a flood of RTP does not hold up SIP. A call's
//! sockets close when its task ends, which is when the call ends (the driver drops its
//! `Session`); the ports then rest before reuse.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, UdpSocket as StdSocket};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::runtime::Handle;
use tokio::sync::mpsc;

use crate::sip::proto::call::{CallId, MediaPorts, Side};
use crate::sip::proto::rtp::{Latch, PortPool};

/// Asterisk's `rtp.conf` defaults.
pub const DEFAULT_RTP_START: u16 = 10000;
pub const DEFAULT_RTP_END: u16 = 20000;

/// Ports tried for one pair before giving up (another program may hold some of the range).
const BIND_TRIES: usize = 16;

/// Largest datagram relayed: RTP over UDP stays under the path MTU.
const MAX_PACKET: usize = 2048;

/// New SDP from one side of a call.
#[derive(Debug, Clone, Copy)]
pub struct Update {
    pub side: Side,
    pub rtp: Option<SocketAddr>,
    pub signalling: SocketAddr,
    pub symmetric_rtp: bool,
}

/// The relay of one call, as the driver holds it: dropping it ends the call's task.
#[derive(Debug)]
struct Session {
    updates: mpsc::UnboundedSender<Update>,
}

/// Every anchored call's relay.
#[derive(Debug)]
pub struct Relay {
    ip: IpAddr,
    pool: Arc<Mutex<PortPool>>,
    media: Handle,
    sessions: HashMap<CallId, Session>,
    /// Ports bound for a call that has not been given its id yet.
    pending: Option<Session>,
    /// The last call found no free pair: said once, not once a call.
    exhausted: bool,
}

/// A port pair bound for one leg.
struct Pair {
    port: u16,
    rtp: StdSocket,
    rtcp: StdSocket,
}

impl Relay {
    /// A relay binding `ip` (the SIP bind address), its tasks run on `media`.
    pub fn new(ip: IpAddr, start: u16, end: u16, media: Handle) -> Self {
        Self {
            ip,
            pool: Arc::new(Mutex::new(PortPool::new(start, end))),
            media,
            sessions: HashMap::new(),
            pending: None,
            exhausted: false,
        }
    }

    /// A new RTP range for calls from now on.
    pub fn set_range(&mut self, start: u16, end: u16) {
        lock(&self.pool).set_range(start, end);
    }

    fn bind_pair(&self) -> Option<Pair> {
        for _ in 0..BIND_TRIES {
            let port = lock(&self.pool).take(Instant::now())?;
            let bound = StdSocket::bind((self.ip, port)).and_then(|rtp| {
                let rtcp = StdSocket::bind((self.ip, port + 1))?;
                rtp.set_nonblocking(true)?;
                rtcp.set_nonblocking(true)?;
                Ok(Pair { port, rtp, rtcp })
            });
            match bound {
                Ok(pair) => return Some(pair),
                Err(error) => {
                    tracing::debug!(port, %error, "RTP port in use elsewhere");
                    lock(&self.pool).release(Instant::now(), port);
                }
            }
        }
        None
    }

    /// Binds the ports of a new call and starts its task; `attach` then files it under the
    /// call's id. `None` when the range is exhausted: the call then goes unanchored.
    pub fn open(&mut self) -> Option<MediaPorts> {
        let pairs = self.bind_pair().and_then(|caller| match self.bind_pair() {
            Some(callee) => Some((caller, callee)),
            None => {
                lock(&self.pool).release(Instant::now(), caller.port);
                None
            }
        });
        let Some((caller, callee)) = pairs else {
            if !self.exhausted {
                tracing::warn!("no free port pair in the RTP range: calls go unanchored");
            }
            self.exhausted = true;
            return None;
        };
        if self.exhausted {
            tracing::info!("RTP ports free again: calls are anchored");
        }
        self.exhausted = false;
        let ports = MediaPorts {
            caller: caller.port,
            callee: callee.port,
        };
        let (updates, rx) = mpsc::unbounded_channel();
        let pool = self.pool.clone();
        self.media.spawn(async move {
            if let Err(error) = run(&caller, &callee, rx).await {
                tracing::warn!(%error, "RTP relay stopped");
            }
            let now = Instant::now();
            let mut pool = lock(&pool);
            pool.release(now, caller.port);
            pool.release(now, callee.port);
        });
        self.pending = Some(Session { updates });
        Some(ports)
    }

    /// Files the session `open` just started under `id`.
    pub fn attach(&mut self, id: CallId) {
        if let Some(s) = self.pending.take() {
            self.sessions.insert(id, s);
        }
    }

    pub fn update(&self, id: CallId, update: Update) {
        if let Some(s) = self.sessions.get(&id) {
            let _ = s.updates.send(update);
        }
    }

    /// The call is over: its task ends and its sockets close.
    pub fn close(&mut self, id: CallId) {
        self.sessions.remove(&id);
    }
}

fn lock(pool: &Mutex<PortPool>) -> std::sync::MutexGuard<'_, PortPool> {
    pool.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Sockets and latches of one call: index 0 caller RTP, 1 caller RTCP, 2 callee RTP, 3 callee
/// RTCP. A packet on socket `i` goes out of socket `i ^ 2` (same kind, other leg).
async fn run(
    caller: &Pair,
    callee: &Pair,
    mut updates: mpsc::UnboundedReceiver<Update>,
) -> std::io::Result<()> {
    let socks = [
        UdpSocket::from_std(caller.rtp.try_clone()?)?,
        UdpSocket::from_std(caller.rtcp.try_clone()?)?,
        UdpSocket::from_std(callee.rtp.try_clone()?)?,
        UdpSocket::from_std(callee.rtcp.try_clone()?)?,
    ];
    let mut latches: [Latch; 4] = Default::default();
    let mut bufs = [[0u8; MAX_PACKET]; 4];
    loop {
        let [b0, b1, b2, b3] = &mut bufs;
        let (i, got) = tokio::select! {
            u = updates.recv() => {
                let Some(u) = u else { return Ok(()) };
                apply(&mut latches, u);
                continue;
            }
            r = socks[0].recv_from(b0) => (0, r),
            r = socks[1].recv_from(b1) => (1, r),
            r = socks[2].recv_from(b2) => (2, r),
            r = socks[3].recv_from(b3) => (3, r),
        };
        // An ICMP error from an earlier send surfaces here: nothing to relay.
        let Ok((len, source)) = got else { continue };
        if !latches[i].accept(source) {
            continue;
        }
        let out = i ^ 2;
        if let Some(dest) = latches[out].destination() {
            let _ = socks[out].send_to(&bufs[i][..len], dest).await;
        }
    }
}

/// New SDP from one side: where its RTP and RTCP (one port up, RFC 3550 §11) now go.
fn apply(latches: &mut [Latch; 4], u: Update) {
    let base = match u.side {
        Side::Caller => 0,
        Side::Callee => 2,
    };
    let signalling = Some(u.signalling.ip());
    let rtcp = u
        .rtp
        .and_then(|a| Some(SocketAddr::new(a.ip(), a.port().checked_add(1)?)));
    for (i, addr) in [(base, u.rtp), (base + 1, rtcp)] {
        let mut latch = Latch::new(signalling, u.symmetric_rtp);
        latch.set_sdp(addr, u.symmetric_rtp);
        latches[i] = latch;
    }
}

#[cfg(test)]
mod tests {
    //! The relay on loopback, real sockets: what a phone and a provider
    //! send crosses, a stranger's packets do not, the ports close with the
    //! call.
    use super::*;
    use std::time::Duration;

    const WAIT: Duration = Duration::from_secs(2);

    async fn udp() -> UdpSocket {
        UdpSocket::bind("127.0.0.1:0").await.expect("bind")
    }

    async fn recv(sock: &UdpSocket) -> Option<(Vec<u8>, SocketAddr)> {
        let mut buf = [0u8; 64];
        let got = tokio::time::timeout(WAIT, sock.recv_from(&mut buf)).await;
        let (n, from) = got.ok()?.ok()?;
        Some((buf[..n].to_vec(), from))
    }

    fn relay(start: u16) -> Relay {
        Relay::new(
            "127.0.0.1".parse().expect("ip"),
            start,
            start + 7,
            Handle::current(),
        )
    }

    fn at(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[tokio::test]
    async fn media_crosses_between_the_legs_and_a_stranger_is_dropped() {
        let mut relay = relay(31000);
        let ports = relay.open().expect("ports");
        let id = CallId(1);
        relay.attach(id);
        let (phone, provider, stranger) = (udp().await, udp().await, udp().await);
        let phone_at = phone.local_addr().expect("addr");
        let provider_at = provider.local_addr().expect("addr");
        // The phone's SDP names another port than it sends from (NAT):
        // it is latched; the provider is sent to its SDP.
        let update = |side, rtp: SocketAddr, symmetric_rtp| Update {
            side,
            rtp: Some(rtp),
            signalling: rtp,
            symmetric_rtp,
        };
        relay.update(id, update(Side::Caller, at(9), true));
        relay.update(id, update(Side::Callee, provider_at, false));

        phone
            .send_to(b"hello", at(ports.caller))
            .await
            .expect("send");
        let (got, from) = recv(&provider).await.expect("the provider hears the phone");
        assert_eq!((&got[..], from), (&b"hello"[..], at(ports.callee)));
        provider
            .send_to(b"hi", at(ports.callee))
            .await
            .expect("send");
        let (got, from) = recv(&phone).await.expect("the phone hears the provider");
        assert_eq!((&got[..], from), (&b"hi"[..], at(ports.caller)));

        // The stranger's address is 127.0.0.1 too (the phone's IP), but the
        // phone's stream is latched to the phone's port: dropped.
        stranger
            .send_to(b"hijack", at(ports.caller))
            .await
            .expect("send");
        phone
            .send_to(b"again", at(ports.caller))
            .await
            .expect("send");
        let (got, _) = recv(&provider).await.expect("the phone again");
        assert_eq!(&got[..], b"again", "the stranger's packet never crossed");
        let _ = phone_at;

        relay.close(id);
        let closed = async {
            loop {
                tokio::time::sleep(Duration::from_millis(20)).await;
                if std::net::UdpSocket::bind(at(ports.caller)).is_ok() {
                    break;
                }
            }
        };
        tokio::time::timeout(WAIT, closed)
            .await
            .expect("the call's ports close when it ends");
    }

    #[tokio::test]
    async fn an_exhausted_range_leaves_calls_unanchored() {
        let mut relay = relay(31100);
        // 31100-31107: two calls of two pairs each.
        assert!(relay.open().is_some());
        relay.attach(CallId(1));
        assert!(relay.open().is_some());
        relay.attach(CallId(2));
        assert_eq!(relay.open(), None);
    }
}
