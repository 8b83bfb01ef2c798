//! Outgoing calls (Call management → Outgoing calls): which numbers leave
//! through which trunks, in which order, transformed how.
//!
//! [`OutcallInput`] is the form as typed; [`Outcall`] the validated one.

mod validate;

pub use validate::{warnings, OutcallRules};

use crate::model::dialplan::DialPattern;
use serde::{Deserialize, Serialize};

/// Longest ring time of an outgoing call; 0 means no limit.
pub const MAX_RINGTIME: u16 = 300;
/// Most leading digits a pattern may strip.
pub const MAX_STRIP: u8 = 20;

/// One pattern of an outgoing call (XiVO's Exten tab row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcallExten {
    pub pattern: DialPattern,
    /// Leading digits removed from the dialed number.
    pub strip: u8,
    /// Put in front of what is left (digits, `+`, `*`, `#`).
    pub prefix: String,
    /// Caller ID number for calls through this pattern; empty for none.
    pub caller_id: String,
}

impl AsRef<DialPattern> for OutcallExten {
    fn as_ref(&self) -> &DialPattern {
        &self.pattern
    }
}

impl OutcallExten {
    /// The number every trunk receives: strip, then prefix (REFERENCE §4).
    pub fn transform(&self, dialed: &str) -> String {
        let kept = dialed
            .char_indices()
            .nth(usize::from(self.strip))
            .map_or("", |(i, _)| &dialed[i..]);
        format!("{}{}", self.prefix, kept)
    }
}

/// A validated outgoing call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcall {
    pub name: String,
    pub context: String,
    /// Trunk ids, tried in this order.
    pub trunks: Vec<i64>,
    /// Seconds before an unanswered call gives up; 0 = no limit.
    pub ringtime: u16,
    /// Keep the caller's own caller ID (calls between sites).
    pub internal: bool,
    pub extens: Vec<OutcallExten>,
}

impl Outcall {
    pub fn to_input(&self) -> OutcallInput {
        OutcallInput {
            name: self.name.clone(),
            context: self.context.clone(),
            trunks: self.trunks.clone(),
            ringtime: self.ringtime.to_string(),
            internal: self.internal,
            extens: self
                .extens
                .iter()
                .map(|x| ExtenInput {
                    pattern: x.pattern.display().to_owned(),
                    strip: x.strip.to_string(),
                    prefix: x.prefix.clone(),
                    caller_id: x.caller_id.clone(),
                })
                .collect(),
        }
    }
}

/// One Exten row as typed: `418.` without the `_`, as XiVO shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExtenInput {
    pub pattern: String,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub strip: String,
    pub prefix: String,
    pub caller_id: String,
}

impl Default for ExtenInput {
    fn default() -> Self {
        Self {
            pattern: String::new(),
            strip: "0".into(),
            prefix: String::new(),
            caller_id: String::new(),
        }
    }
}

/// The outgoing-call form as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutcallInput {
    pub name: String,
    pub context: String,
    pub trunks: Vec<i64>,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub ringtime: String,
    pub internal: bool,
    pub extens: Vec<ExtenInput>,
}

impl Default for OutcallInput {
    fn default() -> Self {
        Self {
            name: String::new(),
            context: "to-extern".into(),
            trunks: Vec::new(),
            ringtime: "0".into(),
            internal: false,
            extens: Vec::new(),
        }
    }
}

/// An outgoing call as it leaves the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcallView {
    pub id: i64,
    pub version: i64,
    pub outcall: Outcall,
}

/// A saved outgoing call and the warnings its patterns raise (saving is
/// never refused for them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcallSaved {
    pub view: OutcallView,
    pub warnings: Vec<String>,
}

#[cfg(test)]
mod tests;
