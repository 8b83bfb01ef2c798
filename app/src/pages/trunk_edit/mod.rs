//! Adding or editing a SIP trunk: the General, Register and Signalling
//! tabs of XiVO's form, checked as you type by the same rules the server
//! applies, and saved without losing a keystroke when something is refused.

mod general;
mod register;
mod signalling;

use crate::api::trunks::{trunk_form, SaveTrunk, TrunkFormData};
use crate::components::form::{id_param, loaded, FormState};
use crate::components::posted::CsrfField;
use crate::components::repair::RepairNotice;
use crate::components::tabs::{TabBar, TabPanel};
use crate::model::trunk::{TrunkInput, ValidationContext};
use crate::model::FieldErrors;
use general::GeneralTab;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use register::RegisterTab;
use signalling::SignallingTab;
use std::collections::HashSet;

const TABS: &[&str] = &["General", "Register", "Signalling"];

/// Which tab holds each field, to badge tabs and open the first with an error.
fn tab_of(field: &str) -> usize {
    match field {
        f if f.starts_with("reg_") || f == "register" => 1,
        "outbound_proxy" | "from_user" | "from_domain" | "codecs" | "dtmf_mode" | "monitoring"
        | "direct_media" | "rtp_timeout" | "rtp_hold_timeout" | "qualify_freq" | "disabled" => 2,
        _ => 0,
    }
}

#[component]
pub fn TrunkEdit() -> impl IntoView {
    let id = id_param();
    let data = Resource::new(id, trunk_form);
    view! {
        <p class="crumbs">"Services › IPBX › Trunk management › "<a href="/ipbx/trunks">"SIP Protocol"</a></p>
        {loaded(data, |data| view! { <TrunkForm data/> })}
    }
}

#[component]
fn TrunkForm(data: TrunkFormData) -> impl IntoView {
    let repair = data.repair.clone();
    let rules = ValidationContext {
        incall_contexts: data
            .incall_contexts
            .iter()
            .map(|c| c.name.clone())
            .collect(),
        has_stored_secret: data.has_secret,
        has_stored_reg_secret: data.has_reg_secret,
    };
    let form = FormState::resumed("trunk", data.input.clone(), move |i: &TrunkInput| {
        i.validate(&rules).err().unwrap_or_default()
    });
    let input = form.input;
    let active = RwSignal::new(0usize);
    let save = ServerAction::<SaveTrunk>::new();
    let navigate = use_navigate();

    let shown_errors = move || form.shown_errors();
    let badges = Signal::derive(move || {
        let mut counts = vec![0; TABS.len()];
        let mut seen = HashSet::new();
        for e in shown_errors().0 {
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
        move |_| navigate("/ipbx/trunks", Default::default()),
    );
    // The server's errors open the tab of the first, as the browser's do
    // (also those of a form posted before the WASM had loaded).
    Effect::new(move |_| form.server_errors.with(open_first_error));
    if let Some(first) = form
        .server_errors
        .with_untracked(|e| e.0.first().map(|e| tab_of(&e.field)))
    {
        active.set(first);
    }

    let (id, version) = (data.id, data.version);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let errors = form.begin_save();
        if !errors.is_empty() {
            open_first_error(&errors);
            return;
        }
        save.dispatch(SaveTrunk {
            id,
            version,
            input: input.get_untracked(),
        });
    };
    let title = match &data.id {
        Some(_) => format!("Edit trunk {}", data.input.name),
        None => "Add a SIP trunk".to_owned(),
    };
    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        {form.banner_view()}
        <RepairNotice repair=repair/>
        <form class="tabbed" method="post" novalidate on:submit=on_submit>
            <CsrfField/>
            {version.map(|v| view! { <input type="hidden" name="version" value=v.to_string()/> })}
            <TabBar tabs=TABS active badges/>
            <TabPanel i=0 active><GeneralTab form contexts=data.incall_contexts.clone() has_secret=data.has_secret/></TabPanel>
            <TabPanel i=1 active><RegisterTab form has_reg_secret=data.has_reg_secret/></TabPanel>
            <TabPanel i=2 active><SignallingTab form/></TabPanel>
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
                <a class="button" href="/ipbx/trunks">"Cancel"</a>
            </div>
        </form>
    }
}
