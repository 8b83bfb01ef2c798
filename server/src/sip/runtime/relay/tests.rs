//! The relay on loopback, real sockets: what a phone and a provider
//! send crosses, a stranger's packets do not, the ports close with the
//! call.
use super::*;
use std::time::Duration;
use tokio::net::UdpSocket;

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
        hold: false,
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

/// The provider falls silent while the phone talks on: once the call's
/// RTP timeout has passed the relay reports the provider's side, once.
#[tokio::test]
async fn a_side_silent_for_the_rtp_timeout_is_reported() {
    let mut relay = relay(31200);
    let mut events = relay.take_events().expect("events");
    let ports = relay.open().expect("ports");
    let id = CallId(7);
    relay.attach(id);
    let (phone, provider) = (udp().await, udp().await);
    for (side, sock) in [(Side::Caller, &phone), (Side::Callee, &provider)] {
        let at = sock.local_addr().expect("addr");
        let update = Update {
            side,
            rtp: Some(at),
            signalling: at,
            symmetric_rtp: false,
            hold: false,
        };
        relay.update(id, update);
    }
    let timeout = Duration::from_millis(300);
    relay.watch(
        id,
        MediaTimeouts {
            rtp: Some(timeout),
            hold: None,
        },
    );
    let talk = async {
        for n in 0..60u32 {
            phone.send_to(b"rtp", at(ports.caller)).await.expect("send");
            if n < 5 {
                provider
                    .send_to(b"rtp", at(ports.callee))
                    .await
                    .expect("send");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let started = std::time::Instant::now();
    let (got, ()) = tokio::join!(tokio::time::timeout(WAIT, events.recv()), talk);
    assert_eq!(
        got.expect("reported within 2 s"),
        Some(RelayEvent::MediaTimeout {
            id,
            silent: Side::Callee
        })
    );
    assert!(started.elapsed() >= timeout, "not before the timeout");
    let again = tokio::time::timeout(Duration::from_millis(500), events.recv()).await;
    assert!(again.is_err(), "reported once: {again:?}");
}
