//! DTMF through the office's NAT (the media lab of lab_media.rs): a SIPp
//! phone on 192.168.77.10 dials out through the trunk with RFC 4733
//! `telephone-event` (payload type 101) in its offer; its RTP endpoint sends
//! audio and the digits "1" and "#" as a phone does (a start packet with the
//! M bit, progress packets, three end packets with the E bit, all of one
//! digit with the same timestamp) to the address the answer names.
//! - Trunk DTMF mode `info`: the provider (lab_provider_dtmf_info_uas.xml)
//!   gets in-dialog INFOs `Signal=1` then `Signal=#` and no telephone-event
//!   packet; its own INFO `Signal=5` is answered 200 and the phone hears
//!   event 5 in RTP, with the payload type it offered.
//! - Trunk DTMF mode `rfc2833`: the phone's event packets reach the provider.
//! - Trunk DTMF mode `rfc2833`, a phone that sends its digits in SIP INFO
//!   (lab_phone_info_uac.xml): the INFO is answered 200 and the provider
//!   hears the digit as event packets, as Asterisk turns a phone's INFO into
//!   the trunk's mode.
//!
//! Needs root, iproute2, nftables and sip-tester (scripts/setup --test).

mod common;

use common::lab::media::*;
use common::lab::*;
use common::sipp::Sipp;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The phone's telephone-event payload type (lab_phone_media_uac.xml).
const EVENT_PT: u8 = 101;
/// 8 s of audio: the digits go at 1 s and 2 s, the provider's INFO comes
/// after them, the phone's BYE at 11 s.
const TICKS: u32 = 400;
/// The phone presses "1" (event 1) at tick 50 and "#" (event 11) at tick 100.
const DIGITS: [(u32, u8); 2] = [(50, 1), (100, 11)];
const PTIME: Duration = Duration::from_millis(20);

/// One packet an endpoint received.
#[derive(Debug, Clone)]
struct Heard {
    pt: u8,
    marker: bool,
    seq: u16,
    timestamp: u32,
    ssrc: u32,
    payload: Vec<u8>,
}

impl Heard {
    /// (event, end bit, duration) of a telephone-event packet.
    fn event(&self) -> Option<(u8, bool, u16)> {
        let p = self.payload.get(..4)?;
        Some((p[0], p[1] & 0x80 != 0, u16::from_be_bytes([p[2], p[3]])))
    }
}

fn rtp(pt: u8, marker: bool, seq: u16, timestamp: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, if marker { 0x80 } else { 0 } | pt];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&timestamp.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// An RTP endpoint at `addr` in `ns` with SSRC `ssrc`: once `peer_sdp`
/// names the peer, sends `TICKS` audio packets every 20 ms and, at the
/// ticks of `digits`, each digit as RFC 4733 packets in the same stream
/// (start with M, two progress, then three ends 100 ms long), recording
/// everything it receives until a second after its last packet.
fn endpoint(
    lab: &Lab,
    ns: Ns,
    addr: &str,
    ssrc: u32,
    peer_sdp: PathBuf,
    digits: &'static [(u32, u8)],
) -> JoinHandle<Vec<Heard>> {
    let sock = lab.udp(ns, addr);
    std::thread::spawn(move || {
        let mut heard = Vec::new();
        let give_up = Instant::now() + Duration::from_secs(30);
        let peer = loop {
            if let Some(peer) = peer_of(&peer_sdp) {
                break peer;
            }
            if Instant::now() > give_up {
                return heard;
            }
            listen(&sock, Instant::now() + Duration::from_millis(5), &mut heard);
        };
        let start = Instant::now();
        let mut seq: u16 = 0;
        let send = |p: Vec<u8>| {
            let _ = sock.send_to(&p, peer);
        };
        for tick in 0..TICKS {
            let ts = tick * 160;
            send(rtp(0, false, seq, ts, ssrc, &[0xff; 160]));
            seq = seq.wrapping_add(1);
            for &(at, event) in digits {
                // The digit's packets all carry the timestamp of its start.
                let (ets, step) = (at * 160, tick.wrapping_sub(at));
                let packets: Vec<(bool, bool, u16)> = match step {
                    0 => vec![(true, false, 160)],
                    1 => vec![(false, false, 320)],
                    2 => vec![(false, false, 480)],
                    3 => vec![(false, true, 800); 3],
                    _ => Vec::new(),
                };
                for (marker, end, duration) in packets {
                    let d = duration.to_be_bytes();
                    let payload = [event, if end { 0x80 } else { 0 } | 10, d[0], d[1]];
                    send(rtp(EVENT_PT, marker, seq, ets, ssrc, &payload));
                    seq = seq.wrapping_add(1);
                }
            }
            listen(&sock, start + PTIME * (tick + 1), &mut heard);
        }
        listen(&sock, Instant::now() + Duration::from_secs(1), &mut heard);
        heard
    })
}

