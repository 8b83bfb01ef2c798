//! The route resolver: given the dial plan, who calls and what they
//! dialed, decide where the call goes, and explain why. One code path for
//! the engine (issue 6), the REST route tester and the browser's live
//! route tester, so what the tester shows is what calls do.
//!
//! Outgoing (REFERENCE §3-4): the caller's context is searched first, then
//! its includes depth first in include order (each context once); inside a
//! context the users' extensions and the outgoing calls' patterns are
//! sorted together in Asterisk's order and the first match wins. A user's
//! extension wins an internal call; an outgoing-call pattern gives the
//! number each trunk receives (strip, then prefix), the caller ID and the
//! trunk order. Incoming (§5): the DID, `+` dropped, is looked up among
//! the incoming calls of the trunk's context.

mod incoming;
pub mod index;
mod outgoing;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

/// Whether the callee may see the caller's number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presentation {
    Allowed,
    /// Anonymous: the number is sent for the network, hidden from the callee.
    Prohibited,
}

/// Which rule chose the caller ID (REFERENCE §4's precedence).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallerIdSource {
    /// The outgoing call is "internal": the caller's own name and extension.
    CallerOwn,
    /// The user's outgoing caller ID (custom number or anonymous).
    User,
    /// The matching pattern's caller ID.
    Pattern,
    /// The trunk's default caller ID.
    Trunk,
    /// Nothing set anywhere: the trunk sends what the provider assigns.
    None,
}

/// The caller ID presented on one trunk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallerIdChoice {
    /// Display name, when one is sent.
    pub name: Option<String>,
    /// Number, when one is set.
    pub number: Option<String>,
    pub presentation: Presentation,
    pub source: CallerIdSource,
}

/// One matching extension of the context that answered, in Asterisk's
/// order: the first is the winner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// The pattern as the console shows it (`418.`, `1000`).
    pub pattern: String,
    /// "outgoing call provider" or "user Front Desk (1000)".
    pub owner: String,
}

/// One trunk of the failover order and what it would receive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrunkAttempt {
    pub trunk_id: i64,
    pub trunk: String,
    /// The number sent (strip, then prefix); the same for every trunk.
    pub number: String,
    pub caller_id: CallerIdChoice,
    /// Why the trunk would be passed over before trying it (disabled).
    /// Live state (UNREACHABLE, LAGGED) is the engine's to add.
    pub skipped: Option<String>,
}

/// Why a dialed number went nowhere, one sentence per pattern considered,
/// in the order the contexts were searched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoMatch {
    pub reasons: Vec<String>,
}

/// Where an outgoing (or internal) call goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum OutgoingRoute {
    /// Another user's extension.
    Internal {
        context: String,
        user_id: i64,
        user: String,
        exten: String,
        candidates: Vec<Candidate>,
    },
    /// Out through the trunks of an outgoing call.
    External {
        context: String,
        outcall_id: i64,
        outcall: String,
        /// The winning pattern as shown (`418.`).
        pattern: String,
        candidates: Vec<Candidate>,
        /// The number every trunk receives.
        number: String,
        /// Seconds before giving up; 0 = no limit.
        ringtime: u16,
        trunks: Vec<TrunkAttempt>,
    },
    NoMatch(NoMatch),
}

/// The resolver's full answer for an outgoing call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingResolution {
    /// "Front Desk (1000)".
    pub caller: String,
    /// The number as matched (dashes and spaces removed).
    pub dialed: String,
    /// The contexts searched, in order.
    pub contexts: Vec<String>,
    pub route: OutgoingRoute,
}

/// Why a route question could not even be asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RouteError {
    #[error("No user has extension or line username \u{201c}{0}\u{201d}.")]
    UnknownCaller(String),
    #[error("Extension {0} exists in several contexts ({1}); give the line username instead.")]
    AmbiguousCaller(String, String),
    #[error("Enter the number dialed, such as 4185551234.")]
    EmptyNumber,
    #[error("\u{201c}{0}\u{201d} is not a number a phone can dial: use digits, * and #.")]
    BadNumber(String),
    #[error("There is no trunk named \u{201c}{0}\u{201d}.")]
    UnknownTrunk(String),
    #[error("\u{201c}{0}\u{201d} is not a DID: use digits, optionally after a +.")]
    BadDid(String),
}

/// Where an incoming call goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum IncomingRoute {
    User {
        incall_id: i64,
        user_id: i64,
        user: String,
        /// Where the user's line lives.
        context: String,
        exten: String,
        /// The caller ID name rule, e.g. "Prepend “Sales: ”".
        caller_id_name: String,
    },
    Hangup {
        incall_id: i64,
    },
    /// 404 in the engine; the reason says what was looked up where.
    NoMatch {
        reason: String,
    },
}

/// The resolver's full answer for an incoming call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingResolution {
    /// The DID as looked up (no `+`).
    pub did: String,
    pub context: String,
    pub route: IncomingRoute,
}
