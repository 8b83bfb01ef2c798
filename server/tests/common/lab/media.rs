//! The media lab of lab_media.rs, lab_media_timeout.rs and
//! lab_direct_media.rs: the office of lab.rs with its External address set
//! and the RTP range forwarded, a provider and phones as SIPps that write
//! their peer's SDP address for the RTP endpoints of rtp.rs, and the
//! outgoing call of lab_media.rs and lab_direct_media.rs.

use super::{
    call_log, prepare, Lab, Ns, Problems, RtpStats, LINE_PASSWORD, PBX_IP, PBX_NAT_PORT, PHONE_IP,
    WAN_IP,
};
use crate::common::sipp::{Sipp, SippBuilder};
use app::model::nat::SipNatInput;
use app::ssr::state::Core;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// 10 s of 20 ms packets.
pub const PACKETS: u32 = 500;
/// At least 99 % of them must arrive.
pub const ENOUGH: u32 = PACKETS * 99 / 100;
pub const PHONE_RTP: &str = "192.168.77.10:4000";
/// A second phone of the office, on the same RTP port as the first.
pub const PHONE2_IP: &str = "192.168.77.11";
/// The provider's RTP port of its first call (lab_provider_media_uas.xml).
pub const PROVIDER_RTP: &str = "198.51.100.20:30010";
pub const PHONE_SSRC: u32 = 0x1000_0001;
pub const PROVIDER_SSRC: u32 = 0x2000_0002;
/// Every SIPp here ends well within this.
pub const SIPP_LIMIT: Duration = Duration::from_secs(45);

/// The router forwards the RTP range to the PBX, as an office behind NAT
/// is told to (XiVO's and Asterisk's guides; README): without it a
/// provider's first packet, arriving before the PBX has sent any, makes the
/// router's own connection-tracking entry and the PBX's packets then leave
/// from another public port than its SDP names. The accept goes into the
/// router's own forward chain: an accept in a chain of another table would
/// not stop that chain's drop policy, and the provider's first packets
/// (RTP or RTCP) before the PBX's own would still be dropped.
const RTP_FORWARD: &str = r#"table ip forward_rtp {
  chain prerouting {
    type nat hook prerouting priority -100;
    iifname "wan0" udp dport 10000-20000 dnat to 192.168.77.2
  }
}
add rule ip filter forward iifname "wan0" ip daddr 192.168.77.2 udp dport 10000-20000 accept
"#;

/// The office of lab.rs, with its External address set and the RTP range
/// forwarded.
pub async fn office(test: &str, register: bool) -> (Lab, PathBuf) {
    let lab = Lab::new(test);
    let rules = lab.dir.join("forward.nft");
    std::fs::write(&rules, RTP_FORWARD).expect("forward rules");
    let forwarded = std::process::Command::new("ip")
        .args(["netns", "exec", &lab.ns(Ns::Router), "nft", "-f"])
        .arg(&rules)
        .status()
        .expect("nft");
    assert!(forwarded.success(), "RTP port forward on the router");
    let db = lab.dir.join("t.db");
    prepare(&db, register, None).await;
    let pool = app::ssr::db::open(&db).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let current = app::ssr::service::nat::get(&core).await.expect("nat");
    let input = SipNatInput {
        external_address: format!("{WAN_IP}:{PBX_NAT_PORT}"),
        ..current.settings.to_input()
    };
    app::ssr::service::nat::update(&core, current.version, &input)
        .await
        .expect("external address saved");
    pool.close().await;
    (lab, db)
}

/// A SIPp in `ns` playing `scenario` with its RTP at `rtp` and the peer's
/// SDP address written to `<name>.sdp` in the lab's directory.
pub fn media_sipp(
    lab: &Lab,
    ns: Ns,
    name: &str,
    scenario: &str,
    port: u16,
    rtp: &str,
) -> SippSetup {
    let sdp = lab.dir.join(format!("{name}.sdp"));
    let rtp_port = rtp.rsplit(':').next().unwrap_or_default().to_owned();
    let builder = lab
        .sipp(ns, name, scenario, port)
        .timeout(SIPP_LIMIT)
        .args(["-key", "rtp_port", &rtp_port, "-key", "peer_sdp"])
        .arg(sdp.as_os_str());
    SippSetup { builder, sdp }
}

pub struct SippSetup {
    pub builder: SippBuilder,
    pub sdp: PathBuf,
}

/// The provider answering `calls` outgoing calls on 198.51.100.20:5060
/// (its RTP on 30010, 30020…); the SDP file of call `n` ends in `n`.
pub async fn provider(lab: &Lab, calls: u32) -> (Sipp, PathBuf) {
    provider_with(lab, calls, "ptime:20").await
}

