//! `/api/v1/incalls`: list, get, create, replace, patch, delete.

use super::body::{self, Body};
use super::{create, reads_and_delete, replace_and_patch};
use app::model::incall::{IncallInput, IncallView};
use app::ssr::service::incalls;
use serde_json::Value;

impl Body for IncallInput {
    const ONE: &'static str = "an incoming call";
    const OPTIONAL: &'static [&'static str] = &["user_id", "caller_id_text"];
    const ALIASES: &'static [(&'static str, &'static str)] = &[
        (
            "incall",
            "the fields at the top level (did, destination…), as GET shows them",
        ),
        ("exten", "did"),
        ("number", "did"),
        ("user", "user_id, with destination user"),
        ("callerid", "caller_id_mode and caller_id_text"),
    ];
}

fn show(view: &IncallView) -> Value {
    body::represent(
        &view.incall.to_input(),
        view.version,
        [("id", view.id.into())],
    )
}

reads_and_delete!(paged incalls, show, id: i64 => id);
create!(incalls, IncallInput, show, |v: &IncallView| format!(
    "incalls/{}",
    v.id
));
replace_and_patch!(incalls, IncallInput, show, show, id: i64 => id);
