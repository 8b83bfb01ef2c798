//! SDP rewrite tables: what a phone or provider sent, what the other leg gets.

use super::*;

/// A phone's offer behind NAT, with lines Trunkline does not own at both levels.
const PHONE_OFFER: &str = "v=0\r\n\
o=alice 2890844526 2890844526 IN IP4 192.168.77.10\r\n\
s=-\r\n\
c=IN IP4 192.168.77.10\r\n\
t=0 0\r\n\
a=x-vendor:keep me\r\n\
m=audio 4000 RTP/AVP 0 8 9 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=rtcp:4001 IN IP4 192.168.77.10\r\n\
a=ptime:20\r\n\
a=x-unknown\r\n\
a=sendrecv\r\n";

fn parsed(text: &str) -> Sdp {
    Sdp::parse(text.as_bytes()).expect("valid SDP")
}

fn text(sdp: &Sdp) -> String {
    String::from_utf8(sdp.to_bytes()).expect("utf-8")
}

#[test]
fn an_unchanged_sdp_prints_back_byte_for_byte() {
    assert_eq!(text(&parsed(PHONE_OFFER)), PHONE_OFFER);
}

#[test]
fn anchoring_an_offer_rewrites_the_addresses_and_port_and_keeps_every_other_line() {
    let mut sdp = parsed(PHONE_OFFER);
    sdp.anchor("198.51.100.2", 10002);
    let want = "v=0\r\n\
o=alice 2890844526 2890844526 IN IP4 198.51.100.2\r\n\
s=-\r\n\
c=IN IP4 198.51.100.2\r\n\
t=0 0\r\n\
a=x-vendor:keep me\r\n\
m=audio 10002 RTP/AVP 0 8 9 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ptime:20\r\n\
a=x-unknown\r\n\
a=sendrecv\r\n";
    assert_eq!(text(&sdp), want);
}

#[test]
fn the_audio_address_is_where_the_side_receives() {
    let audio = parsed(PHONE_OFFER).audio().expect("audio");
    assert_eq!(audio.rtp, Some("192.168.77.10:4000".parse().expect("addr")));
    assert_eq!(audio.direction, Direction::SendRecv);
}

/// A provider's answer (also what a 183 with early media carries): media-level `c=`, no
/// session `c=`, a video stream the relay declines.
#[test]
fn anchoring_an_answer_with_media_level_connection_and_video() {
    let answer = "v=0\r\n\
o=- 1 2 IN IP4 198.51.100.20\r\n\
s=provider\r\n\
t=0 0\r\n\
m=audio 30000 RTP/AVP 8 101\r\n\
c=IN IP4 198.51.100.20\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
m=video 30002 RTP/AVP 96\r\n\
c=IN IP4 198.51.100.20\r\n\
a=rtpmap:96 H264/90000\r\n";
    let mut sdp = parsed(answer);
    assert_eq!(
        sdp.audio().expect("audio").rtp,
        Some("198.51.100.20:30000".parse().expect("addr"))
    );
    sdp.anchor("192.168.77.2", 10000);
    let want = "v=0\r\n\
o=- 1 2 IN IP4 192.168.77.2\r\n\
s=provider\r\n\
t=0 0\r\n\
m=audio 10000 RTP/AVP 8 101\r\n\
c=IN IP4 192.168.77.2\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
m=video 0 RTP/AVP 96\r\n\
c=IN IP4 198.51.100.20\r\n\
a=rtpmap:96 H264/90000\r\n";
    assert_eq!(text(&sdp), want);
}

