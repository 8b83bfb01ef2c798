//! Registration layer (sans-IO): outbound REGISTER per trunk with chan_sip's states and timing
//! (REFERENCE.md §6), RFC 3261 §10.2 and RFC 3581 §4 NAT learning. Must not import tokio, read
//! the clock or resolve names: `now`, the registrar's `SocketAddr` and a seed come from the caller.

mod client;
mod config;
mod outcome;
mod request;
mod status;
pub mod timing;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_failures;

pub use client::{Outgoing, RegistrationClient};
pub use config::{
    HostPort, RegistrationConfig, DEFAULT_EXPIRY, DEFAULT_REGISTER_TIMEOUT, MAX_EXPIRY, MIN_EXPIRY,
};
pub use request::{contact_uri, options, BuildError, USER_AGENT};
pub use status::{
    History, HistoryEntry, LastResponse, RegistrationState, RegistrationStatus, HISTORY_LEN,
};
