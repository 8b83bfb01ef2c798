//! Digest authentication (RFC 3261 §22, RFC 2617, RFC 7616): hashing, the client that answers
//! challenges and the server that issues and checks them. Must not read the clock or do I/O.

pub mod client;
pub mod digest;
pub mod server;
pub mod uri_match;

pub use client::{AuthError, DigestClient};
pub use server::{DigestServer, Verdict};
