//! Digest client (RFC 3261 §22.2, RFC 7616 §3.4): answers 401/407 by adding credentials to the
//! retried request. Must not retry forever: failures are bounded, `stale=true` is not a failure.

use super::digest::{self, Input};
use crate::sip::proto::header::{Algorithm, Challenge, Credentials, Qop};
use crate::sip::proto::message::{Request, Response};
use crate::sip::proto::rng::Rng;

/// Why a challenge could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The response was not a 401 or 407, or carried no Digest challenge.
    #[error("response {status} carries no digest challenge")]
    NoChallenge { status: u16 },
    /// Every offered challenge needs an algorithm or qop we do not implement (peer-side choice).
    #[error("no supported digest algorithm or qop offered")]
    Unsupported,
    /// The server refused our credentials `tries` times: the password is probably wrong.
    #[error("credentials refused {tries} times")]
    TooManyTries { tries: u32 },
}

/// Per-account digest state: password, nonce count and failure budget.
#[derive(Clone)]
pub struct DigestClient {
    username: String,
    password: String,
    max_tries: u32,
    failures: u32,
    nonce: Option<String>,
    nc: u32,
}

/// Written out by hand so that a debug print never shows the password.
impl std::fmt::Debug for DigestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestClient")
            .field("username", &self.username)
            .field("password", &"***")
            .field("max_tries", &self.max_tries)
            .field("failures", &self.failures)
            .field("nonce", &self.nonce)
            .field("nc", &self.nc)
            .finish()
    }
}

impl DigestClient {
    pub fn new(username: impl Into<String>, password: impl Into<String>, max_tries: u32) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
            max_tries,
            failures: 0,
            nonce: None,
            nc: 0,
        }
    }

    /// Call after a success so the next round starts with a full budget.
    pub fn reset(&mut self) {
        self.failures = 0;
        self.nonce = None;
    }

    /// Prefers SHA-256 over MD5 (RFC 8760 §2.4) and qop=auth over none; skips what we cannot do.
    fn pick(challenges: &[Challenge]) -> Option<&Challenge> {
        let usable = |c: &&Challenge| {
            !matches!(c.algorithm, Algorithm::Other(_))
                && (c.qop.is_empty() || c.qop.contains(&Qop::Auth))
        };
        challenges
            .iter()
            .filter(usable)
            .find(|c| c.algorithm == Algorithm::Sha256)
            .or_else(|| challenges.iter().find(usable))
    }

    /// Adds Authorization (for 401) or Proxy-Authorization (for 407) to `retry`, which must be the
    /// request to resend (new branch, CSeq already incremented by the caller).
    ///
    /// # Errors
    /// No usable challenge, or the failure budget is spent.
    pub fn answer(
        &mut self,
        challenge_response: &Response,
        retry: &mut Request,
        rng: &mut Rng,
    ) -> Result<(), AuthError> {
        let status = challenge_response.status;
        let h = &challenge_response.headers;
        let challenges = match status {
            401 => &h.www_authenticate,
            407 => &h.proxy_authenticate,
            _ => return Err(AuthError::NoChallenge { status }),
        };
        if challenges.is_empty() {
            return Err(AuthError::NoChallenge { status });
        }
        let ch = Self::pick(challenges).ok_or(AuthError::Unsupported)?;
        // A stale nonce means our password was right (RFC 7616 §3.3): retry without counting it.
        // The first challenge of a round is expected; each later non-stale one is a refusal.
        if self.nonce.is_some() && !ch.stale {
            self.failures += 1;
        }
        let retried_same_nonce = self.nonce.as_deref() == Some(ch.nonce.as_str());
        if self.failures >= self.max_tries {
            return Err(AuthError::TooManyTries {
                tries: self.failures,
            });
        }
        if !retried_same_nonce {
            self.nonce = Some(ch.nonce.clone());
            self.nc = 0;
        }
        self.nc += 1;
        let cnonce = rng.token(16);
        let uri = retry.uri.to_string();
        let method = retry.method.to_string();
        let qop_auth = (!ch.qop.is_empty()).then_some((self.nc, cnonce.as_str()));
        let input = Input {
            algorithm: &ch.algorithm,
            username: &self.username,
            realm: &ch.realm,
            password: &self.password,
            method: &method,
            uri: &uri,
            nonce: &ch.nonce,
            qop_auth,
        };
        let response = digest::response(&input).ok_or(AuthError::Unsupported)?;
        let creds = Credentials {
            username: self.username.clone(),
            realm: ch.realm.clone(),
            nonce: ch.nonce.clone(),
            uri,
            response,
            algorithm: Some(ch.algorithm.clone()),
            cnonce: qop_auth.map(|_| cnonce.clone()),
            opaque: ch.opaque.clone(),
            qop: qop_auth.map(|_| Qop::Auth),
            nc: qop_auth.map(|(nc, _)| nc),
        };
        let list = if status == 401 {
            &mut retry.headers.authorization
        } else {
            &mut retry.headers.proxy_authorization
        };
        list.retain(|c| c.realm != creds.realm);
        list.push(creds);
        Ok(())
    }
}
