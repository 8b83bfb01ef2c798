//! Widgets shared by the screens.

pub mod field;
pub mod layout;
pub mod tabs;
