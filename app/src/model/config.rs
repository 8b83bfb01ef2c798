//! The complete configuration snapshot the SIP engine runs on. The console
//! publishes a new one after every change on a watch channel; the engine
//! never reads the database itself. Trunks and users (the tables that grow
//! to thousands) are shared per row (`Arc`), so a change makes the next
//! snapshot by replacing its own rows, and says which in [`Delta`].

pub mod delta;

pub use delta::Delta;

use super::incall::Incall;
use super::nat::SipNat;
use super::outcall::Outcall;
use super::security::SipSecurity;
use super::trunk::Trunk;
use super::user::User;
use super::Context;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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

impl TrunkConfig {
    /// What routing needs of this trunk.
    pub fn route(&self) -> TrunkRoute {
        TrunkRoute {
            id: self.id,
            name: self.trunk.name.clone(),
            caller_id: self.trunk.caller_id.clone(),
            context: self.trunk.context.clone(),
            disabled: self.trunk.disabled,
        }
    }
}

/// One user with the line password the registrar checks digests with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserConfig {
    pub id: i64,
    pub version: i64,
    pub user: User,
    pub secret: Secret,
}

impl UserConfig {
    /// The user as the dial plan has it (no password).
    pub fn entry(&self) -> Entry<User> {
        Entry {
            id: self.id,
            value: self.user.clone(),
        }
    }
}

/// Everything the engine routes and registers with, at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PbxConfig {
    /// Increases with every published change.
    pub generation: u64,
    pub contexts: Vec<Context>,
    /// By name (the order of the trunk list).
    pub trunks: Vec<Arc<TrunkConfig>>,
    /// By context, then extension (shorter first).
    pub users: Vec<Arc<UserConfig>>,
    pub outcalls: Vec<Entry<Outcall>>,
    pub incalls: Vec<Entry<Incall>>,
    /// The toll-fraud guard's settings.
    pub security: SipSecurity,
    /// External address and local networks (SIP behind NAT).
    pub nat: SipNat,
    /// What changed from the snapshot before, as its publisher knew it.
    pub delta: Delta,
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
    /// Users by id and by number, for the engine's copy (see `routing::index`).
    #[serde(skip)]
    pub index: crate::model::routing::index::Index,
}

use delta::Row;

impl PbxConfig {
    /// A snapshot of these trunks (each its own row) and nothing else, at
    /// `generation`: what tests of the engine publish.
    pub fn of_trunks(generation: u64, trunks: Vec<TrunkConfig>) -> Self {
        let mut config = Self {
            generation,
            trunks: trunks.into_iter().map(Arc::new).collect(),
            ..Self::default()
        };
        config.sort();
        config
    }

    /// Puts trunks and users in their order ([`delta::Row::order`]), the one
    /// an incremental change keeps.
    pub fn sort(&mut self) {
        self.trunks.sort_by(Row::order);
        self.users.sort_by(Row::order);
    }

    /// Trunk `id`, found by a scan (no per-change index to maintain).
    pub fn trunk(&self, id: i64) -> Option<&Arc<TrunkConfig>> {
        self.trunks.iter().find(|t| t.id == id)
    }

    /// User `id`.
    pub fn user(&self, id: i64) -> Option<&Arc<UserConfig>> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The routing view of this snapshot.
    pub fn dial_plan(&self) -> DialPlan {
        DialPlan {
            contexts: self.contexts.clone(),
            users: self.users.iter().map(|u| u.entry()).collect(),
            outcalls: self.outcalls.clone(),
            incalls: self.incalls.clone(),
            trunks: self.trunks.iter().map(|t| t.route()).collect(),
            index: Default::default(),
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
