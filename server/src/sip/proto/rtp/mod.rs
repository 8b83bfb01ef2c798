//! Media layer, sans-IO: the rules of the RTP/RTCP relay that anchors calls. Which packets a
//! relay port accepts and where it sends them (`Latch`, symmetric RTP), which ports a new
//! call may take (`PortPool`), and when a call whose audio died is hung up (`MediaWatch`). No
//! sockets, no clock: the runtime's relay tasks feed source addresses and `now` in.

mod latch;
mod ports;
mod watch;

pub use latch::Latch;
pub use ports::{PortPool, REST};
pub use watch::{MediaTimeouts, MediaWatch};
