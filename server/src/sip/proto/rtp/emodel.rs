//! An estimated MOS from the ITU-T G.107 E-model, simplified for G.711 (and G.722, read with
//! G.711's figures) as monitoring tools do when they see only loss and jitter:
//!
//! ```text
//! R       = 93.2 − Id − Ie,eff                        (G.107 defaults for everything else)
//! Ie,eff  = Ie + (95 − Ie) · Ppl / (Ppl + Bpl)        Ie = 0, Bpl = 25.1 (G.711 with PLC),
//!                                                     Ppl = packet loss in percent
//! d       = 20 ms + 2 · J                             one packet of packetisation and a
//!                                                     jitter buffer twice the jitter J
//! Id      = 0.024 · d + 0.11 · (d − 177.3) · H(d − 177.3)   (Cole & Rosenbluth's fit of Id)
//! MOS     = 1 + 0.035 R + 7·10⁻⁶ · R (R − 60) (100 − R)  for 0 < R < 100;
//!           1 at or below 0, 4.5 at or above 100
//! ```
//!
//! The network delay before the relay is not known without RTCP round trips, so `d` leaves
//! it out: the figure is an upper bound of what a listener hears, lowered by what the relay
//! measured. No I/O: a function of two numbers.

/// The E-model's R factor for `loss_percent` (0-100) and `jitter_ms`.
pub fn r_factor(loss_percent: f64, jitter_ms: f64) -> f64 {
    const IE: f64 = 0.0;
    const BPL: f64 = 25.1;
    let ppl = loss_percent.clamp(0.0, 100.0);
    let ie_eff = IE + (95.0 - IE) * ppl / (ppl + BPL);
    let d = 20.0 + 2.0 * jitter_ms.max(0.0);
    let id = 0.024 * d + if d > 177.3 { 0.11 * (d - 177.3) } else { 0.0 };
    93.2 - id - ie_eff
}

/// G.107's MOS of an R factor.
pub fn mos_of_r(r: f64) -> f64 {
    if r <= 0.0 {
        1.0
    } else if r >= 100.0 {
        4.5
    } else {
        1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r)
    }
}

/// The estimated MOS of a stream with `loss_percent` lost and `jitter_ms` of jitter.
pub fn mos(loss_percent: f64, jitter_ms: f64) -> f64 {
    mos_of_r(r_factor(loss_percent, jitter_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64) {
        assert!((got - want).abs() < 0.001, "got {got}, want {want}");
    }

    /// Worked by hand from the formulas in the module comment.
    #[test]
    fn figures_at_a_few_points() {
        // No loss, no jitter: d = 20, Id = 0.48, R = 92.72.
        close(r_factor(0.0, 0.0), 92.72);
        close(mos(0.0, 0.0), 4.400);
        // 1 % loss: Ie,eff = 95 · 1/26.1 = 3.640, R = 89.08.
        close(r_factor(1.0, 0.0), 89.080);
        close(mos(1.0, 0.0), 4.316);
        // 5 % loss: Ie,eff = 95 · 5/30.1 = 15.78, R = 76.94.
        close(mos(5.0, 0.0), 3.903);
        // 100 ms of jitter: d = 220, Id = 5.28 + 0.11 · 42.7 = 9.977, R = 83.22.
        close(r_factor(0.0, 100.0), 83.223);
        close(mos(0.0, 100.0), 4.140);
        // 20 % loss and 100 ms jitter: Ie,eff = 95 · 20/45.1 = 42.13, R = 41.09.
        close(mos(20.0, 100.0), 2.118);
    }

    #[test]
    fn the_scale_is_bounded() {
        assert_eq!(mos_of_r(-5.0), 1.0);
        assert_eq!(mos_of_r(120.0), 4.5);
        assert!(mos(100.0, 1000.0) >= 1.0);
        assert!(mos(0.0, 0.0) <= 4.5);
    }
}
