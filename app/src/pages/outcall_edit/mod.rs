//! Adding or editing an outgoing call: XiVO's General tab (ordered trunks)
//! and Exten tab (patterns), checked as you type by the rules the server
//! applies. Pattern warnings never block a save: they show as you type,
//! and again after saving, so the administrator reads them before leaving.

mod exten;
mod general;

use crate::api::outcalls::{outcall_form, OutcallFormData, SaveOutcall};
use crate::components::form::{id_param, loaded, FormState};
use crate::components::posted::CsrfField;
use crate::components::repair::RepairNotice;
use crate::components::tabs::{TabBar, TabPanel};
use crate::model::outcall::{warnings, OutcallInput, OutcallRules};
use crate::model::FieldErrors;
use exten::ExtenTab;
use general::GeneralTab;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use std::collections::HashSet;

const TABS: &[&str] = &["General", "Exten"];

/// Which tab holds each field, to badge tabs and open the first with an error.
fn tab_of(field: &str) -> usize {
    usize::from(field.starts_with("extens"))
}

#[component]
pub fn OutcallEdit() -> impl IntoView {
    let id = id_param();
    let data = Resource::new(id, outcall_form);
    view! {
        <p class="crumbs">"Services › IPBX › Call management › "<a href="/ipbx/outcalls">"Outgoing calls"</a></p>
        {loaded(data, |data| view! { <OutcallForm data/> })}
    }
}

#[component]
fn OutcallForm(data: OutcallFormData) -> impl IntoView {
    let repair = data.repair.clone();
    let rules = StoredValue::new(OutcallRules {
        contexts: data.contexts.clone(),
        trunks: data.trunks.clone(),
        others: data.others,
    });
    let form = FormState::resumed("outcall", data.input.clone(), move |i: &OutcallInput| {
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

    form.follow(
        move || save.value().get(),
        move |done| {
            if done.warnings.is_empty() {
                navigate("/ipbx/outcalls", Default::default());
            } else {
                ident.set((Some(done.view.id), Some(done.view.version)));
                saved.set(Some(done.warnings));
            }
        },
    );
    // The server's errors open the tab of the first, as the browser's do.
    Effect::new(move |_| form.server_errors.with(open_first_error));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(None);
        let errors = form.begin_save();
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
    if let Some(first) = form
        .server_errors
        .with_untracked(|e| e.0.first().map(|e| tab_of(&e.field)))
    {
        active.set(first);
    }
    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        {form.banner_view()}
        <RepairNotice repair=repair/>
        {move || saved.get().map(|list| view! {
            <div class="notice" id="saved" role="status">
                <p>"Saved."</p>
                <p>"Calls already use it. Check these warnings about its patterns:"</p>
                <ul id="saved-warnings">{list.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                <a class="button" href="/ipbx/outcalls">"Back to outgoing calls"</a>
            </div>
        })}
        <form class="tabbed" method="post" novalidate on:submit=on_submit>
            <CsrfField/>
            {data.version.map(|v| view! { <input type="hidden" name="version" value=v.to_string()/> })}
            <TabBar tabs=TABS active badges/>
            <TabPanel i=0 active><GeneralTab form contexts=data.contexts trunks=data.trunks/></TabPanel>
            <TabPanel i=1 active><ExtenTab form live_warnings/></TabPanel>
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
                <a class="button" href="/ipbx/outcalls">"Cancel"</a>
            </div>
        </form>
    }
}
