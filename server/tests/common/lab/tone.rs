//! Audio as a listener hears it, for the lab's real-phone tests: tones,
//! G.711 µ-law (ITU-T G.711, the segment form of Sun's g711.c), 16-bit
//! mono PCM WAV files as baresip reads and writes them, and the Goertzel
//! filter that says how much of a recording is one frequency. Test code
//! only: no RTP, no sockets.

use std::path::Path;

/// G.711's sampling rate.
pub const RATE: u32 = 8000;

/// `count` samples of a `freq` Hz sine at `RATE`, from sample `from` on
/// (so consecutive packets join without a click), at half full scale.
pub fn tone(freq: f64, from: u64, count: usize) -> Vec<i16> {
    (0..count as u64)
        .map(|i| {
            let t = (from + i) as f64 / f64::from(RATE);
            (16_000.0 * (2.0 * std::f64::consts::PI * freq * t).sin()) as i16
        })
        .collect()
}

const BIAS: i32 = 0x84;
const CLIP: i32 = 32_635;

/// One linear sample to µ-law.
pub fn ulaw_encode(sample: i16) -> u8 {
    let s = i32::from(sample);
    let sign: u8 = if s < 0 { 0x80 } else { 0 };
    let magnitude = s.abs().min(CLIP) + BIAS;
    // The segment is the highest set bit of the biased magnitude above bit 7.
    let top = (magnitude >> 7) as u32;
    let exponent = if top == 0 {
        0
    } else {
        31 - top.leading_zeros()
    };
    let mantissa = ((magnitude >> (exponent + 3)) & 0x0f) as u8;
    !(sign | ((exponent as u8) << 4) | mantissa)
}

/// One µ-law byte to a linear sample.
pub fn ulaw_decode(byte: u8) -> i16 {
    let u = !byte;
    let exponent = i32::from((u >> 4) & 0x07);
    let mantissa = i32::from(u & 0x0f);
    let magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
    (if u & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

/// Goertzel's block: 50 ms, 400 samples, so 20 Hz bins on which 440 and
/// 1000 Hz fall exactly.
const BLOCK: usize = 400;

/// Each 50 ms block of `samples`: its power at `freq` Hz scaled to energy
/// (a pure tone of amplitude A has Goertzel power (N·A/2)² and energy
/// N·A²/2), and its energy. Blocks keep a lost packet's phase jump from
/// spreading one block's tone over the whole recording.
fn blocks(samples: &[i16], freq: f64) -> impl Iterator<Item = (f64, f64)> + '_ {
    let k = 2.0 * (2.0 * std::f64::consts::PI * freq / f64::from(RATE)).cos();
    samples.chunks_exact(BLOCK).map(move |block| {
        let (mut s1, mut s2) = (0.0_f64, 0.0_f64);
        for &x in block {
            (s1, s2) = (f64::from(x) + k * s1 - s2, s1);
        }
        let power = s1 * s1 + s2 * s2 - k * s1 * s2;
        let energy = block.iter().map(|&x| f64::from(x).powi(2)).sum();
        (power * 2.0 / BLOCK as f64, energy)
    })
}

/// How much of `samples`' energy is at `freq` Hz, from 0 to 1.
pub fn share_at(samples: &[i16], freq: f64) -> f64 {
    let (at, all) = blocks(samples, freq).fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    if all == 0.0 {
        0.0
    } else {
        at / all
    }
}

/// For how long `samples` sound `freq` Hz: the seconds of blocks loud
/// enough to hear (RMS above 1000, about -30 dBFS) whose energy is nearly
/// all (90 %) at `freq`.
pub fn seconds_of(samples: &[i16], freq: f64) -> f64 {
    let loud = 1000.0_f64.powi(2) * BLOCK as f64;
    let tone = blocks(samples, freq)
        .filter(|&(at, all)| all > loud && at >= 0.9 * all)
        .count();
    (tone * BLOCK) as f64 / f64::from(RATE)
}

/// `payloads` of G.711 µ-law, decoded one after the other.
pub fn ulaw_samples<'a>(payloads: impl IntoIterator<Item = &'a [u8]>) -> Vec<i16> {
    payloads
        .into_iter()
        .flatten()
        .map(|&b| ulaw_decode(b))
        .collect()
}

/// Writes `samples` as a 16-bit mono PCM WAV at `RATE`.
pub fn write_wav(path: &Path, samples: &[i16]) {
    let data = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    std::fs::write(path, out).expect("write WAV");
}

/// The samples of a 16-bit mono PCM WAV at `RATE`, walking its chunks (a
/// writer may put others before `data`).
///
/// # Panics
/// When the file is missing or another format.
pub fn read_wav(path: &Path) -> Vec<i16> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE",
        "{} is not a WAV",
        path.display()
    );
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let size = u32_at(at + 4) as usize;
        let body = at + 8;
        match &bytes[at..at + 4] {
            b"fmt " => assert!(
                u16_at(body) == 1 && u16_at(body + 2) == 1 && u32_at(body + 4) == RATE,
                "{}: not 16-bit mono PCM at {RATE} Hz",
                path.display()
            ),
            b"data" => {
                // A writer killed before closing leaves the size unset.
                let end = (body + size).min(bytes.len());
                return bytes[body..end]
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]))
                    .collect();
            }
            _ => {}
        }
        at = body + size + (size & 1);
    }
    panic!("{}: no data chunk", path.display())
}
