//! Issue 17 item 4, SIP side: the runtime holds at most `max` TCP
//! connections and `per_source` from one address, and closes one that
//! stays silent past its idle time (32 s unless a phone registered over
//! it), on real sockets with the limits made small.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream, UdpSocket};
use tokio::sync::oneshot;
use trunkline::sip::proto::EndpointConfig;
use trunkline::sip::runtime::{Runtime, RuntimeHandle, TcpLimits};

const IDLE: Duration = Duration::from_millis(1500);

async fn start(limits: TcpLimits) -> (SocketAddr, RuntimeHandle, oneshot::Sender<()>) {
    let udp = UdpSocket::bind("127.0.0.1:0").await.expect("udp");
    let addr = udp.local_addr().expect("addr");
    let tcp = TcpListener::bind(addr).await.expect("tcp");
    let (rt, handle, _events) = Runtime::new(EndpointConfig::default(), 7, Some(udp), Some(tcp));
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(rt.with_tcp_limits(limits).run(async move {
        let _ = stopped.await;
    }));
    (addr, handle, stop)
}

/// A connection to `server` from address `from`, once the runtime has had
/// time to accept (or refuse) it.
async fn connect(from: &str, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(format!("{from}:0").parse().expect("addr"))
        .expect("bind");
    let stream = socket.connect(server).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    stream
}

/// Whether the server closed `stream` within `wait` (end of stream or reset).
async fn closed(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 64];
    matches!(
        tokio::time::timeout(wait, stream.read(&mut buf)).await,
        Ok(Ok(0) | Err(_))
    )
}

#[tokio::test]
async fn connections_are_limited_per_source_and_in_all_and_idle_ones_closed() {
    let limits = TcpLimits {
        max: 4,
        per_source: 2,
        idle: IDLE,
        idle_registered: Duration::from_secs(60),
    };
    let (server, handle, stop) = start(limits).await;
    let mut phone = connect("127.0.0.1", server).await;
    // A phone registered over the first: it may stay quiet.
    handle.registered(phone.local_addr().expect("addr"));
    let mut idle = connect("127.0.0.1", server).await;
    let mut third = connect("127.0.0.1", server).await;
    assert!(
        closed(&mut third, Duration::from_millis(300)).await,
        "a third connection from one address is closed at once"
    );
    let mut others = [
        connect("127.0.0.2", server).await,
        connect("127.0.0.2", server).await,
    ];
    let mut fifth = connect("127.0.0.3", server).await;
    assert!(
        closed(&mut fifth, Duration::from_millis(300)).await,
        "a fifth connection in all is closed at once"
    );
    assert!(
        closed(&mut idle, IDLE * 3).await,
        "an idle connection is closed"
    );
    for other in &mut others {
        assert!(closed(other, IDLE).await, "an idle connection is closed");
    }
    assert!(
        !closed(&mut phone, IDLE).await,
        "the registered phone's connection stays"
    );
    // Room again: a new connection is taken.
    let mut again = connect("127.0.0.3", server).await;
    assert!(!closed(&mut again, Duration::from_millis(200)).await);
    let _ = stop.send(());
}
