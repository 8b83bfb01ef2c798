//! Runtime against a real SIPp (Debian sip-tester) on 127.0.0.1: OPTIONS both ways over UDP and TCP.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::net::{TcpListener, UdpSocket};
use tokio::process::Command;
use tokio::sync::oneshot;
use trunkline::sip::proto::header::NameAddr;
use trunkline::sip::proto::message::Method;
use trunkline::sip::proto::{Endpoint, EndpointConfig, Event, Response, Transport};
use trunkline::sip::runtime::{Runtime, RuntimeHandle};

fn sipp_available() -> bool {
    std::process::Command::new("sipp")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn free_port() -> u16 {
    // Probe on TCP: SIPp in t1 mode listens there; in u1 mode the UDP port is free with high odds.
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

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

fn sipp(scenario: &str, args: &[String]) -> Command {
    let mut c = Command::new("sipp");
    c.arg("-sf")
        .arg(format!(
            "{}/tests/sipp/{scenario}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .args([
            "-i",
            "127.0.0.1",
            "-m",
            "1",
            "-timeout",
            "15s",
            "-nostdin",
            "-trace_err",
        ])
        .args(args)
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    c
}

async fn sipp_sends_options(transport: Transport) {
    let (addr, handle, mut events, stop) = start().await;
    let t = if transport == Transport::Udp {
        "u1"
    } else {
        "t1"
    };
    let port = free_port().to_string();
    let child = sipp(
        "options_uac.xml",
        &[addr.to_string(), "-t".into(), t.into(), "-p".into(), port],
    )
    .spawn()
    .expect("spawn sipp");
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
    let out = child.wait_with_output().await.expect("sipp ran");
    assert!(
        out.status.success(),
        "sipp failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = handle.counters.snapshot();
    assert!(c.messages_in >= 1 && c.messages_out >= 1, "{c:?}");
    let _ = stop.send(());
}

async fn we_send_options(transport: Transport) {
    let (_addr, handle, mut events, stop) = start().await;
    let t = if transport == Transport::Udp {
        "u1"
    } else {
        "t1"
    };
    let port = free_port();
    let mut child = sipp(
        "options_uas.xml",
        &["-t".into(), t.into(), "-p".into(), port.to_string()],
    )
    .spawn()
    .expect("spawn sipp");
    let dest: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut ep = Endpoint::new(EndpointConfig::default(), 9);
    let uri = rsip::Uri::try_from(format!("sip:sipp@127.0.0.1:{port}").as_str()).expect("uri");
    let req = ep.new_request(
        Method::Options,
        uri,
        NameAddr::new("sip:trunkline@127.0.0.1"),
        NameAddr::new("sip:sipp@127.0.0.1"),
    );
    // SIPp needs a moment to listen; over UDP Timer E would cover it, over TCP the connect would fail.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let tx = handle
        .send_request(req, dest, transport)
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
    let out = child.wait().await.expect("sipp ran");
    assert!(out.success());
    let _ = stop.send(());
}

#[tokio::test]
async fn sipp_options_to_us_over_udp() {
    assert!(sipp_available(), "sipp (sip-tester) is required");
    sipp_sends_options(Transport::Udp).await;
}

#[tokio::test]
async fn sipp_options_to_us_over_tcp() {
    assert!(sipp_available(), "sipp (sip-tester) is required");
    sipp_sends_options(Transport::Tcp).await;
}

#[tokio::test]
async fn our_options_to_sipp_over_udp() {
    assert!(sipp_available(), "sipp (sip-tester) is required");
    we_send_options(Transport::Udp).await;
}

#[tokio::test]
async fn our_options_to_sipp_over_tcp() {
    assert!(sipp_available(), "sipp (sip-tester) is required");
    we_send_options(Transport::Tcp).await;
}
