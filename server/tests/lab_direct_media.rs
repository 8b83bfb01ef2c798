//! Direct media in the office's NAT lab (see lab_media.rs): a call is left
//! unanchored only when both ends allow it, as Asterisk's `directmedia`.
//! With the trunk and the phone's line both on, the SDP crosses Trunkline
//! unchanged both ways, on a call out as on a call in, and no audio passes
//! through it (so across this NAT the provider's audio never reaches the
//! phone, as the setting's help warns); with the line off the call is
//! anchored as usual.
//! Needs root, iproute2, nftables and sip-tester (scripts/setup --test).

mod common;

use app::ssr::state::Core;
use common::lab::media::*;
use common::lab::*;
use std::path::Path;

/// Sets Direct media on trunk `provider` and on line 1000, as an
/// administrator ticks it on the trunk's Signalling tab and the user's form.
async fn direct_media(db: &Path, trunk: bool, line: bool) {
    use app::ssr::service::{trunks, users};
    let pool = app::ssr::db::open(db).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let all = trunks::list(&core).await.expect("trunks");
    let provider = all.first().expect("trunk provider");
    let input = app::model::trunk::TrunkInput {
        direct_media: trunk,
        ..provider.trunk.to_input()
    };
    trunks::update(&core, provider.id, provider.version, &input)
        .await
        .expect("trunk's direct media saved");
    let all = users::list(&core).await.expect("users");
    let desk = all.first().expect("user 1000");
    let input = app::model::user::UserInput {
        direct_media: line,
        ..desk.user.to_input()
    };
    users::update(&core, desk.id, desk.version, &input)
        .await
        .expect("line's direct media saved");
    pool.close().await;
}

/// Which way the lab's call goes.
#[derive(Clone, Copy, Debug)]
enum Way {
    /// The phone dials 4185551234 out through the trunk.
    Out,
    /// The provider calls DID 4185550000 through the trunk's registration.
    In,
}

/// A call with 10 s of audio each way, with Direct media set on the trunk
/// and the line as given; it must be unanchored exactly when both are on.
async fn direct_call(test: &str, way: Way, trunk: bool, line: bool) {
    let (lab, db) = office(test, matches!(way, Way::In)).await;
    direct_media(&db, trunk, line).await;
    let mut call = match way {
        Way::Out => call_out(&lab, &db, "lab_phone_media_uac.xml").await,
        Way::In => call_in(&lab, &db).await,
    };
    let mut p = std::mem::take(&mut call.problems);
    let calls = call_log(&db, 1).await;
    let logged = calls.first();
    p.check(
        logged.is_some_and(|c| c.answered_at.is_some() && c.cause == "Normal"),
        format!("call log: not an answered call ended Normal: {logged:?}"),
    );
    let anchored = logged.is_some_and(|c| c.quality.is_some());
    let want = trunk && line;
    // The relay measures every call it carries; a call it never saw has no figures.
    p.check(
        anchored != want,
        format!(
            "call log ({way:?}): relayed {anchored} with direct media on the trunk {trunk} and the line {line}: {logged:?}"
        ),
    );
    if want {
        unanchored(&mut p, &call.phone_rtp, &call.provider_rtp);
    } else {
        audio_both_ways(&mut p, &call.phone_rtp, &call.provider_rtp);
    }
    p.verdict_of(&lab, test, &call.sipps(), None);
}

/// Each side was told the other's own address and port, and the phone's
/// audio went straight to the provider (through the router, not Trunkline).
/// Nothing came back to the phone: the provider sent to 192.168.77.10,
/// which the internet cannot reach.
fn unanchored(p: &mut Problems, phone: &RtpStats, provider: &RtpStats) {
    p.check(
        provider.peer.is_some_and(|a| a.to_string() == PHONE_RTP),
        format!("the provider's SDP did not name the phone's own {PHONE_RTP}: {provider:?}"),
    );
    p.check(
        phone.peer.is_some_and(|a| a.to_string() == PROVIDER_RTP),
        format!("the phone's SDP did not name the provider's own {PROVIDER_RTP}: {phone:?}"),
    );
    p.check(
        provider.heard >= ENOUGH,
        format!(
            "the provider heard {} of the phone's {} packets sent straight to it: {provider:?}",
            provider.heard, phone.sent
        ),
    );
    p.check(
        phone.heard == 0,
        format!("the phone heard the provider across NAT, so something relayed it: {phone:?}"),
    );
}

/// Direct media on the trunk and on the line: the SDP the provider gets
/// names c=192.168.77.10 and the phone's m= port, the provider's answer
/// reaches the phone unchanged, and the relay carries nothing.
#[tokio::test]
async fn lab_direct_media_on_the_trunk_and_the_line_leaves_sdp_and_audio_alone() {
    direct_call("direct-media-both", Way::Out, true, true).await;
}

/// Direct media on the trunk only: the line does not allow it, so the call
/// is anchored (the provider sees the office's public address).
#[tokio::test]
async fn lab_direct_media_on_the_trunk_but_not_the_line_is_anchored() {
    direct_call("direct-media-trunk-only", Way::Out, true, false).await;
}

/// The provider's call to the phone, both allowing direct media: its offer
/// reaches the phone unchanged and the phone's answer reaches it unchanged.
#[tokio::test]
async fn lab_direct_media_on_both_ends_of_an_incoming_call_leaves_sdp_alone() {
    direct_call("direct-media-incoming", Way::In, true, true).await;
}
