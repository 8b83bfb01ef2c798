//! Services → IPBX → General settings → SIP (NAT): the External address
//! written in Via and Contact toward the internet and the Local networks
//! that get the PBX's own address (Asterisk's externaddr and localnet),
//! and the SIP bind (udpbindaddr), which takes effect at the next start:
//! the screen says where SIP listens now, so a saved bind that is not yet
//! the running one is never mistaken for it.

use crate::api::nat::{sip_nat, SaveSipNat, SipNatScreen};
use crate::components::field::Field;
use crate::components::form::{lens, loaded, Banner, FormState};
use crate::components::posted::CsrfField;
use crate::components::repair::RepairList;
use crate::model::nat::{SipNatInput, SipNatView};
use crate::model::repair::RepairKind;
use leptos::prelude::*;
use leptos_meta::Title;

/// What a save says (the WASM's and a form posted without it).
pub const SAVED: &str =
    "Saved: the next SIP message carries the new addresses; a new SIP bind waits for the next start.";

#[component]
pub fn NatPage() -> impl IntoView {
    let settings = Resource::new(|| (), |()| sip_nat());
    view! {
        <Title text="SIP (NAT)"/>
        <p class="crumbs">"Services › IPBX › General settings"</p>
        <h1>"SIP (NAT)"</h1>
        <RepairList kind=RepairKind::Nat/>
        <p class="intro">
            "When Trunkline sits behind a router that translates addresses, providers must be told the router's public address, while phones on the office network keep talking to the PBX directly."
        </p>
        <p class="intro">
            "Started with "<code>"--sip"</code>" or "<code>"--sip-external-address"</code>
            ", Trunkline uses that address instead of the SIP bind or External address saved here."
        </p>
        {loaded(settings, |SipNatScreen { view, listening }| {
            view! { <SettingsForm view listening/> }
        })}
    }
}

/// Where SIP listens now, and whether the saved bind (`stored`, following saves) waits for
/// a restart.
#[component]
fn Listening(stored: Signal<String>, listening: Option<String>) -> impl IntoView {
    let Some(listening) = listening else {
        return view! { <p class="intro" id="sip-bind">"The SIP engine is not running."</p> }
            .into_any();
    };
    let now = listening.clone();
    let pending = move || {
        let stored = stored.get();
        (stored != now).then(|| {
            format!(
                " The saved SIP bind, {stored}, takes effect when Trunkline restarts (unless \
                 --sip overrides it)."
            )
        })
    };
    view! {
        <p class="intro" id="sip-bind">
            "SIP listens on "<strong>{listening}</strong>" (UDP and TCP)."{pending}
        </p>
    }
    .into_any()
}

#[component]
fn SettingsForm(view: SipNatView, listening: Option<String>) -> impl IntoView {
    let stored = RwSignal::new(view.settings.bind_address.clone());
    let form = FormState::resumed("nat", view.settings.to_input(), |i: &SipNatInput| {
        i.validate().err().unwrap_or_default()
    });
    let version = RwSignal::new(view.version);
    let save = ServerAction::<SaveSipNat>::new();
    form.follow(
        move || save.value().get(),
        move |saved| {
            version.set(saved.version);
            stored.set(saved.settings.bind_address.clone());
            // Show the networks as stored (one per line, reduced to their
            // network address), so what is on screen is what applies.
            form.input.set(saved.settings.to_input());
            form.banner.set(Some(Banner::Notice(SAVED.into())));
        },
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !form.begin_save().is_empty() {
            return;
        }
        save.dispatch(SaveSipNat {
            version: version.get_untracked(),
            input: form.input.get_untracked(),
        });
    };
    view! {
        <Listening stored=stored.into() listening/>
        {form.banner_view()}
        <form class="panel single" method="post" novalidate on:submit=on_submit>
            <CsrfField/>
            <input type="hidden" name="version" value=version.get_untracked().to_string()/>
            <Field name="external_address" label="External address" error=form.error("external_address")
                help="The public address (host name or IP, with :port if the router forwards another port) written in Via and Contact toward destinations outside the local networks — Asterisk's externaddr. Leave empty to use what the provider reports seeing (received/rport).">
                {form.text("external_address", lens!(external_address), "text", "none: use what the provider sees")}
            </Field>
            <Field name="local_networks" label="Local networks" error=form.error("local_networks")
                help="Destinations in these networks get this PBX's own address — Asterisk's localnet.">
                {form.textarea("local_networks", lens!(local_networks), 8)}
            </Field>
            <Field name="bind_address" label="SIP bind" error=form.error("bind_address")
                help="The IP address of this machine SIP listens on, UDP and TCP, with :port if not 5060 — Asterisk's udpbindaddr. 0.0.0.0 listens on every interface. Read when Trunkline starts: restart it to move SIP.">
                {form.text("bind_address", lens!(bind_address), "text", "0.0.0.0:5060")}
            </Field>
            <Field name="rtp_start" label="RTP start" error=form.error("rtp_start")
                help="First UDP port of the range calls' audio is relayed through — Asterisk's rtpstart. Each call takes four ports (an RTP/RTCP pair per leg): open the range on the firewall.">
                {form.text("rtp_start", lens!(rtp_start), "text", "10000")}
            </Field>
            <Field name="rtp_end" label="RTP end" error=form.error("rtp_end")
                help="Last UDP port of that range — Asterisk's rtpend. A new range applies to calls that start after saving.">
                {form.text("rtp_end", lens!(rtp_end), "text", "20000")}
            </Field>
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
            </div>
        </form>
    }
}
