//! One side of an anchored stream: where its packets may come from and where the other side's
//! packets are sent to it (symmetric RTP, RFC 4961; Asterisk's `nat=comedia` and `strictrtp`).
//!
//! - A packet is accepted before latching only from the IP address that side's SDP names or
//!   the one its SIP comes from (a phone behind NAT sends from the router's public address,
//!   which its SDP cannot know). Others are dropped (the call's meter counts them): a stranger
//!   guessing the port gets nothing through.
//! - A source (address and port) is latched once [`PROBATION`] accepted packets in a row came
//!   from it, as Asterisk's `strictrtp` learns with its `probation` packets; from then on only
//!   that source is accepted, so a stream cannot be hijacked by a packet from elsewhere. The
//!   latch is cleared only by new SDP from that side (a re-INVITE, or the answer).
//! - Until then each accepted packet is forwarded, and its source is the one on probation: a
//!   side's first packets may come from another port than the rest (a NAT router that
//!   allocated a new port for a stream whose first packets crossed another one, a carrier's
//!   media server switching ports as the call starts), and latching the very first would lose
//!   the whole stream.
//! - Toward a side behind NAT (`symmetric`), packets go where its packets come from (the
//!   latched source, else the one on probation), else to its SDP; toward any other side,
//!   always to its SDP.

use std::net::{IpAddr, SocketAddr};

/// Packets in a row from one source that latch it (Asterisk's `probation` default).
pub const PROBATION: u8 = 4;

#[derive(Debug, Clone, Default)]
pub struct Latch {
    /// Where the side's SDP says it receives; `None`: it receives nothing (hold, port 0).
    sdp: Option<SocketAddr>,
    /// Where its SIP comes from (the address a NAT router shows for it).
    signalling: Option<IpAddr>,
    /// Where its last accepted packet came from: latched once `run` reaches [`PROBATION`],
    /// on probation before. One slot for both, as this sits four times in every anchored
    /// call.
    source: Option<SocketAddr>,
    /// Accepted packets in a row from `source`, up to [`PROBATION`].
    run: u8,
    /// Send to the latched source instead of the SDP.
    symmetric: bool,
}

impl Latch {
    pub fn new(signalling: Option<IpAddr>, symmetric: bool) -> Self {
        Self {
            signalling,
            symmetric,
            ..Self::default()
        }
    }

    /// New SDP from this side: where it now receives. The latch starts over, since the side
    /// may have moved.
    pub fn set_sdp(&mut self, sdp: Option<SocketAddr>, symmetric: bool) {
        self.sdp = sdp;
        self.symmetric = symmetric;
        self.source = None;
        self.run = 0;
    }

    /// A packet from `source` on this side's port: whether it may be forwarded. A refused
    /// packet came from an unknown source, or from another source once latched.
    pub fn accept(&mut self, source: SocketAddr) -> bool {
        match self.latched() {
            Some(latched) => latched == source,
            None => {
                let known = self.sdp.is_some_and(|s| s.ip() == source.ip())
                    || self.signalling == Some(source.ip());
                if known {
                    self.run = if self.source == Some(source) {
                        self.run + 1
                    } else {
                        1
                    };
                    self.source = Some(source);
                }
                known
            }
        }
    }

    /// Where the other side's packets go to reach this side; `None`: nowhere yet.
    pub fn destination(&self) -> Option<SocketAddr> {
        match (self.symmetric, self.source) {
            (true, Some(seen)) => Some(seen),
            _ => self.sdp,
        }
    }

