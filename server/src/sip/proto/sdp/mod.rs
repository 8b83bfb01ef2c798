//! Media layer, sans-IO: SDP (RFC 4566) as the B2BUA rewrites it between its legs (RFC 3264
//! offer/answer). Each leg's SDP is made to name Trunkline's address and relay port for that
//! leg (`anchor`), and an offer toward a trunk keeps only the trunk's codecs (`keep_codecs`).
//! Every line and attribute this module does not own stays as the endpoint wrote it, in order.
//!
//! Parsing and printing are webrtc-rs' `sdp` crate behind this module's own API, so a swap
//! touches only this file. Chosen over Mozilla's `webrtc-sdp` because `sdp` keeps every
//! attribute as a key and value in its original order and prints back byte for byte what it
//! read (checked on a SIP phone's offer with unknown `a=` lines at session and media level),
//! where `webrtc-sdp` drops the attributes it does not know. `sdp` holds the session-level
//! fields in RFC 4566 order; an SDP whose lines are out of that order is refused as malformed
//! (488), as Asterisk refuses what it cannot parse.
//!
//! Lines owned here: `o=`'s address, `c=` (session and audio), the audio `m=` port and its
//! format list, `rtpmap`/`fmtp` of formats removed, and the ICE and RTCP-port attributes
//! (`a=candidate`, `a=ice-*`, `a=rtcp`, `a=rtcp-mux`), which name the endpoint's own
//! addresses and ports and would steer the far side around the relay. A hold address
//! (`c=IN IP4 0.0.0.0`, RFC 2543 style) is kept as it is: it means "do not send".

#[cfg(test)]
mod tests;

use crate::sip::proto::rtp::PayloadClocks;
use std::fmt;
use std::io::Cursor;
use std::net::{IpAddr, SocketAddr};

use ::sdp::description::common::{Address, Attribute, ConnectionInformation};
use ::sdp::description::media::MediaDescription;
use ::sdp::SessionDescription;

/// Attributes that name the endpoint's own transport addresses: removed on an anchored leg.
const TRANSPORT_ATTRIBUTES: &[&str] = &[
    "candidate",
    "remote-candidates",
    "end-of-candidates",
    "ice-ufrag",
    "ice-pwd",
    "ice-options",
    "ice-lite",
    "ice-mismatch",
    "rtcp",
    "rtcp-mux",
];

/// The encoding name (RFC 3551, `a=rtpmap`) of a trunk's Codecs setting.
pub fn encoding_of(setting: &str) -> Option<&'static str> {
    Some(match setting {
        "ulaw" => "PCMU",
        "alaw" => "PCMA",
        "g722" => "G722",
        "opus" => "opus",
        "g729" => "G729",
        _ => return None,
    })
}

/// Why an SDP cannot be carried: answered `488 Not Acceptable Here`, and said in the call log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdpError {
    /// Not SDP we can read.
    Malformed(String),
    /// SDP we read but cannot relay (no audio, a transport that is not RTP).
    Unsupported(String),
    /// The offer has none of the trunk's codecs.
    NoCommonCodec,
}

impl fmt::Display for SdpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "malformed SDP: {why}"),
            Self::Unsupported(why) => write!(f, "unsupported SDP: {why}"),
            Self::NoCommonCodec => f.write_str("no common codec"),
        }
    }
}

/// The audio stream's direction (RFC 3264 §5.1); hold is `SendOnly` or `Inactive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// What the relay needs from one side's SDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audio {
    /// Where that side receives RTP; `None` when it receives none (port 0, hold address).
    pub rtp: Option<SocketAddr>,
    /// Where it receives RTCP: what its audio stream's `a=rtcp` names (RFC 3605), else one
    /// port above RTP (RFC 3550 §11); `None` with `rtp`.
    pub rtcp: Option<SocketAddr>,
    pub direction: Direction,
    /// The clocks of the dynamic payload types its `a=rtpmap` lines map, for the jitter of
    /// streams such as Opus.
    pub clocks: PayloadClocks,
}

/// A parsed session description.
#[derive(Debug, Clone)]
pub struct Sdp {
    desc: SessionDescription,
}

