//! The console's model: serde types and validation shared by the browser
//! (WASM) and the server, so a field is judged by the same code on both
//! sides. Pure: no I/O, no clock, no database.

pub mod admin;
pub mod call_log;
pub mod calls;
pub mod config;
pub mod context;
pub mod dialplan;
pub use config::{DialPlan, Entry, PbxConfig};
pub use context::{Context, ContextKind};
pub mod errors;
pub mod incall;
pub mod lines;
pub mod list;
pub mod nat;
pub mod net;
pub mod outcall;
pub mod overview;
pub mod quality;
pub mod registry;
pub mod repair;
pub mod routing;
pub mod security;
pub mod text;
pub mod time;
pub mod trunk;
pub mod user;

pub use errors::{FieldError, FieldErrors};
