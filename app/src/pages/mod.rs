//! One screen per file, named after the console's menus.

pub mod home;
pub mod login;
pub mod not_found;
pub mod registry;
pub mod trunk_edit;
pub mod trunks;
