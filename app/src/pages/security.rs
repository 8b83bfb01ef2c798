//! Services → IPBX → General settings → SIP security: the toll-fraud
//! guard's settings (FreePBX's Intrusion Detection words: Max retry, Find
//! time, Ban time) and the addresses it is slowing down or blocking, each
//! with "Lift block". The list refreshes every five seconds.

use crate::api::security::{sip_security, watched_addresses, LiftBlock, SaveSipSecurity};
use crate::components::delete_cell::DeleteBanner;
use crate::components::field::Field;
use crate::components::form::{failure_sentence, lens, loaded, Banner, FormState};
use crate::components::list_nav::content_key;
use crate::components::poll::ticker;
use crate::components::posted::CsrfField;
use crate::components::repair::RepairList;
use crate::model::repair::RepairKind;
use crate::model::security::{SipSecurityInput, SipSecurityView, WatchedAddress, FREE_TRIES};
use crate::model::time::clock;
use leptos::prelude::*;
use leptos_meta::Title;

const REFRESH_MS: u64 = 5000;

/// What a save says (the WASM's and a form posted without it).
pub const SAVED: &str = "Saved: the new settings apply to the next failure.";

#[component]
pub fn SecurityPage() -> impl IntoView {
    let settings = Resource::new(|| (), |()| sip_security());
    view! {
        <Title text="SIP security"/>
        <p class="crumbs">"Services › IPBX › General settings"</p>
        <h1>"SIP security"</h1>
        <RepairList kind=RepairKind::Security/>
        <p class="intro">
            "Phones and anyone else who send a wrong password are counted per address. After "
            {FREE_TRIES}
            " failures an address must wait before each new attempt (1 s, then 2 s, 4 s… up to a minute); after Max retry failures within Find time it is blocked for Ban time: nothing it sends is answered."
        </p>
        {loaded(settings, |view| view! { <SettingsForm view/> })}
        <h2>"Addresses"</h2>
        <WatchedList/>
    }
}

#[component]
fn SettingsForm(view: SipSecurityView) -> impl IntoView {
    let form = FormState::resumed(
        "security",
        view.settings.to_input(),
        |i: &SipSecurityInput| i.validate().err().unwrap_or_default(),
    );
    let version = RwSignal::new(view.version);
    let save = ServerAction::<SaveSipSecurity>::new();
    form.follow(
        move || save.value().get(),
        move |saved| {
            version.set(saved.version);
            form.banner.set(Some(Banner::Notice(SAVED.into())));
        },
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !form.begin_save().is_empty() {
            return;
        }
        save.dispatch(SaveSipSecurity {
            version: version.get_untracked(),
            input: form.input.get_untracked(),
        });
    };
    view! {
        {form.banner_view()}
        <form class="panel single" method="post" novalidate on:submit=on_submit>
            <CsrfField/>
            <input type="hidden" name="version" value=version.get_untracked().to_string()/>
            <Field name="max_retry" label="Max retry" error=form.error("max_retry")
                help="Failed authentications within Find time that block the address (3 to 1000).">
                {form.number("max_retry", lens!(max_retry))}
            </Field>
            <Field name="find_time" label="Find time" error=form.error("find_time")
                help="Seconds over which failures are counted (60 to 86400).">
                {form.number("find_time", lens!(find_time))}
            </Field>
            <Field name="ban_time" label="Ban time" error=form.error("ban_time")
                help="Seconds an address stays blocked, unless you lift the block below (60 to 604800).">
                {form.number("ban_time", lens!(ban_time))}
            </Field>
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
            </div>
        </form>
    }
}

#[component]
fn WatchedList() -> impl IntoView {
    let tick = ticker(REFRESH_MS);
    let lift = ServerAction::<LiftBlock>::new();
    let list = Resource::new(
        move || (tick.get(), lift.version().get()),
        |_| watched_addresses(),
    );
    view! {
        <DeleteBanner last=Signal::derive(move || lift.value().get().map(|r| r.err().map(|e| failure_sentence(&e))))/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! {
                        <p class="empty" id="no-watched">"No address has failed to authenticate lately."</p>
                    }.into_any(),
                    Ok(rows) => view! {
                        <table class="list" id="watched">
                            <thead><tr><th>"Address"</th><th>"State"</th><th>"Failures"</th><th>"Last failure"</th><th>"Actions"</th></tr></thead>
                            <tbody>
                                <For each=move || rows.clone() key=|w| content_key(w.address.clone(), w)
                                    children=move |w| row(w, lift)/>
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

fn row(w: WatchedAddress, lift: ServerAction<LiftBlock>) -> impl IntoView {
    let state = match w.blocked_until {
        Some(until) => format!("Blocked until {}", clock(until)),
        None => "Slowed down".to_owned(),
    };
    let button = if w.blocked_until.is_some() {
        "Lift block"
    } else {
        "Forgive"
    };
    let key = w.address.clone();
    let key_field = w.address.clone();
    let address = w.address.clone();
    view! {
        <tr data-address=key>
            <td>{w.address}</td>
            <td class="state">{state}</td>
            <td>{w.failures}</td>
            <td>{clock(w.last_failure)}</td>
            <td>
                // A form, so it works before the WASM has loaded too.
                <form method="post" on:submit=move |ev| {
                    ev.prevent_default();
                    lift.dispatch(LiftBlock { address: address.clone() });
                }>
                    <CsrfField/>
                    <input type="hidden" name="lift" value=key_field/>
                    <button type="submit" disabled=move || lift.pending().get()>{button}</button>
                </form>
            </td>
        </tr>
    }
}
