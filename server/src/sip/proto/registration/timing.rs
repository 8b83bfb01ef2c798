//! Registration layer: the pure timing rules of chan_sip (REFERENCE.md §6) and RFC 3261 §10.2.4
//! (expiry from Contact `expires=`, then `Expires`), §21.4.17 (423 Min-Expires) and §20.33
//! (Retry-After). Must not keep state or read the clock: inputs in, durations out.

use std::time::Duration;

use crate::sip::proto::header::Contact;
use crate::sip::proto::message::Response;

/// chan_sip `EXPIRY_GUARD_LIMIT`: above this, refresh a fixed 15 s early.
const GUARD_LIMIT_SECS: u32 = 30;
/// chan_sip `EXPIRY_GUARD_SECS`.
const GUARD_SECS: u64 = 15;
/// chan_sip `EXPIRY_GUARD_MIN` (ms) and `EXPIRY_GUARD_PCT` (20 %).
const GUARD_MIN_MS: u64 = 500;
/// Upper bound of the auth-failure back-off: an hour is longer than any intrusion filter's ban.
pub const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// Time from a 200 to its refresh: expires - 15 s above 30 s, else expires - max(20 %, 0.5 s).
pub fn refresh_interval(expires: u32) -> Duration {
    let ms = u64::from(expires) * 1000;
    let early = if expires > GUARD_LIMIT_SECS {
        GUARD_SECS * 1000
    } else {
        (ms / 5).max(GUARD_MIN_MS)
    };
    Duration::from_millis(ms.saturating_sub(early))
}

/// The expiry the registrar granted: our Contact's `expires=`, else `Expires`, else `requested`.
/// A registrar that lists several bindings is read for ours; one lone Contact is taken as ours
/// because registrars rewrite the URI (received address, parameter order).
pub fn granted_expiry(response: &Response, our_contact_uri: &str, requested: u32) -> u32 {
    let h = &response.headers;
    let uri_of = |c: &Contact| match c {
        Contact::Addr(a) => Some(a.uri.split(';').next().unwrap_or_default().to_string()),
        Contact::Wildcard => None,
    };
    let ours = our_contact_uri.split(';').next().unwrap_or_default();
    let mine = h
        .contact
        .iter()
        .find(|c| uri_of(c).is_some_and(|u| u.eq_ignore_ascii_case(ours)))
        .or_else(|| (h.contact.len() == 1).then(|| &h.contact[0]));
    mine.and_then(Contact::expires)
        .or(h.expires.map(|e| e.0))
        .filter(|e| *e > 0)
        .unwrap_or(requested)
}

/// RFC 3261 §20.33 `Retry-After: 120 (comment);duration=..`: the leading delta-seconds.
pub fn retry_after(response: &Response) -> Option<Duration> {
    let v = response.headers.extra("Retry-After")?.trim();
    let digits: &str = &v[..v.bytes().take_while(u8::is_ascii_digit).count()];
    digits.parse::<u64>().ok().map(Duration::from_secs)
}

/// Delay before the next try after `failures` consecutive credential refusals: the register
/// timeout doubled per refusal, so an intrusion filter sees our rate fall, never rise.
pub fn auth_backoff(base: Duration, failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    base.saturating_mul(1 << doublings).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_rules_long_and_short() {
        assert_eq!(refresh_interval(120), Duration::from_secs(105));
        assert_eq!(refresh_interval(3600), Duration::from_secs(3585));
        assert_eq!(refresh_interval(31), Duration::from_secs(16));
        // 30 s and below: 20 % early, at least 0.5 s.
        assert_eq!(refresh_interval(30), Duration::from_secs(24));
        assert_eq!(refresh_interval(5), Duration::from_secs(4));
        assert_eq!(refresh_interval(2), Duration::from_millis(1500));
        assert_eq!(refresh_interval(0), Duration::ZERO);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let base = Duration::from_secs(20);
        let got: Vec<u64> = (1..=4).map(|n| auth_backoff(base, n).as_secs()).collect();
        assert_eq!(got, [20, 40, 80, 160]);
        assert_eq!(auth_backoff(base, 40), MAX_BACKOFF);
    }
}
