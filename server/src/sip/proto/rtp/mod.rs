//! Media layer, sans-IO: the rules of the RTP/RTCP relay that anchors calls. Which packets a
//! relay port accepts and where it sends them (`Latch`, symmetric RTP), and which ports a new
//! call may take (`PortPool`). No sockets, no clock: the runtime's relay tasks feed source
//! addresses and `now` in.

mod latch;
mod ports;

pub use latch::Latch;
pub use ports::{PortPool, REST};
