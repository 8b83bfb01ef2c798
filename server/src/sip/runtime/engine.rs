//! Starting the SIP side of `trunkline serve`: binds UDP and TCP on one
//! port, runs the driver, the trunk registrations manager and the users'
//! lines (registrar, and `proto::answer` for what no feature claims). The only decisions
//! here are about sockets and tasks.

use super::{
    CallFeeds, Directory, Lines, LinesHandle, Registrations, RegistrationsHandle, Runtime,
    RuntimeHandle,
};
use crate::sip::proto::registrar::Binding;
use crate::sip::proto::registration::HostPort;
use crate::sip::proto::EndpointConfig;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::watch;

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
}

/// Binds UDP and TCP on `bind` (the same port for both) and serves until
/// `stop` turns true. `advertised` is the host written in our Via and
/// Contact (the address providers reach us at).
///
/// # Errors
/// When either socket cannot be bound.
pub async fn start(
    bind: SocketAddr,
    advertised: Option<String>,
    lines: LinesSetup,
    stop: watch::Receiver<bool>,
) -> io::Result<SipServer> {
    let udp = UdpSocket::bind(bind).await?;
    let local = udp.local_addr()?;
    let tcp = TcpListener::bind(local).await?;
    let host = advertised.unwrap_or_else(|| {
        if local.ip().is_unspecified() {
            // Until a provider tells us our address (rport), loopback is
            // the only address known to be ours.
            "127.0.0.1".to_owned()
        } else {
            local.ip().to_string()
        }
    });
    let config = EndpointConfig {
        via_host: host.clone(),
        via_port: local.port(),
        ..EndpointConfig::default()
    };
    // Tags and branches only need to be unpredictable across restarts.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x5eed)
        ^ u64::from(std::process::id());
    let (runtime, handle, events) = Runtime::new(config, seed, Some(udp), Some(tcp));
    let runtime = runtime.with_call_feeds(lines.feeds);
    let (manager, registrations, others) = Registrations::new(
        handle.clone(),
        events,
        HostPort::new(host, local.port()),
        seed.rotate_left(7),
    );
    let transport_stop = stopped(stop.clone());
    tokio::spawn(async move {
        if let Err(error) = runtime.run(transport_stop).await {
            tracing::error!(%error, "SIP transport stopped");
        }
    });
    tokio::spawn(manager.run(stopped(stop.clone())));
    let (lines_task, lines) = Lines::new(
        handle.clone(),
        lines.directory,
        lines.restored,
        lines.unmatched,
        seed.rotate_left(17),
    );
    tokio::spawn(lines_task.run(others, stopped(stop)));
    tracing::info!("SIP on udp and tcp {local}");
    Ok(SipServer {
        local,
        handle,
        registrations,
        lines,
    })
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
