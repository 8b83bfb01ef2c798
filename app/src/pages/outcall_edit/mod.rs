//! Adding or editing an outgoing call: XiVO's General tab (ordered trunks)
//! and Exten tab (patterns), checked as you type by the rules the server
//! applies. Pattern warnings never block a save: they show as you type,
//! and again after saving, so the administrator reads them before leaving.

mod exten;
mod general;

use crate::api::outcalls::{outcall_form, OutcallFormData, SaveOutcall};
use crate::api::FormOutcome;
use crate::components::form::FormState;
use crate::components::tabs::TabBar;
use crate::model::outcall::{warnings, OutcallInput, OutcallRules};
use crate::model::FieldErrors;
use exten::ExtenTab;
use general::GeneralTab;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::collections::HashSet;

const TABS: &[&str] = &["General", "Exten"];

/// Which tab holds each field, to badge tabs and open the first with an error.
fn tab_of(field: &str) -> usize {
    usize::from(field.starts_with("extens"))
}

#[component]
pub fn OutcallEdit() -> impl IntoView {
    let params = use_params_map();
    // A malformed id asks for outgoing call 0, which does not exist.
    let id = move || params.with(|p| p.get("id").map(|s| s.parse::<i64>().unwrap_or(0)));
    let data = Resource::new(id, outcall_form);
    view! {
        <p class="crumbs">"Services › IPBX › Call management › "<a href="/ipbx/outcalls">"Outgoing calls"</a></p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <OutcallForm data/> }.into_any(),
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OutcallForm(data: OutcallFormData) -> impl IntoView {
    let rules = StoredValue::new(OutcallRules {
        contexts: data.contexts.clone(),
        trunks: data.trunks.clone(),
        others: data.others,
    });
    let form = FormState::new(data.input.clone(), move |i: &OutcallInput| {
        rules.with_value(|r| i.validate(r).err().unwrap_or_default())
    });
    let input = form.input;
    // Judged only once the input is valid: a half-typed pattern would
    // warn about things the administrator has not finished saying.
    let live_warnings = Memo::new(move |_| {
        rules.with_value(|r| {
            input.with(|i| i.validate(r).map(|o| warnings(&o, r)).unwrap_or_default())
        })
    });
    let active = RwSignal::new(0usize);
    let banner = RwSignal::new(None::<String>);
    // Warnings of a save that went through; the page stays so they are read.
    let saved = RwSignal::new(None::<Vec<String>>);
    // After a first save the form edits what was created, not a new one.
    let ident = RwSignal::new((data.id, data.version));
    let save = ServerAction::<SaveOutcall>::new();
    let navigate = use_navigate();

    let badges = Signal::derive(move || {
        let errors = form.shown_errors();
        let mut counts = vec![0; TABS.len()];
        let mut seen = HashSet::new();
        // "extens" only sums up the rows' errors, which count themselves.
        let has_rows = errors.0.iter().any(|e| e.field.starts_with("extens."));
        for e in errors
            .0
            .iter()
            .filter(|e| !(has_rows && e.field == "extens"))
        {
            if seen.insert(e.field.clone()) {
                counts[tab_of(&e.field)] += 1;
            }
        }
        counts
    });
    let open_first_error = move |errors: &FieldErrors| {
        if let Some(first) = errors.0.first() {
            active.set(tab_of(&first.field));
        }
    };

    Effect::new(move |_| match save.value().get() {
        Some(Ok(FormOutcome::Done(done))) if done.warnings.is_empty() => {
            navigate("/ipbx/outcalls", Default::default());
        }
        Some(Ok(FormOutcome::Done(done))) => {
            ident.set((Some(done.view.id), Some(done.view.version)));
            saved.set(Some(done.warnings));
        }
        Some(Ok(FormOutcome::Invalid(errors))) => {
            open_first_error(&errors);
            form.server_errors.set(errors);
        }
        Some(Ok(FormOutcome::Conflict(message))) => banner.set(Some(message)),
        Some(Err(e)) => banner.set(Some(e.to_string())),
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submitted.set(true);
        form.server_errors.set(FieldErrors::new());
        banner.set(None);
        saved.set(None);
        let errors = form.checked.get_untracked();
        if !errors.is_empty() {
            open_first_error(&errors);
            return;
        }
        let (id, version) = ident.get_untracked();
        save.dispatch(SaveOutcall {
            id,
            version,
            input: input.get_untracked(),
        });
    };
    let title = match &data.id {
        Some(_) => format!("Edit outgoing call {}", data.input.name),
        None => "Add an outgoing call".to_owned(),
    };
    let tab = move |i: usize| move || active.get() != i;
    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        {move || banner.get().map(|m| view! { <p class="error banner" id="banner" role="alert">{m}</p> })}
        {move || saved.get().map(|list| view! {
            <div class="notice" id="saved" role="status">
                <p>"Saved."</p>
                <p>"Calls already use it. Check these warnings about its patterns:"</p>
                <ul id="saved-warnings">{list.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                <a class="button" href="/ipbx/outcalls">"Back to outgoing calls"</a>
            </div>
        })}
        <form class="tabbed" novalidate on:submit=on_submit>
            <TabBar tabs=TABS active badges/>
            <section class="panel" hidden=tab(0)><GeneralTab form contexts=data.contexts trunks=data.trunks/></section>
            <section class="panel" hidden=tab(1)><ExtenTab form live_warnings/></section>
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
                <a class="button" href="/ipbx/outcalls">"Cancel"</a>
            </div>
        </form>
    }
}
