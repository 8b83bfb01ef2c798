//! Adding or editing a dial-plan context (PBX settings → Contexts): name,
//! label, type, the numbers the type is about, and the ordered includes,
//! checked as you type by the same rules the server applies. The name and
//! type are fixed once created: users, trunks and calls refer to them.

mod includes;
mod ranges;

use crate::api::contexts::{context_form, ContextFormData, SaveContext};
use crate::components::field::Field;
use crate::components::form::{lens, loaded, FormState};
use crate::components::posted::CsrfField;
use crate::components::repair::RepairNotice;
use crate::model::context::{ContextInput, ContextKind, ContextRules};
use includes::IncludeList;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use ranges::{RangeRows, DID_RANGES, USER_RANGES};

#[component]
pub fn ContextEdit() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.with(|p| p.get("name"));
    let data = Resource::new(name, context_form);
    view! {
        <p class="crumbs">"Services › IPBX › PBX settings › "<a href="/ipbx/contexts">"Contexts"</a></p>
        {loaded(data, move |data| match name() {
            // The server answers an unknown name with a blank form;
            // offering "Add" at an edit address would mislead.
            Some(asked) if data.editing.is_none() => {
                let message = format!(
                    "Context \u{201c}{asked}\u{201d} does not exist (it may have been deleted)."
                );
                view! { <p class="error banner">{message}</p> }.into_any()
            }
            _ => view! { <ContextForm data/> }.into_any(),
        })}
    }
}

#[component]
fn ContextForm(data: ContextFormData) -> impl IntoView {
    let repair = data.repair.clone();
    let rules = ContextRules {
        existing: data.contexts.clone(),
        editing: data.editing.clone(),
    };
    let form = FormState::resumed("context", data.input.clone(), move |i: &ContextInput| {
        i.validate(&rules).err().unwrap_or_default()
    });
    let input = form.input;
    let save = ServerAction::<SaveContext>::new();
    let navigate = use_navigate();
    form.follow(
        move || save.value().get(),
        move |_| navigate("/ipbx/contexts", Default::default()),
    );

    let (name, version) = (data.editing.clone(), data.version);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !form.begin_save().is_empty() {
            return;
        }
        save.dispatch(SaveContext {
            name: name.clone(),
            version,
            input: input.get_untracked(),
        });
    };
    let editing = data.editing.is_some();
    let title = match &data.editing {
        Some(name) => format!("Edit context {name}"),
        None => "Add a context".to_owned(),
    };
    // A section shows for its type, and also while it still holds rows
    // typed before the type changed: nothing typed is dropped unseen, and
    // the error asking to remove them sits next to them.
    let kind_is = move |kind: ContextKind| input.with(|i| i.kind == kind.as_str());
    let show_users =
        move || kind_is(ContextKind::Internal) || input.with(|i| !i.user_ranges.is_empty());
    let show_dids = move || {
        kind_is(ContextKind::Incall)
            || input.with(|i| !i.did_ranges.is_empty() || !i.did_length.trim().is_empty())
    };
    let show_lengths = move || {
        kind_is(ContextKind::Outcall) || input.with(|i| !i.number_lengths.trim().is_empty())
    };
    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        {form.banner_view()}
        <RepairNotice repair=repair/>
        <form class="panel single" method="post" novalidate on:submit=on_submit>
            <CsrfField/>
            {version.map(|v| view! { <input type="hidden" name="version" value=v.to_string()/> })}
            <Field name="name" label="Name" error=form.error("name")
                help="Letters, digits, - and _; it cannot change once created.">
                {if editing {
                    view! {
                        <input type="text" id="name" name="name" readonly value=data.input.name.clone()/>
                    }.into_any()
                } else {
                    form.text("name", lens!(name), "text", "sales").into_any()
                }}
            </Field>
            <Field name="label" label="Label" error=form.error("label")
                help="What lists and selects show, such as Sales.">
                {form.text("label", lens!(label), "text", "")}
            </Field>
            <Field name="kind" label="Type" error=form.error("kind")>
                <KindSelect form disabled=editing/>
            </Field>
            <div class="field-group" hidden=move || !show_users()>
                <Field name="user_ranges" label="User ranges" error=form.error("user_ranges")
                    help="Extensions users of this context may have; none allows any number.">
                    <RangeRows form list=USER_RANGES/>
                </Field>
            </div>
            <div class="field-group" hidden=move || !show_dids()>
                <Field name="did_ranges" label="DID ranges" error=form.error("did_ranges")
                    help="The numbers this context answers incoming calls for; none allows any.">
                    <RangeRows form list=DID_RANGES/>
                </Field>
                <Field name="did_length" label="DID length" error=form.error("did_length")
                    help="Compare only this many last digits of the DID with the ranges; blank compares all.">
                    {form.number("did_length", lens!(did_length))}
                </Field>
            </div>
            <div class="field-group" hidden=move || !show_lengths()>
                <Field name="number_lengths" label="Number lengths" error=form.error("number_lengths")
                    help="Lengths of the numbers dialed out, e.g. 10 for North American numbers; used to warn about patterns no number reaches">
                    {form.text("number_lengths", lens!(number_lengths), "text", "10, 11")}
                </Field>
            </div>
            <Field name="includes" label="Includes" error=form.error("includes")
                help="Contexts searched after this one, in this order.">
                <IncludeList form contexts=data.contexts/>
            </Field>
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
                <a class="button" href="/ipbx/contexts">"Cancel"</a>
            </div>
        </form>
    }
}

/// The type select; fixed (disabled) once the context exists.
#[component]
fn KindSelect(form: FormState<ContextInput>, disabled: bool) -> impl IntoView {
    let input = form.input;
    // A disabled select is not posted: the fixed type goes in a hidden field.
    let fixed = disabled.then(|| input.with_untracked(|i| i.kind.clone()));
    view! {
        {fixed.map(|kind| view! { <input type="hidden" name="kind" value=kind/> })}
        <select id="kind" name=(!disabled).then_some("kind") disabled=disabled
            aria-describedby=crate::components::form::described_by("kind")
            prop:value=move || input.with(|i| i.kind.clone())
            on:change=move |ev| {
                input.update(|i| i.kind = event_target_value(&ev));
                form.touch("kind");
            }>
            {ContextKind::ALL
                .iter()
                .map(|k| {
                    let value = k.as_str();
                    view! {
                        <option value=value selected=move || input.with(|i| i.kind == value)>
                            {k.label()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
