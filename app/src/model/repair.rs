//! Stored rows that the model can no longer read. Such a row is left out
//! of what the engine runs on (everything else keeps working) and shown to
//! the administrator, with its stored text, until it is saved again.

use serde::{Deserialize, Serialize};

/// What kind of thing a stored row is, for the sentence and the link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepairKind {
    Trunk,
    User,
    Context,
    Outcall,
    Incall,
    Nat,
    Security,
}

impl RepairKind {
    /// How the console names one, at the start of a sentence.
    pub fn label(self) -> &'static str {
        match self {
            RepairKind::Trunk => "Trunk",
            RepairKind::User => "User",
            RepairKind::Context => "Context",
            RepairKind::Outcall => "Outgoing call",
            RepairKind::Incall => "Incoming call",
            RepairKind::Nat => "The SIP bind address under General settings → SIP (NAT)",
            RepairKind::Security => "The settings under General settings → SIP security",
        }
    }

    /// The stored JSON field that names a row to its administrator.
    pub fn name_field(self) -> &'static str {
        match self {
            RepairKind::User => "exten",
            RepairKind::Incall => "did",
            RepairKind::Trunk
            | RepairKind::Context
            | RepairKind::Outcall
            | RepairKind::Nat
            | RepairKind::Security => "name",
        }
    }
}

/// One stored row that needs repair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repair {
    pub kind: RepairKind,
    /// The row's id, or the context's name: what its edit address takes.
    pub key: String,
    /// The version an update of the row names.
    pub version: i64,
    /// The row's name as stored (extension for users, DID for incoming
    /// calls), or its key when even that cannot be read.
    pub name: String,
    /// Why it cannot be read, as the model says it.
    pub problem: String,
    /// The stored text, so it can be fixed by hand if the form cannot.
    pub stored: String,
}

impl Repair {
    /// The sentence shown on the Overview and the list screens.
    pub fn sentence(&self) -> String {
        match self.kind {
            RepairKind::Nat => format!(
                "{} \u{201c}{}\u{201d} cannot be read ({}); SIP listens on 0.0.0.0:5060 until it is fixed: open it to fix it.",
                self.kind.label(),
                self.stored,
                self.problem
            ),
            RepairKind::Security => format!(
                "{} ({}) cannot be read ({}); the toll-fraud guard uses its defaults for those until they are fixed: open them to fix them.",
                self.kind.label(),
                self.stored,
                self.problem
            ),
            kind => format!(
                "{} {} has settings that cannot be read ({}): open it to fix it.",
                kind.label(),
                self.name,
                self.problem
            ),
        }
    }

    /// The console screen that edits the row.
    pub fn href(&self) -> String {
        match self.kind {
            RepairKind::Trunk => format!("/ipbx/trunks/edit/{}", self.key),
            RepairKind::User => format!("/ipbx/users/edit/{}", self.key),
            RepairKind::Context => format!("/ipbx/contexts/edit/{}", self.key),
            RepairKind::Outcall => format!("/ipbx/outcalls/edit/{}", self.key),
            RepairKind::Incall => format!("/ipbx/incalls/edit/{}", self.key),
            RepairKind::Nat => "/ipbx/nat".to_owned(),
            RepairKind::Security => "/ipbx/security".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repair_names_the_row_and_links_to_its_form() {
        let r = Repair {
            kind: RepairKind::Outcall,
            key: "3".into(),
            version: 1,
            name: "long".into(),
            problem: "the pattern has 81 characters".into(),
            stored: String::new(),
        };
        assert_eq!(
            r.sentence(),
            "Outgoing call long has settings that cannot be read (the pattern has 81 characters): open it to fix it."
        );
        assert_eq!(r.href(), "/ipbx/outcalls/edit/3");
    }
}
