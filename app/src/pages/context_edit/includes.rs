//! The ordered includes of a context: contexts searched after this one,
//! in order, as Asterisk's `include =` lines. Move up or down, remove,
//! or include one more from the contexts not yet in the list.

use crate::components::form::FormState;
use crate::model::context::ContextInput;
use crate::model::Context;
use leptos::html;
use leptos::prelude::*;

/// One change to the list, as the row buttons and "Include" ask.
#[derive(Clone)]
enum Change {
    Up(usize),
    Down(usize),
    Remove(usize),
    Add(String),
}

impl Change {
    /// Out-of-range positions (a stale click) change nothing.
    fn apply(self, list: &mut Vec<String>) {
        match self {
            Change::Up(at) if at > 0 && at < list.len() => list.swap(at - 1, at),
            Change::Down(at) if at + 1 < list.len() => list.swap(at, at + 1),
            Change::Remove(at) if at < list.len() => {
                list.remove(at);
            }
            Change::Add(name) => list.push(name),
            _ => {}
        }
    }
}

#[component]
pub fn IncludeList(form: FormState<ContextInput>, contexts: Vec<Context>) -> impl IntoView {
    let input = form.input;
    let edit = move |change: Change| {
        input.update(|i| change.apply(&mut i.includes));
        form.touch("includes");
    };
    // Every context but this one and those already included.
    let choices = move || {
        input.with(|i| {
            contexts
                .iter()
                .filter(|c| c.name != i.name.trim() && !i.includes.contains(&c.name))
                .map(|c| (c.name.clone(), c.display()))
                .collect::<Vec<_>>()
        })
    };
    let choices = Memo::new(move |_| choices());
    // Read from the element: the browser picks the first option when the
    // choices change, and what it shows is what gets included.
    let picker = NodeRef::<html::Select>::new();
    let include = move |_| {
        if let Some(name) = picker.get().map(|s| s.value()).filter(|v| !v.is_empty()) {
            edit(Change::Add(name));
        }
    };
    view! {
        <ol class="includes" id="includes">
            {move || {
                let names = input.with(|i| i.includes.clone());
                let last = names.len().saturating_sub(1);
                names
                    .into_iter()
                    .enumerate()
                    .map(|(at, name)| view! {
                        <li data-include=name.clone()>
                            <input type="hidden" name=format!("includes[{at}]") value=name.clone()/>
                            <span class="include">{name.clone()}</span>
                            <button type="button" class="small" disabled=at == 0 aria-label=format!("Move {name} up")
                                on:click=move |_| edit(Change::Up(at))>"Up"</button>
                            <button type="button" class="small" disabled=at == last aria-label=format!("Move {name} down")
                                on:click=move |_| edit(Change::Down(at))>"Down"</button>
                            <button type="button" class="small" aria-label=format!("Remove {name}")
                                on:click=move |_| edit(Change::Remove(at))>"Remove"</button>
                        </li>
                    })
                    .collect_view()
            }}
        </ol>
        <div class="include-add" hidden=move || choices.with(Vec::is_empty)>
            <select id="include-choice" aria-label="Context to include" node_ref=picker>
                {move || {
                    choices
                        .get()
                        .into_iter()
                        .map(|(name, label)| view! { <option value=name>{label}</option> })
                        .collect_view()
                }}
            </select>
            <button type="button" class="small" on:click=include>"Include"</button>
        </div>
    }
}
