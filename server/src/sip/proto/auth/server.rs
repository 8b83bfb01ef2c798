//! Digest server (RFC 3261 §22.1, RFC 7616 §3.3, §5): issues nonces bound to this server and to
//! time, verifies credentials, refuses replays. Must not reveal whether a user exists.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::digest::{self, Input};
use super::uri_match;
use crate::sip::proto::header::{Algorithm, Challenge, Credentials, Qop};
use crate::sip::proto::message::{Request, Response};

/// Outcome of checking a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accepted {
        username: String,
    },
    /// Answer with this challenge in a 401 (see `DigestServer::unauthorized`).
    Challenge(Challenge),
    /// Credentials were presented and are wrong (bad password, or a user
    /// we do not have): answer with this challenge exactly as for
    /// `Challenge`, so the sender learns nothing, and count a failure.
    Refused(Challenge),
}

/// How often the replay counters are swept.
const PRUNE_EVERY: Duration = Duration::from_secs(5);

/// Server-side digest state for one realm.
#[derive(Debug)]
pub struct DigestServer {
    realm: String,
    secret: Vec<u8>,
    epoch: Instant,
    lifetime: Duration,
    algorithm: Algorithm,
    /// Highest nonce count accepted per nonce (RFC 7616 §3.3 replay
    /// protection), keyed by the nonce's stamp and serial: they name it
    /// once its keyed hash checked out, and hold its issue time, in 12
    /// bytes where the nonce itself is 56 (every nonce in use for the
    /// last five minutes is kept).
    seen: HashMap<(u64, u32), u32>,
    /// When `seen` is next swept of nonces past their lifetime.
    next_prune: Instant,
    /// Makes every nonce unique: two phones challenged in the same
    /// millisecond must not share a nonce, or the second one's nc=1 would
    /// look like a replay of the first one's.
    issued: AtomicU32,
}

impl DigestServer {
    /// `secret` should be random per process; `epoch` is the instant nonce timestamps count from.
    pub fn new(
        realm: impl Into<String>,
        secret: Vec<u8>,
        epoch: Instant,
        lifetime: Duration,
        algorithm: Algorithm,
    ) -> Self {
        Self {
            realm: realm.into(),
            secret,
            epoch,
            lifetime,
            algorithm,
            seen: HashMap::new(),
            next_prune: epoch,
            issued: AtomicU32::new(0),
        }
    }

    /// Keyed hash of a nonce's stamp and serial: the first half of
    /// SHA-256(secret ":" stamp ":" serial ":" realm), in hex. Fed in pieces
    /// rather than formatted into one buffer: it runs twice per
    /// registration.
    fn mac(&self, stamp: u64, serial: u32) -> String {
        let mut ids = String::with_capacity(27);
        ids.push(':');
        digest::push_hex(&mut ids, stamp, 16);
        ids.push(':');
        digest::push_hex(&mut ids, u64::from(serial), 8);
        ids.push(':');
        let parts = [&self.secret[..], ids.as_bytes(), self.realm.as_bytes()];
        let mut mac = digest::hash_parts(&Algorithm::Sha256, &parts).unwrap_or_default();
        mac.truncate(32);
        mac
    }

    /// Nonce = 16 hex digits of milliseconds since epoch, 8 of a serial
    /// number, and a keyed hash binding both to us.
    fn nonce(&self, now: Instant) -> String {
        let stamp = now.saturating_duration_since(self.epoch).as_millis() as u64;
        let serial = self.issued.fetch_add(1, Ordering::Relaxed);
        let mut nonce = String::with_capacity(56);
        digest::push_hex(&mut nonce, stamp, 16);
        digest::push_hex(&mut nonce, u64::from(serial), 8);
        nonce.push_str(&self.mac(stamp, serial));
        nonce
    }

