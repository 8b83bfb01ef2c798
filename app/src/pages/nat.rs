//! Services → IPBX → General settings → SIP (NAT): the External address
//! written in Via and Contact toward the internet and the Local networks
//! that get the PBX's own address (Asterisk's externaddr and localnet).
//! The SIP bind is shown as what it is: a start-up flag this screen cannot
//! change (and the console is not told which address was bound).

use crate::api::nat::{sip_nat, SaveSipNat};
use crate::api::FormOutcome;
use crate::components::field::Field;
use crate::components::form::{lens, FormState};
use crate::model::nat::{SipNatInput, SipNatView};
use crate::model::FieldErrors;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NatPage() -> impl IntoView {
    let settings = Resource::new(|| (), |()| sip_nat());
    view! {
        <Title text="SIP (NAT)"/>
        <p class="crumbs">"Services › IPBX › General settings"</p>
        <h1>"SIP (NAT)"</h1>
        <p class="intro">
            "When Trunkline sits behind a router that translates addresses, providers must be told the router's public address, while phones on the office network keep talking to the PBX directly."
        </p>
        <p class="intro" id="sip-bind">
            "SIP bind: set with "<code>"--sip"</code>" when Trunkline starts (UDP and TCP on one port, 0.0.0.0:5060 unless given); this screen does not change it. Started with "
            <code>"--sip-external-address"</code>
            ", Trunkline uses that address instead of the External address saved here."
        </p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(view) => view! { <SettingsForm view/> }.into_any(),
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SettingsForm(view: SipNatView) -> impl IntoView {
    let form = FormState::new(view.settings.to_input(), |i: &SipNatInput| {
        i.validate().err().unwrap_or_default()
    });
    let version = RwSignal::new(view.version);
    let banner = RwSignal::new(None::<(bool, String)>);
    let save = ServerAction::<SaveSipNat>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(FormOutcome::Done(saved))) => {
            version.set(saved.version);
            // Show the networks as stored (one per line, reduced to their
            // network address), so what is on screen is what applies.
            form.input.set(saved.settings.to_input());
            banner.set(Some((
                false,
                "Saved: the next SIP message carries the new addresses.".into(),
            )));
        }
        Some(Ok(FormOutcome::Invalid(errors))) => form.server_errors.set(errors),
        Some(Ok(FormOutcome::Conflict(message))) => banner.set(Some((true, message))),
        Some(Err(e)) => banner.set(Some((true, e.to_string()))),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submitted.set(true);
        form.server_errors.set(FieldErrors::new());
        banner.set(None);
        if !form.checked.get_untracked().is_empty() {
            return;
        }
        save.dispatch(SaveSipNat {
            version: version.get_untracked(),
            input: form.input.get_untracked(),
        });
    };
    view! {
        {move || banner.get().map(|(error, m)| view! {
            <p class=if error { "error banner" } else { "notice banner" } id="banner" role="alert">{m}</p>
        })}
        <form class="panel single" novalidate on:submit=on_submit>
            <Field name="external_address" label="External address" error=form.error("external_address")
                help="The public address (host name or IP, with :port if the router forwards another port) written in Via and Contact toward destinations outside the local networks — Asterisk's externaddr. Leave empty to use what the provider reports seeing (received/rport).">
                {form.text("external_address", lens!(external_address), "text", "none: use what the provider sees")}
            </Field>
            <Field name="local_networks" label="Local networks" error=form.error("local_networks")
                help="Destinations in these networks get this PBX's own address — Asterisk's localnet.">
                {form.textarea("local_networks", lens!(local_networks), 8)}
            </Field>
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
            </div>
        </form>
    }
}
