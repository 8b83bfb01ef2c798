//! Audio through the office's NAT (see tests/common/lab.rs): Trunkline on
//! 192.168.77.2 anchoring the media, a SIPp phone on 192.168.77.10 and the
//! SIPp provider on 198.51.100.20, each with an RTP endpoint that sends to
//! the address its peer's SDP names, as phones and carriers do, and counts
//! what comes back. The office has its External address set
//! (198.51.100.1:40060, the router's mapping of SIP), as an administrator
//! behind NAT sets Asterisk's externaddr, and the router forwards the RTP
//! range (10000-20000) to the PBX, nothing else.
//! Needs root, iproute2, nftables and sip-tester (scripts/setup --test).

mod common;

use common::lab::media::*;
use common::lab::*;

fn joined(h: std::thread::JoinHandle<RtpStats>) -> RtpStats {
    h.join().expect("RTP endpoint thread")
}

/// The phone calls out through the trunk; `scenario` is its script.
async fn outgoing(test: &str, scenario: &str) {
    let (lab, db) = office(test, false).await;
    let mut call = call_out(&lab, &db, scenario).await;
    let mut p = std::mem::take(&mut call.problems);
    audio_both_ways(&mut p, &call.phone_rtp, &call.provider_rtp);
    logged_normal(&mut p, &db, PACKETS).await;
    p.verdict_of(&lab, test, &call.sipps(), None);
}

/// The bug this anchoring fixes: on an outgoing call the provider was told
/// `c=IN IP4 192.168.77.10` and 0 of its packets reached the phone.
#[tokio::test]
async fn lab_outgoing_call_carries_audio_both_ways_through_nat() {
    outgoing("media-outgoing", "lab_phone_media_uac.xml").await;
}

/// The provider's first RTP packet comes from another port than the rest,
/// as from a media server that moves its stream, or as lab_rtcp.rs once
/// met when the router gave the provider's stream a new port after its
/// first packet: the relay latched that first source and refused the other
/// 499 packets. A source is latched only after 4 packets in a row from it
/// (Asterisk's strictrtp probation), so the phone hears the stream.
#[tokio::test]
async fn lab_a_stream_whose_first_packet_comes_from_another_port_is_heard() {
    let test = "media-moving";
    let (lab, db) = office(test, false).await;
    let moved = Some("198.51.100.20:30012");
    let mut call = call_out_moving(&lab, &db, "lab_phone_media_uac.xml", moved).await;
    let mut p = std::mem::take(&mut call.problems);
    audio_both_ways(&mut p, &call.phone_rtp, &call.provider_rtp);
    logged_normal(&mut p, &db, PACKETS).await;
    p.verdict_of(&lab, test, &call.sipps(), None);
}

/// The phone holds (a=sendonly) 3 s in and resumes 2 s later: audio goes
/// on both ways, the relay following each re-INVITE.
#[tokio::test]
async fn lab_hold_and_resume_keep_audio() {
    outgoing("media-hold", "lab_phone_hold_uac.xml").await;
}

/// The provider calls the DID through the trunk's registration; the phone
/// (registered from 192.168.77.10:5062) answers.
#[tokio::test]
async fn lab_incoming_call_carries_audio_both_ways_through_nat() {
    let test = "media-incoming";
    let (lab, db) = office(test, true).await;
    let mut call = call_in(&lab, &db).await;
    let mut p = std::mem::take(&mut call.problems);
    audio_both_ways(&mut p, &call.phone_rtp, &call.provider_rtp);
    logged_normal(&mut p, &db, PACKETS).await;
    p.verdict_of(&lab, test, &call.sipps(), None);
}