/// [`provider`] whose answers carry `a=<attribute>` in their audio stream.
pub async fn provider_with(lab: &Lab, calls: u32, attribute: &str) -> (Sipp, PathBuf) {
    let port = PBX_NAT_PORT.to_string();
    let scenario = "lab_provider_media_uas.xml";
    let s = media_sipp(lab, Ns::Inet, "provider", scenario, 5060, PROVIDER_RTP);
    let sipp = s
        .builder
        .count(calls)
        .args(["-key", "nat_ip", WAN_IP, "-key", "nat_port", &port])
        .args(["-key", "rtp_prefix", "300", "-key", "media_attr", attribute])
        .spawn_listening()
        .await;
    (sipp, s.sdp)
}

/// `<base>n`: the SDP file of the provider's call `n`.
pub fn nth(base: &Path, n: u32) -> PathBuf {
    let mut name = base.as_os_str().to_owned();
    name.push(n.to_string());
    PathBuf::from(name)
}

/// The phone at `ip` dialing 4185551234 with `scenario`.
pub fn phone_dialing(lab: &Lab, name: &str, ip: &str, scenario: &str) -> (Sipp, PathBuf) {
    let rtp = format!("{ip}:4000");
    let s = media_sipp(lab, Ns::Phone, name, scenario, 5062, &rtp);
    let sipp = s
        .builder
        .local_ip(ip)
        .remote("192.168.77.2:5060")
        .args(["-s", "4185551234", "-key", "caller", "1000"])
        .args(["-au", "1000", "-ap", LINE_PASSWORD])
        // The digest signs the Request-URI (SIPp writes `sip:` before it).
        .args(["-auth_uri", "4185551234@192.168.77.2:5060"])
        .spawn();
    (sipp, s.sdp)
}

/// The call log has the call, answered and ended Normal, with the relay's
/// figures of a clean call: each side's packets received (at least
/// [`ENOUGH`], at most `most`, none lost by sequence number) and sent on to
/// the other, a MOS of a clean G.711 call, and no one-way flag.
pub async fn logged_normal(p: &mut Problems, db: &Path, most: u32) {
    let calls = call_log(db, 1).await;
    let call = calls.first();
    p.check(
        call.is_some_and(|c| c.answered_at.is_some() && c.cause == "Normal"),
        format!("call log: not an answered call ended Normal: {call:?}"),
    );
    let quality = call.and_then(|c| c.quality.clone());
    let clean = |l: &app::model::quality::LegQuality| {
        l.rx_packets >= u64::from(ENOUGH)
            && l.rx_packets <= u64::from(most)
            && l.lost == 0
            && l.expected >= u64::from(ENOUGH)
            && l.received_percent() >= 99.0
            && l.tx_packets >= u64::from(ENOUGH)
            && l.rx_bytes == l.rx_packets * 172
            && l.mos_centi >= 430
    };
    p.check(
        quality
            .as_ref()
            .is_some_and(|q| clean(&q.caller) && clean(&q.callee) && q.one_way.is_none()),
        format!("call log: the audio figures are not those of a clean call: {quality:?}"),
    );
}

/// A call of the media lab once over: the SIPps, what each RTP endpoint
/// counted, whether each SIPp ended well, and Trunkline, kept running for
/// what the test reads after (the call log).
pub struct MediaCall {
    pub phone: Sipp,
    pub provider: Sipp,
    /// The phone's REGISTER, before a call to it.
    pub register: Option<Sipp>,
    pub phone_rtp: RtpStats,
    pub provider_rtp: RtpStats,
    pub problems: Problems,
    pub pbx: tokio::process::Child,
}

impl MediaCall {
    /// Every SIPp of the call, for the verdict's report.
    pub fn sipps(&self) -> Vec<&Sipp> {
        self.register
            .iter()
            .chain([&self.phone, &self.provider])
            .collect()
    }
}

/// The SIPps on their way: each side's RTP endpoint sends 500 packets to
/// where its peer's SDP (written to `phone_sdp` / `provider_sdp`) says,
/// while both SIPps are waited for.
async fn talk(
    lab: &Lab,
    (mut phone, phone_sdp): (Sipp, PathBuf),
    (mut provider, provider_sdp): (Sipp, PathBuf),
    register: Option<Sipp>,
    mut problems: Problems,
    pbx: tokio::process::Child,
    provider_first_from: Option<&str>,
) -> MediaCall {
    let ssrcs = (PHONE_SSRC, PROVIDER_SSRC);
    let phone_rtp = lab.rtp_endpoint(Ns::Phone, PHONE_RTP, ssrcs, phone_sdp, PACKETS);
    let (a, b) = (PROVIDER_SSRC, PHONE_SSRC);
    let provider_rtp = match provider_first_from {
        None => lab.rtp_endpoint(Ns::Inet, PROVIDER_RTP, (a, b), provider_sdp, PACKETS),
        Some(first) => {
            let at = [PROVIDER_RTP, first];
            lab.rtp_endpoint_moving(Ns::Inet, at, (a, b), provider_sdp, PACKETS)
        }
    };
    problems.check(phone.finish().await, "the phone's SIPp failed");
    problems.check(provider.finish().await, "the provider's SIPp failed");
    MediaCall {
        phone,
        provider,
        register,
        phone_rtp: phone_rtp.join().expect("RTP endpoint thread"),
        provider_rtp: provider_rtp.join().expect("RTP endpoint thread"),
        problems,
        pbx,
    }
}

