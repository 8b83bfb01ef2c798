//! `/api/v1/contexts`: list, get, create, replace, patch, delete. A
//! context is named by its name, which cannot change (a PUT may leave it
//! out: the path gives it); one that something refers to cannot be
//! deleted (409 naming who uses it).

use super::body::{self, Body};
use super::{create, reads_and_delete, replace_and_patch};
use app::model::context::{ContextInput, ContextView, RangeInput};
use app::ssr::service::contexts;
use serde_json::Value;

impl Body for ContextInput {
    const ONE: &'static str = "a context";
    const OPTIONAL: &'static [&'static str] = &[
        "name",
        "user_ranges",
        "did_ranges",
        "did_length",
        "number_lengths",
        "includes",
    ];
    const READ_ONLY: &'static [&'static str] = &[];
    const ALIASES: &'static [(&'static str, &'static str)] = &[
        (
            "context",
            "the fields at the top level (name, label…), as GET shows them",
        ),
        ("type", "kind (internal, incall or outcall)"),
        ("displayname", "label"),
        ("include", "includes (an array of context names)"),
        ("user_range", "user_ranges"),
        ("did_range", "did_ranges"),
    ];

    fn items() -> Vec<(&'static str, Vec<String>)> {
        let range = body::fields::<RangeInput>();
        vec![("user_ranges", range.clone()), ("did_ranges", range)]
    }
}

fn show(view: &ContextView) -> Value {
    body::represent(&view.context.to_input(), view.version, [])
}

/// The name comes from the path when the body leaves it out.
fn named(input: &mut ContextInput, name: &String) {
    if input.name.trim().is_empty() {
        input.name.clone_from(name);
    }
}

reads_and_delete!(whole contexts, show, name: String => &name);
create!(contexts, ContextInput, show, |v: &ContextView| format!(
    "contexts/{}",
    v.context.name
));
replace_and_patch!(contexts, ContextInput, show, show, named, name: String => &name);
