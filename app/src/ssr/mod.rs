//! The console's server side (feature `ssr`): application state, the
//! SQLite store and the services that validate, store and publish changes.

pub mod auth;
pub mod board;
pub mod db;
pub mod login_limiter;
pub mod posted;
pub mod private_files;
pub mod service;
pub mod state;
pub mod store;

pub use state::AppState;

/// Seconds since the Unix epoch, for rows' timestamps.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
