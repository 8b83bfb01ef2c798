//! Media timeouts of an anchored call (Asterisk's `rtptimeout` and `rtpholdtimeout`): once the
//! call is answered, a side that sends no RTP for the trunk's timeout (the hold timeout while
//! either side's SDP holds the stream) has lost its audio, and the call is hung up rather than
//! left up and billed. Sans-IO: the relay reports packets and SDP with the time it read, and
//! asks when it must look again.
//!
//! - The clock of each side starts at the answer, as Asterisk's does: a call answered by a
//!   side that never sends is hung up one timeout later.
//! - New SDP from a side restarts its clock: it may have moved, and gets a full timeout to be
//!   heard from at its new address.
//! - Only RTP counts, not RTCP: a phone whose audio died may go on sending reports.

use std::time::{Duration, Instant};

use crate::sip::proto::call::Side;

/// A trunk's media timeouts; `None` never hangs up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MediaTimeouts {
    /// No RTP from a side for this long hangs the call up (`rtptimeout`).
    pub rtp: Option<Duration>,
    /// The same while the call is on hold (`rtpholdtimeout`): a held party usually sends
    /// nothing, so this is longer.
    pub hold: Option<Duration>,
}

impl MediaTimeouts {
    /// Whether neither timeout is set: nothing to watch.
    pub fn is_off(&self) -> bool {
        self.rtp.is_none() && self.hold.is_none()
    }
}

/// The watch of one call: per side, when it was last heard from and whether its SDP holds.
#[derive(Debug, Clone, Default)]
pub struct MediaWatch {
    timeouts: MediaTimeouts,
    /// Set at the answer; `None`: not answered, nothing is due.
    since: Option<[Instant; 2]>,
    hold: [bool; 2],
    /// The side found silent: reported once.
    expired: bool,
}

fn at(side: Side) -> usize {
    match side {
        Side::Caller => 0,
        Side::Callee => 1,
    }
}

