//! The dial-plan matcher: Asterisk extension patterns (`_418.`, `1000`,
//! `_6[34]NX`), parsed, matched, sorted the way Asterisk sorts them so the
//! most specific wins, explained when a number does not match, and checked
//! for likely mistakes when saved.
//!
//! Shared by the server and the browser, so it is pure and must stay so:
//! no I/O, no clock, no threads, nothing wasm32 cannot run. It knows
//! patterns and numbers only; contexts, includes, trunks and caller IDs
//! belong to the route resolver built on top of it.
//!
//! Reference: REFERENCE.md section 3; Asterisk `main/pbx.c` (`ext_cmp`,
//! `ext_cmp_pattern_pos`, `_extension_match_core`).

mod charset;
mod cover;
mod explain;
mod order;
mod parse;
mod pattern;
mod plan;
mod warnings;

#[cfg(test)]
mod tests;

pub use charset::CharSet;
pub use cover::covers;
pub use explain::{Mismatch, MismatchReason};
pub use order::{
    best_match, sort_weights, sorted, RouteMatch, WEIGHT_END, WEIGHT_ONE_OR_MORE,
    WEIGHT_ZERO_OR_MORE,
};
pub use parse::{PatternError, MAX_PATTERN_LEN};
pub use pattern::{DialPattern, Tail, XIVO_PATTERN_CHARS};
pub use plan::{NumberingPlan, PlanEntry, PlanError};
pub use warnings::{
    catch_alls, dot_where_bang_meant, pattern_warnings, shadowed, unreachable, PatternEntry,
    PatternWarning, WarningKind,
};
