//! Runtime against a real SIPp (Debian sip-tester) on 127.0.0.1: OPTIONS both ways over UDP and TCP.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::net::Proto;
use common::sipp::Sipp;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::oneshot;
use trunkline::sip::proto::header::NameAddr;
use trunkline::sip::proto::message::Method;
use trunkline::sip::proto::{Endpoint, EndpointConfig, Event, Response, Transport};
use trunkline::sip::runtime::{Runtime, RuntimeHandle};

async fn start() -> (
    SocketAddr,
    RuntimeHandle,
    tokio::sync::mpsc::UnboundedReceiver<Event>,
    oneshot::Sender<()>,
) {
    let udp = UdpSocket::bind("127.0.0.1:0").await.expect("udp");
    let addr = udp.local_addr().expect("addr");
    let tcp = TcpListener::bind(addr).await.expect("tcp on the same port");
    let cfg = EndpointConfig {
        via_host: "127.0.0.1".into(),
        via_port: addr.port(),
        ..EndpointConfig::default()
    };
    let (rt, handle, events) = Runtime::new(cfg, 42, Some(udp), Some(tcp));
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    tokio::spawn(rt.run(async move {
        let _ = stop_rx.await;
    }));
    (addr, handle, events, stop_tx)
}

/// SIPp's transport for ours.
fn proto(transport: Transport) -> Proto {
    if transport == Transport::Udp {
        Proto::Udp
    } else {
        Proto::Tcp
    }
}

async fn sipp_sends_options(transport: Transport) {
    let (addr, handle, mut events, stop) = start().await;
    let mut sipp = Sipp::scenario("options_uac.xml")
        .remote(addr)
        .transport(proto(transport))
        .timeout(Duration::from_secs(15))
        .spawn();
    let answered = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(ev) = events.recv().await {
            if let Event::Request {
                tx,
                request,
                transport: got,
                ..
            } = ev
            {
                assert_eq!(request.method, Method::Options);
                assert_eq!(got, transport);
                handle.respond(tx, Response::for_request(&request, 200, "OK"));
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(answered, Ok(true));
    assert!(sipp.finish().await, "sipp failed:\n{}", sipp.wire());
    let c = handle.counters.snapshot();
    assert!(c.messages_in >= 1 && c.messages_out >= 1, "{c:?}");
    let _ = stop.send(());
}

/// An OPTIONS from us to `user` at `dest`.
fn options_to(user: &str, dest: SocketAddr) -> trunkline::sip::proto::Request {
    let mut ep = Endpoint::new(EndpointConfig::default(), 9);
    let uri = rsip::Uri::try_from(format!("sip:{user}@{dest}").as_str()).expect("uri");
    ep.new_request(
        Method::Options,
        uri,
        NameAddr::new("sip:trunkline@127.0.0.1"),
        NameAddr::new(format!("sip:{user}@127.0.0.1")),
    )
}

async fn we_send_options(transport: Transport) {
    let (_addr, handle, mut events, stop) = start().await;
    // Over UDP Timer E would cover a SIPp not yet listening; over TCP the connect would fail.
    let mut sipp = Sipp::scenario("options_uas.xml")
        .transport(proto(transport))
        .timeout(Duration::from_secs(15))
        .spawn_listening()
        .await;
    let port = sipp.port();
    let dest: SocketAddr = ([127, 0, 0, 1], port).into();
    let tx = handle
        .send_request(options_to("sipp", dest), dest, transport)
        .await
        .expect("runtime")
        .expect("send");
    let status = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(ev) = events.recv().await {
            match ev {
                Event::Response { tx: got, response } if got == tx && response.status >= 200 => {
                    return response.status
                }
                Event::Timeout { .. } | Event::TransportError { .. } => {
                    return ev.status().unwrap_or(0)
                }
                _ => {}
            }
        }
        0
    })
    .await;
    assert_eq!(status, Ok(200));
    assert!(sipp.finish().await, "sipp failed:\n{}", sipp.wire());
    let _ = stop.send(());
}

#[tokio::test]
async fn sipp_options_to_us_over_udp() {
    sipp_sends_options(Transport::Udp).await;
}

#[tokio::test]
async fn sipp_options_to_us_over_tcp() {
    sipp_sends_options(Transport::Tcp).await;
}

#[tokio::test]
async fn our_options_to_sipp_over_udp() {
    we_send_options(Transport::Udp).await;
}

#[tokio::test]
async fn our_options_to_sipp_over_tcp() {
    we_send_options(Transport::Tcp).await;
}

/// A connection that cannot be made is a transport error for the
/// transaction that needed it (RFC 3261 §17.1.4: an INVITE's call then
/// fails over or ends), reported by the connect task, not waited for on
/// the loop.
#[tokio::test]
async fn a_refused_connection_is_a_transport_error_for_its_transaction() {
    let (_addr, handle, mut events, stop) = start().await;
    // A port that was just free: nothing listens, the connect is refused.
    let closed = TcpListener::bind("127.0.0.1:0").await.expect("tcp");
    let dest = closed.local_addr().expect("addr");
    drop(closed);
    let tx = handle
        .send_request(options_to("gone", dest), dest, Transport::Tcp)
        .await
        .expect("runtime")
        .expect("send");
    let status = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(ev) = events.recv().await {
            if let Event::TransportError { tx: got } = ev {
                if got == tx {
                    return ev.status();
                }
            }
        }
        None
    })
    .await;
    assert_eq!(status, Ok(Some(503)));
    assert_eq!(handle.counters.snapshot().send_errors, 1);
    let _ = stop.send(());
}
