//! Stored rows that need repair: the list on the Overview and atop each
//! list screen, and the notice on the form that opens one.

use crate::api::repairs::needs_repair;
use crate::model::repair::{Repair, RepairKind};
use leptos::prelude::*;

/// The rows of `kind` (every kind when `None`) that cannot be read, each
/// with a link to its form; nothing when there are none.
#[component]
pub fn RepairList(#[prop(optional)] kind: Option<RepairKind>) -> impl IntoView {
    let repairs = Resource::new(|| (), |()| needs_repair());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let mut list = repairs.await.unwrap_or_default();
                list.retain(|r| kind.is_none_or(|k| r.kind == k));
                (!list.is_empty()).then(|| view! {
                    <div class="error banner" id="needs-repair" role="alert">
                        <p>"Stored settings that Trunkline cannot read are left out of what it runs on until they are fixed:"</p>
                        <ul>
                            {list.into_iter().map(|r| view! {
                                <li data-repair=r.key.clone()><a href=r.href()>{r.sentence()}</a></li>
                            }).collect_view()}
                        </ul>
                    </div>
                })
            })}
        </Transition>
    }
}

/// On a form opened for a row that does not read: why, and the stored
/// text, so the fields it could not fill can be typed again.
#[component]
pub fn RepairNotice(repair: Option<Repair>) -> impl IntoView {
    repair.map(|r| {
        view! {
            <div class="error banner" id="repair" role="alert">
                <p>{format!(
                    "The stored settings cannot be read ({}), so calls do not use them. The form holds what could be read; fix the rest and save.",
                    r.problem
                )}</p>
                <p>"As stored:"</p>
                <pre class="stored">{r.stored}</pre>
            </div>
        }
    })
}