    /// Stamp and serial of a nonce we issued, `None` if we did not issue it.
    fn nonce_id(&self, nonce: &str) -> Option<(u64, u32)> {
        if nonce.len() != 56 || !nonce.is_ascii() {
            return None;
        }
        let stamp = u64::from_str_radix(&nonce[..16], 16).ok()?;
        let serial = u32::from_str_radix(&nonce[16..24], 16).ok()?;
        digest::constant_time_eq(&nonce[24..], &self.mac(stamp, serial)).then_some((stamp, serial))
    }

    pub fn challenge(&self, now: Instant, stale: bool) -> Challenge {
        Challenge {
            realm: self.realm.clone(),
            nonce: self.nonce(now),
            opaque: None,
            algorithm: self.algorithm.clone(),
            qop: vec![Qop::Auth],
            stale,
        }
    }

    /// A 401 carrying `challenge`, identical in shape whatever the reason.
    pub fn unauthorized(request: &Request, challenge: Challenge) -> Response {
        let mut resp = Response::for_request(request, 401, "Unauthorized");
        resp.headers.www_authenticate.push(challenge);
        resp
    }

    /// A 407 carrying `challenge`: what a proxy (or our B2BUA, for a
    /// phone's INVITE) answers, RFC 3261 §22.3.
    pub fn proxy_required(request: &Request, challenge: Challenge) -> Response {
        let mut resp = Response::for_request(request, 407, "Proxy Authentication Required");
        resp.headers.proxy_authenticate.push(challenge);
        resp
    }

    /// Checks the request's Authorization. `password` looks a user up; an unknown user is checked
    /// against a throwaway secret so the answer and the work done look the same.
    pub fn verify(
        &mut self,
        now: Instant,
        request: &Request,
        password: impl Fn(&str) -> Option<String>,
    ) -> Verdict {
        self.verify_in(now, request, &request.headers.authorization, password)
    }

    /// The same check on Proxy-Authorization, for requests challenged
    /// with 407.
    pub fn verify_proxy(
        &mut self,
        now: Instant,
        request: &Request,
        password: impl Fn(&str) -> Option<String>,
    ) -> Verdict {
        self.verify_in(now, request, &request.headers.proxy_authorization, password)
    }

    fn verify_in(
        &mut self,
        now: Instant,
        request: &Request,
        presented: &[Credentials],
        password: impl Fn(&str) -> Option<String>,
    ) -> Verdict {
        let refuse = |s: &Self, stale: bool| Verdict::Challenge(s.challenge(now, stale));
        let Some(creds) = presented.iter().find(|c| c.realm == self.realm) else {
            return refuse(self, false);
        };
        let Some(id) = self.nonce_id(&creds.nonce) else {
            return refuse(self, false);
        };
        let age = nonce_age(self.epoch, now, id.0);
        let known = password(&creds.username);
        // An unknown user's response is checked against a stand-in, so that it takes as
        // long as a known one's.
        let secret = match &known {
            Some(password) => std::borrow::Cow::Borrowed(password.as_str()),
            None => std::borrow::Cow::Owned(digest::lower_hex(&self.secret)),
        };
        if !self.response_matches(request, creds, &secret) || known.is_none() {
            return Verdict::Refused(self.challenge(now, false));
        }
        if !uri_match::names_request_uri(&request.uri, &creds.uri) {
            // Right password, but computed for another request: a replay or a tampered
            // Request-URI (RFC 2617 §3.2.2.5). Asterisk's chan_sip hashes with whatever
            // `uri` it is given and never compares; we refuse with a fresh challenge, and
            // do not count a failed password: the password was proven, and a phone whose
            // `uri` is merely odd must not be locked out for it.
            tracing::debug!(user = %creds.username, uri = %creds.uri, "digest uri is not the Request-URI");
            return refuse(self, false);
        }
        if age > self.lifetime {
            // Right password, old nonce: stale=true lets the client retry silently.
            return refuse(self, true);
        }
        let nc = match (&creds.qop, creds.nc) {
            (Some(Qop::Auth), Some(nc)) => nc,
            (None, None) => 1,
            _ => return refuse(self, false),
        };
        let last = self.seen.get(&id).copied().unwrap_or(0);
        if nc <= last {
            tracing::debug!(user = %creds.username, nc, "digest replay refused");
            return refuse(self, false);
        }
        self.prune(now);
        self.seen.insert(id, nc);
        Verdict::Accepted {
            username: creds.username.clone(),
        }
    }

