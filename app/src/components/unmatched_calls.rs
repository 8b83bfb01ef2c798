//! The Incoming calls screen's "Unmatched calls": what arrived from a
//! trunk for a DID that no incoming call answers (refused with 404), so
//! the administrator can add the missing one.

use crate::api::incalls::unmatched_calls;
use crate::components::list_nav::keyed_by_content;
use crate::model::calls::{UnmatchedCalls, UNMATCHED_KEPT};
use crate::model::time::clock;
use leptos::prelude::*;

#[component]
pub fn UnmatchedCalls() -> impl IntoView {
    let calls = Resource::new(|| (), |_| unmatched_calls());
    view! {
        <section class="unmatched">
            <h2>"Unmatched calls"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match calls.await {
                        Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                        Ok(list) if list.calls.is_empty() => view! {
                            <p class="empty">"Every call from the trunks found its incoming call."</p>
                        }.into_any(),
                        Ok(UnmatchedCalls { calls: list, not_kept }) => view! {
                            <table class="list" id="unmatched-calls">
                                <thead><tr><th>"When"</th><th>"Trunk"</th><th>"Number received"</th><th>"Why"</th></tr></thead>
                                <tbody>
                                    <For each=move || keyed_by_content(list.clone()) key=|(key, _)| *key
                                        children=|(_, c)| { let key = c.did.clone(); view! {
                                        <tr data-unmatched=key>
                                            <td>{clock(c.at)}</td><td>{c.trunk}</td><td>{c.did}</td><td>{c.reason}</td>
                                        </tr>
                                    }}/>
                                </tbody>
                            </table>
                            {(not_kept > 0).then(|| view! {
                                <p class="not-kept">{not_kept_note(not_kept)}</p>
                            })}
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Said under the list when older calls were deleted: only the newest ones are kept.
fn not_kept_note(count: u64) -> String {
    let ones = if count == 1 { "one" } else { "ones" };
    format!("…and {count} older {ones} not kept (only the newest {UNMATCHED_KEPT} are).")
}
