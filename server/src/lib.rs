//! The Trunkline process: command line, HTTP (console, REST), and the
//! wiring between the console's configuration and the rest of the server.

pub mod cli;
pub mod control;
pub mod engine;
pub mod fdlimit;
pub mod http;
pub mod memory;
pub mod rest;
pub mod serve;
pub mod show;
pub mod sip;
