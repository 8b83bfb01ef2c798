//! Media timeouts in the office's NAT lab (see lab_media.rs): a call whose
//! audio dies is hung up on both legs, "media timeout" in the call log, so
//! no call stays up, billed, after its audio died.
//! Needs root, iproute2, nftables and sip-tester (scripts/setup --test).

mod common;

use app::ssr::state::Core;
use common::lab::media::*;
use common::lab::*;
use std::path::Path;

/// The trunk's RTP timeout in this test: the shortest the form allows.
const RTP_TIMEOUT: i64 = 5;
/// The provider's audio: 2 s of packets, then nothing.
const PROVIDER_PACKETS: u32 = 100;

/// Sets trunk `provider`'s RTP timeout, as an administrator does on the
/// Signalling tab.
async fn short_rtp_timeout(db: &Path) {
    let pool = app::ssr::db::open(db).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let trunks = app::ssr::service::trunks::list(&core)
        .await
        .expect("trunks");
    let trunk = trunks.first().expect("trunk provider");
    let input = app::model::trunk::TrunkInput {
        rtp_timeout: RTP_TIMEOUT.to_string(),
        ..trunk.trunk.to_input()
    };
    app::ssr::service::trunks::update(&core, trunk.id, trunk.version, &input)
        .await
        .expect("RTP timeout saved");
    pool.close().await;
}

/// The phone calls out and talks for 10 s; the provider's audio stops after
/// 2 s. The trunk's 5 s RTP timeout later, Trunkline sends BYE to both (each
/// SIPp fails without it), and the call log says "Media timeout" (REST and
/// the stored row keep the identifier `MediaTimeout`).
#[tokio::test]
async fn lab_a_call_whose_audio_died_is_hung_up_on_both_legs() {
    let test = "media-timeout";
    let (lab, db) = office(test, false).await;
    short_rtp_timeout(&db).await;
    let (mut provider, provider_sdp) = provider(&lab, 1).await;
    let _pbx = lab.start_trunkline(&db, &[]).await;
    let (mut phone, phone_sdp) =
        phone_dialing(&lab, "phone", PHONE_IP, "lab_phone_media_bye_uac.xml");
    let ssrcs = (PHONE_SSRC, PROVIDER_SSRC);
    let phone_rtp = lab.rtp_endpoint(Ns::Phone, PHONE_RTP, ssrcs, phone_sdp, PACKETS);
    let (a, b) = (PROVIDER_SSRC, PHONE_SSRC);
    let provider_sdp = nth(&provider_sdp, 1);
    let provider_rtp = lab.rtp_endpoint(
        Ns::Inet,
        PROVIDER_RTP,
        (a, b),
        provider_sdp,
        PROVIDER_PACKETS,
    );
    let mut p = Problems::default();
    p.check(phone.finish().await, "the phone got no BYE from the PBX");
    p.check(
        provider.finish().await,
        "the provider got no BYE from the PBX",
    );
    let (phone_rtp, provider_rtp) = (
        phone_rtp.join().expect("RTP endpoint thread"),
        provider_rtp.join().expect("RTP endpoint thread"),
    );
    // Audio crossed both ways before the provider fell silent: the call was
    // hung up for the silence, not for a relay that never worked.
    p.check(
        phone_rtp.heard >= PROVIDER_PACKETS * 9 / 10 && provider_rtp.heard >= 50,
        format!("audio did not cross before the silence: phone {phone_rtp:?}, provider {provider_rtp:?}"),
    );
    let calls = call_log(&db, 1).await;
    let call = calls.first();
    p.check(
        call.is_some_and(|c| {
            c.cause == "MediaTimeout"
                && app::model::calls::cause_words(&c.cause) == "Media timeout"
                && c.side.is_none()
        }),
        format!("call log: not ended by a media timeout: {call:?}"),
    );
    // Answered, 2 s of audio both ways, then 5 s of silence from the
    // provider: hung up about 7 s after the answer, before the phone's own
    // audio ended (10 s), which is what it would have taken to notice the phone.
    let talked = call.and_then(|c| Some(c.ended_at - c.answered_at?));
    p.check(
        talked.is_some_and(|t| (RTP_TIMEOUT + 1..=RTP_TIMEOUT + 4).contains(&t)),
        format!(
            "hung up {talked:?} s after the answer, want about {} s",
            RTP_TIMEOUT + 2
        ),
    );
    p.verdict_of(&lab, test, &[&phone, &provider], None);
}
