//! The relay on loopback, real sockets: what a phone and a provider
//! send crosses, a stranger's packets do not, the ports close with the
//! call.
use super::*;
use crate::sip::proto::rtp::PROBATION;
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
    Relay::new("127.0.0.1".parse().expect("ip"), start, start + 7, 1).expect("relay threads")
}

fn at(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Whether every one of `ports` can be bound again within `WAIT`: the relay closed it.
async fn closes(ports: &[u16]) -> bool {
    let free = async {
        while ports
            .iter()
            .any(|p| std::net::UdpSocket::bind(at(*p)).is_err())
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(WAIT, free).await.is_ok()
}

/// Where RTCP goes without `a=rtcp`: one port above RTP.
fn next(rtp: SocketAddr) -> Option<SocketAddr> {
    Some(SocketAddr::new(rtp.ip(), rtp.port() + 1))
}

/// The SDP of a side that receives at `rtp` and `rtcp` and is not behind NAT.
fn sdp_at(side: Side, rtp: SocketAddr, rtcp: SocketAddr) -> Update {
    Update {
        side,
        rtp: Some(rtp),
        rtcp: Some(rtcp),
        signalling: rtp,
        symmetric_rtp: false,
        hold: false,
        clocks: Default::default(),
    }
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
        rtcp: next(rtp),
        signalling: rtp,
        symmetric_rtp,
        hold: false,
        clocks: Default::default(),
    };
    relay.update(id, update(Side::Caller, at(9), true));
    relay.update(id, update(Side::Callee, provider_at, false));

    // Enough packets each way for both streams to be latched (probation).
    for _ in 0..PROBATION {
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
    }

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
    // And on the provider's latched stream.
    stranger
        .send_to(b"scan", at(ports.callee))
        .await
        .expect("send");
    assert!(recv(&phone).await.is_none(), "nothing reaches the phone");
    let q = relay
        .quality(id, std::time::Instant::now())
        .expect("figures");
    assert_eq!(
        (q.caller.dropped, q.callee.dropped),
        (1, 1),
        "each stranger's packet counted on the side whose port it reached"
    );

    relay.close(id);
    assert!(
        closes(&[ports.caller]).await,
        "the call's ports close when it ends"
    );
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
            rtcp: next(at),
            signalling: at,
            symmetric_rtp: false,
            hold: false,
            clocks: Default::default(),
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

/// Plays digit 4 (100 ms) toward `toward` of call `id`, and returns the first four event
/// packets `sock` (that side) hears.
async fn play_four(relay: &Relay, id: CallId, toward: Side, sock: &UdpSocket) -> Vec<Vec<u8>> {
    relay.digit(
        id,
        toward,
        crate::sip::proto::rtp::Digit::from_millis(4, 100),
    );
    let mut played = Vec::new();
    while played.len() < 4 {
        let (got, _) = recv(sock).await.expect("event packets");
        played.push(got);
    }
    played
}

fn rtp(pt: u8, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, pt];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&ts.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

#[tokio::test]
async fn a_converting_call_reports_the_phones_digit_once_and_plays_the_trunks() {
    let mut relay = relay(31300);
    let mut events = relay.take_events().expect("events");
    let ports = relay.open().expect("ports");
    let id = CallId(1);
    relay.attach(id);
    let (phone, provider) = (udp().await, udp().await);
    for (side, sock) in [(Side::Caller, &phone), (Side::Callee, &provider)] {
        let rtp = sock.local_addr().expect("addr");
        let update = Update {
            side,
            rtp: Some(rtp),
            rtcp: next(rtp),
            signalling: rtp,
            symmetric_rtp: false,
            hold: false,
            clocks: Default::default(),
        };
        relay.update(id, update);
    }
    relay.dtmf(id, Side::Caller, 101);

    // The provider's audio reaches the phone (and tells the relay its stream).
    let audio = rtp(8, 1000, 160, 0x77, &[0xd5; 160]);
    provider
        .send_to(&audio, at(ports.callee))
        .await
        .expect("send");
    let (got, _) = recv(&phone).await.expect("the phone hears the provider");
    assert_eq!(got[1], 8);

    // The phone's "9": start, then three ends with one timestamp, then audio.
    for (seq, flags, duration) in [
        (1u16, 0u8, 160u16),
        (2, 0x80, 800),
        (3, 0x80, 800),
        (4, 0x80, 800),
    ] {
        let d = duration.to_be_bytes();
        let packet = rtp(101, seq, 8000, 0x55, &[9, flags | 10, d[0], d[1]]);
        phone
            .send_to(&packet, at(ports.caller))
            .await
            .expect("send");
    }
    phone
        .send_to(&rtp(0, 5, 8160, 0x55, &[0xff; 20]), at(ports.caller))
        .await
        .expect("send");
    let (got, _) = recv(&provider).await.expect("the phone's audio");
    assert_eq!(
        got[1], 0,
        "only audio crosses: the events stayed in the relay"
    );
    let reported = tokio::time::timeout(WAIT, events.recv())
        .await
        .expect("a report");
    let digit = crate::sip::proto::rtp::Digit {
        event: 9,
        duration: 800,
    };
    assert_eq!(
        reported,
        Some(RelayEvent::Digit {
            id,
            from: Side::Caller,
            digit
        })
    );
    assert!(events.try_recv().is_err(), "reported once");

    // The trunk's digit, played into the provider's stream toward the phone.
    let played = play_four(&relay, id, Side::Caller, &phone).await;
    for (k, p) in played.iter().enumerate() {
        assert_eq!(p[1] & 0x7f, 101);
        assert_eq!(p[1] & 0x80 != 0, k == 0, "M on the first");
        assert_eq!(u16::from_be_bytes([p[2], p[3]]), 1001 + k as u16);
        assert_eq!(&p[8..12], &0x77u32.to_be_bytes(), "the provider's SSRC");
        assert_eq!(p[12], 4);
    }
    assert!(played[1..].iter().all(|p| p[13] & 0x80 != 0), "three ends");
    provider
        .send_to(&rtp(8, 1001, 320, 0x77, &[0xd5; 160]), at(ports.callee))
        .await
        .expect("send");
    let (got, _) = recv(&phone).await.expect("audio after the digit");
    assert_eq!(
        u16::from_be_bytes([got[2], got[3]]),
        1005,
        "renumbered after the events"
    );
    relay.close(id);
}

/// A phone's RTCP receiver report crosses to the provider like RTP, and the call's figures
/// show what it reports: lost packets and jitter in its stream's clock (8000 Hz: 80 units
/// are 10 ms).
#[tokio::test]
async fn a_receiver_report_crosses_and_its_figures_show() {
    // Its own range: the tests of this file run at once.
    let mut relay = relay(31700);
    let ports = relay.open().expect("ports");
    let id = CallId(3);
    relay.attach(id);
    let (phone_rtcp, provider_rtcp) = (udp().await, udp().await);
    for (side, rtcp) in [(Side::Caller, &phone_rtcp), (Side::Callee, &provider_rtcp)] {
        let rtcp_at = rtcp.local_addr().expect("addr");
        let rtp_at = SocketAddr::new(rtcp_at.ip(), rtcp_at.port() - 1);
        relay.update(id, sdp_at(side, rtp_at, rtcp_at));
    }
    // RR from SSRC 0xabcd about source 0x1234: 1/4 lost lately, 12 in all, jitter 80.
    let mut rr = vec![0x81, 201, 0, 7];
    rr.extend_from_slice(&0xabcdu32.to_be_bytes());
    rr.extend_from_slice(&0x1234u32.to_be_bytes());
    rr.extend_from_slice(&[64, 0, 0, 12]);
    rr.extend_from_slice(&1000u32.to_be_bytes());
    rr.extend_from_slice(&80u32.to_be_bytes());
    rr.extend_from_slice(&[0; 8]);
    phone_rtcp
        .send_to(&rr, at(ports.caller + 1))
        .await
        .expect("send");
    let (got, _) = recv(&provider_rtcp)
        .await
        .expect("the provider gets the phone's report");
    assert_eq!(got, rr);
    let quality = relay
        .quality(id, std::time::Instant::now())
        .expect("figures");
    assert_eq!(quality.caller.reported_lost, Some(12));
    assert_eq!(quality.caller.reported_jitter_us, Some(10_000));
    assert_eq!(quality.callee.reported_lost, None, "the provider sent none");
}

/// RFC 3605: a phone whose SDP names its RTCP port (`a=rtcp`, here not one above its RTP
/// port) gets the provider's RTCP there, until its own RTCP, from behind its NAT, latches the
/// stream as symmetric RTP does; a stranger's RTCP latches nothing.
#[tokio::test]
async fn rtcp_goes_where_a_rtcp_names_until_the_sides_own_rtcp_latches() {
    let mut relay = relay(31400);
    let ports = relay.open().expect("ports");
    let id = CallId(4);
    relay.attach(id);
    let (phone_rtcp, phone_nat, provider_rtcp) = (udp().await, udp().await, udp().await);
    let stranger = UdpSocket::bind("127.0.0.2:0").await.expect("bind");
    let named = phone_rtcp.local_addr().expect("addr");
    let provider_at = provider_rtcp.local_addr().expect("addr");
    // The phone's RTP port is far from its RTCP port: nothing listens one above it.
    let phone_rtp = at(9);
    for (side, rtp, rtcp, symmetric_rtp) in [
        (Side::Caller, phone_rtp, Some(named), true),
        (Side::Callee, at(11), Some(provider_at), false),
    ] {
        relay.update(
            id,
            Update {
                side,
                rtp: Some(rtp),
                rtcp,
                signalling: rtp,
                symmetric_rtp,
                hold: false,
                clocks: Default::default(),
            },
        );
    }
    // The provider's RTCP reaches the port the phone named.
    provider_rtcp
        .send_to(b"sr-1", at(ports.callee + 1))
        .await
        .expect("send");
    let (got, from) = recv(&phone_rtcp).await.expect("RTCP at the named port");
    assert_eq!((&got[..], from), (&b"sr-1"[..], at(ports.caller + 1)));

    // A stranger's RTCP on the phone's RTCP port is dropped and latches nothing.
    stranger
        .send_to(b"scan", at(ports.caller + 1))
        .await
        .expect("send");
    // The phone's own RTCP, from another port (its NAT's mapping), latches the stream.
    phone_nat
        .send_to(b"rr-1", at(ports.caller + 1))
        .await
        .expect("send");
    let (got, _) = recv(&provider_rtcp)
        .await
        .expect("the phone's report crosses");
    assert_eq!(&got[..], b"rr-1", "the stranger's report did not cross");
    provider_rtcp
        .send_to(b"sr-2", at(ports.callee + 1))
        .await
        .expect("send");
    let (got, _) = recv(&phone_nat).await.expect("RTCP to the latched source");
    assert_eq!(&got[..], b"sr-2");
    let q = relay
        .quality(id, std::time::Instant::now())
        .expect("figures");
    assert_eq!(q.caller.dropped, 1, "the stranger counted");
    relay.close(id);
}

/// A call to an `rfc2833` trunk whose phone sends its digits in INFOs: the phone's stream
/// crosses as it is (its own events too) until a digit is played toward the trunk; the
/// events then continue that stream (its SSRC, the next sequence numbers, a timestamp one
/// frame on) and the phone's audio after them is renumbered to follow.
#[tokio::test]
async fn digits_played_toward_a_trunk_continue_the_phones_stream() {
    let mut relay = relay(31600);
    let ports = relay.open().expect("ports");
    let id = CallId(6);
    relay.attach(id);
    let (phone, provider) = (udp().await, udp().await);
    for (side, sock) in [(Side::Caller, &phone), (Side::Callee, &provider)] {
        relay.update(id, sdp_at(side, sock.local_addr().expect("addr"), at(9)));
    }
    relay.play(id, Side::Callee, 101);
    for (pt, seq, payload) in [
        (0u8, 500u16, &[0xff; 160][..]),
        (101, 501, &[7, 0x8a, 3, 32]),
    ] {
        phone
            .send_to(&rtp(pt, seq, 16_000, 0x55, payload), at(ports.caller))
            .await
            .expect("send");
        let (got, _) = recv(&provider).await.expect("the phone's stream");
        assert_eq!((got[1], u16::from_be_bytes([got[2], got[3]])), (pt, seq));
    }
    let played = play_four(&relay, id, Side::Callee, &provider).await;
    for (k, p) in played.iter().enumerate() {
        assert_eq!(p[1] & 0x7f, 101);
        assert_eq!(u16::from_be_bytes([p[2], p[3]]), 502 + k as u16);
        assert_eq!(&p[4..8], &16_160u32.to_be_bytes(), "one frame on");
        assert_eq!(&p[8..12], &0x55u32.to_be_bytes(), "the phone's SSRC");
        assert_eq!(p[12], 4);
    }
    phone
        .send_to(&rtp(0, 502, 16_160, 0x55, &[0xff; 160]), at(ports.caller))
        .await
        .expect("send");
    let (got, _) = recv(&provider).await.expect("audio after the digit");
    assert_eq!(u16::from_be_bytes([got[2], got[3]]), 506, "renumbered");
    relay.close(id);
}

#[tokio::test]
async fn a_burst_larger_than_a_read_crosses_whole_and_in_order() {
    // 31500-31507, as no other test of this file: they run at once.
    let mut relay = relay(31500);
    let ports = relay.open().expect("ports");
    let id = CallId(7);
    relay.attach(id);
    let (phone, provider) = (udp().await, udp().await);
    for (side, sock) in [(Side::Caller, &phone), (Side::Callee, &provider)] {
        let rtp = sock.local_addr().expect("addr");
        let rtcp = SocketAddr::new(rtp.ip(), rtp.port() + 1);
        relay.update(id, sdp_at(side, rtp, rtcp));
    }
    // Sent back to back, the packets queue on the relay's socket and are read several at a
    // time: every one must come out, in the order sent, from the relay's other leg.
    let burst = 5 * BATCH + 3;
    for n in 0..burst {
        phone
            .send_to(format!("packet {n}").as_bytes(), at(ports.caller))
            .await
            .expect("send");
    }
    for n in 0..burst {
        let (got, from) = recv(&provider).await.expect("every packet of the burst");
        assert_eq!(
            (String::from_utf8_lossy(&got).into_owned(), from),
            (format!("packet {n}"), at(ports.callee))
        );
    }
    let q = relay
        .quality(id, std::time::Instant::now())
        .expect("figures");
    assert_eq!(
        q.caller.dropped, 0,
        "the phone's own packets are not strangers"
    );
    let counted = burst as u64;
    assert_eq!(
        (q.caller.rx_packets, q.callee.tx_packets),
        (counted, counted),
        "each packet counted once as read from the phone and once as sent to the provider"
    );
    relay.close(id);
}

/// A call `id` through `relay` between a new phone and a new provider, both sending from
/// where their SDP says.
async fn start(relay: &mut Relay, id: CallId) -> (CallId, MediaPorts, UdpSocket, UdpSocket) {
    let ports = relay.open().expect("ports");
    relay.attach(id);
    let (phone, provider) = (udp().await, udp().await);
    for (side, sock) in [(Side::Caller, &phone), (Side::Callee, &provider)] {
        let rtp = sock.local_addr().expect("addr");
        relay.update(id, sdp_at(side, rtp, next(rtp).expect("rtcp")));
    }
    (id, ports, phone, provider)
}

/// A call's audio through `ports`: one packet each way, heard by the other side from the
/// relay's port of its own leg.
async fn crosses(ports: MediaPorts, phone: &UdpSocket, provider: &UdpSocket, text: &str) {
    phone
        .send_to(text.as_bytes(), at(ports.caller))
        .await
        .expect("send");
    let (got, from) = recv(provider).await.expect("the provider hears the phone");
    assert_eq!((&got[..], from), (text.as_bytes(), at(ports.callee)));
    provider
        .send_to(text.as_bytes(), at(ports.callee))
        .await
        .expect("send");
    let (got, from) = recv(phone).await.expect("the phone hears the provider");
    assert_eq!((&got[..], from), (text.as_bytes(), at(ports.caller)));
}

/// Calls share a relay thread: one ending closes its own ports only, the next call takes its
/// place in the thread's table, and every call still hears only its own audio. Dropping the
/// relay ends its thread, which closes the ports of the calls still up.
#[tokio::test]
async fn calls_sharing_a_thread_keep_their_own_audio_as_others_end() {
    // 31800-31819, as no other test of this file: five calls of two pairs each.
    let mut relay = Relay::new("127.0.0.1".parse().expect("ip"), 31800, 31819, 1).expect("relay");
    let mut calls = Vec::new();
    for n in 0..3 {
        calls.push(start(&mut relay, CallId(n)).await);
    }
    for (_, ports, phone, provider) in &calls {
        crosses(*ports, phone, provider, "before").await;
    }
    let (ended, ended_ports, _, _) = calls.remove(1);
    relay.close(ended);
    assert!(
        closes(&[ended_ports.caller]).await,
        "the ended call's ports close"
    );
    // The next call reuses the ended call's slot in the thread.
    calls.push(start(&mut relay, CallId(9)).await);
    for (_, ports, phone, provider) in &calls {
        crosses(*ports, phone, provider, "after").await;
    }
    let up: Vec<MediaPorts> = calls.iter().map(|c| c.1).collect();
    drop(relay);
    let callee_ports: Vec<u16> = up.iter().map(|p| p.callee).collect();
    assert!(
        closes(&callee_ports).await,
        "a dropped relay closes its calls' ports"
    );
}

/// A fault in one call's relaying (a panic) ends that call only: its ports close, and the
/// other call on the same thread keeps its audio.
#[tokio::test]
async fn a_fault_in_one_call_ends_that_call_only() {
    // 31820-31827, as no other test of this file: two calls of two pairs each.
    let mut relay = relay(31820);
    let (faulty, faulty_ports, _, _) = start(&mut relay, CallId(1)).await;
    let (_, ports, phone, provider) = start(&mut relay, CallId(2)).await;
    crosses(ports, &phone, &provider, "before").await;
    relay.fault(faulty);
    assert!(
        closes(&[faulty_ports.caller]).await,
        "the faulty call's ports close"
    );
    crosses(ports, &phone, &provider, "after").await;
}
