//! The General tab: who the provider is and how calls from it arrive.

use crate::components::field::Field;
use crate::components::form::{lens, words, FormState};
use crate::components::posted::hydrated;
use crate::model::trunk::TrunkInput;
use crate::model::trunk::{ConnectionType, Nat};
use crate::model::Context;
use leptos::prelude::*;

#[component]
pub fn GeneralTab(
    form: FormState<TrunkInput>,
    contexts: Vec<Context>,
    has_secret: bool,
) -> impl IntoView {
    let connection_types = ConnectionType::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.label().to_owned()))
        .collect();
    let nats = words(&Nat::ALL.iter().map(|n| n.as_str()).collect::<Vec<_>>());
    let context_options = contexts
        .iter()
        .map(|c| (c.name.clone(), c.display()))
        .collect();
    let is_static = move || form.input.with(|i| i.host_type == "static");
    // Without the WASM nothing can unfold it: shown until then.
    let scripted = hydrated();
    let secret_hint = if has_secret { "unchanged (stored)" } else { "" };
    view! {
        <Field name="name" label="Name" error=form.error("name")
            help="Letters, digits, - _ and . (for example provider_username).">
            {form.text("name", lens!(name), "text", "")}
        </Field>
        <Field name="auth_username" label="Authentication username" error=form.error("auth_username")
            help="Answers the provider's 401/407 on calls out. Leave blank to use the Register tab's username.">
            {form.text("auth_username", lens!(auth_username), "text", "")}
        </Field>
        <Field name="secret" label="Password" error=form.error("secret")
            help="Write-only: never shown again. Leave blank to keep the stored one. With none stored, calls use the Register tab's password.">
            {form.text("secret", lens!(secret), "password", secret_hint)}
        </Field>
        <Field name="caller_id" label="Caller ID" error=form.error("caller_id")>
            {form.text("caller_id", lens!(caller_id), "text", "\"Office\" <4185550100>")}
        </Field>
        <Field name="connection_type" label="Connection type" error=form.error("connection_type")
            help="Peer: the provider's calls are recognised by its address (the usual choice). User: by the username and password above, from any address. Friend: either.">
            {form.select("connection_type", lens!(connection_type), connection_types)}
        </Field>
        <Field name="host_type" label="IP addressing type" error=form.error("host_type")>
            {form.select(
                "host_type",
                lens!(host_type),
                vec![("dynamic".into(), "Dynamic".into()), ("static".into(), "Static".into())],
            )}
        </Field>
        <div class="field-group" hidden=move || scripted.get() && !is_static()>
            <Field name="host" label="Host" error=form.error("host")
                help="The provider's server: a host name or an IP address.">
                {form.text("host", lens!(host), "text", "voip.provider.example.com")}
            </Field>
        </div>
        <Field name="port" label="Port" error=form.error("port")>
            {form.number("port", lens!(port))}
        </Field>
        <Field name="context" label="Context" error=form.error("context")
            help="Where calls from this trunk arrive: the incoming-call context.">
            {form.select("context", lens!(context), context_options)}
        </Field>
        <Field name="nat" label="NAT" error=form.error("nat")>
            {form.select("nat", lens!(nat), nats)}
        </Field>
        <Field name="call_limit" label="Call limit" error=form.error("call_limit")
            help="Simultaneous calls allowed through this trunk, 0 to 50 (0 is no limit).">
            {form.number("call_limit", lens!(call_limit))}
        </Field>
        <Field name="language" label="Language" error=form.error("language")
            help="Prompts' language for calls from this trunk, such as fr_FR; blank uses the default.">
            {form.text("language", lens!(language), "text", "en_US")}
        </Field>
    }
}
