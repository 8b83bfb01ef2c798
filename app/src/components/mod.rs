//! Widgets shared by the screens.

pub mod delete_cell;
pub mod field;
pub mod form;
pub mod layout;
pub mod list_nav;
pub mod poll;
pub mod posted;
pub mod quality;
pub mod repair;
pub mod route_tester;
pub mod status;
pub mod tabs;
pub mod unmatched_calls;
