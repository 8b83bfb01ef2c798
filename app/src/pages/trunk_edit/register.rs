//! The Register tab: the REGISTER Trunkline sends so the provider knows
//! where to deliver the office's calls (`sip show registry`).

use crate::components::field::Field;
use crate::components::form::{lens, words, FormState};
use crate::model::trunk::Transport;
use crate::model::trunk::TrunkInput;
use leptos::prelude::*;

#[component]
pub fn RegisterTab(form: FormState<TrunkInput>, has_reg_secret: bool) -> impl IntoView {
    let input = form.input;
    let transports = words(
        &Transport::ALL
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>(),
    );
    let reg_hint = if has_reg_secret {
        "unchanged (stored)"
    } else {
        "blank: the General password"
    };
    view! {
        <Field name="register" label="Register" error=form.error("register")
            help="Register to the provider's server and keep the registration fresh.">
            {form.checkbox(
                "register",
                |i| i.register,
                |i, on| {
                    i.register = on;
                    // The usual case: the same account as on the General tab.
                    if on && i.reg_username.is_empty() {
                        i.reg_username = i.auth_username.clone();
                    }
                    if on && i.reg_server.is_empty() && i.host_type == "static" {
                        i.reg_server = i.host.clone();
                        // Its port too, when it is not the one Port
                        // (blank) would use anyway.
                        if i.reg_port.is_empty() && i.port.trim() != "5060" {
                            i.reg_port = i.port.clone();
                        }
                    }
                },
            )}
        </Field>
        <Field name="reg_transport" label="Transport" error=form.error("reg_transport")>
            {form.select("reg_transport", lens!(reg_transport), transports)}
        </Field>
        <Field name="reg_name" label="Name" error=Signal::derive(|| None::<String>)
            help="XiVO needs Name and Username to be equal; Trunkline keeps them in step.">
            <input id="reg_name" type="text" readonly aria-describedby="help-reg_name"
                value=input.with_untracked(|i| i.reg_username.clone())
                prop:value=move || input.with(|i| i.reg_username.clone())/>
        </Field>
        <Field name="reg_username" label="Username" error=form.error("reg_username")>
            {form.text("reg_username", lens!(reg_username), "text", "")}
        </Field>
        <Field name="reg_secret" label="Password" error=form.error("reg_secret")
            help="Write-only. Leave blank to keep the stored one or use the General password.">
            {form.text("reg_secret", lens!(reg_secret), "password", reg_hint)}
        </Field>
        <Field name="reg_server" label="Remote server" error=form.error("reg_server")>
            {form.text("reg_server", lens!(reg_server), "text", "voip.provider.example.com")}
        </Field>
        <Field name="reg_port" label="Port" error=form.error("reg_port")
            help="Blank: the General tab's Port.">
            {form.number("reg_port", lens!(reg_port))}
        </Field>
        <Field name="reg_expiry" label="Expiry" error=form.error("reg_expiry")
            help="Seconds the registration lasts, 60 to 3600; it is refreshed 15 s before it ends.">
            {form.number("reg_expiry", lens!(reg_expiry))}
        </Field>
        <Field name="reg_callback" label="Callback extension" error=form.error("reg_callback")
            help="The extension the provider calls back on; blank uses the username.">
            {form.text("reg_callback", lens!(reg_callback), "text", "")}
        </Field>
    }
}