/// Trunkline started on `db`, the provider answering one call, and the
/// phone at 192.168.77.10 dialing 4185551234 with `scenario`.
pub async fn call_out(lab: &Lab, db: &Path, scenario: &str) -> MediaCall {
    call_out_moving(lab, db, scenario, None).await
}

/// [`call_out`], the provider's first RTP packet leaving from `provider_first_from` when
/// given (see [`Lab::rtp_endpoint_moving`]).
pub async fn call_out_moving(
    lab: &Lab,
    db: &Path,
    scenario: &str,
    provider_first_from: Option<&str>,
) -> MediaCall {
    let (provider, provider_sdp) = provider(lab, 1).await;
    let pbx = lab.start_trunkline(db, &[]).await;
    let phone = phone_dialing(lab, "phone", PHONE_IP, scenario);
    let provider = (provider, nth(&provider_sdp, 1));
    let problems = Problems::default();
    talk(
        lab,
        phone,
        provider,
        None,
        problems,
        pbx,
        provider_first_from,
    )
    .await
}

/// The provider as the trunk's registrar on 198.51.100.20:5060, calling DID
/// 4185550000 3 s after the trunk's last REGISTER, its RTP on 30010 (the
/// phone's SDP address goes to the returned file); it hangs up 11 s in.
pub async fn did_provider(lab: &Lab) -> (Sipp, PathBuf) {
    let port = PBX_NAT_PORT.to_string();
    let scenario = "lab_provider_did_media.xml";
    let s = media_sipp(lab, Ns::Inet, "provider", scenario, 5060, PROVIDER_RTP);
    let provider = s
        .builder
        .args(["-key", "nat_ip", WAN_IP, "-key", "nat_port", &port])
        .spawn_listening()
        .await;
    (provider, s.sdp)
}

/// Trunkline started on `db` (an office whose trunk registers), the phone
/// registered as line 1000 from 192.168.77.10:5062, and the provider
/// calling DID 4185550000 through the registration; the phone answers.
pub async fn call_in(lab: &Lab, db: &Path) -> MediaCall {
    let provider = did_provider(lab).await;
    let pbx = lab.start_trunkline(db, &[]).await;
    let mut problems = Problems::default();
    let mut register = lab
        .sipp(Ns::Phone, "register", "phone_register_uac.xml", 5062)
        .remote("192.168.77.2:5060")
        .args(["-s", "1000", "-au", "1000", "-ap", LINE_PASSWORD])
        .spawn();
    problems.check(register.finish().await, "the phone did not register");
    let scenario = "lab_phone_answer_media_uas.xml";
    let s = media_sipp(lab, Ns::Phone, "phone", scenario, 5062, PHONE_RTP);
    let phone = s.builder.args(["-s", "1000"]).spawn_listening().await;
    talk(
        lab,
        (phone, s.sdp),
        provider,
        Some(register),
        problems,
        pbx,
        None,
    )
    .await
}

/// Both endpoints heard at least 99 % of the other's packets, nothing
/// foreign, and each was told Trunkline's address for its side.
pub fn audio_both_ways(p: &mut Problems, phone: &RtpStats, provider: &RtpStats) {
    p.check(
        phone.heard >= ENOUGH,
        format!(
            "the phone heard {} of the provider's {} packets: {phone:?} / {provider:?}",
            phone.heard, provider.sent
        ),
    );
    p.check(
        provider.heard >= ENOUGH,
        format!(
            "the provider heard {} of the phone's {} packets: {provider:?} / {phone:?}",
            provider.heard, phone.sent
        ),
    );
    p.check(
        phone.foreign == 0 && provider.foreign == 0,
        format!("foreign audio: phone {phone:?}, provider {provider:?}"),
    );
    p.check(
        phone.peer.is_some_and(|a| a.ip().to_string() == PBX_IP),
        format!("the phone was not told the PBX's LAN address: {phone:?}"),
    );
    p.check(
        provider.peer.is_some_and(|a| a.ip().to_string() == WAN_IP),
        format!("the provider was not told the office's public address: {provider:?}"),
    );
}
