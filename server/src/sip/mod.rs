//! SIP engine root: `proto` is the sans-IO protocol core (RFC 3261), `runtime` the tokio
//! driver that owns sockets and the clock; nothing here may bypass that split.

pub mod proto;
pub mod runtime;
