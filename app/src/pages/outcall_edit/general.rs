//! The General tab: the outgoing call's name and context, the trunks it
//! tries in order (the first that can take the call carries it), ring
//! time and the "internal" flag.

use crate::components::field::Field;
use crate::components::form::{lens, FormState};
use crate::model::outcall::OutcallInput;
use crate::model::{Context, ContextKind};
use leptos::prelude::*;

#[component]
pub fn GeneralTab(
    form: FormState<OutcallInput>,
    contexts: Vec<Context>,
    trunks: Vec<(i64, String)>,
) -> impl IntoView {
    let context_options = contexts
        .iter()
        .filter(|c| c.kind == ContextKind::Outcall)
        .map(|c| (c.name.clone(), c.display()))
        .collect();
    view! {
        <Field name="name" label="Name" error=form.error("name")
            help="Letters, digits, spaces and - _ . (for example provider).">
            {form.text("name", lens!(name), "text", "provider")}
        </Field>
        <Field name="context" label="Context" error=form.error("context")
            help="The outgoing-call context its patterns live in; internal contexts that include it can dial them.">
            {form.select("context", lens!(context), context_options)}
        </Field>
        <Field name="trunks" label="Trunks" error=form.error("trunks")
            help="Tried in this order: when one is unreachable or congested the next one takes the call; busy stops there.">
            <TrunkList form trunks/>
        </Field>
        <Field name="ringtime" label="Ring time" error=form.error("ringtime")
            help="Seconds before an unanswered call gives up, 0 to 300; 0 for no limit.">
            {form.number("ringtime", lens!(ringtime))}
        </Field>
        <Field name="internal" label="Internal" error=form.error("internal")
            help="Keep the caller's own caller ID (calls to another site of the office).">
            {form.checkbox("internal", |i| i.internal, |i, on| i.internal = on)}
        </Field>
    }
}

/// The ordered trunk list: move up or down, remove, add from the rest.
#[component]
fn TrunkList(form: FormState<OutcallInput>, trunks: Vec<(i64, String)>) -> impl IntoView {
    let input = form.input;
    let all = StoredValue::new(trunks);
    let name_of = move |id: i64| {
        all.with_value(|t| {
            t.iter()
                .find(|(t, _)| *t == id)
                .map_or_else(|| format!("#{id} (deleted)"), |(_, n)| n.clone())
        })
    };
    let change = move |f: &dyn Fn(&mut Vec<i64>)| {
        input.update(|i| f(&mut i.trunks));
        form.touch("trunks");
    };
    let available = move || {
        input.with(|i| {
            all.with_value(|t| {
                t.iter()
                    .filter(|(id, _)| !i.trunks.contains(id))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    // What the select shows; falls back to the first trunk left so that
    // "Add trunk" always adds what the administrator sees.
    let choice = RwSignal::new(None::<i64>);
    let picked = move || {
        let left = available();
        choice
            .get()
            .filter(|c| left.iter().any(|(id, _)| id == c))
            .or_else(|| left.first().map(|(id, _)| *id))
    };
    view! {
        <ol class="ordered" id="trunks" aria-label="Trunks in order" aria-describedby="help-trunks error-trunks">
            {move || {
                let listed = input.with(|i| i.trunks.clone());
                let last = listed.len().saturating_sub(1);
                listed.into_iter().enumerate().map(|(at, id)| {
                    let name = name_of(id);
                    let key = name.clone();
                    view! {
                        <li data-trunk=key>
                            <input type="hidden" name=format!("trunks[{at}]") value=id.to_string()/>
                            <span class="item">{name.clone()}</span>
                            <button type="button" class="small" disabled=at == 0 aria-label=format!("Move {name} up")
                                on:click=move |_| change(&|t| t.swap(at, at.saturating_sub(1)))>"Up"</button>
                            <button type="button" class="small" disabled=at == last aria-label=format!("Move {name} down")
                                on:click=move |_| change(&|t| t.swap(at, at + 1))>"Down"</button>
                            <button type="button" class="small" aria-label=format!("Remove {name}")
                                on:click=move |_| change(&|t| { t.remove(at); })>"Remove"</button>
                        </li>
                    }
                }).collect_view()
            }}
        </ol>
        <div class="item-add">
            <select id="trunk-choice" aria-label="Trunk to add" disabled=move || available().is_empty()
                on:change=move |ev| choice.set(event_target_value(&ev).parse().ok())>
                {move || available().into_iter().map(|(id, name)| view! {
                    <option value=id.to_string() selected=move || picked() == Some(id)>{name}</option>
                }).collect_view()}
            </select>
            <button type="button" disabled=move || picked().is_none()
                on:click=move |_| if let Some(id) = picked() { change(&|t| t.push(id)) }>
                "Add trunk"
            </button>
        </div>
        {move || all.with_value(Vec::is_empty).then(|| view! {
            <p class="help">"No trunk yet: add one under Trunk management → SIP Protocol first."</p>
        })}
    }
}
