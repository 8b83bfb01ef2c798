//! The console's accept loop: hyper serving the router over HTTP/1.1, as `axum::serve` does, but
//! with limits an attacker cannot lift. At most [`HttpLimits::max`] connections are open and
//! [`HttpLimits::per_source`] from one address (past either, a connection is closed as soon as it
//! is accepted), and a request whose headers have not all arrived within
//! [`HEADER_READ_TIMEOUT`] closes its connection. Hyper starts that timer whenever it waits for a
//! request head, so it is also the keep-alive idle timeout: a connection that says nothing for
//! 10 s is closed. Before this, idle and half-sent connections were held forever and 1,100 of
//! them locked out the console (issue 17). This layer knows nothing of what the router serves.

use axum::body::Body;
use axum::extract::Request;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

/// How long a client has to send a request's headers, counted from when the connection is ready
/// for the next request: a slow-loris connection is closed after it, and so is an idle one.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How many HTTP connections may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// In all.
    pub max: usize,
    /// From one IP address; a browser opens about 6, a script a few more.
    pub per_source: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            max: 1024,
            per_source: 64,
        }
    }
}

/// Open connections, in all and per address. A connection's [`Slot`] gives its place back when
/// the connection ends, however it ends.
#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_source: HashMap<IpAddr, usize>,
}

#[derive(Debug)]
struct Slot {
    open: Arc<Mutex<Open>>,
    source: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        if let Some(count) = open.by_source.get_mut(&self.source) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.by_source.remove(&self.source);
            }
        }
    }
}

/// A slot for a connection from `source`, or `None` when the limits are reached.
fn admit(open: &Arc<Mutex<Open>>, limits: HttpLimits, source: IpAddr) -> Option<Slot> {
    // A std mutex: held for a few integer operations, never across an await.
    let mut state = open.lock().unwrap_or_else(PoisonError::into_inner);
    let from_source = state.by_source.get(&source).copied().unwrap_or(0);
    if state.total >= limits.max || from_source >= limits.per_source {
        return None;
    }
    state.total += 1;
    *state.by_source.entry(source).or_insert(0) += 1;
    Some(Slot {
        open: Arc::clone(open),
        source,
    })
}

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in progress
/// finish (as `axum::serve`'s graceful shutdown does). Handlers read `ConnectInfo<SocketAddr>`.
///
/// # Errors
/// Never today: accept errors (such as running out of descriptors) are logged and retried.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let open = Arc::new(Mutex::new(Open::default()));
    // Connections hold a receiver: dropping the sender asks them to finish; `closed` below
    // waits until the last one has.
    let (stop, stopping) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // EMFILE and the like: wait instead of spinning; connections ending free
                    // descriptors.
                    tracing::warn!(%error, "cannot accept an HTTP connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Some(slot) = admit(&open, limits, peer.ip()) else {
            tracing::debug!(%peer, "HTTP connection refused: too many open");
            drop(stream);
            continue;
        };
        tokio::spawn(connection(
            stream,
            peer,
            router.clone(),
            slot,
            stopping.clone(),
        ));
    }
    drop(listener);
    drop(stopping);
    // Ask every connection to finish, then wait until the last has dropped its receiver.
    stop.send_replace(());
    stop.closed().await;
    Ok(())
}

/// Serves one connection until it ends or, after `stopping` says so, its request in progress is
/// answered.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    slot: Slot,
    mut stopping: watch::Receiver<()>,
) {
    let service = router
        .into_make_service_with_connect_info::<SocketAddr>()
        .oneshot(peer)
        .await;
    let Ok(service) = service;
    let service = TowerToHyperService::new(
        service.map_request(|request: Request<hyper::body::Incoming>| request.map(Body::new)),
    );
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let mut conn =
        std::pin::pin!(builder.serve_connection_with_upgrades(TokioIo::new(stream), service));
    let mut asked = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(error) = result {
                    tracing::trace!(%peer, %error, "HTTP connection ended");
                }
                break;
            }
            _ = stopping.changed(), if !asked => {
                // Changed or sender gone: either way the server is stopping.
                asked = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
    drop(slot);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_in_all_and_per_address_and_given_back() {
        let open = Arc::new(Mutex::new(Open::default()));
        let limits = HttpLimits {
            max: 3,
            per_source: 2,
        };
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let first = admit(&open, limits, a).expect("first");
        let _second = admit(&open, limits, a).expect("second");
        assert!(
            admit(&open, limits, a).is_none(),
            "a third from one address"
        );
        let _other = admit(&open, limits, b).expect("another address");
        assert!(admit(&open, limits, b).is_none(), "a fourth in all");
        drop(first);
        assert!(admit(&open, limits, a).is_some(), "a place was given back");
    }
}
