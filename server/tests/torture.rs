//! RFC 4475 §3.1.1 valid torture messages, typed in from the RFC as test data: each parses, the
//! fields the RFC points at come out right, and the printed form parses back to the same message.
//! Also: an extension method reaches the transaction user, which answers 501 (RFC 3261 §8.2.1).

use std::time::Instant;

use trunkline::sip::proto::header::{Contact, Rport, ViaTransport};
use trunkline::sip::proto::message::{self, Limits, Message, Method, Request, Response};
use trunkline::sip::proto::{Endpoint, EndpointConfig, Event, Transport};

/// The RFC writes messages with line breaks; the wire has CRLF.
fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

/// The SDP body most RFC 4475 messages carry (150 bytes with a 9-character address).
fn sdp(ip: &str) -> String {
    format!("v=0\no=mhandley 29739 7272939 IN IP4 {ip}\ns=-\nc=IN IP4 {ip}\nt=0 0\nm=audio 49217 RTP/AVP 0 12\nm=video 3227 RTP/AVP 31\na=rtpmap:31 LPC\n")
}

/// Parses, checks the round trip through our printer, and returns the message.
fn parse_ok(name: &str, bytes: &[u8]) -> Message {
    let m = message::parse(bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let again = message::parse(&m.encode(), &Limits::default());
    assert_eq!(again.as_ref(), Ok(&m), "{name} round trip");
    m
}

fn request(name: &str, bytes: &[u8]) -> Request {
    match parse_ok(name, bytes) {
        Message::Request(r) => r,
        Message::Response(_) => panic!("{name} is a request"),
    }
}

fn response(name: &str, bytes: &[u8]) -> Response {
    match parse_ok(name, bytes) {
        Message::Response(r) => r,
        Message::Request(_) => panic!("{name} is a response"),
    }
}

fn contact_uri(c: &Contact) -> &str {
    match c {
        Contact::Addr(a) => &a.uri,
        Contact::Wildcard => "*",
    }
}

/// §3.1.1.1 wsinv: folding, LWS everywhere, compact and odd-case names, leading zeros.
#[test]
fn wsinv() {
    let text = format!("INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\nTO :\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\nfrom   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\n  ;\n  tag = 98asjd8\nMaX-fOrWaRdS: 0068\nCall-ID: wsinv.ndaksdj@192.0.2.1\nContent-Length   : 150\ncseq: 0009\n  INVITE\nVia  : SIP  /   2.0\n /UDP\n    192.0.2.2;branch=390skdjuw\ns :\nNewFangledHeader:   newfangled value\n continued newfangled value\nUnknownHeaderWithUnusualValue: ;;,,;;,;\nContent-Type: application/sdp\nRoute:\n <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\nv:  SIP  / 2.0  / TCP     spindle.example.com   ;\n  branch  =   z9hG4bK9ikj8  ,\n SIP  /    2.0   / UDP  192.168.255.111   ; branch=\n z9hG4bK30239\nm:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\n      newvalue ;\n  secondparam ; q = 0.33\n\n{}", sdp("192.0.2.3").replace("c=IN IP4 192.0.2.3", "c=IN IP4 192.0.2.4"));
    let r = request("wsinv", &crlf(&text));
    let h = &r.headers;
    assert_eq!(r.method, Method::Invite);
    assert_eq!(r.uri.user(), Some("vivekg"));
    assert_eq!(h.to.tag(), Some("1918181833n"));
    assert_eq!(h.from.tag(), Some("98asjd8"));
    assert_eq!(
        h.from.0.display.as_deref(),
        Some("\"J Rosenberg \\\\\\\"\"")
    );
    assert_eq!(h.max_forwards.map(|m| m.0), Some(68));
    assert_eq!((h.cseq.seq, &h.cseq.method), (9, &Method::Invite));
    let vias: Vec<_> = h
        .via
        .iter()
        .map(|v| (v.host.as_str(), v.branch()))
        .collect();
    assert_eq!(
        vias,
        vec![
            ("192.0.2.2", Some("390skdjuw")),
            ("spindle.example.com", Some("z9hG4bK9ikj8")),
            ("192.168.255.111", Some("z9hG4bK30239")),
        ]
    );
    assert_eq!(h.extra("Subject"), Some(""));
    assert_eq!(
        h.extra("NewFangledHeader"),
        Some("newfangled value continued newfangled value")
    );
    assert_eq!(h.extra("UnknownHeaderWithUnusualValue"), Some(";;,,;;,;"));
    assert_eq!(
        h.route.0[0].uri,
        "sip:services.example.com;lr;unknownwith=value;unknown-no-value"
    );
    let Contact::Addr(c) = &h.contact[0] else {
        panic!("contact address")
    };
    assert_eq!(c.param("newparam"), Some("newvalue"));
    assert_eq!(c.param("q"), Some("0.33"));
    assert_eq!(r.body.len(), 150);
}

/// §3.1.1.2 intmeth: extension method with every token character, an odd but legal
/// Request-URI, quoted NUL/BEL/DEL, UTF-8 values. Must parse so the UAS can answer 501.
fn intmeth_bytes() -> Vec<u8> {
    crlf("!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\nVia: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\nTo: \"BEL:\\\u{7} NUL:\\\0 DEL:\\\u{7f}\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>\nFrom: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\u{440}\u{430}\u{431}\u{43e}\u{442}\u{430}\u{44e}\u{449}\u{438}\u{439}\";tag=_token~1'+`*%!-.\nCall-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\nCSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\nMax-Forwards: 255\nextensionHeader-!.%*+_`'~:\u{feff}\u{5927}\u{505c}\u{96fb}\nContent-Length: 0\n\n")
}

const INTMETH: &str = "!interesting-Method0123456789_*+`.%indeed'~";

#[test]
fn intmeth() {
    let r = request("intmeth", &intmeth_bytes());
    let h = &r.headers;
    assert!(matches!(&r.method, Method::Extension(m) if m.as_str() == INTMETH));
    assert_eq!(h.cseq.method, r.method);
    assert_eq!(
        r.uri.user(),
        Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
    );
    assert_eq!(
        r.uri.auth.as_ref().and_then(|a| a.password.as_deref()),
        Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
    );
    assert_eq!(r.uri.host().to_string(), "example.com");
    assert_eq!(h.via[0].branch(), Some("z9hG4bK-.!%66*_+`'~"));
    assert_eq!(h.from.tag(), Some("_token~1'+`*%!-."));
    assert_eq!(
        h.from.0.display.as_deref(),
        Some("token1~` token2'+_ token3*%!.-")
    );
    assert_eq!(
        h.from.0.param("fromParam''~+*_!.-%"),
        Some("\"\u{440}\u{430}\u{431}\u{43e}\u{442}\u{430}\u{44e}\u{449}\u{438}\u{439}\"")
    );
    assert_eq!(
        h.call_id.as_str(),
        "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"
    );
    assert_eq!(h.max_forwards.map(|m| m.0), Some(255));
    assert_eq!(
        h.extra("extensionHeader-!.%*+_`'~"),
        Some("\u{feff}\u{5927}\u{505c}\u{96fb}")
    );
}

/// §3.1.1.3 esc01: escapes in the Request-URI user part are kept, not decoded into `@` or `:`.
#[test]
fn esc01() {
    let text = format!("INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\nTo: sip:%75se%72@example.com\nFrom: <sip:I%20have%20spaces@example.net>;tag=938\nMax-Forwards: 87\ni: esc01.239409asdfakjkn23onasd0-3234\nCSeq: 234234 INVITE\nVia: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw\nC: application/sdp\nContact:\n  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>\nContent-Length: 150\n\n{}", sdp("192.0.2.1"));
    let r = request("esc01", &crlf(&text));
    assert_eq!(r.uri.user(), Some("sips%3Auser%40example.com"));
    assert_eq!(r.uri.host().to_string(), "example.net");
    assert_eq!(r.headers.to.uri(), "sip:%75se%72@example.com");
    assert_eq!(r.headers.from.uri(), "sip:I%20have%20spaces@example.net");
    assert_eq!(
        r.headers.call_id.as_str(),
        "esc01.239409asdfakjkn23onasd0-3234"
    );
    assert_eq!(
        contact_uri(&r.headers.contact[0]),
        "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31"
    );
    assert_eq!(r.headers.extra("Content-Type"), Some("application/sdp"));
}

/// §3.1.1.4 escnull: `%00` in user parts must not truncate anything.
#[test]
fn escnull() {
    let text = "REGISTER sip:example.com SIP/2.0\nTo: sip:null-%00-null@example.com\nFrom: sip:null-%00-null@example.com;tag=839923423\nMax-Forwards: 70\nCall-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd\nCSeq: 14398234 REGISTER\nVia: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\nContact: <sip:%00@host5.example.com>\nContact: <sip:%00%00@host5.example.com>\nL:0\n\n";
    let r = request("escnull", &crlf(text));
    assert_eq!(r.method, Method::Register);
    assert_eq!(r.headers.to.uri(), "sip:null-%00-null@example.com");
    let contacts: Vec<_> = r.headers.contact.iter().map(contact_uri).collect();
    assert_eq!(
        contacts,
        vec!["sip:%00@host5.example.com", "sip:%00%00@host5.example.com"]
    );
}

/// §3.1.1.5 esc02: `%` is no escape in a method or a header name: RE%47IST%45R is an unknown
/// method and C%6Fntact an unknown header.
#[test]
fn esc02() {
    let text = "RE%47IST%45R sip:registrar.example.com SIP/2.0\nTo: \"%Z%45\" <sip:resource@example.com>\nFrom: \"%Z%45\" <sip:resource@example.com>;tag=f232jadfj23\nCall-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf\nVia: SIP/2.0/TCP host.example.com;branch=z9hG4bK209%fzsnel234\nCSeq: 29344 RE%47IST%45R\nMax-Forwards: 70\nContact: <sip:alias1@host1.example.com>\nC%6Fntact: <sip:alias2@host2.example.com>\nContact: <sip:alias3@host3.example.com>\nl: 0\n\n";
    let r = request("esc02", &crlf(text));
    assert!(matches!(&r.method, Method::Extension(m) if m.as_str() == "RE%47IST%45R"));
    assert_ne!(r.method, Method::Register);
    let contacts: Vec<_> = r.headers.contact.iter().map(contact_uri).collect();
    assert_eq!(
        contacts,
        vec![
            "sip:alias1@host1.example.com",
            "sip:alias3@host3.example.com"
        ]
    );
    assert_eq!(
        r.headers.extra("C%6Fntact"),
        Some("<sip:alias2@host2.example.com>")
    );
    assert_eq!(r.headers.via[0].branch(), Some("z9hG4bK209%fzsnel234"));
}

/// §3.1.1.6 lwsdisp: no LWS between display name and `<`.
#[test]
fn lwsdisp() {
    let text = "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:user@example.com\nFrom: caller<sip:caller@example.com>;tag=323\nMax-Forwards: 70\nCall-ID: lwsdisp.1234abcd@funky.example.com\nCSeq: 60 OPTIONS\nVia: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw\nl: 0\n\n";
    let r = request("lwsdisp", &crlf(text));
    assert_eq!(r.headers.from.0.display.as_deref(), Some("caller"));
    assert_eq!(r.headers.from.uri(), "sip:caller@example.com");
    assert_eq!(r.headers.from.tag(), Some("323"));
}

/// §3.1.1.7 longreq: long values everywhere and 34 Via entries in every spelling of the name.
/// The RFC writes the long runs as `<repeat>` elements; they are expanded here with `repeat`.
#[test]
fn longreq() {
    let long = |word: &str, n: usize| word.repeat(n);
    let mut text = format!(
        "INVITE sip:user@example.com SIP/2.0\nTo: \"I have a user name of {ext}proportion\" <sip:user@example.com:6000;unknownparam1=very{ll}value;longparamname{nn}=shortvalue;very{ll}ParameterNameWithNoValue>\nF: sip:{caller}@example.net;tag=12{tag}424;unknownheaderparamname{nn2}=unknowheaderparam{vv};unknownValuelessparamname{pn}\nCall-ID: longreq.one{rr}longcallid\nCSeq: 3882340 INVITE\nUnknown-{LL}-Name:unknown-{ll2}-value;unknown-{ll2}-parameter-name =unknown-{ll2}-parameter-value\n",
        ext = long("extreme ", 10),
        ll = long("long", 20),
        nn = long("name", 25),
        caller = long("amazinglylongcallername", 5),
        tag = long("982", 50),
        nn2 = long("name", 20),
        vv = long("value", 15),
        pn = long("paramname", 10),
        rr = long("really", 20),
        LL = long("Long", 20),
        ll2 = long("long", 20),
    );
    let names = [
        "Via", "v", "V", "Via", "ViA", "VIa", "VIA", "via", "viA", "vIa", "vIA", "V ", "v ", "V  ",
        "v  ", "Via ", "Via  ",
    ];
    for i in (1..=33).rev() {
        let name = names.get(33 - i).copied().unwrap_or("Via");
        text.push_str(&format!("{name}: SIP/2.0/TCP sip{i}.example.com\n"));
    }
    text.push_str(&format!("Via: SIP/2.0/TCP host.example.com;received=192.0.2.5;branch=very{}branchvalue\nMax-Forwards: 70\nContact: <sip:{}@host5.example.net>\nContent-Type: application/sdp\nl: 150\n\n{}", long("long", 50), long("amazinglylongcallername", 5), sdp("192.0.2.1")));
    let r = request("longreq", &crlf(&text));
    let h = &r.headers;
    assert_eq!(h.via.len(), 34);
    assert_eq!(h.via[0].host, "sip33.example.com");
    assert_eq!(h.via[32].host, "sip1.example.com");
    assert_eq!(h.via[33].received(), Some("192.0.2.5".parse().expect("ip")));
    assert!(h.via[33].branch().is_some_and(|b| b.len() == 4 + 200 + 11));
    assert_eq!(h.to.0.display.as_deref().map(str::len), Some(114));
    assert_eq!(h.from.tag().map(str::len), Some(155));
    assert_eq!(h.cseq.seq, 3882340);
    assert_eq!(r.body.len(), 150);
}

/// §3.1.1.8 dblreq: over UDP, bytes past Content-Length (here a whole INVITE) are discarded.
#[test]
fn dblreq() {
    let text = format!("REGISTER sip:example.com SIP/2.0\nTo: sip:j.user@example.com\nFrom: sip:j.user@example.com;tag=43251j3j324\nMax-Forwards: 8\nI: dblreq.0ha0isndaksdj99sdfafnl3lk233412\nContact: sip:j.user@host.example.com\nCSeq: 8 REGISTER\nVia: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492\nContent-Length: 0\n\nINVITE sip:joe@example.com SIP/2.0\nt: sip:joe@example.com\nFrom: sip:caller@example.net;tag=141334\nMax-Forwards: 8\nCall-ID: dblreq.0ha0isnda977644900765@192.0.2.15\nCSeq: 8 INVITE\nVia: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234\nContent-Type: application/sdp\nContent-Length: 150\n\n{}", sdp("192.0.2.15").replace("m=video", "m =video"));
    let r = request("dblreq", &crlf(&text));
    assert_eq!(r.method, Method::Register);
    assert_eq!(
        r.headers.call_id.as_str(),
        "dblreq.0ha0isndaksdj99sdfafnl3lk233412"
    );
    assert!(r.body.is_empty());
}

/// §3.1.1.9 semiuri: `;` inside the Request-URI user part is not a URI parameter.
#[test]
fn semiuri() {
    let text = "OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0\nTo: sip:j_user@example.com\nFrom: sip:caller@example.org;tag=33242\nMax-Forwards: 3\nCall-ID: semiuri.0ha0isndaksdj\nCSeq: 8 OPTIONS\nAccept: application/sdp, application/pkcs7-mime,\n  multipart/mixed, multipart/signed,\n  message/sip, message/sipfrag\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw\nl: 0\n\n";
    let r = request("semiuri", &crlf(text));
    assert_eq!(r.uri.user(), Some("user;par=u%40example.net"));
    assert_eq!(r.uri.host().to_string(), "example.com");
    assert!(r.uri.params.is_empty());
    assert_eq!(
        r.headers.extra("Accept"),
        Some("application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag")
    );
}

/// §3.1.1.10 transports: an unknown Via transport is carried, not refused.
#[test]
fn transports() {
    let text = "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:user@example.com\nFrom: <sip:caller@example.com>;tag=323\nMax-Forwards: 70\nCall-ID:  transports.kijh4akdnaqjkwendsasfdj\nAccept: application/sdp\nCSeq: 60 OPTIONS\nVia: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw\nVia: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf\nVia: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj\nVia: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en\nVia: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee\nl: 0\n\n";
    let r = request("transports", &crlf(text));
    let transports: Vec<_> = r.headers.via.iter().map(|v| v.transport.clone()).collect();
    assert_eq!(
        transports,
        vec![
            ViaTransport::Known(Transport::Udp),
            ViaTransport::Known(Transport::Sctp),
            ViaTransport::Known(Transport::Tls),
            ViaTransport::Other("UNKNOWN".into()),
            ViaTransport::Known(Transport::Tcp),
        ]
    );
    assert_eq!(r.headers.via[3].host, "t4.example.com");
}

/// §3.1.1.11 mpart01: a multipart body with binary (non-UTF-8) octets, framed by Content-Length.
#[test]
fn mpart01() {
    let head = crlf("MESSAGE sip:kumiko@example.org SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport\nMax-Forwards: 70\nRoute: <sip:127.0.0.1:5080>\nIdentity: r5mwreLuyDRYBi/0TiPwEsY3rEVsk/G2WxhgTV1PF7hHuLIK0YWVKZhKv9Mj8UeXqkMVbnVq37CD+813gvYjcBUaZngQmXc9WNZSDNGCzA+fWl9MEUHWIZo1CeJebdY/XlgKeTa0Olvq0rt70Q5jiSfbqMJmQFteeivUhkMWYUA=\nContact: <sip:fluffy@127.0.0.1:5070>\nTo: <sip:kumiko@example.org>\nFrom: <sip:fluffy@example.com>;tag=2fb0dcc9\nCall-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..\nCSeq: 1 MESSAGE\nContent-Transfer-Encoding: binary\nContent-Type: multipart/mixed;boundary=7a9cbec02ceef655\nDate: Sat, 15 Oct 2005 04:44:56 GMT\nUser-Agent: SIPimp.org/0.2.5 (curses)\nContent-Length: 553\n\n");
    let mut body = crlf("--7a9cbec02ceef655\nContent-Type: text/plain\nContent-Transfer-Encoding: binary\n\nHello\n--7a9cbec02ceef655\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n");
    body.extend_from_slice(b"\x30\x82\x01\x52\x06\x09\x2A\x86\r\n\x48\x86\xF7\x0D\x01\x07\x02\xA0\x82\x01\x43\x30\x82\x01\x3F\x02\x01\x01\x31\x09\x30\x07\x06\x05\x2B\x0E\x03\x02\x1A\x30\x0B\x06\x09\x2A\x86\x48\x86\xF7\x0D\x01\x07\x01\x31\x82\x01\x20\x30\x82\x01\x1C\x02\x01\x01\x30\x7C\x30\x70\x31\x0B\x30\x09\x06\x03\x55\x04\x06\x13\x02\x55\x53\x31\x13\x30\x11\x06\x03\x55\x04\x08\x13\x0A\x43\x61\x6C\x69\x66\x6F\x72\x6E\x69\x61\x31\x11\x30\x0F\x06\x03\x55\x04\x07\x13\x08\x53\x61\x6E\x20\x4A\x6F\x73\x65\x31\x0E\x30\x0C\x06\x03\x55\x04\x0A\x13\x05\x73\x69\x70\x69\x74\x31\x29\x30\x27\x06\x03\x55\x04\x0B\x13\x20\x53\x69\x70\x69\x74\x20\x54\x65\x73\x74\x20\x43\x65\x72\x74\x69\x66\x69\x63\x61\x74\x65\x20\x41\x75\x74\x68\x6F\x72\x69\x74\x79\x02\x08\x01\x95\x00\x71\x02\x33\x01\x13\x30\x07\x06\x05\x2B\x0E\x03\x02\x1A\x30\x0D\x06\x09\x2A\x86\x48\x86\xF7\x0D\x01\x01\x01\x05\x00\x04\x81\x80\x8E\xF4\x66\xF9\x48\xF0\x52\x2D\xD2\xE5\x97\x8E\x9D\x95\xAA\xE9\xF2\xFE\x15\xA0\x66\x59\x71\x62\x92\xE8\xDA\x2A\xA8\xD8\x35\x0A\x68\xCE\xFF\xAE\x3C\xBD\x2B\xFF\x16\x75\xDD\xD5\x64\x8E\x59\x3D\xD6\x47\x28\xF2\x62\x20\xF7\xE9\x41\x74\x9E\x33\x0D\x9A\x15\xED\xAB\xDB\x93\xD1\x0C\x42\x10\x2E\x7B\x72\x89\xD2\x9C\xC0\xC9\xAE\x2E\xFB\xC7\xC0\xCF\xF9\x17\x2F\x3B\x02\x7E\x4F\xC0\x27\xE1\x54\x6D\xE4\xB6\xAA\x3A\xBB\x3E\x66\xCC\xCB\x5D\xD6\xC6\x4B\x83\x83\x14\x9C\xB8\xE6\xFF\x18\x2D\x94\x4F\xE5\x7B\x65\xBC\x99\xD0\x05");
    body.extend_from_slice(b"--7a9cbec02ceef655--\r\n");
    let mut bytes = head;
    bytes.extend_from_slice(&body);
    let r = request("mpart01", &bytes);
    assert_eq!(r.method, Method::Message);
    assert_eq!(r.body, body);
    assert_eq!(r.body.len(), 553);
    assert_eq!(r.headers.via[0].rport(), Rport::Requested);
    assert_eq!(r.headers.route.0[0].uri, "sip:127.0.0.1:5080");
    assert_eq!(
        r.headers.extra("Content-Type"),
        Some("multipart/mixed;boundary=7a9cbec02ceef655")
    );
}

/// §3.1.1.12 unreason: a reason phrase with UTF-8 and characters that look like syntax.
#[test]
fn unreason() {
    let reason = "= 2**3 * 5**2 \u{43d}\u{43e} \u{441}\u{442}\u{43e} \u{434}\u{435}\u{432}\u{44f}\u{43d}\u{43e}\u{441}\u{442}\u{43e} \u{434}\u{435}\u{432}\u{44f}\u{442}\u{44c} - \u{43f}\u{440}\u{43e}\u{441}\u{442}\u{43e}\u{435}";
    let text = format!("SIP/2.0 200 {reason}\nVia: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\nCall-ID: unreason.1234ksdfak3j2erwedfsASdf\nCSeq: 35 INVITE\nFrom: sip:user@example.com;tag=11141343\nTo: sip:user@example.edu;tag=2229\nContent-Length: 154\nContent-Type: application/sdp\nContact: <sip:user@host198.example.com>\n\n{}", sdp("192.0.2.198"));
    let r = response("unreason", &crlf(&text));
    assert_eq!(r.status, 200);
    assert_eq!(r.reason, reason);
    assert_eq!(r.body.len(), 154);
}

/// §3.1.1.13 noreason: an empty reason phrase (the SP before it is present).
#[test]
fn noreason() {
    let text = "SIP/2.0 100 \nVia: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\nCall-ID: noreason.asndj203insdf99223ndf\nCSeq: 35 INVITE\nFrom: <sip:user@example.com>;tag=39ansfi3\nTo: <sip:user@example.edu>;tag=902jndnke3\nContent-Length: 0\nContact: <sip:user@host105.example.com>\n\n";
    let r = response("noreason", &crlf(text));
    assert_eq!((r.status, r.reason.as_str()), (100, ""));
}

/// RFC 3261 §8.2.1: an unknown method is not a syntax error. It reaches the TU as a request in
/// its own server transaction, and the TU's 501 goes out on the wire.
#[test]
fn unknown_method_reaches_the_tu_which_answers_501() {
    let mut ep = Endpoint::new(EndpointConfig::default(), 1);
    let now = Instant::now();
    let src = "192.0.2.9:5070".parse().expect("addr");
    ep.handle_datagram(now, src, Transport::Tcp, &intmeth_bytes());
    assert!(ep.poll_transmit().is_none(), "no 400 for a valid message");
    let Some(Event::Request { tx, request, .. }) = ep.poll_event() else {
        panic!("the request reaches the TU");
    };
    assert_eq!(request.method.to_string(), INTMETH);
    let answer = Response::for_request(&request, 501, message::default_reason(501));
    ep.respond(now, tx, answer).expect("respond");
    let t = ep.poll_transmit().expect("501 sent");
    assert_eq!(t.dest, src);
    let Ok(Message::Response(resp)) = message::parse(&t.payload, &Limits::default()) else {
        panic!("501 parses");
    };
    assert_eq!(
        (resp.status, resp.reason.as_str()),
        (501, "Not Implemented")
    );
    assert_eq!(resp.headers.cseq.method, request.method);
    assert_eq!(ep.stats().parse_errors, 0);
}
