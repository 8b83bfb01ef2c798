//! Incoming calls (Call management → Incoming calls): where a call to one
//! of the office's public numbers (a DID) goes.
//!
//! [`IncallInput`] is the form as typed; [`Incall`] the validated one.

mod validate;

pub use validate::{normalize_did, IncallRules};

use serde::{Deserialize, Serialize};

/// Where an incoming call goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum IncallDestination {
    /// Ring every registered phone of this user's line.
    User { user_id: i64 },
    /// Refuse the call.
    Hangup,
}

/// What happens to the caller's name shown to the callee (XiVO's
/// "Caller ID name" mode on an incoming call).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallerIdNameMode {
    None,
    Prepend,
    Overwrite,
    Append,
}

impl CallerIdNameMode {
    pub const ALL: [CallerIdNameMode; 4] = [
        CallerIdNameMode::None,
        CallerIdNameMode::Prepend,
        CallerIdNameMode::Overwrite,
        CallerIdNameMode::Append,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallerIdNameMode::None => "none",
            CallerIdNameMode::Prepend => "prepend",
            CallerIdNameMode::Overwrite => "overwrite",
            CallerIdNameMode::Append => "append",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CallerIdNameMode::None => "Leave as received",
            CallerIdNameMode::Prepend => "Prepend",
            CallerIdNameMode::Overwrite => "Overwrite",
            CallerIdNameMode::Append => "Append",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw)
    }

    /// The name the callee's phone shows for a caller named `received`.
    pub fn apply(self, text: &str, received: &str) -> String {
        match self {
            CallerIdNameMode::None => received.to_owned(),
            CallerIdNameMode::Overwrite => text.to_owned(),
            CallerIdNameMode::Prepend => format!("{text}{received}"),
            CallerIdNameMode::Append => format!("{received}{text}"),
        }
    }
}

/// A validated incoming call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incall {
    /// Digits only; a leading `+` typed or received is dropped.
    pub did: String,
    pub context: String,
    pub destination: IncallDestination,
    pub caller_id_mode: CallerIdNameMode,
    pub caller_id_text: String,
}

impl Incall {
    pub fn to_input(&self) -> IncallInput {
        let (destination, user_id) = match self.destination {
            IncallDestination::User { user_id } => ("user", Some(user_id)),
            IncallDestination::Hangup => ("hangup", None),
        };
        IncallInput {
            did: self.did.clone(),
            context: self.context.clone(),
            destination: destination.into(),
            user_id,
            caller_id_mode: self.caller_id_mode.as_str().into(),
            caller_id_text: self.caller_id_text.clone(),
        }
    }
}

/// The incoming-call form as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IncallInput {
    #[serde(deserialize_with = "crate::model::text::lenient_string")]
    pub did: String,
    pub context: String,
    /// `user` or `hangup`.
    pub destination: String,
    pub user_id: Option<i64>,
    pub caller_id_mode: String,
    pub caller_id_text: String,
}

impl Default for IncallInput {
    fn default() -> Self {
        Self {
            did: String::new(),
            context: "from-extern".into(),
            destination: "user".into(),
            user_id: None,
            caller_id_mode: "none".into(),
            caller_id_text: String::new(),
        }
    }
}

/// An incoming call as it leaves the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncallView {
    pub id: i64,
    pub version: i64,
    pub incall: Incall,
}

#[cfg(test)]
mod tests;
