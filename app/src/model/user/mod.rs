//! Users and their SIP lines (PBX settings → Users): who sits at which
//! extension, how their phone authenticates, which caller ID their
//! outgoing calls show.
//!
//! [`UserInput`] is the form as typed, [`User`] the validated user and
//! [`UserView`] what leaves the server: the line password never does.

mod validate;

pub use validate::{caller_number, UserRules, MIN_PASSWORD};

use serde::{Deserialize, Serialize};

/// XiVO's default ring time for a user, in seconds.
pub const DEFAULT_RINGTIME: u16 = 30;
/// Longest ring time a user may have.
pub const MAX_RINGTIME: u16 = 300;

/// The caller ID a user's outgoing calls present.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode", content = "number")]
pub enum OutgoingCallerId {
    /// Nothing set on the user: the pattern's or the trunk's applies.
    Default,
    /// Presentation prohibited.
    Anonymous,
    /// This number.
    Custom(String),
}

impl OutgoingCallerId {
    pub fn mode(&self) -> &'static str {
        match self {
            OutgoingCallerId::Default => "default",
            OutgoingCallerId::Anonymous => "anonymous",
            OutgoingCallerId::Custom(_) => "custom",
        }
    }
}

/// A validated user with one SIP line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub firstname: String,
    pub lastname: String,
    pub exten: String,
    pub context: String,
    /// The line's SIP username: what the phone registers and
    /// authenticates as.
    pub line_username: String,
    pub outgoing_caller_id: OutgoingCallerId,
    /// Seconds the user's phones ring before the call gives up.
    pub ringtime: u16,
    /// The line's calls may leave the audio to flow straight between the
    /// phone and its peer (Asterisk `directmedia`), when the peer allows it
    /// too. Users stored before the setting read off: anchored.
    #[serde(default)]
    pub direct_media: bool,
}

impl User {
    /// "Front Desk", or the first name alone.
    pub fn full_name(&self) -> String {
        match (self.firstname.is_empty(), self.lastname.is_empty()) {
            (false, false) => format!("{} {}", self.firstname, self.lastname),
            (false, true) => self.firstname.clone(),
            (true, _) => self.lastname.clone(),
        }
    }

    /// "Front Desk (1000)", as selects list users.
    pub fn display(&self) -> String {
        format!("{} ({})", self.full_name(), self.exten)
    }

    pub fn to_input(&self) -> UserInput {
        let (mode, number) = match &self.outgoing_caller_id {
            OutgoingCallerId::Custom(n) => ("custom", n.clone()),
            other => (other.mode(), String::new()),
        };
        UserInput {
            firstname: self.firstname.clone(),
            lastname: self.lastname.clone(),
            exten: self.exten.clone(),
            context: self.context.clone(),
            line_username: self.line_username.clone(),
            line_password: String::new(),
            caller_id_mode: mode.into(),
            caller_id_number: number,
            ringtime: self.ringtime.to_string(),
            direct_media: self.direct_media,
        }
    }
}

/// The user form as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserInput {
    pub firstname: String,
    pub lastname: String,
    pub exten: String,
    pub context: String,
    /// Blank: the extension number, as FreePBX names lines.
    pub line_username: String,
    /// Blank on creation: generated and shown once. Blank on edit: kept.
    pub line_password: String,
    /// `default`, `anonymous` or `custom`.
    pub caller_id_mode: String,
    pub caller_id_number: String,
    #[serde(
        deserialize_with = "crate::model::text::lenient_string",
        serialize_with = "crate::model::text::number_when_whole"
    )]
    pub ringtime: String,
    /// Audio straight between the phone and its peer when the peer allows
    /// it too (Asterisk `directmedia`); off: Trunkline relays it (anchoring).
    pub direct_media: bool,
}

impl Default for UserInput {
    fn default() -> Self {
        Self {
            firstname: String::new(),
            lastname: String::new(),
            exten: String::new(),
            context: "default".into(),
            line_username: String::new(),
            line_password: String::new(),
            caller_id_mode: "default".into(),
            caller_id_number: String::new(),
            ringtime: DEFAULT_RINGTIME.to_string(),
            direct_media: false,
        }
    }
}

/// A user as it leaves the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: i64,
    pub version: i64,
    pub user: User,
}

/// What saving a user returns: the user, and the line password when the
/// server generated it (shown once, never again).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSaved {
    pub view: UserView,
    pub generated_password: Option<String>,
}

impl std::fmt::Debug for UserSaved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserSaved")
            .field("view", &self.view)
            .field(
                "generated_password",
                &self.generated_password.as_ref().map(|_| "***"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests;
