//! Media layer, sans-IO: DTMF digits as RTP telephone events (RFC 4733), for a call whose
//! trunk sends its digits as SIP INFO while the phone sends them in RTP. `EventDetector` reads
//! the phone's event packets and reports each digit once; `EventInjector` writes a digit as
//! event packets into the stream toward the phone. No sockets, no clock: the relay feeds
//! packets and `now`, and sends what `poll_transmit` gives.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::stats::Header;

/// Digits waiting for their turn, toward the trunk (as INFOs) or the phone (as event
/// packets), beyond which more are dropped: a call's memory stays bounded whatever a peer
/// sends, and a person keys a few digits a second.
pub const MAX_QUEUED_DIGITS: usize = 32;

/// RTP clock of `telephone-event` at the rate every G.711 phone offers (RFC 4733 §7.1.1).
pub const EVENT_CLOCK_HZ: u32 = 8000;

/// Length of the fixed RTP header without CSRCs (RFC 3550 §5.1).
const RTP_HEADER: usize = 12;

/// Time between two packets of one event while it plays (RFC 4733 §2.5.1.2 leaves it to the
/// sender; 50 ms is what Asterisk uses).
pub const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// Time between the three end packets.
const END_EVERY: Duration = Duration::from_millis(20);

/// How many packets carry the E bit: the end is sent three times (RFC 4733 §2.5.1.4).
const END_PACKETS: u8 = 3;

/// Silence between two digits played one after the other, so that the phone sees two
/// presses.
const GAP: Duration = Duration::from_millis(50);

/// The volume written into events we send: -10 dBm0, as Asterisk writes.
const VOLUME: u8 = 10;

/// One DTMF digit: RFC 4733 §3.2 event code 0-15 and its length in clock units (1/8 ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digit {
    pub event: u8,
    pub duration: u16,
}

impl Digit {
    /// The digit as SIP INFO and keypads write it: `0`-`9`, `*`, `#`, `A`-`D`.
    pub fn symbol(self) -> Option<char> {
        symbol_of(self.event)
    }

    /// The length in milliseconds at 8 kHz.
    pub fn millis(self) -> u32 {
        u32::from(self.duration) * 1000 / EVENT_CLOCK_HZ
    }

    /// A digit of `millis` milliseconds, capped at the longest a single event packet
    /// carries (about 8 s).
    pub fn from_millis(event: u8, millis: u32) -> Self {
        let units = millis.saturating_mul(EVENT_CLOCK_HZ / 1000);
        Self {
            event,
            duration: u16::try_from(units).unwrap_or(u16::MAX),
        }
    }
}

/// RFC 4733 §3.2: events 0-9 are the digits, 10 `*`, 11 `#`, 12-15 `A`-`D`.
pub fn symbol_of(event: u8) -> Option<char> {
    Some(match event {
        0..=9 => char::from(b'0' + event),
        10 => '*',
        11 => '#',
        12..=15 => char::from(b'A' + event - 12),
        _ => return None,
    })
}

/// The event code of a keypad symbol (case-insensitive letters).
pub fn event_of(symbol: char) -> Option<u8> {
    Some(match symbol.to_ascii_uppercase() {
        c @ '0'..='9' => c as u8 - b'0',
        '*' => 10,
        '#' => 11,
        c @ 'A'..='D' => c as u8 - b'A' + 12,
        _ => return None,
    })
}

/// The 4-byte payload of a telephone-event packet (RFC 4733 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventPayload {
    pub event: u8,
    pub end: bool,
    pub volume: u8,
    pub duration: u16,
}

impl EventPayload {
    /// The event in `payload`; `None` when it is shorter than 4 bytes.
    pub fn parse(payload: &[u8]) -> Option<Self> {
        let b = payload.get(..4)?;
        Some(Self {
            event: b[0],
            end: b[1] & 0x80 != 0,
            volume: b[1] & 0x3f,
            duration: u16::from_be_bytes([b[2], b[3]]),
        })
    }

    pub fn to_bytes(self) -> [u8; 4] {
        let d = self.duration.to_be_bytes();
        let end = if self.end { 0x80 } else { 0 };
        [self.event, end | (self.volume & 0x3f), d[0], d[1]]
    }
}

/// Where an RTP packet's payload starts: after the CSRCs and the header extension (RFC 3550
/// §5.1, §5.3.1); `None` when the packet is shorter than its header says.
fn payload_of(packet: &[u8]) -> Option<&[u8]> {
    let first = *packet.first()?;
    let mut at = RTP_HEADER + 4 * usize::from(first & 0x0f);
    if first & 0x10 != 0 {
        let ext = packet.get(at + 2..at + 4)?;
        at += 4 + 4 * usize::from(u16::from_be_bytes([ext[0], ext[1]]));
    }
    packet.get(at..)
}

