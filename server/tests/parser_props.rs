//! Property tests for the message layer: no input panics the parser; valid messages round-trip.
//! Case counts are fixed so the number of executions is known (see CASES_*).

use proptest::prelude::*;
use trunkline::sip::proto::message::{self, Limits};

const CASES_BYTES: u32 = 20_000;
const CASES_MUTATED: u32 = 20_000;
const CASES_ROUNDTRIP: u32 = 5_000;

const SEED_MSG: &str = "REGISTER sip:registrar.example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashds7;rport\r\nMax-Forwards: 70\r\nTo: Bob <sip:bob@example.com>\r\nFrom: Bob <sip:bob@example.com>;tag=456248\r\nCall-ID: 843817637684230@998sdasdh09\r\nCSeq: 1826 REGISTER\r\nContact: <sip:bob@192.0.2.4>;expires=7200\r\nAuthorization: Digest username=\"bob\", realm=\"example.com\", nonce=\"abc\", uri=\"sip:example.com\", response=\"0123\", qop=auth, nc=00000001, cnonce=\"x\"\r\nExpires: 7200\r\nContent-Length: 4\r\n\r\nbody";

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES_BYTES, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = message::parse(&bytes, &Limits::default());
        let _ = message::stream_frame_len(&bytes, &Limits::default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES_MUTATED, ..ProptestConfig::default() })]
    #[test]
    fn mutated_messages_never_panic_and_reparse(edits in proptest::collection::vec((0usize..SEED_MSG.len(), any::<u8>()), 1..8)) {
        let mut bytes = SEED_MSG.as_bytes().to_vec();
        for (pos, b) in edits {
            bytes[pos] = b;
        }
        match message::parse(&bytes, &Limits::default()) {
            Ok(m) => {
                let again = message::parse(&m.encode(), &Limits::default());
                prop_assert_eq!(again, Ok(m));
            }
            Err(e) => {
                let _ = message::bad_request(&bytes, &e, &Limits::default());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES_ROUNDTRIP, ..ProptestConfig::default() })]
    #[test]
    fn generated_messages_round_trip(
        user in "[a-z][a-z0-9]{0,11}",
        tag in "[a-zA-Z0-9]{1,16}",
        seq in 0u32..(1 << 31),
        expires in any::<u32>(),
        port in 1u16..,
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let text = format!(
            "OPTIONS sip:{user}@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 10.1.2.3:{port};branch=z9hG4bK{tag}\r\nFrom: <sip:{user}@example.com>;tag={tag}\r\nTo: <sip:{user}@example.com>\r\nCall-ID: {tag}@h\r\nCSeq: {seq} OPTIONS\r\nExpires: {expires}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(&body);
        let m = message::parse(&bytes, &Limits::default());
        prop_assert!(m.is_ok(), "{:?}", m);
        if let Ok(m) = m {
            prop_assert_eq!(message::parse(&m.encode(), &Limits::default()), Ok(m));
        }
    }
}
