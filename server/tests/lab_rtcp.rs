//! RTCP through the office's NAT (issue 15; the office of lab_media.rs):
//! the SIPp phone on 192.168.77.10 calls out to the SIPp provider on
//! 198.51.100.20 and both RTP endpoints send RTCP receiver reports (RFC
//! 3550 §6.4.2) of what they hear, once a second, to RTP port + 1 of the
//! address their peer's SDP names, as phones and carriers do. Each endpoint
//! takes a known share of what it receives as lost (the phone every 10th
//! packet, the provider every 25th), so the loss it reports is the test's
//! figure, not an accident of the network. The relay must pass each report
//! on to the far side unchanged, and the call log's quality must hold what
//! each side last reported of the audio Trunkline sent it. A second call
//! has a provider whose SDP puts its RTCP elsewhere than RTP's port + 1
//! (`a=rtcp`, RFC 3605, as media servers that allocate ports one by one
//! do): the phone's reports must reach that port, and none the port + 1.
//! Needs root, iproute2, nftables and sip-tester (scripts/setup --test).

mod common;

use app::model::quality::LegQuality;
use common::lab::media::*;
use common::lab::*;
use common::sipp::Sipp;

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

/// A call of [`reporting_call`] once over.
struct ReportingCall {
    lab: Lab,
    problems: Problems,
    sipps: Vec<Sipp>,
    /// Datagrams that reached the decoy.
    strays: usize,
}

impl ReportingCall {
    fn verdict(self, test: &str) {
        let sipps: Vec<&Sipp> = self.sipps.iter().collect();
        self.problems.verdict_of(&self.lab, test, &sipps, None);
    }
}

/// The phone calls the provider, whose answers carry `a=<attribute>` and
/// whose RTCP is at `provider_rtcp`; both endpoints report, and what each
/// counted is judged: audio both ways, a clean call in the log with each
/// side's last report in its quality, every report across. `decoy`: an
/// address of the provider's where nothing should arrive.
async fn reporting_call(
    test: &str,
    attribute: &str,
    provider_rtcp: &str,
    decoy: Option<&str>,
) -> ReportingCall {
    let (lab, db) = office(test, false).await;
    let (mut provider, provider_sdp) = provider_with(&lab, 1, attribute).await;
    // Where RTCP would go if `a=rtcp` were not followed: what reaches it is
    // counted.
    let decoy = decoy.map(|at| {
        let sock = lab.udp(Ns::Inet, at);
        sock.set_nonblocking(true).expect("non-blocking decoy");
        sock
    });
    let _pbx = lab.start_trunkline(&db, &[]).await;
    let scenario = "lab_phone_media_uac.xml";
    let (mut phone, phone_sdp) = phone_dialing(&lab, "phone", PHONE_IP, scenario);
    let phone_rtp = lab.rtp_endpoint_reporting(
        Ns::Phone,
        [PHONE_RTP, &rtcp_next_to(PHONE_RTP)],
        (PHONE_SSRC, PROVIDER_SSRC),
        phone_sdp,
        PACKETS,
        PHONE_LOSES_EVERY,
    );
    let provider_rtp = lab.rtp_endpoint_reporting(
        Ns::Inet,
        [PROVIDER_RTP, provider_rtcp],
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
    let mut strays = 0;
    if let Some(sock) = decoy {
        let mut buf = [0u8; 2048];
        while sock.recv_from(&mut buf).is_ok() {
            strays += 1;
        }
    }
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
    ReportingCall {
        lab,
        problems: p,
        sipps: vec![phone, provider],
        strays,
    }
}

#[tokio::test]
async fn lab_rtcp_reports_cross_the_nat_and_show_in_the_call_quality() {
    let test = "rtcp";
    let rtcp = rtcp_next_to(PROVIDER_RTP);
    reporting_call(test, "ptime:20", &rtcp, None)
        .await
        .verdict(test);
}

/// The provider's answer says `a=rtcp:30019`: the relay sends the phone's
/// reports there (RFC 3605 §2.1: the attribute gives the port RTCP is
/// received on), and nothing to 30011, which a relay that assumed RTP's
/// port + 1 would use. The provider's own reports leave from 30019 too.
#[tokio::test]
async fn lab_rtcp_goes_to_the_port_the_providers_a_rtcp_names() {
    let test = "rtcp-port";
    let mut call = reporting_call(
        test,
        "rtcp:30019",
        "198.51.100.20:30019",
        Some(&rtcp_next_to(PROVIDER_RTP)),
    )
    .await;
    let strays = call.strays;
    call.problems.check(
        strays == 0,
        format!("{strays} datagrams reached 198.51.100.20:30011, RTP's port + 1, despite a=rtcp"),
    );
    call.verdict(test);
}
