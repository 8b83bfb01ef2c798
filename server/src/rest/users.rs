//! `/api/v1/users`: list, get, create, replace, patch, delete. A user is
//! shown with the fields of its form. The line password is never
//! returned, except once: the answer to the save that generated it (a
//! blank `line_password` on creation) carries `generated_password`; a PUT
//! or PATCH without `line_password` keeps the stored one.

use super::body::{self, Body};
use super::{create, reads_and_delete, replace_and_patch};
use app::model::user::{UserInput, UserSaved, UserView};
use app::ssr::service::users;
use serde_json::Value;

impl Body for UserInput {
    const ONE: &'static str = "a user";
    const OPTIONAL: &'static [&'static str] = &[
        "firstname",
        "lastname",
        "line_username",
        "caller_id_number",
        // Added after the first release: clients written before it keep working (off).
        "direct_media",
    ];
    const WRITE_ONLY: &'static [&'static str] = &["line_password"];
    const READ_ONLY: &'static [&'static str] = &["id", "generated_password"];
    const ALIASES: &'static [(&'static str, &'static str)] = &[
        (
            "user",
            "the fields at the top level (firstname, exten…), as GET shows them",
        ),
        ("name", "firstname and lastname"),
        ("password", "line_password (write-only)"),
        ("secret", "line_password (write-only)"),
        ("username", "line_username"),
        ("extension", "exten"),
        ("number", "exten"),
        ("callerid", "caller_id_mode and caller_id_number"),
        ("caller_id", "caller_id_mode and caller_id_number"),
        ("outgoing_caller_id", "caller_id_mode and caller_id_number"),
        ("ring_seconds", "ringtime"),
        ("ringseconds", "ringtime"),
        ("directmedia", "direct_media (true or false)"),
        ("canreinvite", "direct_media (true or false)"),
    ];
}

fn show(view: &UserView) -> Value {
    body::represent(
        &view.user.to_input(),
        view.version,
        [("id", view.id.into())],
    )
}

/// The user as `GET` shows it, plus the generated password when there is one.
fn show_saved(saved: &UserSaved) -> Value {
    let mut shown = show(&saved.view);
    if let Some(password) = &saved.generated_password {
        shown["generated_password"] = password.clone().into();
    }
    shown
}

reads_and_delete!(paged users, show, id: i64 => id);
create!(users, UserInput, show_saved, |s: &UserSaved| format!(
    "users/{}",
    s.view.id
));
replace_and_patch!(users, UserInput, show, show_saved, id: i64 => id);
