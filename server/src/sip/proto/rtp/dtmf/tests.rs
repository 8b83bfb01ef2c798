use super::*;

/// An RTP packet of payload type `pt` carrying `payload`.
fn rtp(pt: u8, marker: bool, seq: u16, timestamp: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, if marker { 0x80 } else { 0 } | pt];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&timestamp.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

fn event(event: u8, end: bool, duration: u16) -> [u8; 4] {
    EventPayload {
        event,
        end,
        volume: 10,
        duration,
    }
    .to_bytes()
}

/// A phone's whole digit: start, progress, three ends, as RFC 4733 §2.5.1 sends it.
fn press(e: u8, first_seq: u16, ts: u32) -> Vec<Vec<u8>> {
    let mut out = vec![
        rtp(101, true, first_seq, ts, 7, &event(e, false, 160)),
        rtp(101, false, first_seq + 1, ts, 7, &event(e, false, 320)),
        rtp(101, false, first_seq + 2, ts, 7, &event(e, false, 480)),
    ];
    for k in 0..3 {
        out.push(rtp(
            101,
            false,
            first_seq + 3 + k,
            ts,
            7,
            &event(e, true, 800),
        ));
    }
    out
}

#[test]
fn payload_vectors_of_rfc_4733() {
    // §2.3: event 5, E bit, volume 10, duration 800 (100 ms at 8 kHz).
    let bytes = [0x05, 0x8a, 0x03, 0x20];
    let p = EventPayload::parse(&bytes).expect("4 bytes");
    assert_eq!(
        p,
        EventPayload {
            event: 5,
            end: true,
            volume: 10,
            duration: 800
        }
    );
    assert_eq!(p.to_bytes(), bytes);
    // The R bit (0x40) is reserved: read past, not taken for volume.
    let r = EventPayload::parse(&[11, 0x4a, 0, 160]).expect("4 bytes");
    assert_eq!((r.event, r.end, r.volume, r.duration), (11, false, 10, 160));
    assert_eq!(EventPayload::parse(&[1, 2, 3]), None);
}

#[test]
fn symbols_and_event_codes_of_section_3_2() {
    let all: String = (0..16).filter_map(symbol_of).collect();
    assert_eq!(all, "0123456789*#ABCD");
    for (i, c) in all.chars().enumerate() {
        assert_eq!(event_of(c), u8::try_from(i).ok());
    }
    assert_eq!(event_of('b'), Some(13));
    assert_eq!(symbol_of(16), None, "flash is no DTMF digit");
    assert_eq!(event_of('E'), None);
    assert_eq!(
        Digit {
            event: 1,
            duration: 800
        }
        .millis(),
        100
    );
    assert_eq!(Digit::from_millis(5, 250).duration, 2000);
    assert_eq!(Digit::from_millis(5, 60_000).duration, u16::MAX);
}

#[test]
fn a_digit_is_reported_once_despite_three_end_packets() {
    let mut d = EventDetector::new(101);
    let mut digits = Vec::new();
    for p in press(1, 10, 1600).into_iter().chain(press(11, 20, 4000)) {
        match d.on_packet(&p) {
            Detected::Event(got) => digits.extend(got),
            Detected::Audio => panic!("an event packet taken for audio"),
        }
    }
    let symbols: Vec<_> = digits.iter().filter_map(|d| d.symbol()).collect();
    assert_eq!(symbols, ['1', '#']);
    assert_eq!(digits[0].duration, 800);
    assert_eq!(digits[0].millis(), 100);
}

#[test]
fn audio_and_other_payload_types_pass() {
    let mut d = EventDetector::new(101);
    assert_eq!(
        d.on_packet(&rtp(0, false, 1, 0, 7, &[0xff; 160])),
        Detected::Audio
    );
    assert_eq!(d.on_packet(b"garbage"), Detected::Audio);
    // An event packet too short for its payload is still an event: swallowed, no digit.
    assert_eq!(
        d.on_packet(&rtp(101, false, 2, 0, 7, &[1, 2])),
        Detected::Event(vec![])
    );
}

#[test]
fn an_event_whose_ends_were_lost_is_reported_when_the_next_starts() {
    let mut d = EventDetector::new(101);
    d.on_packet(&rtp(101, true, 1, 160, 7, &event(3, false, 160)));
    d.on_packet(&rtp(101, false, 2, 160, 7, &event(3, false, 480)));
    // The next digit is a single end packet: both come out, in order.
    let got = d.on_packet(&rtp(101, true, 3, 2000, 7, &event(4, true, 400)));
    assert_eq!(
        got,
        Detected::Event(vec![
            Digit {
                event: 3,
                duration: 480
            },
            Digit {
                event: 4,
                duration: 400
            }
        ])
    );
}

