//! Issue 15 item 7, through the real binary on loopback: while a call's audio crosses the
//! relay, one thread floods the whole RTP range (the call's four ports among them) from an
//! address no call knows, as fast as it can for a few seconds. SIP is not slowed: a registered
//! phone's OPTIONS, a REGISTER and a new call are all answered as usual. The call keeps its
//! audio, none of the stranger's packets reach either endpoint, and those that reached the
//! call's ports are counted as dropped where an administrator sees them (Status → Calls, live
//! and in the log; REST `quality.*.dropped`).

mod common;

use app::model::nat::SipNatInput;
use app::ssr::state::Core;
use common::lab::{endpoint_on, peer_of, RtpStats, Voice};
use common::net::free_port;
use common::pbx::{prepare, Pbx, PASSWORD_1000, PASSWORD_1001};
use common::sipp::Sipp;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The flood: bounded in time and in count (one thread on loopback sends a few hundred
/// thousand datagrams a second; the count is there so a faster machine stops too).
const FLOOD_FOR: Duration = Duration::from_secs(4);
const FLOOD_MOST: u64 = 8_000_000;
const FLOODER_IP: &str = "127.0.0.9";
/// Ports of the test's RTP range: eight calls' worth.
const RANGE_PORTS: u16 = 32;
/// 10 s of 20 ms packets each way; the phone's SIPp hangs up after 11 s.
const PACKETS: u32 = 500;
const PHONE_SSRC: u32 = 0x1000_0001;
const PROVIDER_SSRC: u32 = 0x2000_0002;
/// OPTIONS of the registered phone: one every 20 ms through the flood.
const PROBE_EVERY: Duration = Duration::from_millis(20);
/// What an answer may take and still count as prompt: generous for a debug build on a shared
/// machine (the flood itself takes a core); the figures are printed.
const PROMPT: Duration = Duration::from_secs(1);
/// A REGISTER (with its challenge) or a new call (answer, 500 ms of talk, BYE) during the
/// flood: done within this, where each takes well under a second unflooded.
const SIPP_WITHIN: Duration = Duration::from_secs(8);

/// An RTP range of its own for this test: the flood must hit a call's ports and no other
/// test's.
fn rtp_range() -> (u16, u16) {
    let start = 40_000 + (std::process::id() % 500) as u16 * 40;
    (start, start + RANGE_PORTS - 1)
}

/// A socket on 127.0.0.1 whose port the kernel chose outside `range`: an endpoint's own port
/// inside the flooded range would receive the flood straight from the flooder, not through
/// Trunkline (the kernel's ephemeral ports, 32768-60999, cover the test's ranges).
fn bind_outside(range: (u16, u16)) -> UdpSocket {
    // Those found inside stay bound until one outside is found, so none comes back.
    let mut inside = Vec::new();
    loop {
        let sock = UdpSocket::bind("127.0.0.1:0").expect("bind on 127.0.0.1");
        let port = sock.local_addr().expect("local address").port();
        if port < range.0 || port > range.1 {
            return sock;
        }
        assert!(inside.len() < 64, "every port found falls in {range:?}");
        inside.push(sock);
    }
}

/// The PBX of the call tests (common/pbx.rs) with the RTP range `range`.
async fn start_pbx(range: (u16, u16)) -> Pbx {
    let dir = Pbx::fresh_dir("rtp-flood");
    let db = dir.join("t.db");
    let (provider_port, backup_port) = (free_port(), free_port());
    prepare(&db, provider_port, backup_port).await;
    let pool = app::ssr::db::open(&db).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let current = app::ssr::service::nat::get(&core).await.expect("nat");
    let input = SipNatInput {
        rtp_start: range.0.to_string(),
        rtp_end: range.1.to_string(),
        ..current.settings.to_input()
    };
    app::ssr::service::nat::update(&core, current.version, &input)
        .await
        .expect("RTP range saved");
    pool.close().await;
    let mut pbx = Pbx::launch(dir, free_port()).await;
    pbx.provider_port = provider_port;
    pbx.backup_port = backup_port;
    pbx
}

/// A provider RTP port `<prefix>10` free on loopback (lab_provider_media_uas.xml writes its
/// first call's port so), and the prefix.
fn provider_rtp(range: (u16, u16)) -> (UdpSocket, String) {
    for prefix in 300..650u32 {
        let port = (prefix * 100 + 10) as u16;
        // Not in the flooded range (see `bind_outside`).
        if (range.0..=range.1).contains(&port) {
            continue;
        }
        if let Ok(sock) = UdpSocket::bind(("127.0.0.1", port)) {
            return (sock, prefix.to_string());
        }
    }
    panic!("no free provider RTP port");
}

/// Blocks until `path` names where to send, or 20 s.
fn wait_for_peer(path: &Path) -> Option<SocketAddr> {
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until {
        if let Some(peer) = peer_of(path) {
            return Some(peer);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// What the flood did.
struct Flooded {
    sent: u64,
    /// Of those, sent to the call's four ports.
    to_call: u64,
    took: Duration,
}

/// Sends 172-byte RTP-looking datagrams with a stranger's SSRC to every port of `range` in
/// turn, as fast as one thread can, until `FLOOD_MOST` or `FLOOD_FOR`.
fn flood(range: (u16, u16), call_ports: [u16; 4]) -> Flooded {
    let sock = UdpSocket::bind((FLOODER_IP, 0)).expect("bind the flooder");
    let mut packet = vec![0x80, 0, 0, 0, 0, 0, 0, 0, 0xba, 0xad, 0xf0, 0x0d];
    packet.resize(172, 0xff);
    let (mut sent, mut to_call) = (0u64, 0u64);
    let start = Instant::now();
    let mut port = range.0;
    'flood: while sent < FLOOD_MOST {
        // The clock is read once per round of the range, not per datagram.
        if start.elapsed() >= FLOOD_FOR {
            break;
        }
        for _ in range.0..=range.1 {
            packet[2..4].copy_from_slice(&(sent as u16).to_be_bytes());
            if sock.send_to(&packet, ("127.0.0.1", port)).is_ok() {
                sent += 1;
                to_call += u64::from(call_ports.contains(&port));
            }
            port = if port == range.1 { range.0 } else { port + 1 };
            if sent >= FLOOD_MOST {
                break 'flood;
            }
        }
    }
    Flooded {
        sent,
        to_call,
        took: start.elapsed(),
    }
}

/// An OPTIONS from `local` (a registered phone's address) to Trunkline.
fn options(sip_port: u16, local: SocketAddr, n: usize) -> String {
    format!(
        "OPTIONS sip:127.0.0.1:{sip_port} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {local};branch=z9hG4bKrtpflood{n}x;rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:1001@127.0.0.1>;tag=o{n}\r\n\
         To: <sip:127.0.0.1>\r\n\
         Call-ID: rtpflood-{n}@{local}\r\n\
         CSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

/// The probe number an answer is to.
fn answered(response: &str) -> Option<usize> {
    let at = response.find("branch=z9hG4bKrtpflood")? + "branch=z9hG4bKrtpflood".len();
    let rest = &response[at..];
    rest[..rest.find('x')?].parse().ok()
}

/// Sends an OPTIONS every `PROBE_EVERY` from `sock` while `on` holds (at most 1,000), then
/// waits 2 s for late answers; how long each took (`None`: never answered).
fn probe(sock: &UdpSocket, sip_port: u16, on: &AtomicBool) -> Vec<Option<Duration>> {
    sock.set_read_timeout(Some(Duration::from_millis(2)))
        .expect("read timeout");
    let local = sock.local_addr().expect("local");
    let mut sent: Vec<Instant> = Vec::new();
    let mut took: Vec<Option<Duration>> = Vec::new();
    let mut buf = vec![0u8; 65_536];
    let mut next = Instant::now();
    let mut last_sent = Instant::now();
    while on.load(Ordering::SeqCst) || last_sent.elapsed() < Duration::from_secs(2) {
        let now = Instant::now();
        if on.load(Ordering::SeqCst) && now >= next && sent.len() < 1_000 {
            let n = sent.len();
            sock.send_to(
                options(sip_port, local, n).as_bytes(),
                ("127.0.0.1", sip_port),
            )
            .expect("send OPTIONS");
            sent.push(now);
            took.push(None);
            next = now + PROBE_EVERY;
            last_sent = now;
        }
        let Ok((len, _)) = sock.recv_from(&mut buf) else {
            continue;
        };
        let text = String::from_utf8_lossy(&buf[..len]);
        if let Some(n) = answered(&text).filter(|_| text.starts_with("SIP/2.0 200")) {
            if let Some(slot) = took.get_mut(n).filter(|t| t.is_none()) {
                *slot = Some(sent[n].elapsed());
            }
        }
    }
    took
}

/// Runs `sipp` to its end; whether it ended well, and how long it took.
async fn timed(mut sipp: Sipp) -> (bool, Duration, Sipp) {
    let start = Instant::now();
    let ok = sipp.finish().await;
    (ok, start.elapsed(), sipp)
}

/// The front desk's call's live figures, from REST: what was dropped on (caller, callee).
async fn live_dropped(pbx: &Pbx) -> Option<(u64, u64)> {
    let (status, live) = pbx.rest("/api/v1/calls/live").await;
    assert_eq!(status, 200, "{live}");
    let call = live.as_array()?.iter().find(|c| {
        c.get("caller")
            .and_then(|c| c.as_str())
            .is_some_and(|c| c.contains("1000"))
    })?;
    let q = call.get("quality")?;
    let leg = |side: &str| q.get(side)?.get("dropped")?.as_u64();
    Some((leg("caller")?, leg("callee")?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_the_rtp_range_slows_neither_sip_nor_the_call_and_is_counted() {
    let range = rtp_range();
    let pbx = start_pbx(range).await;
    let sip = pbx.sip_port;

    // Bob's phone registers: its OPTIONS are the probe.
    let bob = bind_outside(range);
    let bob_port = bob.local_addr().expect("bob").port();
    drop(bob);
    let mut register = pbx
        .sipp_client("register-1001", "phone_register_uac.xml")
        .local_port(bob_port)
        .args(["-s", "1001", "-au", "1001", "-ap", PASSWORD_1001])
        .spawn();
    assert!(
        register.finish().await,
        "1001 did not register:\n{}",
        register.wire()
    );
    let bob = UdpSocket::bind(("127.0.0.1", bob_port)).expect("bob's port again");

    // The front desk calls out; the provider answers it and, later, the new call.
    let (provider_sock, prefix) = provider_rtp(range);
    let provider_sdp = pbx.dir.join("provider.sdp");
    let mut provider = pbx
        .sipp("provider", "lab_provider_media_uas.xml")
        .local_port(pbx.provider_port)
        .count(2)
        .timeout(Duration::from_secs(60))
        .args([
            "-key",
            "nat_ip",
            "127.0.0.1",
            "-key",
            "nat_port",
            &sip.to_string(),
        ])
        .args([
            "-key",
            "rtp_prefix",
            &prefix,
            "-key",
            "media_attr",
            "ptime:20",
        ])
        .args(["-key", "peer_sdp"])
        .arg(provider_sdp.as_os_str())
        .spawn_listening()
        .await;
    let phone_sock = bind_outside(range);
    let phone_sdp = pbx.dir.join("phone.sdp");
    let phone_rtp_port = phone_sock.local_addr().expect("phone RTP").port();
    let mut desk = pbx
        .sipp_client("desk", "lab_phone_media_uac.xml")
        .timeout(Duration::from_secs(45))
        .args(["-s", "4185551234", "-key", "caller", "1000"])
        .args(["-au", "1000", "-ap", PASSWORD_1000])
        .args(["-auth_uri", &pbx.auth_uri("4185551234")])
        .args([
            "-key",
            "rtp_port",
            &phone_rtp_port.to_string(),
            "-key",
            "peer_sdp",
        ])
        .arg(phone_sdp.as_os_str())
        .spawn();
    let mut provider_call_sdp = provider_sdp.into_os_string();
    provider_call_sdp.push("1");
    let provider_call_sdp = PathBuf::from(provider_call_sdp);
    let phone_audio = endpoint_on(
        phone_sock,
        (PHONE_SSRC, PROVIDER_SSRC),
        phone_sdp.clone(),
        PACKETS,
        Voice::silence(),
    );
    let provider_audio = endpoint_on(
        provider_sock,
        (PROVIDER_SSRC, PHONE_SSRC),
        provider_call_sdp.clone(),
        PACKETS,
        Voice::silence(),
    );

    // The call is up and its audio flowing: Trunkline's ports for each leg are known.
    let (toward_phone, toward_provider) = tokio::task::spawn_blocking(move || {
        (wait_for_peer(&phone_sdp), wait_for_peer(&provider_call_sdp))
    })
    .await
    .expect("waiting thread");
    let (Some(toward_phone), Some(toward_provider)) = (toward_phone, toward_provider) else {
        panic!(
            "the call was not set up: {toward_phone:?} {toward_provider:?}\n{}",
            desk.wire()
        );
    };
    let (caller, callee) = (toward_phone.port(), toward_provider.port());
    assert!(
        (range.0..=range.1).contains(&caller) && (range.0..=range.1).contains(&callee),
        "the call's ports {caller}, {callee} are outside the range {range:?}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The flood, with Bob's OPTIONS all along, and a REGISTER and a new call inside it.
    let probing = Arc::new(AtomicBool::new(true));
    let on = Arc::clone(&probing);
    let prober: JoinHandle<Vec<Option<Duration>>> =
        std::thread::spawn(move || probe(&bob, sip, &on));
    let flooder =
        tokio::task::spawn_blocking(move || flood(range, [caller, caller + 1, callee, callee + 1]));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let register_again = pbx
        .sipp_client("register-again", "phone_register_uac.xml")
        .args(["-s", "1001", "-au", "1001", "-ap", PASSWORD_1001])
        .spawn();
    let new_call = pbx.dial(
        "new-call",
        "call_phone_dial.xml",
        "1001",
        PASSWORD_1001,
        "4185551234",
    );
    let ((registered, register_took, register_again), (called, call_took, new_call)) =
        tokio::join!(timed(register_again), timed(new_call));
    // Still inside the flood (4 s from its start): what an administrator sees now.
    let live = live_dropped(&pbx).await;
    let flooded = flooder.await.expect("flooder");
    probing.store(false, Ordering::SeqCst);
    let probes = prober.join().expect("prober");

    let desk_ok = desk.finish().await;
    let phone_heard: RtpStats = phone_audio.join().expect("phone RTP");
    let provider_heard: RtpStats = provider_audio.join().expect("provider RTP");
    let calls = pbx.call_log(2).await;
    let logged = calls
        .iter()
        .find(|c| c.caller.contains("1000"))
        .and_then(|c| c.quality.clone());

    let mut times: Vec<Duration> = probes.iter().flatten().copied().collect();
    times.sort();
    let pct = |p: usize| times.get(times.len() * p / 100).copied();
    let prompt = times.iter().filter(|t| **t <= PROMPT).count();
    eprintln!(
        "RTP flood (noisy: a shared 2-core machine): {} datagrams from {FLOODER_IP} to ports {}-{} in {:?} \
         ({:.0}/s), {} to the call's ports\n\
         OPTIONS: {} sent, {} answered, {prompt} within {PROMPT:?}, p50 {:?}, p99 {:?}, max {:?}\n\
         REGISTER {register_took:?}, new call {call_took:?}\n\
         phone heard {} of {} (foreign {}), provider heard {} of {} (foreign {})\n\
         dropped live (caller, callee): {live:?}; in the log: {:?}",
        flooded.sent,
        range.0,
        range.1,
        flooded.took,
        flooded.sent as f64 / flooded.took.as_secs_f64(),
        flooded.to_call,
        probes.len(),
        times.len(),
        pct(50),
        pct(99),
        times.last(),
        phone_heard.heard,
        provider_heard.sent,
        phone_heard.foreign,
        provider_heard.heard,
        phone_heard.sent,
        provider_heard.foreign,
        logged.as_ref().map(|q| (q.caller.dropped, q.callee.dropped)),
    );

    // (a) SIP kept being answered.
    assert!(probes.len() >= 100, "only {} OPTIONS sent", probes.len());
    assert_eq!(times.len(), probes.len(), "every OPTIONS answered");
    assert!(
        prompt * 100 >= probes.len() * 99,
        "{prompt} of {} OPTIONS answered within {PROMPT:?}",
        probes.len()
    );
    assert!(
        registered && register_took <= SIPP_WITHIN,
        "REGISTER under the flood: ok {registered}, {register_took:?}\n{}",
        register_again.wire()
    );
    assert!(
        called && call_took <= SIPP_WITHIN,
        "new call under the flood: ok {called}, {call_took:?}\n{}",
        new_call.wire()
    );

    // (b) The call kept its audio, and nothing of the stranger's crossed.
    assert!(desk_ok, "the call in progress failed:\n{}", desk.wire());
    for (who, heard, other) in [
        ("phone", &phone_heard, &provider_heard),
        ("provider", &provider_heard, &phone_heard),
    ] {
        assert!(
            heard.heard * 100 >= other.sent * 95,
            "the {who} heard {} of {} packets",
            heard.heard,
            other.sent
        );
        assert_eq!(heard.foreign, 0, "the stranger's packets reached the {who}");
    }
    // Counted where an administrator sees them: live during the flood, and in the log.
    let (live_caller, live_callee) = live.expect("the live call's figures");
    assert!(
        live_caller > 0 && live_callee > 0,
        "live: {live_caller} / {live_callee} dropped"
    );
    let q = logged.expect("the call's figures in the log");
    let dropped = q.caller.dropped + q.callee.dropped;
    assert!(
        dropped >= live_caller + live_callee && dropped <= flooded.to_call,
        "{dropped} counted dropped of {} sent to the call's ports",
        flooded.to_call
    );
    let (mut register_again, mut new_call) = (register_again, new_call);
    pbx.expect_all_ok(
        "RTP flood",
        &mut [
            &mut provider,
            &mut desk,
            &mut register,
            &mut register_again,
            &mut new_call,
        ],
    )
    .await;
}
