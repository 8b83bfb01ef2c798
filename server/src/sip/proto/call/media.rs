//! Calls layer: the SDP of an anchored call on its way from one leg to the other. Each side is
//! told Trunkline's address toward it and that side's relay port, the relay is told where each
//! side receives (`CallEvent::Media`), and the offer toward a trunk keeps only the trunk's
//! codecs. Asterisk with `directmedia=no` does the same; a call with direct media (no
//! `MediaPorts`) passes SDP unchanged.

use std::net::SocketAddr;
use std::time::Instant;

use super::leg;
use super::state::{Call, Plan, Shared};
use super::{Attempt, AttemptResult, CallEvent, HangupCause, MediaPorts, Side, TrunkMedia};
use crate::sip::proto::message::Headers;
use crate::sip::proto::sdp::{encoding_of, Direction, Sdp, SdpError};
use crate::sip::proto::Endpoint;

/// Whether a body is SDP: only `application/sdp` is rewritten (an INFO's `dtmf-relay`, say,
/// passes as it is).
fn is_sdp(headers: &Headers) -> bool {
    headers
        .extra("Content-Type")
        .or_else(|| headers.extra("c"))
        .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("application/sdp"))
}

/// The trunk filter as the SDP module takes it.
fn filter(media: &TrunkMedia) -> Option<(Vec<&'static str>, bool)> {
    if media.codecs.is_empty() {
        return None;
    }
    let names = media.codecs.iter().filter_map(|c| encoding_of(c)).collect();
    Some((names, media.telephone_event))
}

/// What a leg's message carries to the other leg.
pub(super) struct Carry<'a> {
    /// The side the message comes from.
    pub from: Side,
    /// For `Side::Callee`: which B leg (else the one that answered).
    pub leg: Option<usize>,
    pub headers: &'a Headers,
    pub body: &'a [u8],
    /// Where the message goes: Trunkline's address toward it is the one its SDP names.
    pub to: SocketAddr,
    /// This is the first offer toward a trunk: keep only its codecs.
    pub offer_to_trunk: Option<&'a TrunkMedia>,
}

impl Call {
    /// The trunk settings of B leg `n`, when it is a trunk's.
    fn leg_trunk(&self, n: usize) -> Option<&TrunkMedia> {
        let Plan::Trunks { trunks, .. } = &self.plan else {
            return None;
        };
        let i = self.legs.get(n)?.trunk?;
        trunks.get(i).map(|t| &t.media)
    }

    /// Copies `c`'s body into `out_headers`/`out_body`: as it is for a call with direct media
    /// or a body that is not SDP, else rewritten for the receiving side, with the relay told
    /// where the sending side receives.
    ///
    /// # Errors
    /// SDP that cannot be carried; the body is then left out of the message.
    pub(super) fn carry(
        &self,
        ep: &Endpoint,
        sh: &mut Shared,
        c: &Carry<'_>,
        out_headers: &mut Headers,
        out_body: &mut Vec<u8>,
    ) -> Result<(), SdpError> {
        leg::copy_body(c.headers, c.body, out_headers, out_body);
        let Some(ports) = self.media else {
            return Ok(());
        };
        if c.body.is_empty() || !is_sdp(c.headers) {
            return Ok(());
        }
        match self.rewrite(ep, sh, c, ports) {
            Ok(bytes) => {
                *out_body = bytes;
                Ok(())
            }
            Err(e) => {
                leg::drop_body(out_headers, out_body);
                Err(e)
            }
        }
    }

