//! `/api/v1/outcalls`: list, get, create, replace, patch, delete. Saving
//! answers the outgoing call with the warnings its patterns raise
//! (shadowed, catch-all, unreachable); they never block the save.

use super::body::{self, Body};
use super::{create, reads_and_delete, replace_and_patch};
use app::model::outcall::{ExtenInput, OutcallInput, OutcallSaved, OutcallView};
use app::ssr::service::outcalls;
use serde_json::Value;

impl Body for OutcallInput {
    const ONE: &'static str = "an outgoing call";
    const READ_ONLY: &'static [&'static str] = &["id", "warnings"];
    const ALIASES: &'static [(&'static str, &'static str)] = &[
        (
            "outcall",
            "the fields at the top level (name, extens…), as GET shows them",
        ),
        ("trunk", "trunks (trunk ids, in the order they are tried)"),
        ("patterns", "extens (one object per pattern)"),
        ("exten", "extens (one object per pattern)"),
        ("ring_seconds", "ringtime"),
        ("ringseconds", "ringtime"),
        ("stripnum", "strip, in each item of extens"),
        ("externprefix", "prefix, in each item of extens"),
        ("callerid", "caller_id, in each item of extens"),
    ];

    fn items() -> Vec<(&'static str, Vec<String>)> {
        vec![("extens", body::fields::<ExtenInput>())]
    }
}

fn show(view: &OutcallView) -> Value {
    body::represent(
        &view.outcall.to_input(),
        view.version,
        [("id", view.id.into())],
    )
}

/// The outgoing call as `GET` shows it, plus `warnings` (often empty).
fn show_saved(saved: &OutcallSaved) -> Value {
    let mut shown = show(&saved.view);
    shown["warnings"] = saved.warnings.clone().into();
    shown
}

reads_and_delete!(paged outcalls, show, id: i64 => id);
create!(
    outcalls,
    OutcallInput,
    show_saved,
    |s: &OutcallSaved| format!("outcalls/{}", s.view.id)
);
replace_and_patch!(outcalls, OutcallInput, show, show_saved, id: i64 => id);
