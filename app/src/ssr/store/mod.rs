//! SQL, and nothing else: each function runs queries on a connection or a
//! transaction it is given. Validation and publication live in `service`.

pub mod admins;
pub mod bindings;
pub mod call_log;
pub mod contexts;
pub mod incalls;
pub mod nat;
pub mod outcalls;
pub mod security;
pub mod trunks;
pub mod users;
