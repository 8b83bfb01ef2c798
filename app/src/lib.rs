//! Trunkline's administration console: the screens, the shared model and,
//! with the `ssr` feature, the server side of the console (store, services,
//! server functions). Compiled twice: `ssr` for the server, `hydrate` for the
//! browser. Nothing here opens sockets for SIP; that is the server crate.
// Leptos view types nest deeply; the release (wasm) build needs room.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

mod shell;
pub use shell::{shell, App};
