//! RTCP through the office's NAT (issue 15; the office of lab_media.rs):
//! the SIPp phone on 192.168.77.10 calls out to the SIPp provider on
//! 198.51.100.20 and both RTP endpoints send RTCP receiver reports (RFC
//! 3550 §6.4.2) of what they hear, once a second, to RTP port + 1 of the
//! address their peer's SDP names, as phones and carriers do. Each endpoint
//! takes a known share of what it receives as lost (the phone every 10th
//! packet, the provider every 25th), so the loss it reports is the test's
//! figure, not an accident of the network. The relay must pass each report
//! on to the far side unchanged, and the call log's quality must hold what
//! each side last reported of the audio Trunkline sent it.
//! Needs root, iproute2, nftables and sip-tester (scripts/setup --test).

mod common;

use app::model::quality::LegQuality;
use common::lab::media::*;
use common::lab::*;

const PHONE_LOSES_EVERY: u16 = 10;
const PROVIDER_LOSES_EVERY: u16 = 25;

/// `who`'s RTCP (`stats`) and what the call log's `leg` shows of it: at
/// least one report a second, the loss it reports being the share it lost
/// on purpose, and the leg's reported loss and jitter those of its last
/// report (jitter in 8 kHz units: 125 µs each).
fn reported(p: &mut Problems, who: &str, stats: &RtpStats, leg: Option<&LegQuality>, every: u16) {
    let reports = stats.reports.len() as u32;
    p.check(
        reports >= PACKETS / REPORT_EVERY,
        format!("the {who} sent {reports} receiver reports in 10 s: {stats:?}"),
    );
    let Some(last) = stats.reports.last() else {
        return;
    };
    // The streams start at sequence number 0 and the lab loses nothing: up
    // to the highest received, one in `every` is lost, that one on purpose
    // (one lost after the highest is not yet known lost, RFC 3550 A.3).
    // The peer's last second may still be on its way at the last report.
    let share = (PACKETS - REPORT_EVERY) / u32::from(every);
    let lost = (last.highest_seq + 1) / u32::from(every);
    p.check(
        last.cumulative_lost == lost as i32 && stats.lost_on_purpose >= share,
        format!(
            "the {who} reported {last:?} having lost {} on purpose (one in {every}, at \
             least {share})",
            stats.lost_on_purpose
        ),
    );
    let jitter_us = u64::from(last.jitter) * 125;
    p.check(
        leg.is_some_and(|l| {
            l.reported_lost == Some(i64::from(last.cumulative_lost))
                && l.reported_jitter_us == Some(jitter_us)
        }),
        format!(
            "the call log's quality of the {who}'s leg is not its last report \
             ({} lost, jitter {jitter_us} µs): {leg:?}",
            last.cumulative_lost
        ),
    );
}

/// Every receiver report `from` sent reached `to`'s RTCP port, byte for
/// byte and in order, and nothing else did.
fn crossed(p: &mut Problems, from: (&str, &RtpStats), to: (&str, &RtpStats)) {
    let (sent, heard) = (&from.1.rtcp_sent.0, &to.1.rtcp_heard.0);
    let missing: Vec<usize> = (0..sent.len())
        .filter(|&k| !heard.contains(&sent[k]))
        .collect();
    p.check(
        !sent.is_empty() && heard == sent,
        format!(
            "the {} sent {:?}, the {} received {:?} (equal: {}; missing: {missing:?})",
            from.0,
            from.1.rtcp_sent,
            to.0,
            to.1.rtcp_heard,
            heard == sent
        ),
    );
}

#[tokio::test]
async fn lab_rtcp_reports_cross_the_nat_and_show_in_the_call_quality() {
    let test = "rtcp";
    let (lab, db) = office(test, false).await;
    let (mut provider, provider_sdp) = provider(&lab, 1).await;
    let _pbx = lab.start_trunkline(&db, &[]).await;
    let scenario = "lab_phone_media_uac.xml";
    let (mut phone, phone_sdp) = phone_dialing(&lab, "phone", PHONE_IP, scenario);
    let phone_rtp = lab.rtp_endpoint_reporting(
        Ns::Phone,
        PHONE_RTP,
        (PHONE_SSRC, PROVIDER_SSRC),
        phone_sdp,
        PACKETS,
        PHONE_LOSES_EVERY,
    );
    let provider_rtp = lab.rtp_endpoint_reporting(
        Ns::Inet,
        PROVIDER_RTP,
        (PROVIDER_SSRC, PHONE_SSRC),
        nth(&provider_sdp, 1),
        PACKETS,
        PROVIDER_LOSES_EVERY,
    );
    let mut p = Problems::default();
    p.check(phone.finish().await, "the phone's SIPp failed");
    p.check(provider.finish().await, "the provider's SIPp failed");
    let phone_rtp = phone_rtp.join().expect("RTP endpoint thread");
    let provider_rtp = provider_rtp.join().expect("RTP endpoint thread");
    audio_both_ways(&mut p, &phone_rtp, &provider_rtp);
    // RTCP is not audio: the relay's own figures are those of a clean call.
    logged_normal(&mut p, &db, PACKETS).await;
    let calls = call_log(&db, 1).await;
    let quality = calls.first().and_then(|c| c.quality.as_ref());
    let (phone_leg, provider_leg) = (quality.map(|q| &q.caller), quality.map(|q| &q.callee));
    reported(&mut p, "phone", &phone_rtp, phone_leg, PHONE_LOSES_EVERY);
    reported(
        &mut p,
        "provider",
        &provider_rtp,
        provider_leg,
        PROVIDER_LOSES_EVERY,
    );
    let (phone_side, provider_side) = (("phone", &phone_rtp), ("provider", &provider_rtp));
    crossed(&mut p, phone_side, provider_side);
    crossed(&mut p, provider_side, phone_side);
    p.verdict_of(&lab, test, &[&phone, &provider], None);
}