/// What the detector made of one packet from the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// Not a telephone event: relay it.
    Audio,
    /// A telephone event: not relayed. The digits it completes, if any (usually none or one;
    /// two when an event whose end packets were all lost is followed by a one-packet event).
    Event(Vec<Digit>),
}

/// The event being received: one per (SSRC, timestamp), RFC 4733 §2.5.2.
#[derive(Debug, Clone, Copy)]
struct Current {
    ssrc: u32,
    timestamp: u32,
    event: u8,
    duration: u16,
    reported: bool,
}

/// Reads a phone's telephone-event packets (payload type `pt`) and reports each digit once:
/// when its first end packet comes, and not again for the two retransmissions of the end,
/// which carry the same timestamp. An event whose end never came is reported when the next
/// one starts, with the longest duration seen.
#[derive(Debug, Clone)]
pub struct EventDetector {
    pt: u8,
    current: Option<Current>,
}

impl EventDetector {
    pub fn new(pt: u8) -> Self {
        Self { pt, current: None }
    }

    pub fn on_packet(&mut self, packet: &[u8]) -> Detected {
        let Some(h) = Header::parse(packet).filter(|h| h.payload_type == self.pt) else {
            return Detected::Audio;
        };
        let mut digits = Vec::new();
        let Some(p) = payload_of(packet).and_then(EventPayload::parse) else {
            return Detected::Event(digits);
        };
        let same = self
            .current
            .is_some_and(|c| c.ssrc == h.ssrc && c.timestamp == h.timestamp);
        if !same {
            if let Some(old) = self.current.take().filter(|c| !c.reported) {
                digits.extend(digit(old.event, old.duration));
            }
            self.current = Some(Current {
                ssrc: h.ssrc,
                timestamp: h.timestamp,
                event: p.event,
                duration: p.duration,
                reported: false,
            });
        }
        if let Some(c) = self.current.as_mut() {
            c.duration = c.duration.max(p.duration);
            if p.end && !c.reported {
                c.reported = true;
                digits.extend(digit(c.event, c.duration));
            }
        }
        Detected::Event(digits)
    }
}

/// Only DTMF events (0-15) become digits; others (flash, tones) are dropped.
fn digit(event: u8, duration: u16) -> Option<Digit> {
    symbol_of(event).map(|_| Digit { event, duration })
}

/// The last audio packet relayed toward the phone, after rewriting.
#[derive(Debug, Clone, Copy)]
struct Stream {
    ssrc: u32,
    seq: u16,
    timestamp: u32,
}

/// A digit being played.
#[derive(Debug, Clone, Copy)]
struct Playing {
    digit: Digit,
    timestamp: u32,
    /// Packets sent so far.
    sent: u16,
    /// End packets sent so far.
    ends: u8,
    due: Instant,
}

/// Writes digits as telephone-event packets (payload type `pt`) into the stream toward the
/// phone, which carries the trunk's audio.
///
/// The event packets must belong to that stream for the phone to accept them: same SSRC,
/// next sequence numbers, a timestamp of the audio's clock (RFC 4733 §2.1). So the relay
/// forwards the trunk's packets through `forward`, which adds an offset to their sequence
/// numbers (RFC 3550 §7.1 lets a translator renumber a stream); each injected packet takes
/// the next number and grows the offset by one, so the audio after it follows on without a
/// gap or a repeat. Before any audio came, the events go out under an SSRC of their own.
#[derive(Debug, Clone)]
pub struct EventInjector {
    pt: u8,
    offset: u16,
    last: Option<Stream>,
    queue: VecDeque<Digit>,
    playing: Option<Playing>,
    /// Earliest start of the next digit (the gap after the last one).
    next_start: Option<Instant>,
    /// Timestamp and length of the last digit played: the next one must not share it, or
    /// the phone takes it for the same event (§2.5.2).
    last_event: Option<(u32, u16)>,
}

/// The SSRC of events sent before any audio toward the phone ("DTMF" in ASCII).
const OWN_SSRC: u32 = 0x4454_4d46;

impl EventInjector {
    pub fn new(pt: u8) -> Self {
        Self {
            pt,
            offset: 0,
            last: None,
            queue: VecDeque::new(),
            playing: None,
            next_start: None,
            last_event: None,
        }
    }