#[test]
fn hold_and_resume_keep_their_direction_and_the_hold_address() {
    let hold = PHONE_OFFER.replace("a=sendrecv", "a=sendonly");
    let mut sdp = parsed(&hold);
    assert_eq!(sdp.audio().expect("audio").direction, Direction::SendOnly);
    sdp.anchor("198.51.100.2", 10002);
    assert!(text(&sdp).contains("a=sendonly\r\n"));

    let inactive = PHONE_OFFER.replace("a=sendrecv", "a=inactive");
    assert_eq!(
        parsed(&inactive).audio().expect("audio").direction,
        Direction::Inactive
    );

    // RFC 2543 hold: the address 0.0.0.0 means "send nothing" and stays so.
    let old_hold = PHONE_OFFER.replace("c=IN IP4 192.168.77.10", "c=IN IP4 0.0.0.0");
    let mut sdp = parsed(&old_hold);
    assert_eq!(sdp.audio().expect("audio").rtp, None);
    sdp.anchor("198.51.100.2", 10002);
    let out = text(&sdp);
    assert!(out.contains("c=IN IP4 0.0.0.0\r\n"), "{out}");
    assert!(out.contains("m=audio 10002 "), "{out}");

    // Resume, from a changed address (the phone moved, or a re-INVITE from another device).
    let moved = PHONE_OFFER.replace("192.168.77.10", "192.168.77.11");
    assert_eq!(
        parsed(&moved).audio().expect("audio").rtp,
        Some("192.168.77.11:4000".parse().expect("addr"))
    );
}

#[test]
fn a_declined_audio_stream_has_no_address_and_keeps_port_zero() {
    let declined = PHONE_OFFER.replace("m=audio 4000", "m=audio 0");
    let mut sdp = parsed(&declined);
    assert_eq!(sdp.audio().expect("audio").rtp, None);
    sdp.anchor("198.51.100.2", 10002);
    assert!(text(&sdp).contains("m=audio 0 RTP/AVP"));
}

#[test]
fn ice_and_rtcp_port_attributes_are_removed_on_an_anchored_leg() {
    let ice = PHONE_OFFER.replace(
        "a=x-unknown\r\n",
        "a=x-unknown\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdef0123\r\n\
a=candidate:1 1 UDP 2130706431 192.168.77.10 4000 typ host\r\na=rtcp-mux\r\n",
    );
    let mut sdp = parsed(&ice);
    sdp.anchor("198.51.100.2", 10002);
    let out = text(&sdp);
    for gone in ["ice-", "candidate", "rtcp", "192.168.77.10"] {
        assert!(!out.contains(gone), "{gone} left in {out}");
    }
    assert!(out.contains("a=x-unknown\r\n"));
}

#[test]
fn an_ipv6_address_is_written_as_ip6() {
    let mut sdp = parsed(PHONE_OFFER);
    sdp.anchor("2001:db8::2", 10002);
    let out = text(&sdp);
    assert!(out.contains("o=alice 2890844526 2890844526 IN IP6 2001:db8::2\r\n"));
    assert!(out.contains("c=IN IP6 2001:db8::2\r\n"));
}

#[test]
fn the_offer_toward_a_trunk_keeps_its_codecs_in_its_order_with_their_numbers() {
    let mut sdp = parsed(PHONE_OFFER);
    sdp.keep_codecs(&["PCMA", "PCMU"], true)
        .expect("common codec");
    let out = text(&sdp);
    assert!(out.contains("m=audio 4000 RTP/AVP 8 0 101\r\n"), "{out}");
    assert!(!out.contains("G722"), "{out}");
    assert!(out.contains("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"));
    assert!(out.contains("a=ptime:20\r\n"));
}

#[test]
fn telephone_event_is_removed_when_dtmf_does_not_travel_as_rfc4733() {
    let mut sdp = parsed(PHONE_OFFER);
    sdp.keep_codecs(&["PCMU"], false).expect("common codec");
    let out = text(&sdp);
    assert!(out.contains("m=audio 4000 RTP/AVP 0\r\n"), "{out}");
    assert!(
        !out.contains("telephone-event") && !out.contains("fmtp:101"),
        "{out}"
    );
}

#[test]
fn static_payload_types_without_rtpmap_are_recognised() {
    let bare = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n\
m=audio 4000 RTP/AVP 18 0\r\n";
    let mut sdp = parsed(bare);
    sdp.keep_codecs(&["g729"], true).expect("common codec");
    assert!(text(&sdp).contains("m=audio 4000 RTP/AVP 18\r\n"));
}

#[test]
fn no_common_codec_is_an_error_the_call_log_names() {
    let mut sdp = parsed(PHONE_OFFER);
    let err = sdp.keep_codecs(&["G729", "opus"], true).expect_err("none");
    assert_eq!(err, SdpError::NoCommonCodec);
    assert_eq!(err.to_string(), "no common codec");
}

