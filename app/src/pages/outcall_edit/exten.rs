//! The Exten tab: the patterns this outgoing call answers, each with what
//! happens to the number (strip, then prefix) and the caller ID to send.
//! Patterns are typed as XiVO shows them (`418.`): the `_` is added for
//! the administrator. Errors sit under each cell, named `extens.{row}.{field}`.

use crate::components::form::{lens, FormState, Lens};
use crate::model::outcall::{ExtenInput, OutcallInput};
use leptos::prelude::*;
use std::collections::HashSet;

const PATTERN_HELP: &str = "X is any digit 0-9, Z 1-9, N 2-9, [1237-9] one digit of a set; \
    . stands for one or more further digits, ! for zero or more. \
    418. is every number starting with 418 (but not 418 itself); \
    the _ that marks a pattern in Asterisk is added for you.";

#[component]
pub fn ExtenTab(form: FormState<OutcallInput>, live_warnings: Memo<Vec<String>>) -> impl IntoView {
    let input = form.input;
    // Row cells have names made at run time, so their "typed in" marks
    // live here rather than in the form's set of static names.
    let touched = RwSignal::new(HashSet::<String>::new());
    let count = Memo::new(move |_| input.with(|i| i.extens.len()));
    let remove = move |at: usize| {
        input.update(|i| {
            if at < i.extens.len() {
                i.extens.remove(at);
            }
        });
        // The rows below moved up: their marks follow them, and what the
        // server said about row numbers no longer applies.
        touched.update(|t| *t = t.drain().filter_map(|n| shifted(&n, at)).collect());
        form.server_errors
            .update(|e| e.0.retain(|x| !x.field.starts_with("extens")));
    };
    let rows = move || {
        (0..count.get())
            .map(|at| {
                let c = Cell { form, touched, at };
                view! {
                    <tr data-exten-row=at.to_string()>
                        {c.view("pattern", "Pattern", lens!(pattern), "418.", "")}
                        {c.view("strip", "Strip digits", lens!(strip), "0", "short")}
                        {c.view("prefix", "External prefix", lens!(prefix), "", "short")}
                        {c.view("caller_id", "Caller ID", lens!(caller_id), "4185550100", "")}
                        <td class="actions">
                            <button type="button" class="small" aria-label=format!("Remove pattern row {}", at + 1) on:click=move |_| remove(at)>"Remove"</button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let summary = form.error("extens");
    view! {
        <p class="help">{PATTERN_HELP}</p>
        <p class="error" id="error-extens">{move || summary.get()}</p>
        <table class="list extens" id="extens">
            <thead>
                <tr><th>"Pattern"</th><th>"Strip digits"</th><th>"External prefix"</th><th>"Caller ID"</th><th>"Actions"</th></tr>
            </thead>
            <tbody>
                {rows}
                {move || (count.get() == 0).then(|| view! {
                    <tr><td colspan="5" class="empty">"No pattern yet: calls never match this outgoing call."</td></tr>
                })}
            </tbody>
        </table>
        <div class="buttons">
            <button type="button" on:click=move |_| input.update(|i| i.extens.push(ExtenInput::default()))>
                "Add a pattern"
            </button>
        </div>
        <div class="warnings" hidden=move || live_warnings.with(Vec::is_empty)>
            <p>"Warnings (they do not prevent saving):"</p>
            <ul id="pattern-warnings">
                {move || live_warnings.get().into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
            </ul>
        </div>
    }
}

/// `name` after row `removed` was taken out: rows below move up one.
fn shifted(name: &str, removed: usize) -> Option<String> {
    let (row, key) = name.strip_prefix("extens.")?.split_once('.')?;
    let row: usize = row.parse().ok()?;
    match row.cmp(&removed) {
        std::cmp::Ordering::Less => Some(name.to_owned()),
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(format!("extens.{}.{key}", row - 1)),
    }
}

/// One row's cells share the form and the row number.
#[derive(Clone, Copy)]
struct Cell {
    form: FormState<OutcallInput>,
    touched: RwSignal<HashSet<String>>,
    at: usize,
}

impl Cell {
    /// A text input with its error under it, as the form's `Field` does.
    fn view(
        self,
        key: &'static str,
        label: &'static str,
        lens: Lens<ExtenInput>,
        placeholder: &'static str,
        class: &'static str,
    ) -> impl IntoView {
        let Cell { form, touched, at } = self;
        let input = form.input;
        let name = format!("extens.{at}.{key}");
        let error = {
            let name = name.clone();
            Signal::derive(move || {
                let visible = form.submitted.get() || touched.with(|t| t.contains(&name));
                let local = visible
                    .then(|| form.checked.with(|e| e.get(&name).map(str::to_owned)))
                    .flatten();
                local.or_else(|| form.server_errors.with(|e| e.get(&name).map(str::to_owned)))
            })
        };
        let mark = name.clone();
        let initial = input.with_untracked(|i| i.extens.get(at).map(|x| (lens.get)(x).clone()));
        view! {
            <td class:invalid=move || error.with(Option::is_some)>
                // Posted as `extens[0][pattern]` by a browser without the WASM.
                <input type="text" id=name.clone() name=format!("extens[{at}][{key}]") class=class autocomplete="off"
                    placeholder=placeholder
                    aria-label=format!("{label}, row {}", at + 1)
                    aria-describedby=format!("error-{name}")
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    value=initial
                    prop:value=move || input.with(|i| i.extens.get(at).map(|x| (lens.get)(x).clone()).unwrap_or_default())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        input.update(|i| {
                            if let Some(x) = i.extens.get_mut(at) {
                                *(lens.set)(x) = value;
                            }
                        });
                        touched.update(|t| {
                            t.insert(mark.clone());
                        });
                    }/>
                <p class="error" id=format!("error-{name}")>{move || error.get()}</p>
            </td>
        }
    }
}