impl Sdp {
    /// # Errors
    /// A body that is not UTF-8 SDP, or that the parser refuses.
    pub fn parse(body: &[u8]) -> Result<Self, SdpError> {
        let text = std::str::from_utf8(body)
            .map_err(|_| SdpError::Malformed("the body is not UTF-8 text".into()))?;
        // The parser reads CRLF lines; a bare LF, which some phones send, is accepted too.
        let text = if text.contains("\r\n") {
            text.to_owned()
        } else {
            text.replace('\n', "\r\n")
        };
        let desc = SessionDescription::unmarshal(&mut Cursor::new(text.as_bytes()))
            .map_err(|e| SdpError::Malformed(e.to_string()))?;
        let sdp = Self { desc };
        sdp.audio()?;
        Ok(sdp)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.desc.marshal().into_bytes()
    }

    /// Index of the stream the relay carries: the first audio `m=` line.
    fn audio_index(&self) -> Option<usize> {
        self.desc
            .media_descriptions
            .iter()
            .position(|m| m.media_name.media.eq_ignore_ascii_case("audio"))
    }

    /// The audio stream's address and direction.
    ///
    /// # Errors
    /// No audio stream, a transport other than RTP, or an address that is not an IP.
    pub fn audio(&self) -> Result<Audio, SdpError> {
        let i = self
            .audio_index()
            .ok_or_else(|| SdpError::Unsupported("no audio stream".into()))?;
        let m = &self.desc.media_descriptions[i];
        let proto = m.media_name.protos.join("/");
        if !proto.to_ascii_uppercase().starts_with("RTP/") {
            return Err(SdpError::Unsupported(format!(
                "audio transport {proto} is not RTP"
            )));
        }
        let conn = m
            .connection_information
            .as_ref()
            .or(self.desc.connection_information.as_ref())
            .and_then(|c| c.address.as_ref())
            .ok_or_else(|| SdpError::Malformed("no connection address (c=) for audio".into()))?;
        let ip: IpAddr = conn.address.parse().map_err(|_| {
            SdpError::Unsupported(format!("connection address {} is not an IP", conn.address))
        })?;
        let port = u16::try_from(m.media_name.port.value)
            .map_err(|_| SdpError::Malformed("audio port out of range".into()))?;
        let rtp = (port != 0 && !ip.is_unspecified()).then(|| SocketAddr::new(ip, port));
        // RFC 3605 §2.1: media level only; at session level it "MUST NOT" be, so it is not
        // followed there.
        let rtcp = rtp.and_then(|rtp| {
            let named = m.attributes.iter().find(|a| a.key == "rtcp");
            match named.and_then(|a| rtcp_attribute(a.value.as_deref()?, rtp.ip())) {
                Some(named) => Some(named),
                None => Some(SocketAddr::new(rtp.ip(), rtp.port().checked_add(1)?)),
            }
        });
        let direction = direction(&m.attributes)
            .or_else(|| direction(&self.desc.attributes))
            .unwrap_or(Direction::SendRecv);
        let mut clocks = PayloadClocks::default();
        for a in m.attributes.iter().filter(|a| a.key == "rtpmap") {
            // `96 opus/48000/2`: type, encoding name, clock, channels.
            let Some((pt, map)) = a.value.as_deref().and_then(|v| v.split_once(' ')) else {
                continue;
            };
            let mut parts = map.trim().split('/');
            let (Ok(pt), Some(name), Some(Ok(hz))) = (
                pt.parse::<u8>(),
                parts.next(),
                parts.next().map(str::parse::<u32>),
            ) else {
                continue;
            };
            clocks.insert(pt, name, hz);
        }
        Ok(Audio {
            rtp,
            rtcp,
            direction,
            clocks,
        })
    }