#[test]
fn malformed_or_unsupported_sdp_is_refused_with_a_reason() {
    let table: &[(&str, &str)] = &[
        ("hello", "malformed SDP"),
        ("v=0\r\ns=-\r\n", "malformed SDP"),
        (
            "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n\
m=video 4000 RTP/AVP 96\r\n",
            "unsupported SDP: no audio stream",
        ),
        (
            "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n\
m=audio 4000 UDP/TLS/RTP/SAVPF 111\r\n",
            "unsupported SDP: audio transport UDP/TLS/RTP/SAVPF is not RTP",
        ),
        (
            "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
            "malformed SDP: no connection address",
        ),
    ];
    for (body, want) in table {
        let err = Sdp::parse(body.as_bytes()).expect_err(body);
        assert!(err.to_string().starts_with(want), "{body:?}: {err}");
    }
    let not_utf8 = Sdp::parse(&[0xff, 0xfe]).expect_err("binary");
    assert!(matches!(not_utf8, SdpError::Malformed(_)));
}

#[test]
fn bare_line_feeds_are_read_too() {
    let lf = PHONE_OFFER.replace("\r\n", "\n");
    assert_eq!(
        parsed(&lf).audio().expect("audio").rtp,
        Some("192.168.77.10:4000".parse().expect("addr"))
    );
}

#[test]
fn trunk_codec_settings_name_rtp_encodings() {
    assert_eq!(encoding_of("ulaw"), Some("PCMU"));
    assert_eq!(encoding_of("alaw"), Some("PCMA"));
    assert_eq!(encoding_of("g722"), Some("G722"));
    assert_eq!(encoding_of("opus"), Some("opus"));
    assert_eq!(encoding_of("g729"), Some("G729"));
    assert_eq!(encoding_of("speex"), None);
}

#[test]
fn telephone_event_is_found_dropped_and_added_back() {
    let mut sdp = parsed(PHONE_OFFER);
    assert_eq!(sdp.telephone_event(), Some(101));
    sdp.drop_telephone_event();
    assert_eq!(sdp.telephone_event(), None);
    let dropped = text(&sdp);
    assert!(
        dropped.contains("m=audio 4000 RTP/AVP 0 8 9\r\n"),
        "{dropped}"
    );
    assert!(!dropped.contains("telephone-event") && !dropped.contains("fmtp:101"));

    // A trunk's answer without it gets the phone's number back, after the codecs' lines.
    let answer = "v=0\r\no=p 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\n\
t=0 0\r\nm=audio 30000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n";
    let mut sdp = parsed(answer);
    sdp.add_telephone_event(101);
    assert_eq!(sdp.telephone_event(), Some(101));
    let added = text(&sdp);
    assert!(
        added.contains(
            "m=audio 30000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n"
        ),
        "{added}"
    );
    // Twice is once.
    sdp.add_telephone_event(96);
    assert_eq!(text(&sdp), added);
}

#[test]
fn a_free_payload_type_for_telephone_event() {
    let answer = "v=0\r\no=p 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\n\
t=0 0\r\nm=audio 30000 RTP/AVP 8\r\n";
    assert_eq!(parsed(answer).free_dynamic_pt(), Some(101));
    let taken = answer.replace("RTP/AVP 8", "RTP/AVP 8 101 96");
    assert_eq!(parsed(&taken).free_dynamic_pt(), Some(97));
}

#[test]
fn the_audio_s_dynamic_clocks_are_read_from_rtpmap() {
    let opus = PHONE_OFFER.replace(
        "m=audio 4000 RTP/AVP 0 8 9 101\r\n",
        "m=audio 4000 RTP/AVP 111 0 101\r\na=rtpmap:111 opus/48000/2\r\n",
    );
    let clocks = parsed(&opus).audio().expect("audio").clocks;
    assert_eq!(clocks.clock(111), Some(48000));
    assert_eq!(clocks.clock(0), Some(8000));
    assert_eq!(
        clocks.clock(101),
        None,
        "telephone-event measures no jitter"
    );
}

