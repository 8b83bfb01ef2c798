//! One side of an anchored stream: where its packets may come from and where the other side's
//! packets are sent to it (symmetric RTP, RFC 4961; Asterisk's `nat=comedia` and `strictrtp`).
//!
//! - A packet is accepted before latching only from the IP address that side's SDP names or
//!   the one its SIP comes from (a phone behind NAT sends from the router's public address,
//!   which its SDP cannot know). Others are counted and dropped: a stranger guessing the port
//!   gets nothing through.
//! - The first accepted packet latches its exact source (address and port); from then on only
//!   that source is accepted, so a stream cannot be hijacked by a packet from elsewhere. The
//!   latch is cleared only by new SDP from that side (a re-INVITE, or the answer).
//! - Toward a side behind NAT (`symmetric`), packets go where its packets come from once
//!   latched, else to its SDP; toward any other side, always to its SDP.

use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, Default)]
pub struct Latch {
    /// Where the side's SDP says it receives; `None`: it receives nothing (hold, port 0).
    sdp: Option<SocketAddr>,
    /// Where its SIP comes from (the address a NAT router shows for it).
    signalling: Option<IpAddr>,
    /// Where its packets come from, once seen.
    latched: Option<SocketAddr>,
    /// Send to the latched source instead of the SDP.
    symmetric: bool,
    /// Packets refused: from an unknown source, or from another source once latched.
    dropped: u64,
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
        self.latched = None;
    }

    /// A packet from `source` on this side's port: whether it may be forwarded.
    pub fn accept(&mut self, source: SocketAddr) -> bool {
        let ok = match self.latched {
            Some(latched) => latched == source,
            None => {
                let known = self.sdp.is_some_and(|s| s.ip() == source.ip())
                    || self.signalling == Some(source.ip());
                if known {
                    self.latched = Some(source);
                }
                known
            }
        };
        if !ok {
            self.dropped += 1;
        }
        ok
    }

    /// Where the other side's packets go to reach this side; `None`: nowhere yet.
    pub fn destination(&self) -> Option<SocketAddr> {
        match (self.symmetric, self.latched) {
            (true, Some(latched)) => Some(latched),
            _ => self.sdp,
        }
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
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

    #[test]
    fn before_any_packet_media_goes_to_the_sdp_address() {
        assert_eq!(phone().destination(), Some(addr("192.168.77.10:4000")));
    }

    #[test]
    fn the_first_packet_from_the_nat_router_latches_and_is_answered_there() {
        let mut l = phone();
        assert!(l.accept(addr("203.0.113.1:61000")));
        assert_eq!(l.destination(), Some(addr("203.0.113.1:61000")));
        assert!(l.accept(addr("203.0.113.1:61000")));
        assert_eq!(l.dropped(), 0);
    }

    #[test]
    fn a_stranger_cannot_latch_nor_hijack_a_latched_stream() {
        let mut l = phone();
        assert!(!l.accept(addr("198.51.100.66:5000")), "unknown source");
        assert_eq!(l.destination(), Some(addr("192.168.77.10:4000")));
        assert!(l.accept(addr("203.0.113.1:61000")));
        assert!(!l.accept(addr("198.51.100.66:5000")), "hijack");
        // Even from the same router, another port is another stream.
        assert!(!l.accept(addr("203.0.113.1:61002")));
        assert_eq!(l.destination(), Some(addr("203.0.113.1:61000")));
        assert_eq!(l.dropped(), 3);
    }

    #[test]
    fn a_reinvite_clears_the_latch() {
        let mut l = phone();
        assert!(l.accept(addr("203.0.113.1:61000")));
        l.set_sdp(Some(addr("192.168.77.10:4002")), true);
        assert_eq!(l.destination(), Some(addr("192.168.77.10:4002")));
        assert!(l.accept(addr("203.0.113.1:61002")));
        assert_eq!(l.destination(), Some(addr("203.0.113.1:61002")));
    }

    #[test]
    fn without_symmetric_rtp_media_always_goes_to_the_sdp() {
        let mut l = Latch::new(Some("198.51.100.20".parse().expect("ip")), false);
        l.set_sdp(Some(addr("198.51.100.20:30000")), false);
        assert!(l.accept(addr("198.51.100.20:30000")));
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
