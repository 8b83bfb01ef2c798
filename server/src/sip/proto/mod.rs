//! Sans-IO SIP core (RFC 3261): messages, transactions, digest authentication, outbound
//! registration, qualify, the registrar, reception (who may call, where calls go), calls (B2BUA)
//! and the toll-fraud guard.
//! Must not import tokio, open sockets or read the clock: time and randomness are arguments.

pub mod answer;
pub mod auth;
pub mod call;
pub mod endpoint;
pub mod guard;
#[cfg(any(test, feature = "harness"))]
pub mod harness;
pub mod header;
pub mod idmap;
pub mod message;
pub mod priority;
pub mod qualify;
pub mod reception;
pub mod registrar;
pub mod registration;
pub mod rng;
pub mod rtp;
pub mod sdp;
#[cfg(test)]
pub(crate) mod testrig;
pub mod transaction;

pub use endpoint::{Caps, Endpoint, EndpointConfig, Event, SendError, Stats, Transmit, TxId};
pub use message::{Message, Request, Response, Transport};
pub use rng::Rng;