#[test]
fn an_event_after_a_csrc_list_is_read_past_it() {
    let mut p = rtp(101, false, 1, 160, 7, &[0, 0, 0, 9]);
    p[0] |= 1; // one CSRC: the payload starts 4 bytes later
    p.extend_from_slice(&event(9, true, 800));
    let mut d = EventDetector::new(101);
    assert_eq!(
        d.on_packet(&p),
        Detected::Event(vec![Digit {
            event: 9,
            duration: 800
        }])
    );
}

fn header(p: &[u8]) -> (bool, u8, u16, u32, u32) {
    let h = Header::parse(p).expect("RTP");
    (p[1] & 0x80 != 0, h.payload_type, h.seq, h.timestamp, h.ssrc)
}

/// Drains the injector with a fake clock stepping 10 ms.
fn play(inj: &mut EventInjector, mut now: Instant) -> (Vec<Vec<u8>>, Instant) {
    let mut out = Vec::new();
    while let Some(due) = inj.poll_timeout() {
        now = now.max(due);
        while let Some(p) = inj.poll_transmit(now) {
            out.push(p);
        }
        now += Duration::from_millis(10);
    }
    (out, now)
}

#[test]
fn an_injected_digit_continues_the_stream_and_later_audio_is_renumbered() {
    let t0 = Instant::now();
    let mut inj = EventInjector::new(101);
    let mut audio = rtp(0, false, 500, 8000, 0xabc, &[0xff; 160]);
    inj.forward(&mut audio);
    assert_eq!(header(&audio).2, 500, "no offset before any event");
    inj.push(t0, Digit::from_millis(5, 160));
    let (events, _) = play(&mut inj, t0);
    // 160 ms: progress at 50, 100, 150 ms, then three ends at the full length.
    assert_eq!(events.len(), 6);
    for (k, p) in events.iter().enumerate() {
        let (marker, pt, seq, ts, ssrc) = header(p);
        assert_eq!((pt, ssrc, ts), (101, 0xabc, 8160));
        assert_eq!(seq, 501 + u16::try_from(k).unwrap_or(0));
        assert_eq!(marker, k == 0, "the M bit on the first packet only");
        let e = EventPayload::parse(&p[12..]).expect("payload");
        assert_eq!(e.event, 5);
        assert_eq!(e.end, k >= 3);
    }
    let last = EventPayload::parse(&events[5][12..]).expect("payload");
    assert_eq!(last.duration, 1280);
    let mut next = rtp(0, false, 501, 8160, 0xabc, &[0xff; 160]);
    inj.forward(&mut next);
    assert_eq!(
        header(&next).2,
        507,
        "audio follows the events without a gap"
    );
}

#[test]
fn digits_play_one_after_the_other_with_distinct_timestamps() {
    let t0 = Instant::now();
    let mut inj = EventInjector::new(96);
    inj.push(t0, Digit::from_millis(1, 100));
    inj.push(t0, Digit::from_millis(2, 100));
    let (events, _) = play(&mut inj, t0);
    let parsed: Vec<_> = events
        .iter()
        .map(|p| (header(p), EventPayload::parse(&p[12..]).expect("payload")))
        .collect();
    let ones: Vec<_> = parsed.iter().filter(|(_, e)| e.event == 1).collect();
    let twos: Vec<_> = parsed.iter().filter(|(_, e)| e.event == 2).collect();
    // 100 ms: a start packet at 50 ms played, then three ends at 100 ms.
    assert_eq!((ones.len(), twos.len()), (4, 4));
    assert!(ones.iter().all(|(h, _)| h.1 == 96 && h.4 == OWN_SSRC));
    assert_ne!(ones[0].0 .3, twos[0].0 .3, "two presses, two timestamps");
    let seqs: Vec<u16> = parsed.iter().map(|(h, _)| h.2).collect();
    let expected: Vec<u16> = (0..8).collect();
    assert_eq!(seqs, expected);
    // Replayed into a detector, the packets give the two digits back.
    let mut d = EventDetector::new(96);
    let digits: Vec<char> = events
        .iter()
        .flat_map(|p| match d.on_packet(p) {
            Detected::Event(ds) => ds,
            Detected::Audio => Vec::new(),
        })
        .filter_map(Digit::symbol)
        .collect();
    assert_eq!(digits, ['1', '2']);
}

/// A trunk that sends INFOs faster than they play: the one playing and `MAX_QUEUED_DIGITS`
/// behind it are played, the rest dropped.
#[test]
fn digits_beyond_the_queue_are_dropped() {
    let t0 = Instant::now();
    let mut inj = EventInjector::new(101);
    for _ in 0..100 {
        inj.push(t0, Digit::from_millis(7, 100));
    }
    let (events, _) = play(&mut inj, t0);
    let mut d = EventDetector::new(101);
    let digits = events
        .iter()
        .map(|p| match d.on_packet(p) {
            Detected::Event(ds) => ds.len(),
            Detected::Audio => 0,
        })
        .sum::<usize>();
    assert_eq!(digits, MAX_QUEUED_DIGITS + 1);
}
