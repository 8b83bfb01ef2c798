//! Starting the SIP side of `trunkline serve`: binds UDP and TCP on one
//! port, runs the driver, and answers the transaction user's requests with
//! `proto::answer`. The only decisions here are about sockets and tasks.

use super::{Runtime, RuntimeHandle};
use crate::sip::proto::{answer::answer, EndpointConfig, Event, Rng};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use tokio::net::{TcpListener, UdpSocket};

/// A running SIP listener.
pub struct SipServer {
    /// The address actually bound (port 0 is resolved).
    pub local: SocketAddr,
    pub handle: RuntimeHandle,
}

/// Binds UDP and TCP on `bind` (the same port for both) and serves until
/// `shutdown` completes.
///
/// # Errors
/// When either socket cannot be bound.
pub async fn start(
    bind: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<SipServer> {
    let udp = UdpSocket::bind(bind).await?;
    let local = udp.local_addr()?;
    let tcp = TcpListener::bind(local).await?;
    let via_host = if local.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        local.ip().to_string()
    };
    let config = EndpointConfig {
        via_host,
        via_port: local.port(),
        ..EndpointConfig::default()
    };
    // Tags and branches only need to be unpredictable across restarts.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x5eed)
        ^ u64::from(std::process::id());
    let (runtime, handle, mut events) = Runtime::new(config, seed, Some(udp), Some(tcp));
    tokio::spawn(async move {
        if let Err(error) = runtime.run(shutdown).await {
            tracing::error!(%error, "SIP transport stopped");
        }
    });
    let responder = handle.clone();
    tokio::spawn(async move {
        let mut rng = Rng::new(seed.rotate_left(17));
        while let Some(event) = events.recv().await {
            if let Event::Request {
                tx,
                request,
                source,
                ..
            } = event
            {
                if let Some(response) = answer(&request, &rng.token(10)) {
                    tracing::debug!(%source, method = %request.method, status = response.status, "answered");
                    responder.respond(tx, response);
                }
            }
        }
    });
    tracing::info!("SIP on udp and tcp {local}");
    Ok(SipServer { local, handle })
}
