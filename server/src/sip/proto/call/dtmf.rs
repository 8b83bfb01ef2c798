//! Calls layer: DTMF between a phone that sends RFC 4733 events and a trunk with DTMF mode
//! `info` (SIP INFO, `application/dtmf-relay`), as Asterisk's chan_sip does with
//! `dtmfmode=info` on the trunk and `rfc2833` on the phone. The phone's digits, read by the
//! relay, go to the trunk as in-dialog INFOs, one at a time and in order; the trunk's INFOs
//! are answered here and become event packets toward the phone. Either way round: a phone
//! calling out through the trunk, or the trunk's incoming call answered by a phone (its
//! offer to the phone then gains `telephone-event`, the phone's answer loses it). Sans-IO:
//! the relay does the RTP (`proto::rtp::dtmf`), this decides and speaks SIP.

use std::collections::VecDeque;
use std::fmt;
use std::time::Instant;

use super::dialog::other;
use super::state::{Call, Plan, Shared, TxRole};
use super::{CallEvent, CallState, Side};
use crate::sip::proto::message::{ExtraHeader, Headers, Method, Request};
use crate::sip::proto::rtp::dtmf::{event_of, Digit, MAX_QUEUED_DIGITS};
use crate::sip::proto::sdp::Sdp;
use crate::sip::proto::{Endpoint, Event, TxId};

/// The content type of Cisco's and Asterisk's DTMF INFO body.
pub const DTMF_RELAY: &str = "application/dtmf-relay";
/// The content type whose body is the digit alone.
pub const DTMF: &str = "application/dtmf";

/// Length given to a digit whose INFO names none (`application/dtmf`, or a `dtmf-relay`
/// body without `Duration`): Asterisk's default of 100 ms is too short for some phones to
/// render; 160 ms is what most phones send.
const DEFAULT_MILLIS: u32 = 160;

/// Why an INFO's DTMF body cannot be read: answered 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// No `Signal=` line (or an empty `application/dtmf` body).
    NoSignal,
    /// A signal that is no DTMF digit.
    BadSignal(String),
    /// A `Duration=` that is not a number of milliseconds.
    BadDuration(String),
    /// Not UTF-8 text.
    NotText,
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSignal => f.write_str("no Signal in the DTMF body"),
            Self::BadSignal(s) => write!(f, "Signal {s:?} is no DTMF digit"),
            Self::BadDuration(d) => write!(f, "Duration {d:?} is not a number"),
            Self::NotText => f.write_str("the DTMF body is not text"),
        }
    }
}

/// Which DTMF body an INFO carries, from its Content-Type; `None` for any other.
pub fn dtmf_body_kind(headers: &Headers) -> Option<&'static str> {
    let t = headers
        .extra("Content-Type")
        .or_else(|| headers.extra("c"))?;
    let t = t.split(';').next().unwrap_or(t).trim();
    [DTMF_RELAY, DTMF]
        .into_iter()
        .find(|k| t.eq_ignore_ascii_case(k))
}

/// A signal as written: `5`, `*`, `#`, `A`-`D`, or the event code `10`-`15` some gateways
/// write for `*`, `#`, `A`-`D`.
fn signal(s: &str) -> Result<u8, BodyError> {
    let s = s.trim();
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if let Some(e) = event_of(c) {
            return Ok(e);
        }
    }
    s.parse::<u8>()
        .ok()
        .filter(|e| *e <= 15)
        .ok_or_else(|| BodyError::BadSignal(s.into()))
}

/// Reads an INFO body of content type `kind` (`dtmf_body_kind`).
///
/// # Errors
/// A body with no digit, or a digit or duration that cannot be read.
pub fn parse_body(kind: &str, body: &[u8]) -> Result<Digit, BodyError> {
    let text = std::str::from_utf8(body).map_err(|_| BodyError::NotText)?;
    if kind == DTMF {
        if text.trim().is_empty() {
            return Err(BodyError::NoSignal);
        }
        return signal(text).map(|e| Digit::from_millis(e, DEFAULT_MILLIS));
    }
    let mut event = None;
    let mut millis = DEFAULT_MILLIS;
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "signal" => event = Some(signal(value)?),
            "duration" => {
                let v = value.trim();
                millis = v.parse().map_err(|_| BodyError::BadDuration(v.into()))?;
            }
            _ => {}
        }
    }
    let event = event.ok_or(BodyError::NoSignal)?;
    Ok(Digit::from_millis(event, millis))
}

