//! The Signalling tab: how SIP is addressed, codecs, DTMF, and monitoring
//! (Asterisk's `qualify`), with what each one does spelled out.

use crate::components::field::Field;
use crate::components::form::{lens, words, FormState};
use crate::model::trunk::TrunkInput;
use crate::model::trunk::{Codec, DtmfMode, MONITORING_CHOICES};
use leptos::prelude::*;

#[component]
pub fn SignallingTab(form: FormState<TrunkInput>) -> impl IntoView {
    let dtmf = words(&DtmfMode::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>());
    let monitoring = MONITORING_CHOICES
        .iter()
        .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
        .collect();
    view! {
        <Field name="outbound_proxy" label="Outbound proxy" error=form.error("outbound_proxy")
            help="REGISTERs and calls out go to this proxy (host or host:port) instead of the host; blank sends them to the host.">
            {form.text("outbound_proxy", lens!(outbound_proxy), "text", "")}
        </Field>
        <Field name="from_user" label="From user" error=form.error("from_user")
            help="User part of the From header on calls out instead of the caller's number, if the provider wants a fixed one (chan_sip fromuser).">
            {form.text("from_user", lens!(from_user), "text", "")}
        </Field>
        <Field name="from_domain" label="From domain" error=form.error("from_domain")>
            {form.text("from_domain", lens!(from_domain), "text", "")}
        </Field>
        <Field name="codecs" label="Codecs" error=form.error("codecs")
            help="Offered in this order; the provider picks the first it supports.">
            <CodecList form/>
        </Field>
        <Field name="dtmf_mode" label="DTMF mode" error=form.error("dtmf_mode")
            help="rfc2833 offers telephone-event (RFC 4733) to the provider; info leaves it out. In-band tones are not offered: they need audio processing Trunkline does not do.">
            {form.select("dtmf_mode", lens!(dtmf_mode), dtmf)}
        </Field>
        <Field name="direct_media" label="Direct media" error=form.error("direct_media")
            help="When the phone's line allows it too (the user's Direct media), audio flows straight between the provider and the phone, the SDP unchanged (Asterisk directmedia). Off: Trunkline relays it, which a PBX behind NAT needs.">
            {form.checkbox("direct_media", |i| i.direct_media, |i, on| i.direct_media = on)}
        </Field>
        <Field name="rtp_timeout" label="RTP timeout" error=form.error("rtp_timeout")
            help="Seconds without audio from one side before a relayed call is hung up on both sides (Asterisk rtptimeout), so a call whose audio died is not left up and billed. 0 never, else 5 to 3600 (default 60).">
            {form.number("rtp_timeout", lens!(rtp_timeout))}
        </Field>
        <Field name="rtp_hold_timeout" label="RTP hold timeout" error=form.error("rtp_hold_timeout")
            help="The same while the call is on hold, when the held side usually sends nothing (Asterisk rtpholdtimeout). 0 never, else 5 to 3600 (default 300).">
            {form.number("rtp_hold_timeout", lens!(rtp_hold_timeout))}
        </Field>
        <Field name="monitoring" label="Monitoring" error=form.error("monitoring")
            help="Longest acceptable OPTIONS round trip. Slower answers mark the trunk LAGGED, none within twice that UNREACHABLE; outgoing calls then skip it.">
            {form.select("monitoring", lens!(monitoring), monitoring)}
        </Field>
        <Field name="qualify_freq" label="Qualify frequency" error=form.error("qualify_freq")
            help="Seconds between two OPTIONS while Monitoring is on, 10 to 300 (default 60).">
            {form.number("qualify_freq", lens!(qualify_freq))}
        </Field>
        <Field name="disabled" label="Disabled" error=form.error("disabled")
            help="A disabled trunk neither registers nor carries calls; its settings are kept.">
            {form.checkbox("disabled", |i| i.disabled, |i, on| i.disabled = on)}
        </Field>
    }
}

/// The ordered codec list: move up, remove, add from what is left.
#[component]
fn CodecList(form: FormState<TrunkInput>) -> impl IntoView {
    let input = form.input;
    let swap = move |a: usize, b: usize| input.update(|i| i.codecs.swap(a, b));
    let remove = move |at: usize| {
        input.update(|i| {
            i.codecs.remove(at);
        })
    };
    let missing = move || {
        input.with(|i| {
            Codec::ALL
                .iter()
                .map(|c| c.as_str())
                .filter(|c| !i.codecs.iter().any(|have| have == c))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ol class="codecs" id="codecs" aria-label="Codecs in order" aria-describedby="help-codecs error-codecs">
            {move || {
                let codecs = input.with(|i| i.codecs.clone());
                let last = codecs.len().saturating_sub(1);
                codecs
                    .into_iter()
                    .enumerate()
                    .map(|(at, name)| {
                        // Posted in this order by a browser without the WASM.
                        view! {
                            <li data-codec=name.clone()>
                                <input type="hidden" name=format!("codecs[{at}]") value=name.clone()/>
                                <span class="codec">{name.clone()}</span>
                                <button type="button" title="Move up" aria-label=format!("Move {name} up") disabled=at == 0
                                    on:click=move |_| swap(at, at.saturating_sub(1))>"↑"</button>
                                <button type="button" title="Move down" aria-label=format!("Move {name} down") disabled=at == last
                                    on:click=move |_| swap(at, at + 1)>"↓"</button>
                                <button type="button" title="Remove" aria-label=format!("Remove {name}") on:click=move |_| remove(at)>"×"</button>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
        <div class="codec-add">
            {move || {
                missing()
                    .into_iter()
                    .map(|c| view! {
                        <button type="button" class="small" aria-label=format!("Add {c}") on:click=move |_| input.update(|i| i.codecs.push(c.to_owned()))>
                            {format!("+ {c}")}
                        </button>
                    })
                    .collect_view()
            }}
        </div>
    }
}
