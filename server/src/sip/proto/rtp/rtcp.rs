//! The reception reports of RTCP (RFC 3550 §6.4): what an endpoint says of the stream it
//! receives, here the audio Trunkline's relay sends it. Only read, never written: the relay
//! forwards RTCP between the legs as it does RTP, and the call quality shows the far end's
//! view beside the relay's own measure.

/// One report block (RFC 3550 §6.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportBlock {
    /// The source reported on.
    pub ssrc: u32,
    /// Lost since the previous report, in 256ths.
    pub fraction_lost: u8,
    /// Lost since the stream began (signed: duplicates can make it negative).
    pub cumulative_lost: i32,
    /// Interarrival jitter, in the timestamp units of the stream's clock.
    pub jitter: u32,
}

const SR: u8 = 200;
const RR: u8 = 201;
/// Header, sender's SSRC and sender info of an SR; header and SSRC of an RR.
const SR_BLOCKS_AT: usize = 28;
const RR_BLOCKS_AT: usize = 8;
const BLOCK: usize = 24;

/// The first reception report of a compound RTCP packet (its SR or RR comes first, RFC 3550
/// §6.1; a report without blocks has none); `None` for anything else, malformed included.
pub fn first_report(packet: &[u8]) -> Option<ReportBlock> {
    let mut at = 0;
    while let Some(head) = packet.get(at..at + 4) {
        if head[0] >> 6 != 2 {
            return None;
        }
        let count = usize::from(head[0] & 0x1f);
        let size = (usize::from(u16::from_be_bytes([head[2], head[3]])) + 1) * 4;
        let body = packet.get(at..at + size)?;
        let blocks = match head[1] {
            SR => Some(SR_BLOCKS_AT),
            RR => Some(RR_BLOCKS_AT),
            _ => None,
        };
        if let Some(b) = blocks.filter(|_| count > 0) {
            return body.get(b..b + BLOCK).map(block);
        }
        at += size;
    }
    None
}

fn block(b: &[u8]) -> ReportBlock {
    let word = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let lost = u32::from_be_bytes([0, b[5], b[6], b[7]]);
    // 24-bit two's complement.
    let cumulative_lost = if lost & 0x80_0000 != 0 {
        lost as i32 - 0x100_0000
    } else {
        lost as i32
    };
    ReportBlock {
        ssrc: word(0),
        fraction_lost: b[4],
        cumulative_lost,
        jitter: word(12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report block of source 0x1234: `fraction`, `lost` (24 bits), highest seq 1000,
    /// `jitter`, no LSR/DLSR.
    fn block_bytes(fraction: u8, lost: [u8; 3], jitter: u32) -> Vec<u8> {
        let mut b = 0x1234u32.to_be_bytes().to_vec();
        b.push(fraction);
        b.extend_from_slice(&lost);
        b.extend_from_slice(&1000u32.to_be_bytes());
        b.extend_from_slice(&jitter.to_be_bytes());
        b.extend_from_slice(&[0; 8]);
        b
    }

    fn packet(pt: u8, count: u8, body: &[u8]) -> Vec<u8> {
        let words = (body.len() + 4) / 4 - 1;
        let mut p = vec![0x80 | count, pt];
        p.extend_from_slice(&(words as u16).to_be_bytes());
        p.extend_from_slice(body);
        p
    }

    #[test]
    fn a_receiver_report_gives_its_block() {
        let mut body = 0xabcdu32.to_be_bytes().to_vec();
        body.extend(block_bytes(64, [0, 0, 12], 40));
        let report = first_report(&packet(RR, 1, &body)).expect("a report");
        assert_eq!(
            report,
            ReportBlock {
                ssrc: 0x1234,
                fraction_lost: 64,
                cumulative_lost: 12,
                jitter: 40
            }
        );
    }

    #[test]
    fn a_sender_report_s_block_follows_its_sender_info_and_sdes_may_follow() {
        let mut body = 0xabcdu32.to_be_bytes().to_vec();
        body.extend_from_slice(&[0; 20]); // NTP, RTP timestamp, counts
        body.extend(block_bytes(0, [0xff, 0xff, 0xff], 7));
        let mut compound = packet(SR, 1, &body);
        // SDES with a CNAME, padded to a word.
        compound.extend(packet(202, 1, &[0, 0, 0, 1, 1, 2, b'a', b'b', 0, 0, 0, 0]));
        let report = first_report(&compound).expect("a report");
        assert_eq!(report.cumulative_lost, -1, "24-bit two's complement");
        assert_eq!(report.jitter, 7);
    }

    #[test]
    fn no_block_or_no_rtcp_is_no_report() {
        let empty_rr = packet(RR, 0, &0xabcdu32.to_be_bytes());
        assert_eq!(first_report(&empty_rr), None);
        assert_eq!(first_report(b"not rtcp"), None);
        assert_eq!(first_report(&[]), None);
        // A block announced but cut short.
        let mut body = 0xabcdu32.to_be_bytes().to_vec();
        body.extend(block_bytes(1, [0, 0, 1], 1));
        let mut cut = packet(RR, 1, &body);
        cut.truncate(20);
        assert_eq!(first_report(&cut), None);
        // An RTP packet is not version-2 RTCP with a report type.
        let rtp = [0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 7];
        assert_eq!(first_report(&rtp), None);
    }
}
