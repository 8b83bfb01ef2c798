//! Authentication primitives: argon2id password hashes, random tokens
//! stored as SHA-256 digests, the session cookie, and the limiter that
//! slows down repeated wrong passwords from one address.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "trunkline_session";
/// A console session lasts a working day.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// Hashes a password with argon2id and a random salt (PHC string).
///
/// # Errors
/// Only if argon2 refuses its own parameters, which would be a bug.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// True when `password` matches the stored PHC hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new random token (256 bits, hex) for a cookie or an API client.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps of a token.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The `Set-Cookie` value that opens a session.
pub fn session_cookie(token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}"
    )
}

/// The `Set-Cookie` value that ends it.
pub fn cleared_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The session token in a request's `Cookie` headers, if any.
pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// The token of an `Authorization: Bearer` header, if any.
pub fn bearer_token(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get(http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_owned())
}

/// Free attempts before an address is made to wait.
const FREE_FAILURES: u32 = 3;
const MAX_WAIT: Duration = Duration::from_secs(300);

/// Counts wrong passwords per address. After a few, each new failure makes
/// the address wait twice as long as the last (1 s, 2 s, 4 s … 5 min), so
/// guessing is slow while a person who mistyped barely notices. In memory
/// on purpose: a restart forgives, the log keeps the record.
#[derive(Default)]
pub struct LoginLimiter {
    // A std Mutex: held for a map lookup only, never across an await.
    entries: Mutex<HashMap<IpAddr, Failures>>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    blocked_until: Option<Instant>,
}

impl LoginLimiter {
    /// How long `addr` must still wait before trying again, if at all.
    pub fn wait(&self, addr: IpAddr, now: Instant) -> Option<Duration> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let until = entries.get(&addr)?.blocked_until?;
        (until > now).then(|| until - now)
    }

    /// Records a wrong password; returns the failure count.
    pub fn failed(&self, addr: IpAddr, now: Instant) -> u32 {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.entry(addr).or_insert(Failures {
            count: 0,
            blocked_until: None,
        });
        entry.count += 1;
        if entry.count > FREE_FAILURES {
            let exponent = (entry.count - FREE_FAILURES - 1).min(16);
            let wait = Duration::from_secs(1u64 << exponent).min(MAX_WAIT);
            entry.blocked_until = Some(now + wait);
        }
        entry.count
    }

    /// A successful login forgets the address's failures.
    pub fn succeeded(&self, addr: IpAddr) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&addr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hash_verifies_and_rejects() {
        let phc = hash_password("correct horse").expect("hash");
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("wrong horse", &phc));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_digested() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(token_digest(&a), a);
        assert_eq!(token_digest(&a), token_digest(&a));
    }

    #[test]
    fn cookie_is_httponly_and_strict() {
        let cookie = session_cookie("abc");
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Strict"));
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            http::HeaderValue::from_static("other=1; trunkline_session=abc"),
        );
        assert_eq!(session_token(&headers).as_deref(), Some("abc"));
    }

    #[test]
    fn limiter_slows_repeated_failures() {
        let limiter = LoginLimiter::default();
        let ip: IpAddr = "192.0.2.7".parse().expect("ip");
        let other: IpAddr = "192.0.2.8".parse().expect("ip");
        let t0 = Instant::now();
        for _ in 0..FREE_FAILURES {
            limiter.failed(ip, t0);
            assert_eq!(limiter.wait(ip, t0), None);
        }
        limiter.failed(ip, t0);
        assert_eq!(limiter.wait(ip, t0), Some(Duration::from_secs(1)));
        limiter.failed(ip, t0);
        assert_eq!(limiter.wait(ip, t0), Some(Duration::from_secs(2)));
        assert_eq!(limiter.wait(ip, t0 + Duration::from_secs(3)), None);
        assert_eq!(limiter.wait(other, t0), None, "other addresses unaffected");
        for _ in 0..40 {
            limiter.failed(ip, t0);
        }
        assert_eq!(limiter.wait(ip, t0), Some(MAX_WAIT));
        limiter.succeeded(ip);
        assert_eq!(limiter.wait(ip, t0), None);
    }
}
