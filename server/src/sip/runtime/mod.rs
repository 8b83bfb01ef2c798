//! Transport runtime (RFC 3261 §18): the tokio driver that owns the UDP socket, the TCP listener
//! and connections, the single timer, and the trunk registrations manager. It is the only SIP code doing I/O; the logic stays in `proto`.

pub mod addresses;
mod batch;
mod connect;
mod counters;
mod driver;
mod engine;
mod handle;
mod lines;
mod registrations;
pub mod relay;
mod resolve;
mod status;
mod tcp;

pub use crate::sip::proto::reception::{Directory, TrunkDial};
pub use counters::Counters;
pub use driver::{CallFeeds, Command, Runtime, RuntimeHandle};
pub use engine::{start, LinesSetup, SipServer};
pub use lines::{Lines, LinesHandle, REALM};
pub use registrations::{QualifySpec, Registrations, RegistrationsHandle, TrunkSpec};
pub use status::{
    trunk_slot_bytes, trunk_status, HistoryRecord, RegistrationSnapshot, TrunkStatus,
};
pub use tcp::TcpLimits;
