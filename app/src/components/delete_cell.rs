//! The last cell of a list row: "Delete", then an inline confirmation that
//! names what goes, so a slip of the mouse deletes nothing. One row asks
//! at a time.

use crate::api::FormOutcome;
use leptos::prelude::*;

#[component]
pub fn DeleteCell<K>(
    /// This row's key.
    key: K,
    /// The row currently asking for confirmation, if any.
    confirming: RwSignal<Option<K>>,
    /// The question asked ("Delete provider_username? This cannot be
    /// undone.").
    question: String,
    /// Called when the administrator confirms.
    #[prop(into)]
    on_confirm: Callback<()>,
) -> impl IntoView
where
    K: Clone + PartialEq + Send + Sync + 'static,
{
    let asking = {
        let key = key.clone();
        move || confirming.with(|c| c.as_ref() == Some(&key))
    };
    view! {
        <td class="actions">
            <Show
                when=asking
                fallback=move || {
                    let key = key.clone();
                    view! {
                        <button type="button" class="danger" on:click=move |_| confirming.set(Some(key.clone()))>"Delete"</button>
                    }
                }
            >
                <span class="confirm">
                    {format!("{question} ")}
                    <button type="button" class="danger"
                        on:click=move |_| { confirming.set(None); on_confirm.run(()); }>
                        "Yes, delete"
                    </button>
                    <button type="button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                </span>
            </Show>
        </td>
    }
}

/// What a refused or failed delete says, for the list's banner.
pub fn delete_refusal(result: Option<Result<FormOutcome<()>, ServerFnError>>) -> Option<String> {
    match result? {
        Ok(FormOutcome::Done(())) => None,
        Ok(FormOutcome::Invalid(errors)) => Some(errors.to_string()),
        Ok(FormOutcome::Conflict(message)) => Some(message),
        Err(e) => Some(e.to_string()),
    }
}