    fn rewrite(
        &self,
        ep: &Endpoint,
        sh: &mut Shared,
        c: &Carry<'_>,
        ports: MediaPorts,
    ) -> Result<Vec<u8>, SdpError> {
        let mut sdp = Sdp::parse(c.body)?;
        if let Some((names, dtmf)) = c.offer_to_trunk.and_then(filter) {
            sdp.keep_codecs(&names, dtmf)?;
        }
        // DTMF mode `info`: the trunk is offered no telephone-event, even when its codecs are
        // not filtered (its digits come and go as INFO), and the phone hears the
        // telephone-event it offered in the trunk's SDP, since the relay converts.
        let callee_info = match c.from {
            Side::Caller => c
                .offer_to_trunk
                .map_or_else(|| self.info_trunk(None), |t| !t.telephone_event),
            Side::Callee => self.info_trunk(c.leg),
        };
        let (to_info, from_info) = match c.from {
            Side::Caller => (callee_info, self.caller_dtmf_info),
            Side::Callee => (self.caller_dtmf_info, callee_info),
        };
        if to_info {
            sdp.drop_telephone_event();
        } else if from_info {
            if let Some(pt) = self.phone_pt_for(&sdp) {
                sdp.add_telephone_event(pt);
            }
        }
        let audio = sdp.audio()?;
        let (signalling, symmetric_rtp) = match c.from {
            Side::Caller => (self.a.dialog.dest, self.caller_symmetric_rtp),
            Side::Callee => {
                let n = c.leg.or(self.winner);
                let Some(l) = n.and_then(|n| self.legs.get(n)) else {
                    return Err(SdpError::Unsupported("SDP from no leg".into()));
                };
                // A phone is always answered where it sends from; a trunk when it says so.
                let symmetric = n
                    .and_then(|n| self.leg_trunk(n))
                    .map_or(l.trunk_id.is_none(), |t| t.symmetric_rtp);
                (l.dest, symmetric)
            }
        };
        sh.events.push_back(CallEvent::Media {
            id: self.id,
            side: c.from,
            rtp: audio.rtp,
            rtcp: audio.rtcp,
            signalling,
            symmetric_rtp,
            hold: audio.rtp.is_none() || audio.direction != Direction::SendRecv,
            clocks: audio.clocks,
        });
        let port = match c.from {
            Side::Caller => ports.callee,
            Side::Callee => ports.caller,
        };
        let us = ep.config().sent_by(c.to);
        sdp.anchor(us.host.trim_matches(['[', ']']), port);
        Ok(sdp.to_bytes())
    }
}

impl Call {
    /// B leg `n` answered an anchored call: the relay measures its quality from now on and
    /// watches for dead audio with the answering trunk's timeouts, else those of the trunk the
    /// call came in on (a call between two phones has none, as Asterisk's lines have no
    /// `rtptimeout` by default).
    pub(super) fn watch_media(&self, sh: &mut Shared, n: usize) {
        if self.media.is_none() {
            return;
        }
        let timeouts = self
            .leg_trunk(n)
            .map(|t| t.timeouts)
            .filter(|t| !t.is_off())
            .unwrap_or(self.caller_timeouts);
        sh.events.push_back(CallEvent::Watch {
            id: self.id,
            timeouts,
        });
    }

    /// A's offer, read before any leg rings: SDP that cannot be carried is refused at once.
    ///
    /// # Errors
    /// A's SDP is malformed or unsupported.
    pub(super) fn check_offer(&self) -> Result<(), SdpError> {
        let invite = &self.a.invite;
        if self.media.is_none() || invite.body.is_empty() || !is_sdp(&invite.headers) {
            return Ok(());
        }
        Sdp::parse(&invite.body).map(|_| ())
    }

    /// `488 Not Acceptable Here` on A, with the reason in the call log.
    pub(super) fn refuse_media(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        e: &SdpError,
    ) {
        let attempt = Attempt {
            target: self.labels.caller.clone(),
            trunk_id: None,
            result: AttemptResult::NotAcceptable(e.to_string()),
        };
        self.record(sh, attempt);
        self.fail(now, ep, sh, 488, HangupCause::NotAcceptable, None);
    }

    /// Every trunk was passed over and at least one for its media (no common codec): the
    /// caller hears 488, not 503.
    pub(super) fn refused_for_media(&self) -> bool {
        let media = |a: &Attempt| matches!(a.result, AttemptResult::NotAcceptable(_));
        let passed = |a: &Attempt| {
            matches!(
                a.result,
                AttemptResult::NotAcceptable(_) | AttemptResult::Skipped(_)
            )
        };
        self.attempts.iter().any(media) && self.attempts.iter().all(passed)
    }
}
