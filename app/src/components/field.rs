//! One labelled form row: label, input (the children), help, and the
//! error for that field, tied together for screen readers.

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
                {(!help.is_empty()).then(|| view! { <p class="help">{help}</p> })}
                <p class="error" id=format!("error-{name}") role="alert">
                    {move || error.get()}
                </p>
            </div>
        </div>
    }
}