/// The `application/dtmf-relay` body of `digit`; `None` for an event that is no digit.
pub fn format_body(digit: Digit) -> Option<String> {
    let s = digit.symbol()?;
    Some(format!("Signal={s}\r\nDuration={}\r\n", digit.millis()))
}

/// The DTMF conversion of one answered call.
#[derive(Debug)]
pub(super) struct DtmfBridge {
    /// The leg of the `info` trunk; the phone is the other.
    pub(super) trunk: Side,
    /// The phone's `telephone-event` payload type.
    pub(super) pt: u8,
    /// The phone's digits waiting for the INFO before them to be answered.
    pub(super) queue: VecDeque<Digit>,
    /// The INFO on the trunk's leg not answered yet.
    pub(super) in_flight: Option<TxId>,
}

impl Call {
    /// B leg `n` answered with SDP `answer`: when one side is an `info` trunk (the B leg,
    /// else the trunk the call came in on) and the other's SDP has `telephone-event`, digits
    /// are converted from now on, and the relay is told which payload type to read and
    /// write on the phone's side.
    pub(super) fn start_dtmf(&mut self, sh: &mut Shared, n: usize, answer: &[u8]) {
        if self.media.is_none() {
            return;
        }
        let (trunk, pt) = if self.info_trunk(Some(n)) {
            (Side::Callee, self.phone_event_pt())
        } else if self.caller_dtmf_info {
            let answered = Sdp::parse(answer).ok().and_then(|s| s.telephone_event());
            (Side::Caller, answered)
        } else {
            self.start_playing(sh, n, answer);
            return;
        };
        let Some(pt) = pt else { return };
        self.dtmf = Some(DtmfBridge {
            trunk,
            pt,
            queue: VecDeque::new(),
            in_flight: None,
        });
        sh.events.push_back(CallEvent::Dtmf {
            id: self.id,
            phone: other(trunk),
            pt,
        });
    }

    /// B leg `n` answered a call with no `info` trunk: when one side is a trunk that takes
    /// RFC 4733 events (DTMF mode `rfc2833`, `telephone-event` in its SDP), a phone that
    /// sends its digits in INFOs has them played to the trunk as events, as Asterisk turns
    /// DTMF into the mode of the channel it goes to; the relay is told the trunk's payload
    /// type. The trunk is B leg `n`, else the one the call came in on.
    fn start_playing(&mut self, sh: &mut Shared, n: usize, answer: &[u8]) {
        let (trunk, pt) = if self.legs.get(n).is_some_and(|l| l.trunk_id.is_some()) {
            let answered = Sdp::parse(answer).ok().and_then(|s| s.telephone_event());
            (Side::Callee, answered)
        } else if self.trunk.is_some() {
            (Side::Caller, self.phone_event_pt())
        } else {
            return;
        };
        let Some(pt) = pt else { return };
        self.play_to = Some(trunk);
        sh.events.push_back(CallEvent::Play {
            id: self.id,
            toward: trunk,
            pt,
        });
    }

    /// The `telephone-event` payload type to give the phone in SDP from an `info` trunk:
    /// the one already in use, else the one the phone offered (A's INVITE), else, for an
    /// offer to the phone (the trunk called), a free dynamic one of `sdp`. `None`: the
    /// phone does not do RFC 4733, nothing is added.
    pub(super) fn phone_pt_for(&self, sdp: &Sdp) -> Option<u8> {
        if let Some(b) = &self.dtmf {
            return Some(b.pt);
        }
        if self.caller_dtmf_info {
            sdp.free_dynamic_pt()
        } else {
            self.phone_event_pt()
        }
    }

