//! Services → IPBX → PBX settings → Contexts: the list of dial-plan
//! contexts with their ranges and includes, and delete-with-confirmation.
//! A context something refers to is refused by the server; its message
//! names who uses it.

use crate::api::contexts::{delete_context, list_contexts};
use crate::components::delete_cell::{
    asked_in_address, delete_refusal, DeleteBanner, DeleteCell, InPlaceDeletes,
};
use crate::components::form::failure_sentence;
use crate::components::repair::RepairList;
use crate::model::context::{ContextKind, ContextView};
use crate::model::repair::RepairKind;
use crate::model::Context;
use leptos::prelude::*;
use leptos_meta::Title;

/// What the Ranges column says: the numbers each kind of context is about.
fn ranges_summary(c: &Context) -> String {
    match c.kind {
        ContextKind::Internal if c.user_ranges.is_empty() => "Any number".into(),
        ContextKind::Internal => Context::ranges_label(&c.user_ranges),
        ContextKind::Incall => {
            let ranges = if c.did_ranges.is_empty() {
                "Any DID".to_owned()
            } else {
                format!("DIDs {}", Context::ranges_label(&c.did_ranges))
            };
            match c.did_length {
                Some(len) => format!("{ranges} (last {len} digits)"),
                None => ranges,
            }
        }
        ContextKind::Outcall if c.number_lengths.is_empty() => "Any length".into(),
        ContextKind::Outcall => {
            let lengths: Vec<String> = c.number_lengths.iter().map(u8::to_string).collect();
            format!("Lengths {}", lengths.join(", "))
        }
    }
}

#[component]
pub fn ContextList() -> impl IntoView {
    let contexts = Resource::new(|| (), |_| list_contexts());
    // Keyed by name: contexts have no other id.
    let deletes = InPlaceDeletes::<String>::new();
    let confirming = asked_in_address::<String>();
    view! {
        <Title text="Contexts"/>
        <p class="crumbs">"Services › IPBX › PBX settings"</p>
        <h1>"Contexts"</h1>
        <RepairList kind=RepairKind::Context/>
        <div class="toolbar">
            <a class="button primary" href="/ipbx/contexts/new">"Add a context"</a>
        </div>
        <DeleteBanner last=deletes.last/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let list = match contexts.await {
                    Err(e) => return view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok(list) => list,
                };
                let names: Vec<String> = list.iter().map(|v| v.context.name.clone()).collect();
                let count = names.len();
                let left = Signal::derive(move || deletes.removed(&names) < count);
                // A delete takes its row out here; the list is not read again.
                let rows = Signal::derive(move || {
                    list.iter().filter(|v| deletes.kept(&v.context.name)).cloned().collect::<Vec<_>>()
                });
                let table = (count > 0).then(|| view! {
                    <table class="list" id="contexts" hidden=move || !left.get()>
                        <thead>
                            <tr>
                                <th>"Name"</th><th>"Label"</th><th>"Type"</th>
                                <th>"Ranges"</th><th>"Includes"</th><th>"Actions"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || rows.get() key=|v| (v.context.name.clone(), v.version)
                                children=move |v| view! { <ContextRow view=v confirming deletes/> }/>
                        </tbody>
                    </table>
                });
                view! {
                    {table}
                    {move || (!left.get()).then(|| view! {
                        <p class="empty">"No context yet. Users need an internal one."</p>
                    })}
                }.into_any()
            })}
        </Transition>
    }
}

#[component]
fn ContextRow(
    view: ContextView,
    confirming: RwSignal<Option<String>>,
    deletes: InPlaceDeletes<String>,
) -> impl IntoView {
    let c = view.context;
    let name = c.name.clone();
    let question = format!("Delete {name}? This cannot be undone.");
    let target = name.clone();
    view! {
        <tr data-context=name.clone()>
            <td><a href=format!("/ipbx/contexts/edit/{name}")>{name.clone()}</a></td>
            <td>{c.label.clone()}</td>
            <td>{c.kind.label()}</td>
            <td>{ranges_summary(&c)}</td>
            <td>{c.includes.join(", ")}</td>
            <DeleteCell key=name.clone() confirming question=question
                on_confirm=move |()| {
                    let target = target.clone();
                    deletes.run(target.clone(), async move {
                        delete_refusal(Some(delete_context(target).await))
                    });
                }/>
        </tr>
    }
}
