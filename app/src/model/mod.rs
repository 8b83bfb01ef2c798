//! The console's model: serde types and validation shared by the browser
//! (WASM) and the server, so a field is judged by the same code on both
//! sides. Pure: no I/O, no clock, no database.

pub mod admin;
pub mod config;
pub mod dialplan;
pub use config::{Context, ContextKind, PbxConfig};
pub mod errors;
pub mod net;
pub mod registry;
pub mod trunk;

pub use errors::{FieldError, FieldErrors};
