//! Starting the SIP side of `trunkline serve`: binds UDP and TCP on one
//! port, runs the driver, the trunk registrations manager and the users'
//! lines (registrar, and `proto::answer` for what no feature claims). The only decisions
//! here are about sockets and tasks.

use super::addresses::NatSettings;
use super::relay::Relay;
use super::{
    CallFeeds, Directory, Lines, LinesHandle, Registrations, RegistrationsHandle, Runtime,
    RuntimeHandle,
};
use crate::sip::proto::endpoint::addressing::{Addressing, Cidr};
use crate::sip::proto::registrar::Binding;
use crate::sip::proto::registration::HostPort;
use crate::sip::proto::{Caps, EndpointConfig};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{mpsc, oneshot, watch};

/// A running SIP listener.
pub struct SipServer {
    /// The address actually bound (port 0 is resolved).
    pub local: SocketAddr,
    pub handle: RuntimeHandle,
    pub registrations: RegistrationsHandle,
    pub lines: LinesHandle,
}

/// What the users' lines start from.
pub struct LinesSetup {
    /// Lines, dial plan and trunks, following the configuration.
    pub directory: watch::Receiver<Arc<Directory>>,
    /// Where call events and the live calls go.
    pub feeds: CallFeeds,
    /// Where calls to DIDs nothing answers are reported.
    pub unmatched: tokio::sync::mpsc::UnboundedSender<app::model::calls::UnmatchedCall>,
    /// Bindings kept from before a restart.
    pub restored: Vec<Binding>,
    /// How many TCP connections SIP holds, and how long they may idle.
    pub tcp: super::TcpLimits,
}

/// Binds UDP and TCP on `bind` (the same port for both) and serves until
/// `stop` turns true. `nat` says which destinations are local (they get
/// our own address in Via and Contact) and what the others get (the
/// external address, else what the provider reports seeing).
///
/// SIP runs on a thread of its own with a single-threaded tokio runtime:
/// the driver, the trunk registrations and the lines hand every request
/// to one another, which on one thread costs a queue push instead of
/// waking another worker (BENCHMARKS.md), and rendering a console page
/// on the main runtime never delays a SIP answer.
///
/// # Errors
/// When either socket cannot be bound, or the thread cannot start.
pub async fn start(
    bind: SocketAddr,
    nat: NatSettings,
    caps: Caps,
    lines: LinesSetup,
    stop: watch::Receiver<bool>,
) -> io::Result<SipServer> {
    // Bound here, so that a port in use is the caller's error.
    let udp = std::net::UdpSocket::bind(bind)?;
    let local = udp.local_addr()?;
    let tcp = std::net::TcpListener::bind(local)?;
    udp.set_nonblocking(true)?;
    tcp.set_nonblocking(true)?;
    widen_receive_buffer(&udp);
    // Toward the LAN our own address, toward the internet the advertised one (REFERENCE §9).
    let addressing = super::addresses::addressing(local, &nat);
    let host = super::addresses::default_host(local);
    let relay = Relay::new(local.ip(), nat.rtp_start, nat.rtp_end, media_threads())?;
    let (ready, started) = oneshot::channel();
    std::thread::Builder::new()
        .name("sip".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            match runtime {
                Ok(runtime) => {
                    let addresses = (host, addressing, nat.local);
                    let endpoint = (addresses, caps);
                    let sip = (udp, tcp, relay);
                    runtime.block_on(serve(sip, endpoint, lines, stop, ready));
                }
                Err(error) => {
                    let _ = ready.send(Err(error));
                }
            }
        })?;
    started
        .await
        .map_err(|_| io::Error::other("the SIP thread ended while starting"))?
}

/// Datagrams queued for us before the kernel drops them: Linux's default
/// (208 KiB) holds about 10 ms of traffic at 2,000 calls/s, and a dropped
/// ACK or BYE costs a retransmission at best, a broken call at worst
/// (BENCHMARKS.md). The kernel caps the request at `net.core.rmem_max`.
const RECEIVE_BUFFER: usize = 4 << 20;

