//! The complete configuration snapshot the SIP engine runs on. The console
//! rebuilds it after every change and publishes it on a watch channel; the
//! engine never reads the database itself.

use super::incall::Incall;
use super::nat::SipNat;
use super::outcall::Outcall;
use super::security::SipSecurity;
use super::trunk::Trunk;
use super::user::User;
use super::Context;
use serde::{Deserialize, Serialize};

/// A password the engine needs in clear (digest answers are computed from
/// it) but that must never be shown: no `Serialize`, redacted `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

/// One trunk as the engine needs it: configuration plus credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrunkConfig {
    pub id: i64,
    pub version: i64,
    pub trunk: Trunk,
    pub secret: Secret,
    /// The register password; empty means use `secret`.
    pub reg_secret: Secret,
}

/// One user with the line password the registrar checks digests with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserConfig {
    pub id: i64,
    pub version: i64,
    pub user: User,
    pub secret: Secret,
}

/// Everything the engine routes and registers with, at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PbxConfig {
    /// Increases with every published change.
    pub generation: u64,
    pub contexts: Vec<Context>,
    pub trunks: Vec<TrunkConfig>,
    pub users: Vec<UserConfig>,
    pub outcalls: Vec<Entry<Outcall>>,
    pub incalls: Vec<Entry<Incall>>,
    /// The toll-fraud guard's settings.
    pub security: SipSecurity,
    /// External address and local networks (SIP behind NAT).
    pub nat: SipNat,
}

/// A stored row: its id and the validated value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry<T> {
    pub id: i64,
    #[serde(flatten)]
    pub value: T,
}

/// What routing needs to know about a trunk; no secrets, so it may reach
/// the browser's route tester.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrunkRoute {
    pub id: i64,
    pub name: String,
    /// The trunk's default caller ID, used when nothing else sets one.
    pub caller_id: String,
    /// Where calls from this trunk arrive.
    pub context: String,
    pub disabled: bool,
}

/// The routing half of the configuration, without a single secret: what
/// the route resolver works on, in the engine and in the browser alike.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialPlan {
    pub contexts: Vec<Context>,
    pub users: Vec<Entry<User>>,
    pub outcalls: Vec<Entry<Outcall>>,
    pub incalls: Vec<Entry<Incall>>,
    pub trunks: Vec<TrunkRoute>,
}

impl PbxConfig {
    /// The routing view of this snapshot.
    pub fn dial_plan(&self) -> DialPlan {
        DialPlan {
            contexts: self.contexts.clone(),
            users: self
                .users
                .iter()
                .map(|u| Entry {
                    id: u.id,
                    value: u.user.clone(),
                })
                .collect(),
            outcalls: self.outcalls.clone(),
            incalls: self.incalls.clone(),
            trunks: self
                .trunks
                .iter()
                .map(|t| TrunkRoute {
                    id: t.id,
                    name: t.trunk.name.clone(),
                    caller_id: t.trunk.caller_id.clone(),
                    context: t.trunk.context.clone(),
                    disabled: t.trunk.disabled,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted_in_debug() {
        let s = Secret::new("provider_password");
        assert_eq!(format!("{s:?}"), "\"***\"");
        assert_eq!(s.expose(), "provider_password");
    }
}