/// The audio stream of `PHONE_OFFER` with its `a=rtcp` line replaced by `rtcp` (none when
/// empty).
fn rtcp_of(rtcp: &str) -> Option<SocketAddr> {
    let offer = PHONE_OFFER.replace("a=rtcp:4001 IN IP4 192.168.77.10\r\n", rtcp);
    parsed(&offer).audio().expect("audio").rtcp
}

fn addr(s: &str) -> Option<SocketAddr> {
    Some(s.parse().expect("address"))
}

/// RFC 3605 §2.1: `a=rtcp:port [nettype addrtype connection-address]` names where a side
/// receives RTCP; the address defaults to the stream's.
#[test]
fn a_rtcp_names_the_rtcp_port_and_optionally_its_address() {
    assert_eq!(
        rtcp_of(""),
        addr("192.168.77.10:4001"),
        "RTP + 1 by default"
    );
    assert_eq!(rtcp_of("a=rtcp:53020\r\n"), addr("192.168.77.10:53020"));
    assert_eq!(
        rtcp_of("a=rtcp:53020 IN IP4 203.0.113.7\r\n"),
        addr("203.0.113.7:53020"),
        "a NAT's mapping for RTCP, on another address"
    );
    assert_eq!(
        rtcp_of("a=rtcp:53020 IN IP6 2001:db8::7\r\n"),
        addr("[2001:db8::7]:53020")
    );
}

/// §2.1: the attribute "MUST NOT be used as a session level attribute": there it is not
/// followed.
#[test]
fn a_session_level_a_rtcp_is_not_followed() {
    let offer = PHONE_OFFER
        .replace("a=rtcp:4001 IN IP4 192.168.77.10\r\n", "")
        .replace("a=x-vendor:keep me\r\n", "a=rtcp:53020\r\n");
    let audio = parsed(&offer).audio().expect("audio");
    assert_eq!(audio.rtcp, addr("192.168.77.10:4001"));
}

/// A value outside §2.1's grammar is ignored as if absent (RTP + 1), the call not refused:
/// Asterisk reads the port with the same leniency.
#[test]
fn an_a_rtcp_outside_the_grammar_is_ignored() {
    for bad in [
        "a=rtcp:\r\n",
        "a=rtcp:abc\r\n",
        "a=rtcp:0\r\n",
        "a=rtcp:70000\r\n",
        "a=rtcp:53020 IN IP4\r\n",
        "a=rtcp:53020 IN IP4 phone.example.com\r\n",
        "a=rtcp:53020 IN IP6 203.0.113.7\r\n",
        "a=rtcp:53020 IN IP4 2001:db8::7\r\n",
        "a=rtcp:53020 ATM NSAP 47.0005.80.ffe100.0000.f21a.26d8\r\n",
        "a=rtcp:53020 IN IP4 0.0.0.0\r\n",
        "a=rtcp:53020 IN IP4 203.0.113.7 extra\r\n",
        "a=RTCP:53020\r\n",
    ] {
        assert_eq!(rtcp_of(bad), addr("192.168.77.10:4001"), "{bad:?}");
    }
}

/// A stream that receives nothing receives no RTCP either.
#[test]
fn a_held_or_declined_stream_has_no_rtcp_address() {
    let held = PHONE_OFFER.replace("c=IN IP4 192.168.77.10", "c=IN IP4 0.0.0.0");
    assert_eq!(parsed(&held).audio().expect("audio").rtcp, None);
    let declined = PHONE_OFFER.replace("m=audio 4000", "m=audio 0");
    assert_eq!(parsed(&declined).audio().expect("audio").rtcp, None);
}

/// Toward the other leg, a side's `a=rtcp` would name that side's own port, at media or
/// session level: both go, and the other leg sends RTCP one port above Trunkline's RTP port.
#[test]
fn an_a_rtcp_is_not_passed_to_the_other_leg() {
    let offer = PHONE_OFFER.replace("a=x-vendor:keep me\r\n", "a=rtcp:53020\r\n");
    let mut sdp = parsed(&offer);
    sdp.anchor("198.51.100.2", 10002);
    let out = text(&sdp);
    assert!(!out.contains("a=rtcp"), "{out}");
    let audio = parsed(&out).audio().expect("audio");
    assert_eq!(audio.rtcp, addr("198.51.100.2:10003"));
}