/// Requests (REGISTERs, new INVITEs, requests outside a dialog) waiting
/// for the lines task before new ones get 503: about a tenth of a second
/// of its work at the benchmark's rates, well inside T1 (500 ms), so what
/// it does take is answered before the phone retransmits.
const REQUEST_BACKLOG: usize = 4096;

fn widen_receive_buffer(udp: &std::net::UdpSocket) {
    let socket = socket2::SockRef::from(udp);
    if let Err(error) = socket.set_recv_buffer_size(RECEIVE_BUFFER) {
        tracing::warn!(%error, "UDP receive buffer left at the system's default");
    }
    if let Ok(size) = socket.recv_buffer_size() {
        tracing::debug!(size, "UDP receive buffer");
    }
}

/// The SIP thread: starts the three tasks, reports them started, and
/// returns once all have stopped.
async fn serve(
    (udp, tcp, relay): (std::net::UdpSocket, std::net::TcpListener, Relay),
    ((host, addressing, nets), caps): ((String, Addressing, Vec<Cidr>), Caps),
    lines: LinesSetup,
    stop: watch::Receiver<bool>,
    ready: oneshot::Sender<io::Result<SipServer>>,
) {
    let sockets = UdpSocket::from_std(udp).and_then(|udp| {
        let tcp = TcpListener::from_std(tcp)?;
        let local = udp.local_addr()?;
        Ok((udp, tcp, local))
    });
    let (udp, tcp, local) = match sockets {
        Ok(sockets) => sockets,
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    let config = EndpointConfig {
        via_host: host.clone(),
        via_port: local.port(),
        addressing,
        caps,
        ..EndpointConfig::default()
    };
    // Tags and branches only need to be unpredictable across restarts.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x5eed)
        ^ u64::from(std::process::id());
    let (runtime, handle, events) = Runtime::new(config, seed, Some(udp), Some(tcp));
    let (requests, incoming) = mpsc::channel(REQUEST_BACKLOG);
    let (known_requests, known_incoming) = mpsc::channel(REQUEST_BACKLOG);
    let runtime = runtime
        .with_call_feeds(lines.feeds)
        .with_requests(requests)
        .with_known_requests(known_requests)
        .with_tcp_limits(lines.tcp)
        .with_relay(relay);
    // The manager sees only answers to requests; those of no trunk are
    // dropped there.
    let (manager, registrations) = Registrations::new(
        handle.clone(),
        events,
        HostPort::new(host, local.port()),
        seed.rotate_left(7),
    );
    let manager = manager.with_network(local, nets);
    let transport_stop = stopped(stop.clone());
    let driver = tokio::spawn(async move {
        if let Err(error) = runtime.run(transport_stop).await {
            tracing::error!(%error, "SIP transport stopped");
        }
    });
    let manager = tokio::spawn(manager.run(stopped(stop.clone())));
    let (lines_task, lines) = Lines::new(
        handle.clone(),
        lines.directory,
        lines.restored,
        lines.unmatched,
        seed.rotate_left(17),
    );
    let lines_task = tokio::spawn(lines_task.run([known_incoming, incoming], stopped(stop)));
    tracing::info!("SIP on udp and tcp {local}");
    let _ = ready.send(Ok(SipServer {
        local,
        handle,
        registrations,
        lines,
    }));
    for task in [driver, manager, lines_task] {
        let _ = task.await;
    }
}

/// How many threads the RTP relay runs, apart from SIP's, so that a flood of media costs SIP
/// nothing but a core's share: one per core, as rtpengine runs, since a busy relay forwards
/// more packets than one core can. A call stays on the thread it was given (a work-stealing
/// pool woke its idle workers for every message a call was sent: a fifth of the CPU of
/// anchored call set-up spent switching between them). They end with the relay.
fn media_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