/// Two phones of the office, both with their RTP on port 4000, call out at
/// once: each hears its own call's provider stream, all of it, and nothing
/// of the other call.
#[tokio::test]
async fn lab_two_phones_on_the_same_rtp_port_each_hear_their_own_call() {
    let test = "media-two-phones";
    let (lab, db) = office(test, false).await;
    let phone_ns = lab.ns(Ns::Phone);
    let added = std::process::Command::new("ip")
        .args([
            "-n",
            &phone_ns,
            "addr",
            "add",
            "192.168.77.11/24",
            "dev",
            "eth0",
        ])
        .status()
        .expect("ip addr add");
    assert!(added.success(), "second phone address");
    let (mut provider, provider_sdp) = provider(&lab, 2).await;
    let _pbx = lab.start_trunkline(&db, &[]).await;
    let scenario = "lab_phone_media_uac.xml";
    let (mut one, one_sdp) = phone_dialing(&lab, "phone1", PHONE_IP, scenario);
    let (mut two, two_sdp) = phone_dialing(&lab, "phone2", PHONE2_IP, scenario);
    // Which call reaches the provider first is the network's choice: its
    // endpoints take any phone's SSRC and the test sorts them out after.
    let phones = [
        lab.rtp_endpoint(Ns::Phone, PHONE_RTP, (0x1001, 0), one_sdp, PACKETS),
        lab.rtp_endpoint(
            Ns::Phone,
            &format!("{PHONE2_IP}:4000"),
            (0x1002, 0),
            two_sdp,
            PACKETS,
        ),
    ];
    let providers = [
        lab.rtp_endpoint(
            Ns::Inet,
            PROVIDER_RTP,
            (0x2001, 0),
            nth(&provider_sdp, 1),
            PACKETS,
        ),
        lab.rtp_endpoint(
            Ns::Inet,
            "198.51.100.20:30020",
            (0x2002, 0),
            nth(&provider_sdp, 2),
            PACKETS,
        ),
    ];
    let mut p = Problems::default();
    p.check(one.finish().await, "phone 1's SIPp failed");
    p.check(two.finish().await, "phone 2's SIPp failed");
    p.check(provider.finish().await, "the provider's SIPp failed");
    let phones = phones.map(joined);
    let providers = providers.map(joined);
    // Each endpoint hears exactly one stream, whole; the two phones hear
    // different provider streams, the two provider ports different phones.
    let only = |s: &RtpStats| -> Option<u32> {
        match s.by_ssrc.iter().collect::<Vec<_>>()[..] {
            [(ssrc, n)] if *n >= ENOUGH => Some(*ssrc),
            _ => None,
        }
    };
    let heard: Vec<Option<u32>> = phones.iter().chain(&providers).map(only).collect();
    p.check(
        heard.iter().all(Option::is_some) && heard[0] != heard[1] && heard[2] != heard[3],
        format!(
            "each endpoint must hear one whole stream of its own call; heard {heard:?}\n\
             phones: {phones:?}\nprovider: {providers:?}"
        ),
    );
    // A phone hears the provider stream whose port heard that phone.
    for (i, phone) in phones.iter().enumerate() {
        let mine = 0x1001 + i as u32;
        let port = providers.iter().position(|s| only(s) == Some(mine));
        let theirs = port.map(|k| 0x2001 + k as u32);
        p.check(
            theirs.is_some() && only(phone) == theirs,
            format!(
                "phone {} heard {:?}, its call's provider stream is {theirs:?}",
                i + 1,
                only(phone)
            ),
        );
    }
    p.verdict_of(&lab, test, &[&one, &two, &provider], None);
}

/// The provider answers and never sends a packet, and nobody looks at
/// Status → Calls meanwhile (the live figures are copied only when asked):
/// the phone's audio still crosses the NAT to the provider, and the call
/// log says the call was one-way, the caller alone heard.
#[tokio::test]
async fn lab_one_way_audio_nobody_watched_is_flagged_in_the_call_log() {
    let test = "media-one-way";
    let (lab, db) = office(test, false).await;
    // The provider's SDP names PROVIDER_RTP; nothing reads what it wrote of ours.
    let (mut provider, _) = provider(&lab, 1).await;
    let _pbx = lab.start_trunkline(&db, &[]).await;
    let (mut phone, phone_sdp) = phone_dialing(&lab, "phone", PHONE_IP, "lab_phone_media_uac.xml");
    let ssrcs = (PHONE_SSRC, PROVIDER_SSRC);
    let phone_rtp = lab.rtp_endpoint(Ns::Phone, PHONE_RTP, ssrcs, phone_sdp, PACKETS);
    // The provider's RTP port only listens, for as long as the phone talks.
    let silent = lab.udp(Ns::Inet, PROVIDER_RTP);
    let heard = std::thread::spawn(move || {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(14);
        let mut buf = [0u8; 2048];
        let mut heard = 0u32;
        while std::time::Instant::now() < until {
            if silent.recv_from(&mut buf).is_ok_and(|(n, _)| n >= 12) {
                heard += 1;
            }
        }
        heard
    });
    let mut p = Problems::default();
    p.check(phone.finish().await, "the phone's SIPp failed");
    p.check(provider.finish().await, "the provider's SIPp failed");
    let phone_rtp = joined(phone_rtp);
    let heard = heard.join().expect("listening thread");
    p.check(
        heard >= ENOUGH,
        format!(
            "the provider heard {heard} of the phone's {} packets",
            phone_rtp.sent
        ),
    );
    let calls = call_log(&db, 1).await;
    let quality = calls.first().and_then(|c| c.quality.clone());
    p.check(
        quality.as_ref().is_some_and(|q| {
            q.one_way.as_deref() == Some("caller")
                && q.caller.rx_packets >= u64::from(ENOUGH)
                && q.callee.rx_packets == 0
        }),
        format!("call log: not flagged one-way with the caller alone heard: {quality:?}"),
    );
    p.verdict_of(&lab, test, &[&phone, &provider], None);
}
