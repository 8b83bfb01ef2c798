//! Media layer, sans-IO: the rules of the RTP/RTCP relay that anchors calls. Which packets a
//! relay port accepts and where it sends them (`Latch`, symmetric RTP), which ports a new
//! call may take (`PortPool`), when a call whose audio died is hung up (`MediaWatch`), and
//! how good its audio is (`CallMeter`: RFC 3550 statistics, an E-model MOS, one-way audio).
//! No sockets, no clock: the runtime's relay threads feed packets, source addresses and `now`.

mod clocks;
pub mod dtmf;
pub mod emodel;
mod latch;
mod meter;
mod ports;
pub mod rtcp;
pub mod stats;
mod watch;

pub use clocks::PayloadClocks;
pub use dtmf::{Detected, Digit, EventDetector, EventInjector};
pub use latch::{Latch, PROBATION};
pub use meter::{CallMeter, ONE_WAY_AFTER};
pub use ports::{PortPool, REST};
pub use watch::{MediaTimeouts, MediaWatch};
