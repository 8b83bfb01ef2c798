//! The answer to a request no feature of this build handles: OPTIONS gets
//! 200 with what we support (RFC 3261 §11), so providers and phones that
//! probe us see a live server; other methods get 501 (§8.2.1) rather than
//! silence. REGISTER, INVITE and requests inside a call never get here:
//! the registrar and the calls take them. Also the 503 of a request we
//! will not serve now. Pure: no I/O, no clock.

use super::message::{ExtraHeader, Method};
use super::{Request, Response};

/// Methods this build implements, for the `Allow` header.
pub const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO";

/// The response to `request`, or `None` for ACK (which is never answered).
/// `to_tag` is a fresh tag for the To header of a final response.
pub fn answer(request: &Request, to_tag: &str) -> Option<Response> {
    let (status, reason) = match request.method {
        Method::Ack => return None,
        Method::Options => (200, "OK"),
        _ => (501, "Not Implemented"),
    };
    let mut response = Response::for_request(request, status, reason);
    if response.headers.to.tag().is_none() {
        response.headers.to = response.headers.to.with_tag(to_tag);
    }
    response.headers.extra.push(ExtraHeader {
        name: "Allow".into(),
        value: ALLOW.into(),
    });
    if request.method == Method::Options {
        response.headers.extra.push(ExtraHeader {
            name: "Accept".into(),
            value: "application/sdp".into(),
        });
    }
    Some(response)
}

/// 503 Service Unavailable with `Retry-After: retry_after` (RFC 3261
/// §21.5.4): the request may succeed later, here or at another server.
/// The To tag is the transaction's to add (`Endpoint::respond`).
pub fn unavailable(request: &Request, retry_after: u32) -> Response {
    let mut response = Response::for_request(request, 503, "Service Unavailable");
    response.headers.extra.push(ExtraHeader {
        name: "Retry-After".into(),
        value: retry_after.to_string(),
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::proto::message::parse;
    use crate::sip::proto::Message;

    fn request(method: &str) -> Request {
        let text = format!(
            "{method} sip:pbx.example.com SIP/2.0\r\n\
             Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-answer-1\r\n\
             From: <sip:probe@192.0.2.1>;tag=abc\r\n\
             To: <sip:pbx.example.com>\r\n\
             Call-ID: answer-test\r\n\
             CSeq: 1 {method}\r\n\
             Max-Forwards: 70\r\n\
             Content-Length: 0\r\n\r\n"
        );
        match parse(text.as_bytes(), &Default::default()) {
            Ok(Message::Request(r)) => r,
            other => panic!("not a request: {other:?}"),
        }
    }

    #[test]
    fn options_gets_200_with_allow_and_a_to_tag() {
        let response = answer(&request("OPTIONS"), "t1").expect("answered");
        assert_eq!(response.status, 200);
        assert_eq!(response.headers.to.tag(), Some("t1"));
        assert!(response
            .headers
            .extra
            .iter()
            .any(|h| h.name == "Allow" && h.value == ALLOW));
        assert_eq!(response.headers.call_id, request("OPTIONS").headers.call_id);
    }

    #[test]
    fn other_methods_get_501_and_ack_nothing() {
        for method in ["INVITE", "BYE", "SUBSCRIBE"] {
            let response = answer(&request(method), "t2").expect("answered");
            assert_eq!(response.status, 501, "{method}");
        }
        assert!(answer(&request("ACK"), "t3").is_none());
    }

    #[test]
    fn unavailable_is_503_with_the_wait_in_seconds() {
        let response = unavailable(&request("REGISTER"), 7);
        assert_eq!(response.status, 503);
        let retry: Vec<_> = response
            .headers
            .extra
            .iter()
            .filter(|h| h.name == "Retry-After")
            .map(|h| h.value.as_str())
            .collect();
        assert_eq!(retry, ["7"]);
        assert_eq!(response.headers.cseq, request("REGISTER").headers.cseq);
    }
}
