//! SIP security: the toll-fraud guard's settings, named as FreePBX's
//! Intrusion Detection names them (Max retry, Find time, Ban time), and
//! the addresses it watches, as Services → IPBX → SIP security lists them.

use super::net::parse_in_range;
use super::FieldErrors;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Failures an address may make before it is slowed down: typing a
/// password wrong twice is human.
pub const FREE_TRIES: u32 = 3;

/// How the guard judges failed authentications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipSecurity {
    /// Failed authentications within `find_time` that block the address.
    pub max_retry: u32,
    /// Seconds over which failures are counted.
    pub find_time: u32,
    /// Seconds an address stays blocked.
    pub ban_time: u32,
}

/// FreePBX's defaults: 10 failures in 10 minutes block for 30 minutes.
impl Default for SipSecurity {
    fn default() -> Self {
        Self {
            max_retry: 10,
            find_time: 600,
            ban_time: 1800,
        }
    }
}

/// The form as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipSecurityInput {
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub max_retry: String,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub find_time: String,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub ban_time: String,
}

impl Default for SipSecurityInput {
    fn default() -> Self {
        SipSecurity::default().to_input()
    }
}

/// The longest ban: a week.
pub const MAX_BAN_TIME: u32 = 7 * 86_400;
/// The longest window: a day.
pub const MAX_FIND_TIME: u32 = 86_400;

impl SipSecurityInput {
    /// # Errors
    /// Every field out of its range, each named.
    pub fn validate(&self) -> Result<SipSecurity, FieldErrors> {
        let defaults = SipSecurity::default();
        let mut e = FieldErrors::new();
        // Fewer than 3 would block a person who mistypes a password twice,
        // which the guard forgives anyway.
        let max_retry = e.take(
            "max_retry",
            parse_in_range(
                "Max retry",
                &self.max_retry,
                3,
                1000,
                defaults.max_retry,
                " failed attempts",
            ),
        );
        let find_time = e.take(
            "find_time",
            parse_in_range(
                "Find time",
                &self.find_time,
                60,
                MAX_FIND_TIME,
                defaults.find_time,
                " seconds",
            ),
        );
        let ban_time = e.take(
            "ban_time",
            parse_in_range(
                "Ban time",
                &self.ban_time,
                60,
                MAX_BAN_TIME,
                defaults.ban_time,
                " seconds (a week at most)",
            ),
        );
        match (max_retry, find_time, ban_time) {
            (Some(max_retry), Some(find_time), Some(ban_time)) if e.is_empty() => Ok(SipSecurity {
                max_retry,
                find_time,
                ban_time,
            }),
            _ => Err(e),
        }
    }
}

impl SipSecurity {
    pub fn to_input(&self) -> SipSecurityInput {
        SipSecurityInput {
            max_retry: self.max_retry.to_string(),
            find_time: self.find_time.to_string(),
            ban_time: self.ban_time.to_string(),
        }
    }
}

/// The address the administrator lifts a block from.
///
/// # Errors
/// A sentence naming what was typed when it is not an IPv4 or IPv6 address.
pub fn parse_address(raw: &str) -> Result<IpAddr, String> {
    let value = raw.trim();
    value
        .parse()
        .map_err(|_| format!("\u{201c}{value}\u{201d} is not an IP address (such as 203.0.113.9)."))
}

/// The stored settings and their version, for the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipSecurityView {
    pub version: i64,
    #[serde(flatten)]
    pub settings: SipSecurity,
}

/// An address that failed to authenticate, as the screen lists it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WatchedAddress {
    pub address: String,
    /// Failures still counted, or that caused the block.
    pub failures: u32,
    /// Unix seconds of the last failure.
    pub last_failure: i64,
    /// Unix seconds until which it is blocked; `None` while it is only
    /// slowed down.
    pub blocked_until: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(max_retry: &str, find_time: &str, ban_time: &str) -> SipSecurityInput {
        SipSecurityInput {
            max_retry: max_retry.into(),
            find_time: find_time.into(),
            ban_time: ban_time.into(),
        }
    }

    #[test]
    fn defaults_round_trip() {
        assert_eq!(
            SipSecurityInput::default().validate(),
            Ok(SipSecurity::default())
        );
        assert_eq!(input("", "", "").validate(), Ok(SipSecurity::default()));
    }

    #[test]
    fn each_field_out_of_range_is_named() {
        let errors = input("2", "30", "999999999").validate().unwrap_err();
        assert_eq!(
            errors.get("max_retry"),
            Some("Max retry must be a whole number from 3 to 1000 failed attempts; \u{201c}2\u{201d} is not.")
        );
        assert!(errors
            .get("find_time")
            .is_some_and(|m| m.starts_with("Find time must be a whole number from 60 to 86400")));
        assert!(errors
            .get("ban_time")
            .is_some_and(|m| m.contains("a week at most")));
        let errors = input("ten", "600", "1800").validate().unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert!(errors.get("max_retry").is_some());
    }

    #[test]
    fn accepted_values() {
        assert_eq!(
            input(" 5 ", "120", "3600").validate(),
            Ok(SipSecurity {
                max_retry: 5,
                find_time: 120,
                ban_time: 3600
            })
        );
    }
}