    /// An injector joining a stream already under way, whose last packet relayed toward the
    /// side had header `last` (`None`: none yet): its events continue that stream.
    pub fn continuing(pt: u8, last: Option<Header>) -> Self {
        let mut injector = Self::new(pt);
        injector.last = last.map(|h| Stream {
            ssrc: h.ssrc,
            seq: h.seq,
            timestamp: h.timestamp,
        });
        injector
    }

    /// A packet of the trunk's stream on its way to the phone: renumbered in place.
    pub fn forward(&mut self, packet: &mut [u8]) {
        let Some(h) = Header::parse(packet) else {
            return;
        };
        let seq = h.seq.wrapping_add(self.offset);
        packet[2..4].copy_from_slice(&seq.to_be_bytes());
        let newer = self
            .last
            .is_none_or(|l| l.ssrc != h.ssrc || seq.wrapping_sub(l.seq) < 0x8000);
        if newer {
            self.last = Some(Stream {
                ssrc: h.ssrc,
                seq,
                timestamp: h.timestamp,
            });
        }
    }

    /// Plays `digit` after those already queued.
    pub fn push(&mut self, now: Instant, digit: Digit) {
        // Each digit plays for its duration: a trunk sending INFOs faster than they play
        // would grow the queue without end. Beyond `MAX_QUEUED_DIGITS` they are dropped.
        if self.queue.len() >= MAX_QUEUED_DIGITS {
            return;
        }
        self.queue.push_back(digit);
        self.start_next(now);
    }

    fn start_next(&mut self, now: Instant) {
        if self.playing.is_some() {
            return;
        }
        let Some(digit) = self.queue.pop_front() else {
            return;
        };
        let due = self.next_start.map_or(now, |s| s.max(now));
        // The event starts at the audio's current sample (RFC 4733 §2.5.1.1); one 20 ms
        // frame on, so it does not share the timestamp of audio already sent.
        let mut timestamp = self.last.map_or(0, |l| l.timestamp.wrapping_add(160));
        if let Some((ts, duration)) = self.last_event {
            // No audio moved the clock on since (a silent trunk): count on from the last
            // event instead.
            let after = ts.wrapping_add(u32::from(duration)).wrapping_add(160);
            if timestamp.wrapping_sub(after) >= 0x8000_0000 {
                timestamp = after;
            }
        }
        self.last_event = Some((timestamp, digit.duration));
        self.playing = Some(Playing {
            digit,
            timestamp,
            sent: 0,
            ends: 0,
            due,
        });
    }

    /// When `poll_transmit` has a packet to give.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.playing.map(|p| p.due)
    }

    /// The next event packet due at `now`, if any.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Vec<u8>> {
        let mut p = self.playing.filter(|p| p.due <= now)?;
        // Each packet reports the time played so far, up to the digit's length (§2.5.1.2).
        let step = u32::try_from(PROGRESS_EVERY.as_millis()).unwrap_or(50) * EVENT_CLOCK_HZ / 1000;
        let played = (u32::from(p.sent) + 1) * step;
        let end = played >= u32::from(p.digit.duration);
        let duration = if end {
            p.digit.duration
        } else {
            u16::try_from(played).unwrap_or(u16::MAX)
        };
        let payload = EventPayload {
            event: p.digit.event,
            end,
            volume: VOLUME,
            duration,
        };
        let packet = self.packet(p.sent == 0, p.timestamp, payload);
        p.sent = p.sent.saturating_add(1);
        if end {
            p.ends += 1;
        }
        if p.ends >= END_PACKETS {
            self.playing = None;
            self.next_start = Some(now + GAP);
            self.start_next(now);
        } else {
            p.due = now + if end { END_EVERY } else { PROGRESS_EVERY };
            self.playing = Some(p);
        }
        Some(packet)
    }

    /// One event packet with the next sequence number of the stream toward the phone.
    fn packet(&mut self, marker: bool, timestamp: u32, payload: EventPayload) -> Vec<u8> {
        let (ssrc, seq) = match self.last {
            Some(l) => (l.ssrc, l.seq.wrapping_add(1)),
            None => (OWN_SSRC, self.offset),
        };
        self.offset = self.offset.wrapping_add(1);
        if let Some(l) = self.last.as_mut() {
            l.seq = seq;
        }
        let mut out = Vec::with_capacity(RTP_HEADER + 4);
        out.push(0x80);
        out.push(if marker { 0x80 } else { 0 } | (self.pt & 0x7f));
        out.extend_from_slice(&seq.to_be_bytes());
        out.extend_from_slice(&timestamp.to_be_bytes());
        out.extend_from_slice(&ssrc.to_be_bytes());
        out.extend_from_slice(&payload.to_bytes());
        out
    }
}

#[cfg(test)]
mod tests;
