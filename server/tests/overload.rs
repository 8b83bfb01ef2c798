//! Overload: the runtime on real UDP sockets with a handler that has
//! fallen behind. A request beyond the handler's backlog is answered 503
//! with Retry-After at once (and counted); once the backlog drains,
//! requests reach the handler again.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};
use trunkline::sip::proto::message::parse;
use trunkline::sip::proto::{EndpointConfig, Event, Message, Response};
use trunkline::sip::runtime::Runtime;

fn register(n: u32, phone: SocketAddr) -> String {
    format!(
        "REGISTER sip:127.0.0.1 SIP/2.0\r\n\
         Via: SIP/2.0/UDP {phone};branch=z9hG4bK-overload-{n}\r\n\
         From: <sip:1000@127.0.0.1>;tag=phone{n}\r\n\
         To: <sip:1000@127.0.0.1>\r\n\
         Call-ID: overload-{n}\r\n\
         CSeq: 1 REGISTER\r\n\
         Contact: <sip:1000@{phone}>\r\n\
         Max-Forwards: 70\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

/// The next response within `wait`, if any.
async fn answer(phone: &UdpSocket, wait: Duration) -> Option<Response> {
    let mut buf = vec![0u8; 4096];
    let got = tokio::time::timeout(wait, phone.recv(&mut buf)).await;
    let n = got.ok()?.ok()?;
    match parse(&buf[..n], &Default::default()) {
        Ok(Message::Response(r)) => Some(r),
        other => panic!("not a response: {other:?}"),
    }
}

fn call_id(ev: &Event) -> String {
    match ev {
        Event::Request { request, .. } => request.headers.call_id.to_string(),
        other => panic!("not a request: {other:?}"),
    }
}

#[tokio::test]
async fn a_request_beyond_the_backlog_gets_503_with_retry_after() {
    let udp = UdpSocket::bind("127.0.0.1:0").await.expect("udp");
    let pbx = udp.local_addr().expect("addr");
    let cfg = EndpointConfig {
        via_host: "127.0.0.1".into(),
        via_port: pbx.port(),
        ..EndpointConfig::default()
    };
    let (rt, handle, _events) = Runtime::new(cfg, 7, Some(udp), None);
    // A handler with room for two that does not read: it has fallen behind.
    let (requests, mut backlog) = mpsc::channel(2);
    let (stop, stopped) = oneshot::channel::<()>();
    let driver = tokio::spawn(rt.with_requests(requests).run(async move {
        let _ = stopped.await;
    }));

    let phone = UdpSocket::bind("127.0.0.1:0").await.expect("phone");
    phone.connect(pbx).await.expect("connect");
    let me = phone.local_addr().expect("addr");
    for n in 1..=3 {
        phone.send(register(n, me).as_bytes()).await.expect("send");
    }
    let turned_away = answer(&phone, Duration::from_secs(5))
        .await
        .expect("an answer to the third REGISTER");
    assert_eq!(turned_away.status, 503);
    assert_eq!(turned_away.headers.call_id.to_string(), "overload-3");
    assert!(
        turned_away.headers.to.tag().is_some(),
        "a final answer carries a To tag"
    );
    let wait: u32 = turned_away
        .headers
        .extra("Retry-After")
        .and_then(|v| v.trim().parse().ok())
        .expect("Retry-After in seconds");
    assert!((2..=9).contains(&wait), "Retry-After: {wait}");
    let early = answer(&phone, Duration::from_millis(300)).await;
    assert!(early.is_none(), "the first two wait, unanswered");
    assert_eq!(handle.counters.snapshot().turned_away, 1);

    // The two that fitted are the handler's, in order.
    let queued: Vec<String> = [backlog.recv().await, backlog.recv().await]
        .iter()
        .map(|ev| call_id(ev.as_ref().expect("queued request")))
        .collect();
    assert_eq!(queued, ["overload-1", "overload-2"]);

    // With room again, a new REGISTER reaches the handler, not a 503.
    phone.send(register(4, me).as_bytes()).await.expect("send");
    let next = tokio::time::timeout(Duration::from_secs(2), backlog.recv())
        .await
        .expect("delivered in time")
        .expect("channel open");
    assert_eq!(call_id(&next), "overload-4");
    assert_eq!(handle.counters.snapshot().turned_away, 1);

    let _ = stop.send(());
    let _ = driver.await;
}
