//! A real phone's audio through the office's NAT (issue 15; see
//! tests/common/lab.rs and lab_media.rs for the office): baresip, phone
//! 1000 on 192.168.77.10, plays a 440 Hz tone from a file and records what
//! it decodes; it calls out through the trunk to the SIPp provider on
//! 198.51.100.20, whose RTP endpoint sends a 1000 Hz tone in G.711 µ-law to
//! the address Trunkline's SDP names and keeps what it receives. Each side
//! must hear the other's tone, as a person on the line would.
//! The second test turns the call around: the provider calls the DID and
//! baresip answers it.
//! Needs root, iproute2, nftables, sip-tester and baresip-core
//! (scripts/setup --test).

mod common;

use common::lab::media::*;
use common::lab::tone::*;
use common::lab::*;
use std::time::Duration;

/// What the phone says, and what the provider says.
const PHONE_TONE: f64 = 440.0;
const PROVIDER_TONE: f64 = 1000.0;
/// The provider talks 10 s (`PACKETS`); each side must hear at least this
/// much of the other's tone.
const HEARD_SECONDS: f64 = 9.0;

/// The codec and the files keep a tone's frequency: what the test's
/// listeners decide by holds for a tone µ-law encoded, decoded, written to
/// a WAV and read back, and tells two tones apart.
#[test]
fn a_tone_keeps_its_frequency_through_ulaw_and_wav() {
    let samples = tone(PHONE_TONE, 0, RATE as usize);
    let encoded: Vec<u8> = samples.iter().map(|&s| ulaw_encode(s)).collect();
    let decoded = ulaw_samples([encoded.as_slice()]);
    let dir = std::env::temp_dir().join(format!("tone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let wav = dir.join("tone.wav");
    write_wav(&wav, &decoded);
    let read = read_wav(&wav);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(read, decoded);
    assert!(
        share_at(&read, PHONE_TONE) > 0.99,
        "{}",
        share_at(&read, PHONE_TONE)
    );
    assert!(share_at(&read, PROVIDER_TONE) < 0.01);
    assert!((seconds_of(&read, PHONE_TONE) - 1.0).abs() < 1e-9);
    assert_eq!(seconds_of(&read, PROVIDER_TONE), 0.0);
    // µ-law's step is at most 1/16 of a segment: every sample is close.
    for (a, b) in samples.iter().zip(&decoded) {
        let (a, b) = (i32::from(*a), i32::from(*b));
        assert!((a - b).abs() <= a.abs() / 16 + 8, "{a} decoded as {b}");
    }
    assert_eq!(ulaw_encode(0), 0xff);
    assert_eq!(ulaw_decode(0xff), 0);
    assert_eq!(ulaw_decode(ulaw_encode(i16::MAX)), 32_124);
    assert_eq!(ulaw_decode(ulaw_encode(i16::MIN)), -32_124);
}

/// Fails `p` unless `samples` are mostly `tone` for `HEARD_SECONDS`, with
/// nothing of `other` (the listener's own voice coming back).
fn hears(p: &mut Problems, who: &str, samples: &[i16], tone: f64, other: f64) {
    let (share, echo, seconds) = (
        share_at(samples, tone),
        share_at(samples, other),
        seconds_of(samples, tone),
    );
    p.check(
        share > 0.8 && echo < 0.05 && seconds >= HEARD_SECONDS,
        format!(
            "{who} heard {seconds:.1} s of the {tone} Hz tone ({:.0} % of the energy at \
             {tone} Hz, {:.0} % at {other} Hz) in {:.1} s of audio",
            share * 100.0,
            echo * 100.0,
            samples.len() as f64 / f64::from(RATE)
        ),
    );
}

/// The provider's endpoint's report: the µ-law audio of the one stream it
/// heard (any other stream or payload type is a problem).
fn provider_heard(p: &mut Problems, stats: &RtpStats) -> Vec<i16> {
    let streams: Vec<_> = stats.payloads.0.iter().collect();
    let [(_, packets)] = streams[..] else {
        p.check(
            false,
            format!("the provider heard not one stream: {stats:?}"),
        );
        return Vec::new();
    };
    let types: std::collections::BTreeSet<u8> = packets.iter().map(|(pt, _)| *pt).collect();
    p.check(
        types.len() == 1 && types.contains(&0),
        format!("the phone sent payload types {types:?}, not PCMU (0) alone"),
    );
    ulaw_samples(packets.iter().map(|(_, payload)| payload.as_slice()))
}

/// After the call (baresip quit, its recordings closed): the provider was
/// told the office's public address, the phone's recording is the
/// provider's tone and the provider's endpoint decoded the phone's.
fn each_heard_the_other(p: &mut Problems, phone: &Baresip, stats: &RtpStats) {
    p.check(
        stats.peer.is_some_and(|a| a.ip().to_string() == WAN_IP),
        format!("the provider was not told the office's public address: {stats:?}"),
    );
    match phone.heard().last() {
        Some(wav) => hears(p, "the phone", &read_wav(wav), PROVIDER_TONE, PHONE_TONE),
        None => {
            p.check(false, "baresip recorded nothing it decoded");
        }
    }
    let samples = provider_heard(p, stats);
    hears(p, "the provider", &samples, PHONE_TONE, PROVIDER_TONE);
}

/// The phone's tone, in a file longer than any call (aufile plays its file
/// once), and where it records.
fn phone_audio(lab: &Lab) -> PhoneAudio {
    let play = lab.dir.join("play.wav");
    write_wav(&play, &tone(PHONE_TONE, 0, 20 * RATE as usize));
    PhoneAudio {
        play,
        record: lab.dir.join("recordings"),
    }
}

#[tokio::test]
async fn lab_phone_and_provider_hear_each_other_through_nat() {
    let test = "phone-audio";
    let (lab, db) = office(test, false).await;
    let audio = phone_audio(&lab);
    let (mut provider, provider_sdp) = provider(&lab, 1).await;
    let _pbx = lab.start_trunkline(&db, &[]).await;
    let mut phone = lab.baresip_playing("1000", LINE_PASSWORD, &audio);
    // baresip picks its own SSRC: the endpoint keeps every stream (0).
    let provider_rtp = lab.rtp_endpoint_voicing(
        Ns::Inet,
        PROVIDER_RTP,
        (PROVIDER_SSRC, 0),
        nth(&provider_sdp, 1),
        PACKETS,
        Voice::ulaw_tone(PROVIDER_TONE),
    );
    let mut p = Problems::default();
    let up = phone.dial(&mut p, "4185551234").await;
    // The provider talks for 10 s and listens a second more; the test's
    // runtime keeps draining baresip's output meanwhile.
    let stats = tokio::task::spawn_blocking(move || provider_rtp.join())
        .await
        .expect("join task")
        .expect("RTP endpoint thread");
    if up {
        phone.command("/hangup").await;
        let ended = phone.wait_for("terminated", Duration::from_secs(5)).await;
        p.check(ended, "the phone's hang-up did not end its call within 5 s");
    }
    p.check(provider.finish().await, "the provider's SIPp failed");
    // Quitting closes the recordings.
    phone.quit().await;
    each_heard_the_other(&mut p, &phone, &stats);
    logged_normal(&mut p, &db, 2 * PACKETS).await;
    p.verdict(&lab, test, &[&provider], &phone);
}

/// The other way round: the provider calls the DID (4185550000, routed to
/// line 1000) through the trunk's registration and baresip, line 1000
/// behind the NAT, answers on its own (answermode=auto). Each side must
/// hear the other's tone, as on the outgoing call.
#[tokio::test]
async fn lab_phone_answers_a_call_from_the_provider_and_both_hear_each_other() {
    let test = "phone-audio-in";
    let (lab, db) = office(test, true).await;
    let audio = phone_audio(&lab);
    let (mut provider, provider_sdp) = did_provider(&lab).await;
    let _pbx = lab.start_trunkline(&db, &[]).await;
    // The provider calls 3 s after the trunk's last REGISTER: the phone
    // registers meanwhile.
    let mut phone = lab.baresip_playing("1000", LINE_PASSWORD, &audio);
    let provider_rtp = lab.rtp_endpoint_voicing(
        Ns::Inet,
        PROVIDER_RTP,
        (PROVIDER_SSRC, 0),
        provider_sdp,
        PACKETS,
        Voice::ulaw_tone(PROVIDER_TONE),
    );
    let mut p = Problems::default();
    p.check(
        phone.registered().await,
        "baresip did not register to 192.168.77.2:5060 within 10 s",
    );
    p.check(
        phone
            .wait_for("Call established", Duration::from_secs(15))
            .await,
        "the phone did not answer the provider's call within 15 s",
    );
    let stats = tokio::task::spawn_blocking(move || provider_rtp.join())
        .await
        .expect("join task")
        .expect("RTP endpoint thread");
    // The provider hangs up 11 s into the call.
    p.check(provider.finish().await, "the provider's SIPp failed");
    p.check(
        phone.wait_for("terminated", Duration::from_secs(5)).await,
        "the provider's BYE did not end the phone's call",
    );
    phone.quit().await;
    each_heard_the_other(&mut p, &phone, &stats);
    logged_normal(&mut p, &db, 2 * PACKETS).await;
    p.verdict(&lab, test, &[&provider], &phone);
}