    fn response_matches(&self, request: &Request, creds: &Credentials, password: &str) -> bool {
        let algorithm = creds.algorithm.clone().unwrap_or(Algorithm::Md5);
        if algorithm != self.algorithm {
            return false;
        }
        let method = request.method.as_str();
        let qop_auth = match (&creds.cnonce, creds.nc) {
            (Some(cnonce), Some(nc)) => Some((nc, cnonce.as_str())),
            _ => None,
        };
        let input = Input {
            algorithm: &algorithm,
            username: &creds.username,
            realm: &self.realm,
            password,
            method,
            uri: &creds.uri,
            nonce: &creds.nonce,
            qop_auth,
        };
        digest::response(&input)
            .is_some_and(|r| digest::constant_time_eq_ignore_case(&r, &creds.response))
    }

    /// Forgets counters of nonces past their lifetime, which are refused
    /// as stale anyway. A sweep at most every few seconds, reading the
    /// issue time in each key: sweeping per request (and re-hashing every nonce
    /// to learn its age) made each check slower the busier the server.
    fn prune(&mut self, now: Instant) {
        if now < self.next_prune {
            return;
        }
        self.next_prune = now + PRUNE_EVERY;
        let (epoch, lifetime) = (self.epoch, self.lifetime);
        self.seen
            .retain(|&(stamp, _), _| nonce_age(epoch, now, stamp) <= lifetime);
    }
}

