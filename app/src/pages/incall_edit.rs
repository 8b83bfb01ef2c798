//! Adding or editing an incoming call: which public number (DID), in
//! which context, rings whom, checked as you type by the rules the server
//! applies. The user to ring is picked from a list narrowed by a filter,
//! since an office has more users than a select can comfortably show.

use crate::api::incalls::{incall_form, IncallFormData, SaveIncall};
use crate::components::field::Field;
use crate::components::form::{id_param, lens, loaded, FormState};
use crate::components::posted::{hydrated, CsrfField};
use crate::components::repair::RepairNotice;
use crate::model::incall::{CallerIdNameMode, IncallInput, IncallRules};
use crate::model::ContextKind;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

#[component]
pub fn IncallEdit() -> impl IntoView {
    let id = id_param();
    let data = Resource::new(id, incall_form);
    view! {
        <p class="crumbs">"Services › IPBX › Call management › "<a href="/ipbx/incalls">"Incoming calls"</a></p>
        {loaded(data, |data| view! { <IncallForm data/> })}
    }
}

#[component]
fn IncallForm(data: IncallFormData) -> impl IntoView {
    let repair = data.repair.clone();
    let context_options = data
        .contexts
        .iter()
        .filter(|c| c.kind == ContextKind::Incall)
        .map(|c| (c.name.clone(), c.display()))
        .collect();
    let users = data.users.clone();
    let rules = IncallRules {
        contexts: data.contexts,
        users: data.users,
        others: data.others,
    };
    let form = FormState::resumed("incall", data.input.clone(), move |i: &IncallInput| {
        i.validate(&rules).err().unwrap_or_default()
    });
    let input = form.input;
    let save = ServerAction::<SaveIncall>::new();
    let navigate = use_navigate();
    form.follow(
        move || save.value().get(),
        move |_| navigate("/ipbx/incalls", Default::default()),
    );

    let (id, version) = (data.id, data.version);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !form.begin_save().is_empty() {
            return;
        }
        save.dispatch(SaveIncall {
            id,
            version,
            input: input.get_untracked(),
        });
    };
    let title = match &data.id {
        Some(_) => format!("Edit incoming call {}", data.input.did),
        None => "Add an incoming call".to_owned(),
    };
    let destinations = vec![
        ("user".into(), "User".into()),
        ("hangup".into(), "Hang up".into()),
    ];
    let modes = CallerIdNameMode::ALL
        .iter()
        .map(|m| (m.as_str().to_owned(), m.label().to_owned()))
        .collect();
    let to_user = move || input.with(|i| i.destination == "user");
    // One message, one place: a missing user is said under Redirect to.
    let destination_error = form.error("destination");
    let (on_destination, on_user) = (
        Signal::derive(move || destination_error.get().filter(|_| !to_user())),
        Signal::derive(move || destination_error.get().filter(|_| to_user())),
    );
    let keeps_name = move || input.with(|i| i.caller_id_mode == CallerIdNameMode::None.as_str());
    // Without the WASM nothing can unfold them: shown until then.
    let scripted = hydrated();
    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        {form.banner_view()}
        <RepairNotice repair=repair/>
        <form class="panel single" method="post" novalidate on:submit=on_submit>
            <CsrfField/>
            {version.map(|v| view! { <input type="hidden" name="version" value=v.to_string()/> })}
            <Field name="did" label="DID" error=form.error("did")
                help="The public number as the provider sends it; a leading + is ignored">
                {form.text("did", lens!(did), "text", "4185550000")}
            </Field>
            <Field name="context" label="Context" error=form.error("context")
                help="The incoming-call context: a trunk's calls are looked up in the trunk's context.">
                {form.select("context", lens!(context), context_options)}
            </Field>
            <Field name="destination" label="Destination" error=on_destination>
                {form.select("destination", lens!(destination), destinations)}
            </Field>
            <div class="field-group" hidden=move || scripted.get() && !to_user()>
                <Field name="user_id" label="Redirect to" error=on_user
                    help="Every phone registered on the user's line rings.">
                    <UserPicker form users/>
                </Field>
            </div>
            <Field name="caller_id_mode" label="Caller ID name" error=form.error("caller_id_mode")
                help="What the ringing phone shows as the caller's name.">
                {form.select("caller_id_mode", lens!(caller_id_mode), modes)}
            </Field>
            <div class="field-group" hidden=move || scripted.get() && keeps_name()>
                <Field name="caller_id_text" label="Caller ID name text" error=form.error("caller_id_text")
                    help="Added to or replacing the name received, such as \"Sales: \".">
                    {form.text("caller_id_text", lens!(caller_id_text), "text", "Sales: ")}
                </Field>
            </div>
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
                <a class="button" href="/ipbx/incalls">"Cancel"</a>
            </div>
        </form>
    }
}

/// A select of users narrowed by a filter box. The chosen user always
/// stays in the list, so narrowing never silently changes the choice.
#[component]
fn UserPicker(form: FormState<IncallInput>, users: Vec<(i64, String)>) -> impl IntoView {
    let input = form.input;
    let users = StoredValue::new(users);
    let filter = RwSignal::new(String::new());
    let chosen = move || input.with(|i| i.user_id);
    let shown = move || {
        let needle = filter.get().trim().to_lowercase();
        let current = chosen();
        users.with_value(|all| {
            all.iter()
                .filter(|(id, name)| Some(*id) == current || name.to_lowercase().contains(&needle))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="picker">
            <input type="search" id="user-filter" placeholder="Filter by name or extension"
                aria-label="Filter users" autocomplete="off"
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))/>
            <select id="user_id" name="user_id" aria-describedby="help-user_id error-user_id"
                prop:value=move || chosen().map(|id| id.to_string()).unwrap_or_default()
                on:change=move |ev| {
                    let picked = event_target_value(&ev).parse::<i64>().ok();
                    input.update(|i| i.user_id = picked);
                    form.touch("destination");
                }>
                <option value="" selected=move || chosen().is_none()>"— choose a user —"</option>
                {move || shown().into_iter().map(|(id, name)| view! {
                    <option value=id.to_string() selected=move || chosen() == Some(id)>{name}</option>
                }).collect_view()}
            </select>
        </div>
        {move || users.with_value(Vec::is_empty).then(|| view! {
            <p class="help">"No user yet: add one under PBX settings → Users first."</p>
        })}
    }
}
