//! Services → IPBX → PBX settings → Contexts: the list of dial-plan
//! contexts with their ranges and includes, and delete-with-confirmation.
//! A context something refers to is refused by the server; its message
//! names who uses it.

use crate::api::contexts::{list_contexts, DeleteContext};
use crate::api::FormOutcome;
use crate::model::context::{ContextKind, ContextView};
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
    let delete = ServerAction::<DeleteContext>::new();
    let contexts = Resource::new(move || delete.version().get(), |_| list_contexts());
    let confirming = RwSignal::new(None::<String>);
    // A refusal is a value, not an error: it names who still uses the context.
    let refusal = move || match delete.value().get()? {
        Ok(FormOutcome::Done(())) => None,
        Ok(FormOutcome::Conflict(message)) => Some(message),
        Ok(FormOutcome::Invalid(errors)) => Some(errors.to_string()),
        Err(e) => Some(e.to_string()),
    };
    view! {
        <Title text="Contexts"/>
        <p class="crumbs">"Services › IPBX › PBX settings"</p>
        <h1>"Contexts"</h1>
        <div class="toolbar">
            <a class="button primary" href="/ipbx/contexts/new">"Add a context"</a>
        </div>
        {move || refusal().map(|m| view! { <p class="error banner" role="alert">{m}</p> })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match contexts.await {
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No context yet. Users need an internal one."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <table class="list" id="contexts">
                            <thead>
                                <tr>
                                    <th>"Name"</th><th>"Label"</th><th>"Type"</th>
                                    <th>"Ranges"</th><th>"Includes"</th><th></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter()
                                    .map(|v| view! { <ContextRow view=v confirming delete/> })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ContextRow(
    view: ContextView,
    confirming: RwSignal<Option<String>>,
    delete: ServerAction<DeleteContext>,
) -> impl IntoView {
    let c = view.context;
    let name = c.name.clone();
    let is_confirming = {
        let name = name.clone();
        move || confirming.with(|n| n.as_deref() == Some(name.as_str()))
    };
    let ask = {
        let name = name.clone();
        move || {
            let name = name.clone();
            view! {
                <button type="button" class="danger"
                    on:click=move |_| confirming.set(Some(name.clone()))>"Delete"</button>
            }
        }
    };
    let confirm = {
        let name = name.clone();
        move |_| {
            confirming.set(None);
            delete.dispatch(DeleteContext { name: name.clone() });
        }
    };
    let prompt = format!("Delete {name}? This cannot be undone. ");
    view! {
        <tr data-context=name.clone()>
            <td><a href=format!("/ipbx/contexts/edit/{name}")>{name.clone()}</a></td>
            <td>{c.label.clone()}</td>
            <td>{c.kind.label()}</td>
            <td>{ranges_summary(&c)}</td>
            <td>{c.includes.join(", ")}</td>
            <td class="actions">
                <Show when=is_confirming fallback=ask>
                    <span class="confirm">
                        {prompt.clone()}
                        <button type="button" class="danger" on:click=confirm.clone()>"Yes, delete"</button>
                        <button type="button" on:click=move |_| confirming.set(None)>"Cancel"</button>
                    </span>
                </Show>
            </td>
        </tr>
    }
}