    /// Makes this SDP name `host` and `port` for audio (Trunkline's address and relay port
    /// toward the leg it is sent on). Other streams are declined (port 0): the relay carries
    /// audio only, as Asterisk without video support answers them.
    pub fn anchor(&mut self, host: &str, port: u16) {
        let ip6 = host.parse::<IpAddr>().is_ok_and(|ip| ip.is_ipv6());
        let kind = if ip6 { "IP6" } else { "IP4" };
        let o = &mut self.desc.origin;
        o.unicast_address = host.to_owned();
        o.address_type = kind.to_owned();
        point(&mut self.desc.connection_information, host, kind);
        self.desc
            .attributes
            .retain(|a| !TRANSPORT_ATTRIBUTES.contains(&a.key.as_str()));
        let audio = self.audio_index();
        for (i, m) in self.desc.media_descriptions.iter_mut().enumerate() {
            if Some(i) != audio {
                m.media_name.port.value = 0;
                m.media_name.port.range = None;
                continue;
            }
            if m.media_name.port.value != 0 {
                m.media_name.port.value = isize::try_from(port).unwrap_or(0);
                m.media_name.port.range = None;
            }
            point(&mut m.connection_information, host, kind);
            m.attributes
                .retain(|a| !TRANSPORT_ATTRIBUTES.contains(&a.key.as_str()));
        }
    }

    /// Keeps on the audio stream only the formats of `encodings` (names as in `a=rtpmap`,
    /// compared without case), in that order, each keeping its payload type number, then
    /// `telephone-event` (RFC 4733) when `telephone_event`.
    ///
    /// # Errors
    /// `NoCommonCodec` when no format of `encodings` is offered.
    pub fn keep_codecs(
        &mut self,
        encodings: &[&str],
        telephone_event: bool,
    ) -> Result<(), SdpError> {
        let Some(i) = self.audio_index() else {
            return Err(SdpError::NoCommonCodec);
        };
        let m = &mut self.desc.media_descriptions[i];
        let named: Vec<(String, Option<String>)> = m
            .media_name
            .formats
            .iter()
            .map(|pt| (pt.clone(), encoding_name(m, pt)))
            .collect();
        let is = |name: &Option<String>, want: &str| {
            name.as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(want))
        };
        let mut kept: Vec<String> = Vec::new();
        for want in encodings {
            kept.extend(
                named
                    .iter()
                    .filter(|(_, n)| is(n, want))
                    .map(|(pt, _)| pt.clone()),
            );
        }
        if kept.is_empty() {
            return Err(SdpError::NoCommonCodec);
        }
        if telephone_event {
            kept.extend(
                named
                    .iter()
                    .filter(|(_, n)| is(n, "telephone-event"))
                    .map(|(pt, _)| pt.clone()),
            );
        }
        m.attributes.retain(|a| match format_of(a) {
            Some(pt) => kept.iter().any(|k| k == pt),
            None => true,
        });
        m.media_name.formats = kept;
        Ok(())
    }
}

impl Sdp {
    /// The payload type of `telephone-event` (RFC 4733 §7.1.1) on the audio stream, if it is
    /// one of its formats.
    pub fn telephone_event(&self) -> Option<u8> {
        let m = &self.desc.media_descriptions[self.audio_index()?];
        m.media_name.formats.iter().find_map(|pt| {
            let name = encoding_name(m, pt)?;
            name.eq_ignore_ascii_case("telephone-event")
                .then(|| pt.parse().ok())
                .flatten()
        })
    }

    /// A payload type for `telephone-event` that the audio stream does not use: 101, as
    /// most phones and Asterisk number it, else the first free dynamic one (RFC 3551 §3).
    pub fn free_dynamic_pt(&self) -> Option<u8> {
        let m = &self.desc.media_descriptions[self.audio_index()?];
        let used = |pt: u8| m.media_name.formats.iter().any(|f| *f == pt.to_string());
        std::iter::once(101).chain(96..=127).find(|pt| !used(*pt))
    }

    /// Removes `telephone-event` from the audio stream: toward a trunk whose DTMF travels in
    /// SIP INFO, so that neither side sends RFC 4733 packets to the other.
    pub fn drop_telephone_event(&mut self) {
        let Some(pt) = self.telephone_event().map(|pt| pt.to_string()) else {
            return;
        };
        let Some(i) = self.audio_index() else { return };
        let m = &mut self.desc.media_descriptions[i];
        m.media_name.formats.retain(|f| *f != pt);
        m.attributes.retain(|a| format_of(a) != Some(pt.as_str()));
    }