fn listen(sock: &std::net::UdpSocket, until: Instant, heard: &mut Vec<Heard>) {
    let mut buf = [0u8; 2048];
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || sock.set_read_timeout(Some(left)).is_err() {
            return;
        }
        let Ok((n, _)) = sock.recv_from(&mut buf) else {
            return;
        };
        let Some(b) = buf.get(..n).filter(|b| b.len() >= 12) else {
            continue;
        };
        heard.push(Heard {
            pt: b[1] & 0x7f,
            marker: b[1] & 0x80 != 0,
            seq: u16::from_be_bytes([b[2], b[3]]),
            timestamp: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            ssrc: u32::from_be_bytes([b[8], b[9], b[10], b[11]]),
            payload: b[12..].to_vec(),
        });
    }
}

/// Sets the trunk's DTMF mode, as the administrator does on its form.
async fn dtmf_mode(db: &Path, mode: &str) {
    use app::ssr::service::trunks;
    let pool = app::ssr::db::open(db).await.expect("database");
    let core = app::ssr::state::Core::new(pool.clone())
        .await
        .expect("core");
    let views = trunks::list(&core).await.expect("trunks");
    let view = views.first().expect("the provider trunk");
    let mut input = view.trunk.to_input();
    input.dtmf_mode = mode.into();
    trunks::update(&core, view.id, view.version, &input)
        .await
        .expect("DTMF mode saved");
    pool.close().await;
}

/// The telephone events among `heard`: (event, end bit, duration, timestamp).
fn events(heard: &[Heard]) -> Vec<(u8, bool, u16, u32)> {
    heard
        .iter()
        .filter(|h| h.pt == EVENT_PT)
        .filter_map(|h| h.event().map(|(e, end, d)| (e, end, d, h.timestamp)))
        .collect()
}

fn audio(heard: &[Heard]) -> usize {
    heard.iter().filter(|h| h.pt != EVENT_PT).count()
}

/// Trunk in mode `info`: (a) the phone's "1" and "#" reach the provider as
/// INFOs in order and not as RTP; (b) the provider's INFO 5 is answered 200
/// and the phone hears event 5 in the provider's stream.
#[tokio::test]
async fn lab_info_trunk_turns_rtp_digits_into_info_and_back() {
    let test = "dtmf-info";
    let (lab, db) = office(test, false).await;
    dtmf_mode(&db, "info").await;
    let port = PBX_NAT_PORT.to_string();
    let scenario = "lab_provider_dtmf_info_uas.xml";
    let s = media_sipp(&lab, Ns::Inet, "provider", scenario, 5060, PROVIDER_RTP);
    let mut provider = s
        .builder
        .count(1)
        .args(["-key", "nat_ip", WAN_IP, "-key", "nat_port", &port])
        .args(["-key", "rtp_prefix", "300"])
        .spawn_listening()
        .await;
    let _pbx = lab.start_trunkline(&db, &[]).await;
    let (mut phone, phone_sdp) = phone_dialing(&lab, "phone", PHONE_IP, "lab_phone_media_uac.xml");
    let phone_rtp = endpoint(&lab, Ns::Phone, PHONE_RTP, PHONE_SSRC, phone_sdp, &DIGITS);
    let provider_sdp = nth(&s.sdp, 1);
    let provider_rtp = endpoint(
        &lab,
        Ns::Inet,
        PROVIDER_RTP,
        PROVIDER_SSRC,
        provider_sdp,
        &[],
    );
    let mut p = Problems::default();
    p.check(
        phone.finish().await,
        "the phone's SIPp failed (an INFO reaching it fails it too)",
    );
    p.check(
        provider.finish().await,
        "the provider's SIPp failed: INFO Signal=1 then Signal=# expected, 200 for its INFO 5",
    );
    let phone_heard = phone_rtp.join().expect("phone RTP");
    let provider_heard = provider_rtp.join().expect("provider RTP");

    // (a) No telephone-event packet crosses to the provider; audio does.
    let leaked = events(&provider_heard);
    p.check(
        leaked.is_empty(),
        format!("telephone-event packets reached the info trunk: {leaked:?}"),
    );
    p.check(
        audio(&provider_heard) >= (TICKS * 9 / 10) as usize,
        format!(
            "the provider heard {} audio packets",
            audio(&provider_heard)
        ),
    );

    // (b) Event 5 in the provider's stream, with the phone's payload type.
    let five: Vec<&Heard> = phone_heard
        .iter()
        .filter(|h| h.pt == EVENT_PT && h.event().is_some_and(|e| e.0 == 5))
        .collect();
    let ends = five
        .iter()
        .filter(|h| h.event().is_some_and(|e| e.1))
        .count();
    let first_marked = five.first().is_some_and(|h| h.marker);
    let one_ts = five.windows(2).all(|w| w[0].timestamp == w[1].timestamp);
    let in_stream = five.iter().all(|h| h.ssrc == PROVIDER_SSRC);
    let final_duration = five.last().and_then(|h| h.event()).map(|e| e.2);
    p.check(
        !five.is_empty() && ends == 3 && first_marked && one_ts && in_stream,
        format!(
            "the phone did not hear event 5 as start (M) + 3 ends, one timestamp, in the \
             provider's stream: {five:?}"
        ),
    );
    p.check(
        final_duration == Some(1280),
        format!("event 5 should end at 160 ms (1280 units): {final_duration:?}"),
    );
    let mut seqs: Vec<u16> = phone_heard
        .iter()
        .filter(|h| h.ssrc == PROVIDER_SSRC)
        .map(|h| h.seq)
        .collect();
    let total = seqs.len();
    seqs.sort_unstable();
    seqs.dedup();
    p.check(
        seqs.len() == total && total >= (TICKS * 9 / 10) as usize,
        format!(
            "the phone's stream from the provider: {total} packets, {} distinct sequence \
             numbers (the events must take numbers of their own)",
            seqs.len()
        ),
    );
    p.verdict_of(&lab, test, &[&phone, &provider], None);
}

