//! RFC 4475 §3.1.2 invalid messages and the §3.2/§3.3 transaction- and application-layer
//! messages, typed in from the RFC as test data. Each is either refused with the error response
//! the RFC asks for (or dropped, when too little survives to address one), or parsed with the
//! fields the RFC points at. None panics.

use std::time::Instant;

use trunkline::sip::proto::message::{self, bad_request, Limits, Message, Method};
use trunkline::sip::proto::{Endpoint, EndpointConfig, Transport};

fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

fn sdp(ip: &str, t: &str) -> String {
    format!("v=0\no=mhandley 29739 7272939 IN IP4 {ip}\ns=-\nc=IN IP4 {ip}\nt={t} 0\nm=audio 49217 RTP/AVP 0 12\nm=video 3227 RTP/AVP 31\na=rtpmap:31 LPC\n")
}

/// What a receiver does with a refused message: the status it answers with, or `None` (drop).
fn refusal(name: &str, text: &str) -> Option<u16> {
    let bytes = crlf(text);
    let err = match message::parse(&bytes, &Limits::default()) {
        Ok(m) => panic!("{name} parsed: {m:?}"),
        Err(e) => e,
    };
    bad_request(&bytes, &err, &Limits::default()).map(|r| r.status)
}

fn parsed(name: &str, text: &str) -> Message {
    let m =
        message::parse(&crlf(text), &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let again = message::parse(&m.encode(), &Limits::default());
    assert_eq!(again.as_ref(), Ok(&m), "{name} round trip");
    m
}

/// §3.1.2: each refused; the RFC asks for 400 (505 for badvers). A broken From, To, Call-ID or
/// CSeq is echoed as written; only when the top Via cannot be read (badinv01) is there nowhere
/// to send an answer, so the message is dropped and counted instead. Responses are never answered.
fn invalid_cases() -> Vec<(&'static str, String, Option<u16>)> {
    vec![
        // badinv01: the only Via is unreadable, so no answer can be routed: dropped and counted.
        ("badinv01", format!("INVITE sip:user@example.com SIP/2.0\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=134161461246\nMax-Forwards: 7\nCall-ID: badinv01.0ha0isndaksdjasdf3234nas\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP 192.0.2.15;;,;,,\nContact: \"Joe\" <sip:joe@example.org>;;;;\nContent-Length: 152\nContent-Type: application/sdp\n\n{}", sdp("192.0.2.15", "0")), None),
        ("clerr", format!("INVITE sip:user@example.com SIP/2.0\nMax-Forwards: 80\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=93942939o2\nContact: <sip:caller@hungry.example.net>\nCall-ID: clerr.0ha0isndaksdjweiafasdk3\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523\nContent-Type: application/sdp\nContent-Length: 9999\n\n{}", sdp("192.0.2.155", "0")), Some(400)),
        ("ncl", format!("INVITE sip:user@example.com SIP/2.0\nMax-Forwards: 254\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=32394234\nCall-ID: ncl.0ha0isndaksdj2193423r542w35\nCSeq: 0 INVITE\nVia: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw\nContact: <sip:caller@example53.example.net>\nContent-Type: application/sdp\nContent-Length: -999\n\n{}", sdp("192.0.2.53", "0")), Some(400)),
        ("scalar02", format!("REGISTER sip:example.com SIP/2.0\nVia: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3\nTo: <sip:user@example.com>\nFrom: <sip:user@example.com>;tag=239232jh3\nCSeq: 36893488147419103232 REGISTER\nCall-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32\nMax-Forwards: 300\nExpires: 1{}\nContact: <sip:user@host129.example.com>\n  ;expires=280297596632815\nContent-Length: 0\n\n", "0".repeat(100)), Some(400)),
        ("scalarlg (a response: never answered)", "SIP/2.0 503 Service Unavailable\nVia: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129\nTo: <sip:user@example.com>\nFrom: <sip:other@example.net>;tag=2easdjfejw\nCSeq: 9292394834772304023312 OPTIONS\nCall-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r\nRetry-After: 949302838503028349304023988\nWarning: 1812 overture \"In Progress\"\nContent-Length: 0\n\n".to_string(), None),
        ("quotbal (To copied raw)", format!("INVITE sip:user@example.com SIP/2.0\nTo: \"Mr. J. User <sip:j.user@example.com>\nFrom: sip:caller@example.net;tag=93334\nMax-Forwards: 10\nCall-ID: quotbal.aksdj\nContact: <sip:caller@host59.example.net>\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234\nContent-Type: application/sdp\nContent-Length: 152\n\n{}", sdp("192.0.2.15", "0")), Some(400)),
        ("ltgtruri", format!("INVITE <sip:user@example.com> SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=39291\nMax-Forwards: 23\nCall-ID: ltgtruri.1@192.0.2.5\nCSeq: 1 INVITE\nVia: SIP/2.0/UDP 192.0.2.5\nContact: <sip:caller@host5.example.net>\nContent-Type: application/sdp\nContent-Length: 159\n\n{}", sdp("192.0.2.5", "3149328700")), Some(400)),
        ("lwsruri", format!("INVITE sip:user@example.com; lr SIP/2.0\nTo: sip:user@example.com;tag=3xfe-9921883-z9f\nFrom: sip:caller@example.net;tag=231413434\nMax-Forwards: 5\nCall-ID: lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423\nCSeq: 2130706432 INVITE\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw2395\nContact: <sip:caller@host1.example.net>\nContent-Type: application/sdp\nContent-Length: 159\n\n{}", sdp("192.0.2.1", "3149328700")), Some(400)),
        ("lwsstart", format!("INVITE  sip:user@example.com  SIP/2.0\nMax-Forwards: 8\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=8814\nCall-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com\nCSeq: 1893884 INVITE\nVia: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923\nContact: <sip:caller@host1.example.net>\nContent-Type: application/sdp\nContent-Length: 150\n\n{}", sdp("192.0.2.1", "0")), Some(400)),
        ("trws", "OPTIONS sip:remote-target@example.com SIP/2.0  \nVia: SIP/2.0/TCP host1.example.com;branch=z9hG4bK299342093\nTo: <sip:remote-target@example.com>\nFrom: <sip:local-resource@example.com>;tag=329429089\nCall-ID: trws.oicu34958239neffasdhr2345r\nAccept: application/sdp\nCSeq: 238923 OPTIONS\nMax-Forwards: 70\nContent-Length: 0\n\n".to_string(), Some(400)),
        ("escruri", format!("INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=341518\nMax-Forwards: 7\nContact: <sip:caller@host39923.example.net>\nCall-ID: escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5\nCSeq: 149209342 INVITE\nVia: SIP/2.0/UDP host-of-the-hour.example.com;branch=z9hG4bKkdjuw\nContent-Type: application/sdp\nContent-Length: 150\n\n{}", sdp("192.0.2.1", "0")), Some(400)),
        ("regbadct", "REGISTER sip:example.com SIP/2.0\nTo: sip:user@example.com\nFrom: sip:user@example.com;tag=998332\nMax-Forwards: 70\nCall-ID: regbadct.k345asrl3fdbv@10.0.0.1\nCSeq: 1 REGISTER\nVia: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw\nContact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\nl: 0\n\n".to_string(), Some(400)),
        ("badaspec (To copied raw)", "OPTIONS sip:user@example.org SIP/2.0\nVia: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234\nMax-Forwards: 70\nFrom: \"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423\nTo: \"Watson, Thomas\" < sip:t.watson@example.org >\nCall-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3\nAccept: application/sdp\nCSeq: 3923239 OPTIONS\nl: 0\n\n".to_string(), Some(400)),
        ("badinv02/baddn (From copied raw)", "OPTIONS sip:t.watson@example.org SIP/2.0\nVia:     SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw\nMax-Forwards:      70\nFrom:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43\nTo:      Watson, Thomas <sip:t.watson@example.org>\nCall-ID: baddn.31415@c.example.com\nAccept: application/sdp\nCSeq:    3923239 OPTIONS\nl: 0\n\n".to_string(), Some(400)),
        ("badvers (its Via is SIP/7.0 too, still routable)", "OPTIONS sip:t.watson@example.org SIP/7.0\nVia:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw\nMax-Forwards:     70\nFrom:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe\nTo:      T. Watson <sip:t.watson@example.org>\nCall-ID: badvers.31417@c.example.com\nCSeq:    1 OPTIONS\nl: 0\n\n".to_string(), Some(505)),
        ("mismatch01", "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=34525\nMax-Forwards: 6\nCall-ID: mismatch01.dj0234sxdfl3\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw\nl: 0\n\n".to_string(), Some(400)),
        ("mismatch02", "NEWMETHOD sip:user@example.com SIP/2.0\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=34525\nMax-Forwards: 6\nCall-ID: mismatch02.dj0234sxdfl3\nCSeq: 8 INVITE\nContact: <sip:caller@host.example.net>\nVia: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw\nContent-Type: application/sdp\nl: 138\n\nv=0\no=mhandley 29739 7272939 IN IP4 192.0.2.1\nc=IN IP4 192.0.2.1\nm=audio 49217 RTP/AVP 0 12\nm=video 3227 RTP/AVP 31\na=rtpmap:31 LPC\n".to_string(), Some(400)),
        ("bigcode (a response: never answered)", "SIP/2.0 4294967301 better not break the receiver\nVia: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\nCall-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i\nCSeq: 353494 INVITE\nFrom: <sip:user@example.com>;tag=39ansfi3\nTo: <sip:user@example.edu>;tag=902jndnke3\nContent-Length: 0\nContact: <sip:user@host105.example.com>\n\n".to_string(), None),
        // §3.3.1 insuf: From, To, Call-ID and Max-Forwards missing; the Via still routes a 400.
        ("insuf", format!("INVITE sip:user@example.com SIP/2.0\nCSeq: 193942 INVITE\nVia: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\nContent-Type: application/sdp\nl: 152\n\n{}", sdp("192.0.2.95", "0")), Some(400)),
        // §3.3.2 unkscm / §3.3.3 novelsc: 416 Unsupported URI Scheme (§8.2.2.1).
        ("unkscm", "OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=384\nMax-Forwards: 3\nCall-ID: unkscm.nasdfasser0q239nwsdfasdkl34\nCSeq: 3923423 OPTIONS\nVia: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234\nContent-Length: 0\n\n".to_string(), Some(416)),
        ("novelsc", "OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=384\nMax-Forwards: 3\nCall-ID: novelsc.asdfasser0q239nwsdfasdkl34\nCSeq: 3923423 OPTIONS\nVia: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234\nContent-Length: 0\n\n".to_string(), Some(416)),
        // §3.3.8 multi01 and §3.3.9 mcl01: repeated single-value headers get 400.
        ("multi01", format!("INVITE sip:user@company.com SIP/2.0\nContact: <sip:caller@host25.example.net>\nVia: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw\nMax-Forwards: 70\nCSeq: 5 INVITE\nCall-ID: multi01.98asdh@192.0.2.1\nCSeq: 59 INVITE\nCall-ID: multi01.98asdh@192.0.2.2\nFrom: sip:caller@example.com;tag=3413415\nTo: sip:user@example.com\nTo: sip:other@example.net\nFrom: sip:caller@example.net;tag=2923420123\nContent-Type: application/sdp\nl: 154\nContact: <sip:caller@host36.example.net>\nMax-Forwards: 5\n\n{}", sdp("192.0.2.25", "0")), Some(400)),
        ("mcl01", "OPTIONS sip:user@example.com SIP/2.0\nVia: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423\nTo: sip:user@example.com\nFrom: sip:other@example.net;tag=3923942\nCall-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf\nCSeq: 15932 OPTIONS\nContent-Length: 13\nMax-Forwards: 60\nContent-Length: 5\nContent-Type: text/plain\n\nTheres no way to know how many octets are supposed to be here.\n".to_string(), Some(400)),
    ]
}

/// Each §3.1.2 case gets the expected outcome from `bad_request`.
#[test]
fn invalid_messages() {
    let cases = invalid_cases();
    let mut outcomes = Vec::new();
    for (name, text, _) in &cases {
        outcomes.push((*name, refusal(name, text)));
    }
    let expected: Vec<_> = cases.iter().map(|(n, _, e)| (*n, *e)).collect();
    assert_eq!(outcomes, expected);
}

/// Sends `bytes` from a fixed UDP source through a fresh endpoint: the wire payload of the
/// answer (if any) and the endpoint's `dropped` count.
fn through_endpoint(bytes: &[u8]) -> (Option<String>, u64) {
    let mut ep = Endpoint::new(EndpointConfig::default(), 1);
    let src = "192.0.2.9:5070".parse().expect("addr");
    ep.handle_datagram(Instant::now(), src, Transport::Udp, bytes);
    let wire = ep
        .poll_transmit()
        .map(|t| String::from_utf8_lossy(&t.payload).into_owned());
    assert!(ep.poll_transmit().is_none());
    (wire, ep.stats().dropped)
}

/// The same cases through the endpoint: the answer's status line is on the wire, or the
/// message is dropped and counted.
#[test]
fn invalid_messages_through_endpoint() {
    for (name, text, expected) in invalid_cases() {
        let (wire, dropped) = through_endpoint(&crlf(&text));
        match expected {
            Some(status) => {
                let wire = wire.unwrap_or_else(|| panic!("{name}: no answer"));
                assert!(
                    wire.starts_with(&format!("SIP/2.0 {status} ")),
                    "{name}: {wire}"
                );
                assert_eq!(dropped, 0, "{name}");
            }
            None => assert_eq!((wire, dropped), (None, 1), "{name}"),
        }
    }
}

/// The six §3.1.2/§3.3.1 requests whose broken header is one an answer must copy: the exact
/// status line, the broken header echoed as written (no To tag unless the To parsed), and the
/// Via stamped with `received`. badinv01's only Via is unreadable: dropped and counted.
#[test]
fn unreadable_headers_are_echoed_raw() {
    let case = |prefix: &str| {
        let (_, text, _) = invalid_cases()
            .into_iter()
            .find(|(n, _, _)| n.starts_with(prefix))
            .unwrap_or_else(|| panic!("case {prefix}"));
        through_endpoint(&crlf(&text))
    };
    let answered = |prefix: &str| match case(prefix) {
        (Some(wire), 0) => wire,
        other => panic!("{prefix}: {other:?}"),
    };
    let has = |wire: &str, line: &str| {
        assert!(wire.split("\r\n").any(|l| l == line), "{line:?} in {wire}");
    };

    let wire = answered("quotbal");
    assert!(wire.starts_with("SIP/2.0 400 Bad Request (malformed To header: malformed URI)\r\n"));
    has(&wire, "To: \"Mr. J. User <sip:j.user@example.com>");
    has(&wire, "From: <sip:caller@example.net>;tag=93334");
    has(
        &wire,
        "Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234;received=192.0.2.9",
    );
    has(&wire, "Call-ID: quotbal.aksdj");
    has(&wire, "CSeq: 8 INVITE");

    let wire = answered("badaspec");
    assert!(wire.starts_with("SIP/2.0 400 Bad Request (malformed To header: malformed URI)\r\n"));
    has(&wire, "To: \"Watson, Thomas\" < sip:t.watson@example.org >");
    has(&wire, "CSeq: 3923239 OPTIONS");

    let wire = answered("badinv02/baddn");
    assert!(wire.starts_with(
        "SIP/2.0 400 Bad Request (malformed From header: display name is not tokens)\r\n"
    ));
    has(
        &wire,
        "From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43",
    );
    has(&wire, "To: Watson, Thomas <sip:t.watson@example.org>");
    has(&wire, "Call-ID: baddn.31415@c.example.com");

    // The answer is SIP/2.0 and so is the Via it echoes; sent-by and branch route it.
    let wire = answered("badvers");
    assert!(wire.starts_with("SIP/2.0 505 Version Not Supported\r\n"));
    has(
        &wire,
        "Via: SIP/2.0/UDP c.example.com;branch=z9hG4bKkdjuw;received=192.0.2.9",
    );
    has(&wire, "Call-ID: badvers.31417@c.example.com");
    let Ok(Message::Response(resp)) = message::parse(wire.as_bytes(), &Limits::default()) else {
        panic!("505 parses: {wire}");
    };
    assert!(
        resp.headers.to.tag().is_some(),
        "the To parsed, so it gets a tag"
    );

    // No From, To or Call-ID to copy: neutral stand-ins keep the answer well-formed.
    let wire = answered("insuf");
    assert!(wire.starts_with("SIP/2.0 400 Bad Request (missing From header)\r\n"));
    has(
        &wire,
        "Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf;received=192.0.2.9",
    );
    has(&wire, "CSeq: 193942 INVITE");
    let Ok(Message::Response(resp)) = message::parse(wire.as_bytes(), &Limits::default()) else {
        panic!("insuf 400 parses: {wire}");
    };
    assert_eq!(resp.headers.to.tag(), None);

    assert_eq!(case("badinv01"), (None, 1));
}

/// §3.1.2.12 baddate: the Date value is wrong, but Date is not a header this core interprets,
/// so the message parses and Date is carried opaquely (the RFC lets a UAS ignore it).
#[test]
fn baddate_parses_with_date_carried() {
    let text = format!("INVITE sip:user@example.com SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=2234923\nMax-Forwards: 70\nCall-ID: baddate.239423mnsadf3j23lj42--sedfnm234\nCSeq: 1392934 INVITE\nVia: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw\nDate: Fri, 01 Jan 2010 16:00:00 EST\nContact: <sip:caller@host5.example.net>\nContent-Type: application/sdp\nContent-Length: 150\n\n{}", sdp("192.0.2.5", "0"));
    let Message::Request(r) = parsed("baddate", &text) else {
        panic!("request")
    };
    assert_eq!(
        r.headers.extra("Date"),
        Some("Fri, 01 Jan 2010 16:00:00 EST")
    );
}

/// §3.2.1 badbranch: `branch=z9hG4bK` alone is a valid (if useless) branch and must parse.
#[test]
fn badbranch_parses() {
    let text = "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.org;tag=33242\nMax-Forwards: 3\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK\nAccept: application/sdp\nCall-ID: badbranch.sadonfo23i420jv0as0derf3j3n\nCSeq: 8 OPTIONS\nl: 0\n\n";
    let Message::Request(r) = parsed("badbranch", text) else {
        panic!("request")
    };
    assert_eq!(r.headers.via[0].branch(), Some("z9hG4bK"));
}

/// §3.3: messages that are syntactically valid and left to the transaction user (unknown
/// URI schemes in To/From/Contact, unknown extensions, body types and auth schemes, broadcast
/// Via, Max-Forwards 0, Contact parameters).
#[test]
fn application_layer_messages_parse() {
    let unksm2 = "REGISTER sip:example.com SIP/2.0\nTo: isbn:2983792873\nFrom: <http://www.example.com>;tag=3234233\nCall-ID: unksm2.daksdj@hyphenated-host.example.com\nCSeq: 234902 REGISTER\nMax-Forwards: 70\nVia: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKkdjuw\nContact: <name:John_Smith>\nl: 0\n\n";
    let Message::Request(r) = parsed("unksm2", unksm2) else {
        panic!("request")
    };
    assert_eq!(r.headers.to.uri(), "isbn:2983792873");

    let bext01 = "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:j_user@example.com\nFrom: sip:caller@example.net;tag=242etr\nMax-Forwards: 6\nCall-ID: bext01.0ha0isndaksdj\nRequire: nothingSupportsThis, nothingSupportsThisEither\nProxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis\nCSeq: 8 OPTIONS\nVia: SIP/2.0/UDP fold-and-staple.example.com;branch=z9hG4bKkdjuw\nContent-Length: 0\n\n";
    let Message::Request(r) = parsed("bext01", bext01) else {
        panic!("request")
    };
    assert_eq!(
        r.headers.extra("Require"),
        Some("nothingSupportsThis, nothingSupportsThisEither")
    );

    let invut = "INVITE sip:user@example.com SIP/2.0\nContact: <sip:caller@host5.example.net>\nTo: sip:j.user@example.com\nFrom: sip:caller@example.net;tag=8392034\nMax-Forwards: 70\nCall-ID: invut.0ha0isndaksdjadsfij34n23d\nCSeq: 235448 INVITE\nVia: SIP/2.0/UDP somehost.example.com;branch=z9hG4bKkdjuw\nContent-Type: application/unknownformat\nContent-Length: 40\n\n<audio>\n <pcmu port=\"443\"/>\n</audio>\n";
    let Message::Request(r) = parsed("invut", invut) else {
        panic!("request")
    };
    assert_eq!(r.body, crlf("<audio>\n <pcmu port=\"443\"/>\n</audio>\n"));

    // §3.3.7 regaut01: an unknown auth scheme is no syntax error; the registrar challenges.
    let regaut01 = "REGISTER sip:example.com SIP/2.0\nTo: sip:j.user@example.com\nFrom: sip:j.user@example.com;tag=87321hj23128\nMax-Forwards: 8\nCall-ID: regaut01.0ha0isndaksdj\nCSeq: 9338 REGISTER\nVia: SIP/2.0/TCP 192.0.2.253;branch=z9hG4bKkdjuw\nAuthorization: NoOneKnowsThisScheme opaque-data=here\nContent-Length:0\n\n";
    let Message::Request(r) = parsed("regaut01", regaut01) else {
        panic!("request")
    };
    assert!(r.headers.authorization.is_empty());
    assert_eq!(
        r.headers.extra("Authorization"),
        Some("NoOneKnowsThisScheme opaque-data=here")
    );

    let bcast = format!("SIP/2.0 200 OK\nVia: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\nVia: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23\nCall-ID: bcast.0384840201234ksdfak3j2erwedfsASdf\nCSeq: 35 INVITE\nFrom: sip:user@example.com;tag=11141343\nTo: sip:user@example.edu;tag=2229\nContent-Length: 154\nContent-Type: application/sdp\nContact: <sip:user@host28.example.com>\n\n{}", sdp("192.0.2.198", "0"));
    let Message::Response(r) = parsed("bcast", &bcast) else {
        panic!("response")
    };
    assert_eq!(r.headers.via[1].host, "255.255.255.255");

    let zeromf = "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:user@example.com\nFrom: sip:caller@example.net;tag=3ghsd41\nCall-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas\nCSeq: 39234321 OPTIONS\nVia: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw2349i\nMax-Forwards: 0\nContent-Length: 0\n\n";
    let Message::Request(r) = parsed("zeromf", zeromf) else {
        panic!("request")
    };
    assert_eq!(r.headers.max_forwards.map(|m| m.0), Some(0));

    // §3.3.12 cparam01 / §3.3.13 cparam02: without `<>` the parameter belongs to the header.
    let cparam = |n: &str, contact: &str| {
        format!("REGISTER sip:example.com SIP/2.0\nVia: SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKkdjuw\nMax-Forwards: 70\nFrom: sip:watson@example.com;tag=DkfVgjkrtMwaerKKpe\nTo: sip:watson@example.com\nCall-ID: cparam0{n}.70710@saturn.example.com\nCSeq: 2 REGISTER\nContact: {contact}\nl: 0\n\n")
    };
    let Message::Request(r) = parsed(
        "cparam01",
        &cparam("1", "sip:+19725552222@gw1.example.net;unknownparam"),
    ) else {
        panic!("request")
    };
    let trunkline::sip::proto::header::Contact::Addr(c) = &r.headers.contact[0] else {
        panic!("address")
    };
    assert_eq!(c.uri, "sip:+19725552222@gw1.example.net");
    assert_eq!(c.params[0].name, "unknownparam");
    let Message::Request(r) = parsed(
        "cparam02",
        &cparam("2", "<sip:+19725552222@gw1.example.net;unknownparam>"),
    ) else {
        panic!("request")
    };
    let trunkline::sip::proto::header::Contact::Addr(c) = &r.headers.contact[0] else {
        panic!("address")
    };
    assert_eq!(c.uri, "sip:+19725552222@gw1.example.net;unknownparam");
    assert!(c.params.is_empty());

    // §3.3.14 regescrt: URI headers are fine inside `<>`.
    let regescrt = "REGISTER sip:example.com SIP/2.0\nTo: sip:user@example.com\nFrom: sip:user@example.com;tag=8\nMax-Forwards: 70\nCall-ID: regescrt.k345asrl3fdbv@192.0.2.1\nCSeq: 14398234 REGISTER\nVia: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\nM: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>\nL:0\n\n";
    let Message::Request(r) = parsed("regescrt", regescrt) else {
        panic!("request")
    };
    assert_eq!(r.method, Method::Register);
    assert_eq!(r.headers.contact.len(), 1);

    let sdp01 = format!("INVITE sip:user@example.com SIP/2.0\nTo: sip:j_user@example.com\nContact: <sip:caller@host15.example.net>\nFrom: sip:caller@example.net;tag=234\nMax-Forwards: 5\nCall-ID: sdp01.ndaksdj9342dasdd\nAccept: text/nobodyKnowsThis\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw\nContent-Length: 150\nContent-Type: application/sdp\n\n{}", sdp("192.0.2.5", "0"));
    let Message::Request(r) = parsed("sdp01", &sdp01) else {
        panic!("request")
    };
    assert_eq!(r.headers.extra("Accept"), Some("text/nobodyKnowsThis"));
}

/// The endpoint answers a refusable request with 400 and its reason, and drops and counts what
/// cannot be answered.
#[test]
fn endpoint_answers_400_with_reason_or_drops_and_counts() {
    let mut ep = Endpoint::new(EndpointConfig::default(), 1);
    let now = Instant::now();
    let src = "192.0.2.9:5070".parse().expect("addr");
    let bad = crlf("OPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP host5.example.net;branch=z9hG4bK48\nTo: <sip:j.user@example.com>\nFrom: <sip:caller@example.net>;tag=134161461246\nCall-ID: 1218jf83@example.com\nCSeq: 1 OPTIONS\nMax-Forwards: 300\nl: 0\n\n");
    ep.handle_datagram(now, src, Transport::Udp, &bad);
    let t = ep.poll_transmit().expect("400 sent");
    let Ok(Message::Response(resp)) = message::parse(&t.payload, &Limits::default()) else {
        panic!("400 parses");
    };
    assert_eq!(resp.status, 400);
    assert_eq!(
        resp.reason,
        "Bad Request (malformed Max-Forwards header: number out of range)"
    );
    assert_eq!(
        resp.headers.via[0].received(),
        Some("192.0.2.9".parse().expect("ip"))
    );
    ep.handle_datagram(now, src, Transport::Udp, b"\x00\xffgarbage");
    ep.handle_datagram(now, src, Transport::Udp, b"\r\n\r\n");
    assert!(ep.poll_transmit().is_none());
    let s = ep.stats();
    assert_eq!(
        (
            s.parse_errors,
            s.bad_requests_answered,
            s.dropped,
            s.keepalives
        ),
        (2, 1, 1, 1)
    );
    assert!(ep.poll_event().is_none());
}
