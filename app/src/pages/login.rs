//! The login screen, which on a new installation offers "Create the
//! administrator" instead.

use crate::api::auth::{admin_exists, create_admin, login};
use crate::api::FormOutcome;
use crate::model::admin::AdminInput;
use crate::model::FieldErrors;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let exists = Resource::new(|| (), |_| admin_exists());
    view! {
        <Title text="Log in"/>
        <main class="login">
            <h1 class="brand">"Trunkline"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match exists.await {
                        Ok(true) => view! { <LoginForm/> }.into_any(),
                        Ok(false) => view! { <CreateAdminForm/> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// After a session is opened, load the console afresh so every part of
/// it is rendered for the logged-in administrator.
fn enter_console() {
    let _ = window().location().set_href("/");
}

fn show(outcome: Option<Result<FormOutcome<()>, ServerFnError>>, errors: RwSignal<FieldErrors>) {
    match outcome {
        Some(Ok(FormOutcome::Done(()))) => enter_console(),
        Some(Ok(FormOutcome::Invalid(e))) => errors.set(e),
        Some(Ok(FormOutcome::Conflict(message))) => {
            errors.set(FieldErrors::single("form", message))
        }
        Some(Err(e)) => errors.set(FieldErrors::single("form", e.to_string())),
        None => {}
    }
}

#[component]
fn LoginForm() -> impl IntoView {
    let username = RwSignal::new(String::from("admin"));
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let submit = Action::new(|(u, p): &(String, String)| login(u.clone(), p.clone()));
    Effect::new(move |_| show(submit.value().get(), errors));
    view! {
        <form
            class="card"
            on:submit=move |ev| {
                ev.prevent_default();
                errors.set(FieldErrors::new());
                submit.dispatch((username.get_untracked(), password.get_untracked()));
            }
        >
            <h2>"Log in"</h2>
            <label for="username">"Username"</label>
            <input id="username" name="username" autocomplete="username"
                prop:value=move || username.get()
                on:input=move |ev| username.set(event_target_value(&ev))/>
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete="current-password"
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev))/>
            <p class="error" id="error-password" role="alert">
                {move || errors.with(|e| e.get("password").or(e.get("form")).map(str::to_owned))}
            </p>
            <button type="submit" disabled=move || submit.pending().get()>"Log in"</button>
        </form>
    }
}

#[component]
fn CreateAdminForm() -> impl IntoView {
    let input = RwSignal::new(AdminInput {
        username: "admin".into(),
        ..AdminInput::default()
    });
    let errors = RwSignal::new(FieldErrors::new());
    let submit = Action::new(|input: &AdminInput| create_admin(input.clone()));
    Effect::new(move |_| show(submit.value().get(), errors));
    let error = move |field: &'static str| errors.with(|e| e.get(field).map(str::to_owned));
    view! {
        <form
            class="card"
            on:submit=move |ev| {
                ev.prevent_default();
                let value = input.get_untracked();
                match value.validate() {
                    Err(e) => errors.set(e),
                    Ok(_) => {
                        errors.set(FieldErrors::new());
                        submit.dispatch(value);
                    }
                }
            }
        >
            <h2>"Create the administrator"</h2>
            <p class="help">
                "No administrator exists yet. Choose the name and password that will log in to this console."
            </p>
            <label for="username">"Username"</label>
            <input id="username" name="username"
                prop:value=move || input.with(|i| i.username.clone())
                on:input=move |ev| input.update(|i| i.username = event_target_value(&ev))/>
            <p class="error" id="error-username" role="alert">{move || error("username")}</p>
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete="new-password"
                prop:value=move || input.with(|i| i.password.clone())
                on:input=move |ev| input.update(|i| i.password = event_target_value(&ev))/>
            <p class="error" id="error-password" role="alert">{move || error("password")}</p>
            <label for="confirm">"Password again"</label>
            <input id="confirm" name="confirm" type="password" autocomplete="new-password"
                prop:value=move || input.with(|i| i.confirm.clone())
                on:input=move |ev| input.update(|i| i.confirm = event_target_value(&ev))/>
            <p class="error" id="error-confirm" role="alert">{move || error("confirm").or_else(|| error("form"))}</p>
            <button type="submit" disabled=move || submit.pending().get()>"Create the administrator"</button>
        </form>
    }
}