    /// Adds `telephone-event/8000` as payload type `pt` (events 0-16) to the audio stream,
    /// unless it has it: toward a phone whose digits Trunkline turns into SIP INFO for the
    /// trunk, which answered without it.
    pub fn add_telephone_event(&mut self, pt: u8) {
        if self.telephone_event().is_some() {
            return;
        }
        let Some(i) = self.audio_index() else { return };
        let m = &mut self.desc.media_descriptions[i];
        let pt = pt.to_string();
        if m.media_name.port.value == 0 || m.media_name.formats.contains(&pt) {
            return;
        }
        m.media_name.formats.push(pt.clone());
        // After the other formats' rtpmap/fmtp lines, where a phone writes it.
        let at = m
            .attributes
            .iter()
            .rposition(|a| format_of(a).is_some())
            .map_or(m.attributes.len(), |k| k + 1);
        m.attributes.insert(
            at,
            Attribute::new("rtpmap".into(), Some(format!("{pt} telephone-event/8000"))),
        );
        m.attributes.insert(
            at + 1,
            Attribute::new("fmtp".into(), Some(format!("{pt} 0-16"))),
        );
    }
}

/// Sets a `c=` line's address to `host`, unless it is a hold address (0.0.0.0, ::), which
/// keeps meaning "send nothing".
fn point(conn: &mut Option<ConnectionInformation>, host: &str, kind: &str) {
    let Some(c) = conn.as_mut() else { return };
    let held = c
        .address
        .as_ref()
        .and_then(|a| a.address.parse::<IpAddr>().ok())
        .is_some_and(|ip| ip.is_unspecified());
    if held {
        return;
    }
    c.address_type = kind.to_owned();
    c.address = Some(Address {
        address: host.to_owned(),
        ttl: None,
        range: None,
    });
}

/// The value of an `a=rtcp` attribute (RFC 3605 §2.1: `port [nettype addrtype
/// connection-address]`), the address defaulting to the stream's `stream_ip`. `None` for a
/// value that does not follow that grammar (a port out of range, a network other than `IN`,
/// an address not of its type): such an attribute is ignored, as if absent.
fn rtcp_attribute(value: &str, stream_ip: IpAddr) -> Option<SocketAddr> {
    let mut words = value.split_ascii_whitespace();
    let port = words.next()?.parse::<u16>().ok().filter(|p| *p != 0)?;
    let ip = match (words.next(), words.next(), words.next()) {
        (None, _, _) => stream_ip,
        (Some("IN"), Some(kind), Some(address)) => {
            let ip = address.parse::<IpAddr>().ok()?;
            let typed = matches!((kind, ip), ("IP4", IpAddr::V4(_)) | ("IP6", IpAddr::V6(_)));
            (typed && !ip.is_unspecified()).then_some(ip)?
        }
        _ => return None,
    };
    words.next().is_none().then(|| SocketAddr::new(ip, port))
}

fn direction(attributes: &[Attribute]) -> Option<Direction> {
    attributes.iter().find_map(|a| match a.key.as_str() {
        "sendrecv" => Some(Direction::SendRecv),
        "sendonly" => Some(Direction::SendOnly),
        "recvonly" => Some(Direction::RecvOnly),
        "inactive" => Some(Direction::Inactive),
        _ => None,
    })
}

/// The payload type an `rtpmap` or `fmtp` attribute describes.
fn format_of(a: &Attribute) -> Option<&str> {
    if !matches!(a.key.as_str(), "rtpmap" | "fmtp") {
        return None;
    }
    a.value.as_deref()?.split_whitespace().next()
}

/// A format's encoding name: its `a=rtpmap`, else the static payload type (RFC 3551 §6).
fn encoding_name(m: &MediaDescription, pt: &str) -> Option<String> {
    let mapped = m.attributes.iter().find_map(|a| {
        let value = a.value.as_deref().filter(|_| a.key == "rtpmap")?;
        let (num, rest) = value.split_once(' ')?;
        (num == pt).then(|| rest.split('/').next().unwrap_or(rest).trim().to_owned())
    });
    mapped.or_else(|| {
        let name = match pt {
            "0" => "PCMU",
            "3" => "GSM",
            "4" => "G723",
            "8" => "PCMA",
            "9" => "G722",
            "18" => "G729",
            _ => return None,
        };
        Some(name.to_owned())
    })
}
