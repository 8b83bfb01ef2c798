//! Digest computation (RFC 2617 §3.2.2, RFC 7616 §3.4.1): HA1, HA2 and the response value.
//! Must not choose policy (which challenge, how many tries): the client and server do.

use md5::{Digest, Md5};
use sha2::Sha256;

use crate::sip::proto::header::{Algorithm, Qop};

/// Hex digest of `data` with `alg`; `None` for algorithms we do not implement.
pub fn hash(alg: &Algorithm, data: &[u8]) -> Option<String> {
    hash_parts(alg, &[data])
}

/// Hex digest of the concatenation of `parts`, fed to the hasher one by
/// one rather than joined into a string first (three of these per
/// checked REGISTER or INVITE, and the nonce's keyed hash).
pub(crate) fn hash_parts(alg: &Algorithm, parts: &[&[u8]]) -> Option<String> {
    fn run<D: Digest>(parts: &[&[u8]]) -> String {
        let mut hasher = D::new();
        for part in parts {
            hasher.update(part);
        }
        lower_hex(&hasher.finalize())
    }
    match alg {
        Algorithm::Md5 => Some(run::<Md5>(parts)),
        Algorithm::Sha256 => Some(run::<Sha256>(parts)),
        Algorithm::Other(_) => None,
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex into one exactly sized string: every REGISTER and INVITE
/// we check hashes three to four times, and the `hex` crate's
/// char-by-char collect showed in profiles.
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        push_hex(&mut out, u64::from(b), 2);
    }
    out
}

/// Appends the low `digits` hex digits of `value`, zero-padded, lowercase.
pub(crate) fn push_hex(out: &mut String, value: u64, digits: u32) {
    for place in (0..digits).rev() {
        let nibble = (value >> (place * 4)) & 0xf;
        out.push(char::from(HEX_DIGITS[nibble as usize]));
    }
}

/// Everything the response value depends on. No `Debug`: it holds the
/// password.
#[derive(Clone)]
pub struct Input<'a> {
    pub algorithm: &'a Algorithm,
    pub username: &'a str,
    pub realm: &'a str,
    pub password: &'a str,
    pub method: &'a str,
    pub uri: &'a str,
    pub nonce: &'a str,
    /// `Some((nc, cnonce))` with qop=auth; `None` for the RFC 2069 form without qop.
    pub qop_auth: Option<(u32, &'a str)>,
}

/// The `response=` value for `input`, or `None` for an unsupported algorithm.
pub fn response(input: &Input<'_>) -> Option<String> {
    let alg = input.algorithm;
    let ha1 = hash_parts(
        alg,
        &[
            input.username.as_bytes(),
            b":",
            input.realm.as_bytes(),
            b":",
            input.password.as_bytes(),
        ],
    )?;
    let ha2 = hash_parts(alg, &[input.method.as_bytes(), b":", input.uri.as_bytes()])?;
    let (ha1, nonce, ha2) = (ha1.as_bytes(), input.nonce.as_bytes(), ha2.as_bytes());
    match input.qop_auth {
        Some((nc, cnonce)) => {
            let mut nc_hex = String::with_capacity(8);
            push_hex(&mut nc_hex, u64::from(nc), 8);
            hash_parts(
                alg,
                &[
                    ha1,
                    b":",
                    nonce,
                    b":",
                    nc_hex.as_bytes(),
                    b":",
                    cnonce.as_bytes(),
                    b":",
                    Qop::Auth.as_str().as_bytes(),
                    b":",
                    ha2,
                ],
            )
        }
        None => hash_parts(alg, &[ha1, b":", nonce, b":", ha2]),
    }
}

/// Compares two strings in time that depends only on their lengths, so a wrong response does not
/// leak how many leading characters matched.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `constant_time_eq` with ASCII letters of `b` taken in lower case: a client may send its
/// response's hex digits in capitals (RFC 2617 §3.2.2 asks for lower case), and this compares
/// them without copying `b` first.
pub fn constant_time_eq_ignore_case(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y.to_ascii_lowercase()))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 2617 §3.5.
    #[test]
    fn rfc2617_mufasa() {
        let input = Input {
            algorithm: &Algorithm::Md5,
            username: "Mufasa",
            realm: "testrealm@host.com",
            password: "Circle Of Life",
            method: "GET",
            uri: "/dir/index.html",
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            qop_auth: Some((1, "0a4f113b")),
        };
        assert_eq!(
            response(&input).as_deref(),
            Some("6629fae49393a05397450978507c4ef1")
        );
    }

    /// RFC 7616 §3.9.1, MD5 and SHA-256.
    #[test]
    fn rfc7616_examples() {
        let other = Algorithm::Other("SHA-512-256".into());
        let mut input = Input {
            algorithm: &Algorithm::Md5,
            username: "Mufasa",
            realm: "http-auth@example.org",
            password: "Circle of Life",
            method: "GET",
            uri: "/dir/index.html",
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            qop_auth: Some((1, "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")),
        };
        assert_eq!(
            response(&input).as_deref(),
            Some("8ca523f5e9506fed4657c9700eebdbec")
        );
        input.algorithm = &Algorithm::Sha256;
        assert_eq!(
            response(&input).as_deref(),
            Some("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        );
        input.algorithm = &other;
        assert_eq!(response(&input), None);
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
        assert!(constant_time_eq_ignore_case("6629fae4", "6629FAE4"));
        assert!(!constant_time_eq_ignore_case("6629fae4", "6629fae5"));
        assert!(!constant_time_eq_ignore_case("6629fae4", "6629fae"));
    }
}