    /// The source latched, once probation is over.
    fn latched(&self) -> Option<SocketAddr> {
        self.source.filter(|_| self.run >= PROBATION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().expect("address")
    }

    /// A phone behind NAT: SDP names its LAN address, SIP and RTP come from the router.
    fn phone() -> Latch {
        let mut l = Latch::new(Some("203.0.113.1".parse().expect("ip")), true);
        l.set_sdp(Some(addr("192.168.77.10:4000")), true);
        l
    }

    /// `n` packets from `source`, each of which must be accepted.
    fn feed(l: &mut Latch, source: &str, n: u8) {
        for k in 0..n {
            assert!(l.accept(addr(source)), "packet {k} from {source}");
        }
    }

    #[test]
    fn before_any_packet_media_goes_to_the_sdp_address() {
        assert_eq!(phone().destination(), Some(addr("192.168.77.10:4000")));
    }

    #[test]
    fn the_nat_routers_packets_are_answered_there_and_latch_after_probation() {
        let mut l = phone();
        feed(&mut l, "203.0.113.1:61000", 1);
        // Answered where it comes from at once, though not yet latched.
        assert_eq!(l.destination(), Some(addr("203.0.113.1:61000")));
        assert_eq!(l.latched(), None);
        feed(&mut l, "203.0.113.1:61000", PROBATION - 1);
        assert_eq!(l.latched(), Some(addr("203.0.113.1:61000")));
        assert_eq!(l.destination(), Some(addr("203.0.113.1:61000")));
        feed(&mut l, "203.0.113.1:61000", 10);
    }

    /// The lab's NAT router once gave a provider's stream a new port after its first packet:
    /// latching that first packet refused the other 499.
    #[test]
    fn a_source_that_moves_during_probation_is_followed_then_latched() {
        let mut l = phone();
        feed(&mut l, "203.0.113.1:61000", 1);
        feed(&mut l, "203.0.113.1:1024", PROBATION - 1);
        assert_eq!(l.latched(), None, "a run restarts with a new source");
        assert_eq!(l.destination(), Some(addr("203.0.113.1:1024")));
        feed(&mut l, "203.0.113.1:1024", 1);
        assert_eq!(l.latched(), Some(addr("203.0.113.1:1024")));
        assert!(
            !l.accept(addr("203.0.113.1:61000")),
            "the first port, once latched"
        );
    }

    #[test]
    fn a_stranger_cannot_latch_nor_hijack_a_latched_stream() {
        let mut l = phone();
        for _ in 0..PROBATION {
            assert!(!l.accept(addr("198.51.100.66:5000")), "unknown source");
        }
        assert_eq!(l.destination(), Some(addr("192.168.77.10:4000")));
        assert_eq!(l.latched(), None);
        feed(&mut l, "203.0.113.1:61000", PROBATION);
        assert!(!l.accept(addr("198.51.100.66:5000")), "hijack");
        // Even from the same router, another port is another stream.
        assert!(!l.accept(addr("203.0.113.1:61002")));
        assert_eq!(l.destination(), Some(addr("203.0.113.1:61000")));
    }

    #[test]
    fn a_reinvite_clears_the_latch() {
        let mut l = phone();
        feed(&mut l, "203.0.113.1:61000", PROBATION);
        l.set_sdp(Some(addr("192.168.77.10:4002")), true);
        assert_eq!(l.destination(), Some(addr("192.168.77.10:4002")));
        feed(&mut l, "203.0.113.1:61002", PROBATION);
        assert_eq!(l.latched(), Some(addr("203.0.113.1:61002")));
        assert_eq!(l.destination(), Some(addr("203.0.113.1:61002")));
    }

    #[test]
    fn without_symmetric_rtp_media_always_goes_to_the_sdp() {
        let mut l = Latch::new(Some("198.51.100.20".parse().expect("ip")), false);
        l.set_sdp(Some(addr("198.51.100.20:30000")), false);
        feed(&mut l, "198.51.100.20:30002", 1);
        assert_eq!(l.destination(), Some(addr("198.51.100.20:30000")));
        feed(&mut l, "198.51.100.20:30000", PROBATION);
        assert_eq!(l.destination(), Some(addr("198.51.100.20:30000")));
        assert!(!l.accept(addr("198.51.100.21:30000")));
    }

    #[test]
    fn on_hold_without_an_address_nothing_is_sent() {
        let mut l = phone();
        l.set_sdp(None, true);
        assert_eq!(l.destination(), None);
        assert!(
            l.accept(addr("203.0.113.1:61000")),
            "its own packets still count"
        );
    }
}
