//! One screen per file, named after the console's menus.

pub mod calls;
pub mod context_edit;
pub mod contexts;
pub mod home;
pub mod incall_edit;
pub mod incalls;
pub mod login;
pub mod nat;
pub mod not_found;
pub mod outcall_edit;
pub mod outcalls;
pub mod registry;
pub mod security;
pub mod trunk_edit;
pub mod trunks;
pub mod user_edit;
pub mod users;