    /// Whether B leg `n` (else the one that answered) is a trunk's with DTMF mode `info`.
    pub(super) fn info_trunk(&self, n: Option<usize>) -> bool {
        let Plan::Trunks { trunks, .. } = &self.plan else {
            return false;
        };
        n.or(self.winner)
            .and_then(|n| self.legs.get(n))
            .and_then(|l| l.trunk)
            .and_then(|i| trunks.get(i))
            .is_some_and(|t| !t.media.telephone_event)
    }

    /// The `telephone-event` payload type of the phone's offer (A's INVITE).
    pub(super) fn phone_event_pt(&self) -> Option<u8> {
        let body = &self.a.invite.body;
        if body.is_empty() {
            return None;
        }
        Sdp::parse(body).ok()?.telephone_event()
    }

    /// The relay read a digit from `from`'s RTP: it goes to the trunk as an INFO, after
    /// those still queued.
    pub(super) fn on_digit(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        from: Side,
        digit: Digit,
    ) {
        let Some(b) = self.dtmf.as_mut().filter(|b| b.trunk != from) else {
            return;
        };
        // A person keys a few digits a second; a queue this long means the trunk stopped
        // answering the INFOs or the phone sends garbage: what comes beyond is dropped.
        if b.queue.len() >= MAX_QUEUED_DIGITS {
            tracing::debug!(call = ?self.id, "DTMF digit dropped: too many waiting for the trunk");
            return;
        }
        b.queue.push_back(digit);
        self.send_next_info(now, ep, sh);
    }

    /// Sends the next queued digit as an INFO on the trunk's leg, unless one is in flight:
    /// a second INFO before the first is answered could overtake it, and the far end would
    /// hear the digits in the wrong order.
    fn send_next_info(&mut self, now: Instant, ep: &mut Endpoint, sh: &mut Shared) {
        if self.state != CallState::Answered {
            return;
        }
        let id = self.id;
        let Some(b) = self.dtmf.as_mut().filter(|b| b.in_flight.is_none()) else {
            return;
        };
        let trunk = b.trunk;
        while let Some(digit) = self.dtmf.as_mut().and_then(|b| b.queue.pop_front()) {
            let Some(body) = format_body(digit) else {
                continue;
            };
            let Some(d) = self.dialog_mut(trunk) else {
                return;
            };
            let (dest, transport) = (d.next_hop(), d.transport);
            let contact = ep.config().contact(dest);
            let Some(mut info) = d.request(Method::Info, &contact) else {
                return;
            };
            info.headers.extra.push(ExtraHeader {
                name: "Content-Type".into(),
                value: DTMF_RELAY.into(),
            });
            info.body = body.into_bytes();
            if let Ok(tx) = ep.send_request(now, info, dest, transport) {
                sh.track_tx(tx, id, TxRole::Dtmf);
                if let Some(b) = self.dtmf.as_mut() {
                    b.in_flight = Some(tx);
                }
                return;
            }
        }
    }

    /// The trunk answered our INFO (or never did): its answer stays here, the next digit
    /// goes.
    pub(super) fn on_info_outcome(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        ev: &Event,
    ) {
        if ev.status().is_none_or(|s| s < 200) {
            return;
        }
        if let Some(b) = self.dtmf.as_mut() {
            b.in_flight = None;
        }
        self.send_next_info(now, ep, sh);
    }