/// A call through a trunk in mode `rfc2833`, over: the phone dialed with its
/// scenario, its RTP endpoint pressing the given digits.
struct Rfc2833Call {
    lab: Lab,
    phone: Sipp,
    provider: Sipp,
    /// What the provider's RTP endpoint received.
    heard: Vec<Heard>,
    problems: Problems,
    _pbx: tokio::process::Child,
}

async fn rfc2833_call(test: &str, scenario: &str, digits: &'static [(u32, u8)]) -> Rfc2833Call {
    let (lab, db) = office(test, false).await;
    dtmf_mode(&db, "rfc2833").await;
    let (mut provider, provider_sdp) = provider(&lab, 1).await;
    let pbx = lab.start_trunkline(&db, &[]).await;
    let (mut phone, phone_sdp) = phone_dialing(&lab, "phone", PHONE_IP, scenario);
    let phone_rtp = endpoint(&lab, Ns::Phone, PHONE_RTP, PHONE_SSRC, phone_sdp, digits);
    let provider_sdp = nth(&provider_sdp, 1);
    let provider_rtp = endpoint(
        &lab,
        Ns::Inet,
        PROVIDER_RTP,
        PROVIDER_SSRC,
        provider_sdp,
        &[],
    );
    let mut problems = Problems::default();
    problems.check(phone.finish().await, "the phone's SIPp failed");
    problems.check(provider.finish().await, "the provider's SIPp failed");
    let _ = phone_rtp.join().expect("phone RTP");
    let heard = provider_rtp.join().expect("provider RTP");
    Rfc2833Call {
        lab,
        phone,
        provider,
        heard,
        problems,
        _pbx: pbx,
    }
}

impl Rfc2833Call {
    fn verdict(self, test: &str) {
        let sipps = [&self.phone, &self.provider];
        self.problems.verdict_of(&self.lab, test, &sipps, None);
    }
}

/// (c) Trunk in mode `rfc2833`: the phone's event packets reach the
/// provider, "1" then "#", with their end packets.
#[tokio::test]
async fn lab_rfc2833_trunk_carries_the_phones_event_packets() {
    let test = "dtmf-rfc2833";
    let mut call = rfc2833_call(test, "lab_phone_media_uac.xml", &DIGITS).await;
    let got = events(&call.heard);
    let mut pressed: Vec<u8> = got.iter().map(|e| e.0).collect();
    pressed.dedup();
    let ends = |event: u8| got.iter().filter(|e| e.0 == event && e.1).count();
    call.problems.check(
        pressed == [1, 11] && ends(1) == 3 && ends(11) == 3,
        format!("the provider should hear events 1 then 11, 3 ends each: {got:?}"),
    );
    call.verdict(test);
}

/// (d) Trunk in mode `rfc2833`, the phone sending "4" in an INFO 2 s into
/// the call: the INFO is answered here (the phone's SIPp checks the 200) and
/// not relayed (the provider's SIPp would fail on it), and the provider
/// hears event 4 in the phone's stream (its SSRC) with the payload type of
/// its own SDP (101), ending with end packets.
#[tokio::test]
async fn lab_a_phones_info_reaches_an_rfc2833_trunk_as_event_packets() {
    let test = "dtmf-phone-info";
    let mut call = rfc2833_call(test, "lab_phone_info_uac.xml", &[]).await;
    let heard = &call.heard;
    let got = events(heard);
    let mut pressed: Vec<u8> = got.iter().map(|e| e.0).collect();
    pressed.dedup();
    let ends = got.iter().filter(|e| e.1).count();
    // In the phone's stream, as RFC 4733 §2.1 wants: its SSRC.
    let ours = heard
        .iter()
        .filter(|h| h.pt == EVENT_PT)
        .all(|h| h.ssrc == PHONE_SSRC);
    let audio = audio(heard);
    call.problems.check(
        pressed == [4] && ends >= 1 && ours && audio >= (TICKS * 95 / 100) as usize,
        format!("the provider should hear event 4, ended, among the phone's audio ({audio} packets): {got:?}"),
    );
    call.verdict(test);
}
