//! The complete configuration snapshot the SIP engine runs on. The console
//! rebuilds it after every change and publishes it on a watch channel; the
//! engine never reads the database itself.

use super::trunk::Trunk;
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
    pub fn as_str(self) -> &'static str {
        match self {
            ContextKind::Internal => "internal",
            ContextKind::Incall => "incall",
            ContextKind::Outcall => "outcall",
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

/// A dial-plan context (`from-extern`, shown as "Incalls").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    pub name: String,
    pub label: String,
    pub kind: ContextKind,
}

impl Context {
    /// "Incalls (from-extern)": the label first, as XiVO's selects show it.
    pub fn display(&self) -> String {
        format!("{} ({})", self.label, self.name)
    }
}

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

/// Everything the engine routes and registers with, at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PbxConfig {
    /// Increases with every published change.
    pub generation: u64,
    pub contexts: Vec<Context>,
    pub trunks: Vec<TrunkConfig>,
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
