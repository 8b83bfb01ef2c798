//! Dial-plan contexts, as XiVO's PBX settings → Contexts screen has them:
//! a name, a label, a type, number ranges and ordered includes.
//!
//! [`ContextInput`] is the form as typed, [`Context`] the validated one.
//! Contexts have no secrets, so the validated form is also the view.

mod validate;

pub use validate::ContextRules;

use crate::model::dialplan::{NumberingPlan, PlanEntry};
use serde::{Deserialize, Serialize};

/// Kinds of context, as XiVO names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextKind {
    /// Users' extensions live here.
    Internal,
    /// Where calls from trunks arrive (DIDs).
    Incall,
    /// Where outgoing-call patterns live.
    Outcall,
}

impl ContextKind {
    pub const ALL: [ContextKind; 3] = [
        ContextKind::Internal,
        ContextKind::Incall,
        ContextKind::Outcall,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContextKind::Internal => "internal",
            ContextKind::Incall => "incall",
            ContextKind::Outcall => "outcall",
        }
    }

    /// What the console's type select shows.
    pub fn label(self) -> &'static str {
        match self {
            ContextKind::Internal => "Internal (users)",
            ContextKind::Incall => "Incoming calls",
            ContextKind::Outcall => "Outgoing calls",
        }
    }

    /// "internal", "incoming-call", "outgoing-call": as in "an internal context".
    pub fn noun(self) -> &'static str {
        match self {
            ContextKind::Internal => "internal",
            ContextKind::Incall => "incoming-call",
            ContextKind::Outcall => "outgoing-call",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "internal" => Some(ContextKind::Internal),
            "incall" => Some(ContextKind::Incall),
            "outcall" => Some(ContextKind::Outcall),
            _ => None,
        }
    }
}

/// Numbers from `first` to `last`, both included, of the same length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberRange {
    pub first: String,
    pub last: String,
}

impl NumberRange {
    /// Same length and between the ends: digit strings of one length
    /// compare as numbers when compared as text.
    pub fn contains(&self, number: &str) -> bool {
        number.len() == self.first.len()
            && self.first.as_str() <= number
            && number <= self.last.as_str()
    }

    /// `1000-1999`, or `1000` for a range of one number.
    pub fn display(&self) -> String {
        if self.first == self.last {
            self.first.clone()
        } else {
            format!("{}-{}", self.first, self.last)
        }
    }
}

/// A validated dial-plan context (`from-extern`, shown as "Incalls").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    pub name: String,
    pub label: String,
    pub kind: ContextKind,
    /// Internal contexts: where users' extensions may be numbered.
    #[serde(default)]
    pub user_ranges: Vec<NumberRange>,
    /// Incoming-call contexts: the DIDs this context answers for.
    #[serde(default)]
    pub did_ranges: Vec<NumberRange>,
    /// Incoming-call contexts: when set, only the last `did_length` digits
    /// of a DID are compared with the DID ranges (XiVO's "DID length").
    #[serde(default)]
    pub did_length: Option<u8>,
    /// Outgoing-call contexts: the lengths of the numbers dialed out
    /// (10 for North American numbers). Only used to warn about patterns
    /// no such number reaches; empty means unknown.
    #[serde(default)]
    pub number_lengths: Vec<u8>,
    /// Contexts searched after this one, in order.
    #[serde(default)]
    pub includes: Vec<String>,
}

impl Context {
    /// "Incalls (from-extern)": the label first, as XiVO's selects show it.
    pub fn display(&self) -> String {
        format!("{} ({})", self.label, self.name)
    }

    /// Whether `exten` may be a user's extension here. A context without
    /// user ranges accepts any number, as a fresh XiVO context does until
    /// ranges are set.
    pub fn allows_user_exten(&self, exten: &str) -> bool {
        self.user_ranges.is_empty() || self.user_ranges.iter().any(|r| r.contains(exten))
    }

    /// Whether incoming calls to `did` (digits, no `+`) belong here.
    pub fn allows_did(&self, did: &str) -> bool {
        if self.did_ranges.is_empty() {
            return true;
        }
        let compared = match self.did_length {
            Some(len) if did.len() > usize::from(len) => &did[did.len() - usize::from(len)..],
            _ => did,
        };
        self.did_ranges.iter().any(|r| r.contains(compared))
    }

    /// The numbering plan the pattern warnings judge against.
    pub fn numbering_plan(&self) -> NumberingPlan {
        NumberingPlan::new(
            self.number_lengths
                .iter()
                .map(|l| PlanEntry::Length(usize::from(*l)))
                .collect(),
        )
        .unwrap_or_default()
    }

    /// "1000-1999, 2000-2099" for error messages and lists.
    pub fn ranges_label(ranges: &[NumberRange]) -> String {
        ranges
            .iter()
            .map(NumberRange::display)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn to_input(&self) -> ContextInput {
        let rows = |ranges: &[NumberRange]| {
            ranges
                .iter()
                .map(|r| RangeInput {
                    first: r.first.clone(),
                    last: r.last.clone(),
                })
                .collect()
        };
        ContextInput {
            name: self.name.clone(),
            label: self.label.clone(),
            kind: self.kind.as_str().into(),
            user_ranges: rows(&self.user_ranges),
            did_ranges: rows(&self.did_ranges),
            did_length: self.did_length.map(|l| l.to_string()).unwrap_or_default(),
            number_lengths: self
                .number_lengths
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            includes: self.includes.clone(),
        }
    }
}

/// The context named `raw` when it is of `kind`; otherwise a sentence
/// listing the contexts that are, for the form's Context field.
pub fn pick<'a>(
    contexts: &'a [Context],
    raw: &str,
    kind: ContextKind,
) -> Result<&'a Context, String> {
    let value = raw.trim();
    if let Some(found) = contexts.iter().find(|c| c.name == value && c.kind == kind) {
        return Ok(found);
    }
    let names: Vec<String> = contexts
        .iter()
        .filter(|c| c.kind == kind)
        .map(Context::display)
        .collect();
    let article = if kind == ContextKind::Internal {
        "an"
    } else {
        "a"
    };
    Err(format!(
        "Choose {article} {} context ({}); \u{201c}{value}\u{201d} is not one.",
        kind.noun(),
        names.join(", ")
    ))
}

/// One range row as typed; `last` blank means a single number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RangeInput {
    pub first: String,
    pub last: String,
}

/// The context form as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContextInput {
    pub name: String,
    pub label: String,
    pub kind: String,
    pub user_ranges: Vec<RangeInput>,
    pub did_ranges: Vec<RangeInput>,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub did_length: String,
    /// "10, 11": lengths of numbers dialed out (outgoing-call contexts).
    pub number_lengths: String,
    pub includes: Vec<String>,
}

impl Default for ContextInput {
    fn default() -> Self {
        Self {
            name: String::new(),
            label: String::new(),
            kind: ContextKind::Internal.as_str().into(),
            user_ranges: Vec::new(),
            did_ranges: Vec::new(),
            did_length: String::new(),
            number_lengths: String::new(),
            includes: Vec::new(),
        }
    }
}

/// A context as listed: with its version, for the concurrency rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextView {
    pub version: i64,
    pub context: Context,
}

#[cfg(test)]
mod tests;
