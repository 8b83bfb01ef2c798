//! Widgets shared by the screens.

pub mod field;
pub mod form;
pub mod layout;
pub mod route_tester;
pub mod tabs;
