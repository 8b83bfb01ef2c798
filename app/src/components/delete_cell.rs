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
use std::collections::HashSet;
use std::fmt::Display;
use std::future::Future;
use std::hash::Hash;
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
    // The list's filter and page, kept by both steps without the WASM.
    let kept: Vec<(String, String)> = leptos_router::hooks::use_query_map().with_untracked(|q| {
        ["q", "page"]
            .into_iter()
            .filter_map(|k| q.get(k).map(|v| (k.to_owned(), v)))
            .collect()
    });
    let back = {
        let pairs: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        crate::model::list::query_string(&pairs)
    };
    view! {
        <td class="actions">
            <Show
                when=asking
                fallback=move || {
                    let key = key.clone();
                    let shown = key.to_string();
                    let kept = kept
                        .iter()
                        .map(|(k, v)| view! { <input type="hidden" name=k.clone() value=v.clone()/> })
                        .collect_view();
                    view! {
                        <form method="get" on:submit=move |ev| {
                            ev.prevent_default();
                            confirming.set(Some(key.clone()));
                        }>
                            {kept}
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
                    <a class="button" role="button" href=back.clone() on:click=move |ev| {
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

/// A list's deletes done in place with the WASM: a row the server
/// deleted leaves the list at once, and the rest of the page is not
/// asked for again (each delete is one small request, the page stays).
/// `K` is the rows' key: their id, or their name for lists keyed by name
/// (contexts).
pub struct InPlaceDeletes<K: Send + Sync + 'static = i64> {
    gone: RwSignal<HashSet<K>>,
    /// The last delete's refusal, as [`DeleteBanner`] takes it.
    pub last: RwSignal<Option<Option<String>>>,
}

// By hand: derived, both would ask `K: Copy`, which a name is not; the
// signals themselves are copied whatever they hold.
impl<K: Send + Sync + 'static> Clone for InPlaceDeletes<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Send + Sync + 'static> Copy for InPlaceDeletes<K> {}

impl<K: Eq + Hash + Send + Sync + 'static> Default for InPlaceDeletes<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Eq + Hash + Send + Sync + 'static> InPlaceDeletes<K> {
    pub fn new() -> Self {
        Self {
            gone: RwSignal::new(HashSet::new()),
            last: RwSignal::new(None),
        }
    }

    /// Runs `delete` of row `key`, which answers with the refusal, if any.
    pub fn run(self, key: K, delete: impl Future<Output = Option<String>> + 'static) {
        leptos::task::spawn_local(async move {
            let refusal = delete.await;
            if refusal.is_none() {
                self.gone.update(|gone| {
                    gone.insert(key);
                });
            }
            self.last.set(Some(refusal));
        });
    }

    /// Whether row `key` is still there (tracked).
    pub fn kept(self, key: &K) -> bool {
        !self.gone.with(|gone| gone.contains(key))
    }

    /// How many of `keys` were deleted here (tracked).
    pub fn removed(self, keys: &[K]) -> usize {
        self.gone
            .with(|gone| keys.iter().filter(|key| gone.contains(key)).count())
    }
}
