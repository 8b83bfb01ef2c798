//! One labelled form row: label, input (the children), help, and the
//! error for that field, tied together for screen readers: the input
//! names `help-{name}` and `error-{name}` in `aria-describedby` (see
//! `form::described_by`). The errors are not live regions themselves:
//! the form has one (its banner), so a failed save is announced once,
//! not once per field.

use leptos::prelude::*;

/// `name` is the field's name in the model; the error's element id is
/// `error-{name}` so tests and assistive tech can find it.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] help: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=name>{label}</label>
            <div class="control">
                {children()}
                // Present even without text, so the input's reference holds.
                <p class="help" id=format!("help-{name}") hidden=help.is_empty()>{help}</p>
                <p class="error" id=format!("error-{name}")>
                    {move || error.get()}
                </p>
            </div>
        </div>
    }
}