/// Age at `now` of the nonce issued `stamp` milliseconds after `epoch`.
fn nonce_age(epoch: Instant, now: Instant, stamp: u64) -> Duration {
    let issued = epoch.checked_add(Duration::from_millis(stamp));
    issued.map_or(Duration::MAX, |at| now.saturating_duration_since(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::proto::auth::DigestClient;
    use crate::sip::proto::header::{NameAddr, Via};
    use crate::sip::proto::message::{Method, Transport};
    use crate::sip::proto::{Endpoint, Rng};

    /// A REGISTER answering a fresh challenge of `srv` issued at `at`.
    fn signed(srv: &DigestServer, at: Instant, ep: &mut Endpoint, rng: &mut Rng) -> Request {
        signed_for(srv, at, ep, rng, Method::Register, "sip:pbx.test")
    }

    /// A `method` to `uri` answering a fresh challenge of `srv` issued at `at`.
    fn signed_for(
        srv: &DigestServer,
        at: Instant,
        ep: &mut Endpoint,
        rng: &mut Rng,
        method: Method,
        uri: &str,
    ) -> Request {
        let mut req = ep.new_request(
            method,
            rsip::Uri::try_from(uri).expect("uri"),
            NameAddr::new("sip:alice@pbx.test"),
            NameAddr::new("sip:alice@pbx.test"),
        );
        req.headers
            .via
            .push(Via::new(Transport::Udp, "10.0.0.1", Some(5060), "z9hG4bKx"));
        let challenge = DigestServer::unauthorized(&req, srv.challenge(at, false));
        let mut client = DigestClient::new("alice", "secret", 3);
        client.answer(&challenge, &mut req, rng).expect("answer");
        req
    }

    #[test]
    fn a_nonce_is_its_stamp_serial_and_keyed_hash() {
        let t0 = Instant::now();
        let life = Duration::from_secs(30);
        let srv = DigestServer::new("pbx.test", b"k".to_vec(), t0, life, Algorithm::Md5);
        let nonce = srv.nonce(t0 + Duration::from_millis(0x1234));
        // SHA-256("k:0000000000001234:00000000:pbx.test"), first 16 bytes.
        let mac = "744df67001fd77cf5ecedf9985e4b536";
        assert_eq!(nonce, format!("0000000000001234{:08x}{mac}", 0));
        assert_eq!(srv.nonce_id(&nonce), Some((0x1234, 0)));
        let stranger = DigestServer::new("pbx.test", b"k2".to_vec(), t0, life, Algorithm::Md5);
        assert_eq!(stranger.nonce_id(&nonce), None, "another secret's nonce");
    }

    /// Alice's password, the only one there is.
    fn password(u: &str) -> Option<String> {
        (u == "alice").then(|| "secret".to_string())
    }

    /// A server whose nonces live 30 s from `t0`, and a client side.
    fn parts(t0: Instant) -> (DigestServer, Endpoint, Rng) {
        let life = Duration::from_secs(30);
        let srv = DigestServer::new("pbx.test", b"k".to_vec(), t0, life, Algorithm::Md5);
        (srv, Endpoint::new(Default::default(), 1), Rng::new(2))
    }

    #[test]
    fn replay_counters_live_as_long_as_their_nonce() {
        let t0 = Instant::now();
        let lifetime = Duration::from_secs(30);
        let (mut srv, mut ep, mut rng) = parts(t0);
        for i in 0..3 {
            let at = t0 + Duration::from_secs(i);
            let req = signed(&srv, at, &mut ep, &mut rng);
            assert!(matches!(
                srv.verify(at, &req, password),
                Verdict::Accepted { .. }
            ));
        }
        assert_eq!(srv.seen.len(), 3);
        // Past the first nonce's lifetime (and the sweep interval) only the
        // younger two are remembered; the next accepted request triggers the sweep.
        let later = t0 + lifetime + Duration::from_millis(500);
        let req = signed(&srv, later, &mut ep, &mut rng);
        assert!(matches!(
            srv.verify(later, &req, password),
            Verdict::Accepted { .. }
        ));
        assert_eq!(
            srv.seen.len(),
            3,
            "the first nonce is forgotten, the new one kept"
        );
        let all_young = srv
            .seen
            .keys()
            .all(|&(stamp, _)| nonce_age(t0, later, stamp) <= lifetime);
        assert!(all_young);
    }

    #[test]
    fn a_response_in_capitals_is_the_same_response() {
        let t0 = Instant::now();
        let (mut srv, mut ep, mut rng) = parts(t0);
        let mut req = signed(&srv, t0, &mut ep, &mut rng);
        let creds = &mut req.headers.authorization[0];
        creds.response = creds.response.to_ascii_uppercase();
        assert!(matches!(
            srv.verify(t0, &req, password),
            Verdict::Accepted { .. }
        ));
        let mut wrong = signed(&srv, t0, &mut ep, &mut rng);
        let creds = &mut wrong.headers.authorization[0];
        creds.response.replace_range(
            ..1,
            if creds.response.starts_with('0') {
                "1"
            } else {
                "0"
            },
        );
        assert!(matches!(
            srv.verify(t0, &wrong, password),
            Verdict::Refused(_)
        ));
    }

    #[test]
    fn credentials_for_one_number_do_not_call_another() {
        let t0 = Instant::now();
        let (mut srv, mut ep, mut rng) = parts(t0);
        let mut forged = signed_for(
            &srv,
            t0,
            &mut ep,
            &mut rng,
            Method::Invite,
            "sip:1001@pbx.test",
        );
        forged.uri = rsip::Uri::try_from("sip:4185557777@pbx.test").expect("uri");
        assert!(
            matches!(srv.verify(t0, &forged, password), Verdict::Challenge(_)),
            "a digest uri naming another number gets a new challenge, not a failure count"
        );
        // The same phone's own request, its Request-URI written with a parameter and the
        // default port where the digest has neither, goes through.
        let mut own = signed_for(
            &srv,
            t0,
            &mut ep,
            &mut rng,
            Method::Invite,
            "sip:1001@pbx.test",
        );
        own.uri = rsip::Uri::try_from("sip:1001@pbx.test:5060;user=phone").expect("uri");
        assert!(matches!(
            srv.verify(t0, &own, password),
            Verdict::Accepted { .. }
        ));
    }
}
