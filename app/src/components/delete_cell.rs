//! The last cell of a list row: "Delete", then an inline confirmation that
//! names what goes, so a slip of the mouse deletes nothing. One row asks
//! at a time.
//!
//! Both steps are forms, so they work before (or without) the WASM:
//! "Delete" asks by address (`?delete=KEY`, a GET: nothing changes), and
//! "Yes, delete" posts the key with the CSRF token to the list's page
//! (`ssr::posted`). With the WASM the same buttons work in place.

use crate::api::FormOutcome;
use crate::components::form::{failure_sentence, Banner};
use crate::components::posted::{take_resubmitted, CsrfField};
use leptos::prelude::*;
use std::fmt::Display;
use std::str::FromStr;

/// The row a list opens asking about: `?delete=KEY` in its address.
pub fn asked_in_address<K: FromStr + Send + Sync + 'static>() -> RwSignal<Option<K>> {
    let query = leptos_router::hooks::use_query_map();
    RwSignal::new(query.with_untracked(|q| q.get("delete").and_then(|k| k.parse().ok())))
}

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
    K: Clone + PartialEq + Display + Send + Sync + 'static,
{
    let asking = {
        let key = key.clone();
        move || confirming.with(|c| c.as_ref() == Some(&key))
    };
    let shown = key.to_string();
    view! {
        <td class="actions">
            <Show
                when=asking
                fallback=move || {
                    let key = key.clone();
                    let shown = key.to_string();
                    view! {
                        <form method="get" on:submit=move |ev| {
                            ev.prevent_default();
                            confirming.set(Some(key.clone()));
                        }>
                            <input type="hidden" name="delete" value=shown/>
                            <button type="submit" class="danger">"Delete"</button>
                        </form>
                    }
                }
            >
                <form method="post" class="confirm" on:submit=move |ev| {
                    ev.prevent_default();
                    confirming.set(None);
                    on_confirm.run(());
                }>
                    {format!("{question} ")}
                    <CsrfField/>
                    <input type="hidden" name="delete" value=shown.clone()/>
                    <button type="submit" class="danger">"Yes, delete"</button>
                    " "
                    // Back to the list as it was, with or without the WASM.
                    <a class="button" role="button" href="?" on:click=move |ev| {
                        ev.prevent_default();
                        confirming.set(None);
                    }>"Cancel"</a>
                </form>
            </Show>
        </td>
    }
}

/// The list's banner for a refused delete: `last` is the refusal of the
/// WASM's last delete (`None` before any, `Some(None)` after one that
/// went through); before that, the refusal of a delete posted without it.
#[component]
pub fn DeleteBanner(#[prop(into)] last: Signal<Option<Option<String>>>) -> impl IntoView {
    let posted = take_resubmitted("delete").and_then(|r| match r.banner {
        Some(Banner::Error(message)) => Some(message),
        _ => None,
    });
    let message = move || match last.get() {
        Some(refusal) => refusal,
        None => posted.clone(),
    };
    view! {
        <div aria-live="assertive" aria-atomic="true">
            {move || message().map(|m| view! { <p class="error banner" id="banner">{m}</p> })}
        </div>
    }
}

/// What a refused or failed delete says, for the list's banner.
pub fn delete_refusal(result: Option<Result<FormOutcome<()>, ServerFnError>>) -> Option<String> {
    match result? {
        Ok(FormOutcome::Done(())) => None,
        Ok(FormOutcome::Invalid(errors)) => Some(errors.to_string()),
        Ok(FormOutcome::Conflict(message)) => Some(message),
        Err(e) => Some(failure_sentence(&e)),
    }
}