    /// An INFO from `side`: when it is the `info` trunk's DTMF, or a phone's DTMF toward an
    /// `rfc2833` trunk (`start_playing`), answered here (200, or 400 for a body that cannot
    /// be read) and played to the other side as events; `false` when it is not for us (any
    /// other INFO is relayed as before).
    pub(super) fn take_dtmf_info(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        tx: TxId,
        req: &Request,
        side: Side,
    ) -> bool {
        let converted = self.dtmf.as_ref().is_some_and(|b| b.trunk == side)
            || self.play_to == Some(other(side));
        if self.state != CallState::Answered || !converted {
            return false;
        }
        let Some(kind) = dtmf_body_kind(&req.headers) else {
            return false;
        };
        match parse_body(kind, &req.body) {
            Ok(digit) => {
                self.answer(now, ep, tx, req, 200);
                sh.events.push_back(CallEvent::Digit {
                    id: self.id,
                    toward: other(side),
                    digit,
                });
            }
            Err(e) => {
                tracing::debug!(error = %e, "DTMF INFO refused");
                self.answer(now, ep, tx, req, 400);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(kind: &str, body: &str) -> Result<(char, u32), BodyError> {
        parse_body(kind, body.as_bytes()).map(|d| (d.symbol().unwrap_or('?'), d.millis()))
    }

    #[test]
    fn dtmf_relay_bodies_as_phones_and_providers_write_them() {
        assert_eq!(
            parse(DTMF_RELAY, "Signal=5\r\nDuration=160\r\n"),
            Ok(('5', 160))
        );
        assert_eq!(
            parse(DTMF_RELAY, "Signal= #\nDuration= 250\n"),
            Ok(('#', 250))
        );
        assert_eq!(parse(DTMF_RELAY, "signal=*\r\n"), Ok(('*', DEFAULT_MILLIS)));
        assert_eq!(
            parse(DTMF_RELAY, "Signal=11\r\nDuration=100"),
            Ok(('#', 100))
        );
        assert_eq!(
            parse(DTMF_RELAY, "Signal=d\r\nDuration=100"),
            Ok(('D', 100))
        );
        assert_eq!(parse(DTMF, "7\r\n"), Ok(('7', DEFAULT_MILLIS)));
    }

    #[test]
    fn bad_bodies_are_errors_not_panics() {
        assert_eq!(parse(DTMF_RELAY, ""), Err(BodyError::NoSignal));
        assert_eq!(
            parse(DTMF_RELAY, "Duration=100\r\n"),
            Err(BodyError::NoSignal)
        );
        assert_eq!(
            parse(DTMF_RELAY, "Signal=X\r\n"),
            Err(BodyError::BadSignal("X".into()))
        );
        assert_eq!(
            parse(DTMF_RELAY, "Signal=16\r\n"),
            Err(BodyError::BadSignal("16".into()))
        );
        assert_eq!(
            parse(DTMF_RELAY, "Signal=1\r\nDuration=-5\r\n"),
            Err(BodyError::BadDuration("-5".into()))
        );
        assert_eq!(parse(DTMF, "  "), Err(BodyError::NoSignal));
        assert_eq!(
            parse(DTMF, "12345"),
            Err(BodyError::BadSignal("12345".into()))
        );
        assert_eq!(
            parse_body(DTMF_RELAY, &[0xff, 0xfe]),
            Err(BodyError::NotText)
        );
    }

    #[test]
    fn the_body_sent_to_a_trunk() {
        let d = Digit {
            event: 11,
            duration: 800,
        };
        assert_eq!(
            format_body(d).as_deref(),
            Some("Signal=#\r\nDuration=100\r\n")
        );
        let flash = Digit {
            event: 16,
            duration: 800,
        };
        assert_eq!(format_body(flash), None);
    }

    #[test]
    fn content_types_are_matched_without_case_or_parameters() {
        use crate::sip::proto::message::{parse, Limits, Message};
        let text = "INFO sip:1000@192.0.2.1 SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKdtmf\r\n\
From: <sip:p@192.0.2.9>;tag=1\r\nTo: <sip:1000@192.0.2.1>;tag=2\r\nCall-ID: dtmf\r\n\
CSeq: 2 INFO\r\nContent-Type: Application/DTMF-Relay; charset=utf-8\r\n\
Content-Length: 0\r\n\r\n";
        let Ok(Message::Request(info)) = parse(text.as_bytes(), &Limits::default()) else {
            panic!("a valid INFO");
        };
        assert_eq!(dtmf_body_kind(&info.headers), Some(DTMF_RELAY));
    }
}
