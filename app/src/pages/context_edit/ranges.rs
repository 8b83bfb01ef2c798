//! Rows of number ranges (start, end) with add and remove: the user
//! ranges of an internal context and the DID ranges of an incoming-call
//! one. Errors for a row sit under it; errors for the whole list under
//! the list (the Field around it).

use crate::components::form::FormState;
use crate::model::context::{ContextInput, RangeInput};
use leptos::prelude::*;

/// Which list of `ContextInput` the rows edit.
#[derive(Clone, Copy)]
pub struct RangeList {
    /// The field's name in the model: `user_ranges` or `did_ranges`.
    pub field: &'static str,
    pub get: fn(&ContextInput) -> &Vec<RangeInput>,
    pub set: fn(&mut ContextInput) -> &mut Vec<RangeInput>,
}

pub const USER_RANGES: RangeList = RangeList {
    field: "user_ranges",
    get: |i| &i.user_ranges,
    set: |i| &mut i.user_ranges,
};

pub const DID_RANGES: RangeList = RangeList {
    field: "did_ranges",
    get: |i| &i.did_ranges,
    set: |i| &mut i.did_ranges,
};

#[component]
pub fn RangeRows(form: FormState<ContextInput>, list: RangeList) -> impl IntoView {
    let input = form.input;
    // Rows are rebuilt only when their number changes, not on every
    // keystroke, so the input being typed in keeps its focus.
    let count = Memo::new(move |_| input.with(|i| (list.get)(i).len()));
    view! {
        <div class="ranges" id=list.field>
            <For each=move || 0..count.get() key=|at| *at let:at>
                <RangeRow form list at/>
            </For>
        </div>
        <button type="button" class="small" on:click=move |_| {
            input.update(|i| (list.set)(i).push(RangeInput::default()));
        }>"Add a range"</button>
    }
}

#[component]
fn RangeRow(form: FormState<ContextInput>, list: RangeList, at: usize) -> impl IntoView {
    let input = form.input;
    let field = list.field;
    let key = format!("{field}.{at}");
    let error = {
        let key = key.clone();
        move || {
            let visible = form.submitted.get() || form.touched.with(|t| t.contains(field));
            let local = visible
                .then(|| form.checked.with(|e| e.get(&key).map(str::to_owned)))
                .flatten();
            local.or_else(|| form.server_errors.with(|e| e.get(&key).map(str::to_owned)))
        }
    };
    let value = move |end: fn(&RangeInput) -> &String| {
        move || input.with(|i| (list.get)(i).get(at).map(end).cloned().unwrap_or_default())
    };
    let write = move |end: fn(&mut RangeInput) -> &mut String, text: String| {
        input.update(|i| {
            if let Some(row) = (list.set)(i).get_mut(at) {
                *end(row) = text;
            }
        });
        form.touch(field);
    };
    let remove = move |_| {
        input.update(|i| {
            let rows = (list.set)(i);
            if at < rows.len() {
                rows.remove(at);
            }
        });
        form.touch(field);
    };
    let row_no = at + 1;
    // Posted as `user_ranges[0][first]` by a browser without the WASM.
    let posted = |end: &str| format!("{field}[{at}][{end}]");
    let initial = move |end: fn(&RangeInput) -> &String| {
        input.with_untracked(|i| (list.get)(i).get(at).map(end).cloned().unwrap_or_default())
    };
    let (first, last) = (initial(|r| &r.first), initial(|r| &r.last));
    view! {
        <div class="range-row" data-row=at>
            <input type="text" inputmode="numeric" class="short"
                id=format!("{key}.first") aria-label=format!("Start of range {row_no}")
                name=posted("first") value=first
                aria-describedby=format!("error-{key}")
                prop:value=value(|r| &r.first)
                on:input=move |ev| write(|r| &mut r.first, event_target_value(&ev))/>
            <span class="to">"to"</span>
            <input type="text" inputmode="numeric" class="short"
                id=format!("{key}.last") aria-label=format!("End of range {row_no}")
                name=posted("last") value=last
                aria-describedby=format!("error-{key}")
                prop:value=value(|r| &r.last)
                on:input=move |ev| write(|r| &mut r.last, event_target_value(&ev))/>
            <button type="button" class="small" title="Remove this range" aria-label=format!("Remove range {row_no}") on:click=remove>"Remove"</button>
            <p class="error" id=format!("error-{key}")>{error}</p>
        </div>
    }
}
