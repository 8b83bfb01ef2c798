//! Call quality as Status → Calls shows it and the call log keeps it: per
//! leg, what Trunkline's relay received from that side and sent to it. The
//! figures are measured by the SIP engine's relay (RFC 3550 statistics and
//! an E-model MOS); this is their shape and their wording, in whole numbers
//! so the types stay comparable and the JSON exact.

use serde::{Deserialize, Serialize};

/// One leg of an anchored call: the side's stream into the relay and the
/// other side's stream out to it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LegQuality {
    /// RTP packets and bytes received from this side.
    pub rx_packets: u64,
    pub rx_bytes: u64,
    /// RTP packets and bytes sent to this side (the other side's audio).
    pub tx_packets: u64,
    pub tx_bytes: u64,
    /// Packets this side's sequence numbers say it sent (RFC 3550 A.3).
    pub expected: u64,
    /// Of those, never received (duplicates do not make it negative here).
    pub lost: u64,
    /// Interarrival jitter (RFC 3550 §6.4.1), in microseconds.
    pub jitter_us: u64,
    /// Estimated MOS of this side's stream, times 100 (441 is 4.41); 0
    /// until packets have been measured.
    pub mos_centi: u16,
    /// What this side's own RTCP reports say of the audio it receives from
    /// Trunkline (RFC 3550 §6.4.1): packets lost since the stream began,
    /// and the interarrival jitter in microseconds. `None` when it sends no
    /// reports, as many phones do not.
    #[serde(default)]
    pub reported_lost: Option<i64>,
    #[serde(default)]
    pub reported_jitter_us: Option<u64>,
    /// Packets that reached this side's relay ports (RTP or RTCP) from
    /// anywhere but this side, and were dropped: a stranger scanning or
    /// flooding the RTP range, or another stream trying to take this one.
    #[serde(default)]
    pub dropped: u64,
}

impl LegQuality {
    /// Lost packets in percent of those expected.
    pub fn loss_percent(&self) -> f64 {
        if self.expected == 0 {
            return 0.0;
        }
        self.lost as f64 * 100.0 / self.expected as f64
    }

    /// Received packets in percent of those expected; 100 with nothing expected.
    pub fn received_percent(&self) -> f64 {
        100.0 - self.loss_percent()
    }

    /// "500 in / 498 out, loss 0.0 %, jitter 0.4 ms, MOS 4.40", then what
    /// the side reports and what other sources sent, when there is any.
    pub fn summary(&self) -> String {
        let mos = if self.mos_centi == 0 {
            "MOS –".to_owned()
        } else {
            format!("MOS {:.2}", f64::from(self.mos_centi) / 100.0)
        };
        let reported = match (self.reported_lost, self.reported_jitter_us) {
            (Some(lost), Some(jitter)) => format!(
                "; it reports {lost} lost, jitter {:.1} ms",
                jitter as f64 / 1000.0
            ),
            _ => String::new(),
        };
        let dropped = match self.dropped {
            0 => String::new(),
            n => format!("; {n} from other sources dropped"),
        };
        format!(
            "{} in / {} out, loss {:.1} %, jitter {:.1} ms, {mos}{reported}{dropped}",
            self.rx_packets,
            self.tx_packets,
            self.loss_percent(),
            self.jitter_us as f64 / 1000.0
        )
    }
}

/// Both legs of a call, and whether its audio went one way only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CallQuality {
    pub caller: LegQuality,
    pub callee: LegQuality,
    /// `caller` or `callee`: that side alone sent audio for more than 5 s
    /// while the call was neither ringing nor on hold. Live: now; in the
    /// log: at some point in the call.
    pub one_way: Option<String>,
}

impl CallQuality {
    /// The flag's sentence, as the screen shows it.
    pub fn one_way_label(&self) -> Option<String> {
        let from = self.one_way.as_deref()?;
        let to = if from == "caller" { "callee" } else { "caller" };
        Some(format!(
            "One-way audio: only the {from} is heard, nothing from the {to}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_an_administrator_expects() {
        let leg = LegQuality {
            rx_packets: 495,
            tx_packets: 500,
            expected: 500,
            lost: 5,
            jitter_us: 1260,
            mos_centi: 431,
            ..LegQuality::default()
        };
        assert_eq!(leg.loss_percent(), 1.0);
        assert_eq!(leg.received_percent(), 99.0);
        assert_eq!(
            leg.summary(),
            "495 in / 500 out, loss 1.0 %, jitter 1.3 ms, MOS 4.31"
        );
        let reporting = LegQuality {
            reported_lost: Some(4),
            reported_jitter_us: Some(2500),
            ..leg.clone()
        };
        assert_eq!(
            reporting.summary(),
            "495 in / 500 out, loss 1.0 %, jitter 1.3 ms, MOS 4.31; it reports 4 lost, jitter 2.5 ms"
        );
        let flooded = LegQuality {
            dropped: 12_000,
            ..leg.clone()
        };
        assert_eq!(
            flooded.summary(),
            "495 in / 500 out, loss 1.0 %, jitter 1.3 ms, MOS 4.31; 12000 from other sources dropped"
        );
        // Stored before reports were read: the fields are absent, not an error.
        let old: LegQuality = serde_json::from_str(
            r#"{"rx_packets":1,"rx_bytes":1,"tx_packets":1,"tx_bytes":1,"expected":1,"lost":0,"jitter_us":0,"mos_centi":440}"#,
        )
        .expect("an older row reads");
        assert_eq!(old.reported_lost, None);
        assert_eq!(old.dropped, 0);
        assert_eq!(LegQuality::default().loss_percent(), 0.0);
        assert!(LegQuality::default().summary().ends_with("MOS –"));
        let q = CallQuality {
            one_way: Some("caller".into()),
            ..CallQuality::default()
        };
        assert_eq!(
            q.one_way_label().as_deref(),
            Some("One-way audio: only the caller is heard, nothing from the callee")
        );
    }
}