impl MediaWatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// The call is answered at `now`: each side's clock starts.
    pub fn start(&mut self, now: Instant, timeouts: MediaTimeouts) {
        self.timeouts = timeouts;
        self.since = Some([now; 2]);
    }

    /// An RTP packet from `side` was relayed at `now`.
    pub fn on_packet(&mut self, side: Side, now: Instant) {
        if let Some(since) = &mut self.since {
            since[at(side)] = now;
        }
    }

    /// New SDP from `side` at `now`; `hold`: it does not both send and receive.
    pub fn on_sdp(&mut self, side: Side, now: Instant, hold: bool) {
        self.hold[at(side)] = hold;
        self.on_packet(side, now);
    }

    /// The timeout that applies now.
    fn limit(&self) -> Option<Duration> {
        if self.hold.iter().any(|h| *h) {
            self.timeouts.hold
        } else {
            self.timeouts.rtp
        }
    }

    /// When `handle_timeout` must next run; `None`: nothing can expire.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.expired {
            return None;
        }
        let since = self.since?;
        let oldest = since[0].min(since[1]);
        Some(oldest + self.limit()?)
    }

    /// The side silent for the whole timeout at `now`, reported once.
    pub fn handle_timeout(&mut self, now: Instant) -> Option<Side> {
        self.poll_timeout().filter(|d| *d <= now)?;
        let since = self.since?;
        self.expired = true;
        // The deadline is the side heard from least recently: that one is silent.
        Some(if since[0] <= since[1] {
            Side::Caller
        } else {
            Side::Callee
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RTP: Duration = Duration::from_secs(60);
    const HOLD: Duration = Duration::from_secs(300);

    fn watch(t0: Instant) -> MediaWatch {
        let mut w = MediaWatch::new();
        w.start(
            t0,
            MediaTimeouts {
                rtp: Some(RTP),
                hold: Some(HOLD),
            },
        );
        w
    }

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// Both sides send every 20 ms from t0 to t0 + `until`.
    fn talk(w: &mut MediaWatch, t0: Instant, until: Duration) {
        let mut t = Duration::ZERO;
        while t <= until {
            w.on_packet(Side::Caller, t0 + t);
            w.on_packet(Side::Callee, t0 + t);
            t += Duration::from_millis(20);
        }
    }

    #[test]
    fn nothing_is_due_before_the_answer() {
        let t0 = Instant::now();
        let mut w = MediaWatch::new();
        w.on_packet(Side::Caller, t0);
        w.on_sdp(Side::Callee, t0, false);
        assert_eq!(w.poll_timeout(), None);
        assert_eq!(w.handle_timeout(t0 + secs(3600)), None);
    }

    #[test]
    fn a_call_with_audio_both_ways_stays_up() {
        let t0 = Instant::now();
        let mut w = watch(t0);
        talk(&mut w, t0, secs(600));
        assert_eq!(w.handle_timeout(t0 + secs(600)), None);
        assert_eq!(w.poll_timeout(), Some(t0 + secs(600) + RTP));
    }

    #[test]
    fn the_side_that_stops_sending_is_found_one_timeout_after_its_last_packet() {
        let t0 = Instant::now();
        let mut w = watch(t0);
        talk(&mut w, t0, secs(10));
        // The provider goes quiet at 10 s; the phone talks on.
        let mut t = secs(10);
        while t < secs(80) {
            w.on_packet(Side::Caller, t0 + t);
            t += Duration::from_millis(20);
        }
        assert_eq!(w.poll_timeout(), Some(t0 + secs(70)));
        assert_eq!(
            w.handle_timeout(t0 + secs(70) - Duration::from_millis(1)),
            None
        );
        assert_eq!(w.handle_timeout(t0 + secs(70)), Some(Side::Callee));
        assert_eq!(w.handle_timeout(t0 + secs(90)), None, "reported once");
        assert_eq!(w.poll_timeout(), None);
    }

    #[test]
    fn a_side_that_never_sends_is_found_one_timeout_after_the_answer() {
        let t0 = Instant::now();
        let mut w = watch(t0);
        w.on_packet(Side::Callee, t0 + secs(30));
        assert_eq!(w.handle_timeout(t0 + secs(60)), Some(Side::Caller));
    }

    #[test]
    fn on_hold_the_hold_timeout_applies_and_resume_brings_back_the_other() {
        let t0 = Instant::now();
        let mut w = watch(t0);
        talk(&mut w, t0, secs(5));
        // The phone holds (sendonly); the provider answers recvonly and falls silent.
        w.on_sdp(Side::Caller, t0 + secs(5), true);
        w.on_sdp(Side::Callee, t0 + secs(5), true);
        assert_eq!(
            w.handle_timeout(t0 + secs(100)),
            None,
            "60 s do not count on hold"
        );
        assert_eq!(w.poll_timeout(), Some(t0 + secs(305)));
        // Resume at 200 s: both get a full RTP timeout from their new SDP.
        w.on_sdp(Side::Caller, t0 + secs(200), false);
        w.on_sdp(Side::Callee, t0 + secs(200), false);
        assert_eq!(w.poll_timeout(), Some(t0 + secs(260)));
        assert_eq!(w.handle_timeout(t0 + secs(260)), Some(Side::Caller));
    }

    #[test]
    fn a_hold_that_lasts_past_the_hold_timeout_hangs_up() {
        let t0 = Instant::now();
        let mut w = watch(t0);
        w.on_sdp(Side::Caller, t0, true);
        w.on_packet(Side::Caller, t0 + secs(299));
        assert_eq!(w.handle_timeout(t0 + secs(300)), Some(Side::Callee));
    }

    #[test]
    fn without_timeouts_nothing_expires() {
        let t0 = Instant::now();
        let mut w = MediaWatch::new();
        w.start(t0, MediaTimeouts::default());
        assert!(MediaTimeouts::default().is_off());
        assert_eq!(w.poll_timeout(), None);
        assert_eq!(w.handle_timeout(t0 + secs(86_400)), None);
        // No hold timeout: a held call stays up, as rtpholdtimeout=0 in Asterisk.
        let mut w = MediaWatch::new();
        w.start(
            t0,
            MediaTimeouts {
                rtp: Some(RTP),
                hold: None,
            },
        );
        w.on_sdp(Side::Callee, t0, true);
        assert_eq!(w.handle_timeout(t0 + secs(86_400)), None);
    }
}
