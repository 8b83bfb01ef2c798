//! Authentication primitives: argon2id password hashes, random tokens
//! stored as SHA-256 digests, the session cookie and the session's CSRF
//! token. The login limiter is in `login_limiter`.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub use crate::api::client::{CSRF_COOKIE, CSRF_HEADER};
pub use crate::ssr::login_limiter::LoginLimiter;

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

/// A hash of a password nobody knows, made with argon2's default
/// parameters like every stored hash: a login for a username that does
/// not exist is checked against it, so that it takes as long to refuse as
/// a wrong password and the time does not tell which usernames exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$Z6eKzpFlaVCnW56T30vBnw$X9uUSLP/Z8EsLtvFCnd1IsX66q5/H3F0Hgp71zmDhvc";

/// Checks `password` against the stored hash, or against [`DUMMY_HASH`]
/// when there is none (unknown username): the same work either way.
pub fn verify_password_or_dummy(password: &str, phc: Option<&str>) -> bool {
    let matched = verify_password(password, phc.unwrap_or(DUMMY_HASH));
    matched && phc.is_some()
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
    cookie(headers, SESSION_COOKIE)
}

/// The CSRF token a request's `Cookie` headers carry, if any.
pub fn csrf_cookie_token(headers: &http::HeaderMap) -> Option<String> {
    cookie(headers, CSRF_COOKIE)
}

fn cookie(headers: &http::HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// The session's CSRF token: derived from the session token, which only
/// the browser holding the session has (HttpOnly), so the server needs
/// to store nothing and a token cannot be carried to another session. The
/// label keeps it apart from the digest the database stores.
pub fn csrf_token(session: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"trunkline csrf token\0");
    hasher.update(session.as_bytes());
    hex::encode(hasher.finalize())
}

/// True when `given` is the session's CSRF token; compares in constant
/// time, so the answer's timing does not reveal how much of it was right.
pub fn csrf_token_matches(session: &str, given: &str) -> bool {
    let expected = csrf_token(session);
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// The `Set-Cookie` value that hands the session's CSRF token to the
/// page's script: readable by it (no HttpOnly), sent to no other site.
pub fn csrf_cookie(session: &str) -> String {
    format!(
        "{CSRF_COOKIE}={}; Path=/; SameSite=Strict; Max-Age={SESSION_SECONDS}",
        csrf_token(session)
    )
}

/// The `Set-Cookie` value that removes it.
pub fn cleared_csrf_cookie() -> String {
    format!("{CSRF_COOKIE}=; Path=/; SameSite=Strict; Max-Age=0")
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
    fn dummy_hash_costs_what_a_stored_hash_costs() {
        let stored = hash_password("any").expect("hash");
        let stored = PasswordHash::new(&stored).expect("phc");
        let dummy = PasswordHash::new(DUMMY_HASH).expect("dummy phc");
        assert_eq!(dummy.algorithm, stored.algorithm);
        assert_eq!(dummy.version, stored.version);
        assert_eq!(
            dummy.params, stored.params,
            "argon2's defaults changed: make a new DUMMY_HASH"
        );
        assert!(!verify_password_or_dummy("any", None));
    }

    #[test]
    fn csrf_token_belongs_to_its_session() {
        let token = csrf_token("session-a");
        assert!(csrf_token_matches("session-a", &token));
        assert!(!csrf_token_matches("session-b", &token));
        assert!(!csrf_token_matches("session-a", ""));
        assert_ne!(token, token_digest("session-a"));
        assert!(!csrf_cookie("session-a").contains("HttpOnly"));
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
}
