//! The login screen, which on a new installation offers "Create the
//! administrator" instead.

use crate::api::auth::{admin_exists, create_admin, login};
use crate::api::FormOutcome;
use crate::components::form::{failure_sentence, focus_first_error};
use crate::components::posted::{resubmitted_input, take_resubmitted};
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
                        Err(e) => view! { <p class="error">{failure_sentence(&e)}</p> }.into_any(),
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
        Some(Ok(FormOutcome::Invalid(e))) => {
            focus_first_error(&e);
            errors.set(e)
        }
        Some(Ok(FormOutcome::Conflict(message))) => {
            errors.set(FieldErrors::single("form", message))
        }
        Some(Err(e)) => errors.set(FieldErrors::single("form", failure_sentence(&e))),
        None => {}
    }
}

/// What a form posted without the WASM came back with: the typed
/// username (never the password) and the errors.
fn reopened<T: serde::de::DeserializeOwned + Default>(form: &str) -> (T, FieldErrors) {
    match take_resubmitted(form) {
        Some(posted) => (
            resubmitted_input(&posted).unwrap_or_default(),
            posted.errors,
        ),
        None => (T::default(), FieldErrors::new()),
    }
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct Typed {
    username: String,
}

#[component]
fn LoginForm() -> impl IntoView {
    let (typed, refused) = reopened::<Typed>("login");
    let first_name = if typed.username.is_empty() {
        String::from("admin")
    } else {
        typed.username
    };
    let username = RwSignal::new(first_name.clone());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(refused);
    let submit = Action::new(|(u, p): &(String, String)| login(u.clone(), p.clone()));
    Effect::new(move |_| show(submit.value().get(), errors));
    let message = move || errors.with(|e| e.get("password").or(e.get("form")).map(str::to_owned));
    view! {
        // Without the WASM the browser posts this form to /login itself.
        <form
            class="card"
            method="post"
            action="/login"
            on:submit=move |ev| {
                ev.prevent_default();
                errors.set(FieldErrors::new());
                submit.dispatch((username.get_untracked(), password.get_untracked()));
            }
        >
            <h2>"Log in"</h2>
            <input type="hidden" name="form" value="login"/>
            <label for="username">"Username"</label>
            <input id="username" name="username" autocomplete="username"
                value=first_name
                prop:value=move || username.get()
                on:input=move |ev| username.set(event_target_value(&ev))/>
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete="current-password"
                aria-describedby="error-password"
                aria-invalid=move || message().map(|_| "true")
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev))/>
            <div aria-live="assertive" aria-atomic="true">
                <p class="error" id="error-password">{message}</p>
            </div>
            <button type="submit" disabled=move || submit.pending().get()>"Log in"</button>
        </form>
    }
}

#[component]
fn CreateAdminForm() -> impl IntoView {
    let (typed, refused) = reopened::<AdminInput>("create_admin");
    let first = AdminInput {
        username: if typed.username.is_empty() {
            "admin".into()
        } else {
            typed.username
        },
        ..AdminInput::default()
    };
    let first_name = first.username.clone();
    let input = RwSignal::new(first);
    let errors = RwSignal::new(refused);
    let submit = Action::new(|input: &AdminInput| create_admin(input.clone()));
    Effect::new(move |_| show(submit.value().get(), errors));
    let error = move |field: &'static str| errors.with(|e| e.get(field).map(str::to_owned));
    let invalid = move |field: &'static str| move || error(field).map(|_| "true");
    view! {
        <form
            class="card"
            method="post"
            action="/login"
            on:submit=move |ev| {
                ev.prevent_default();
                let value = input.get_untracked();
                match value.validate() {
                    Err(e) => {
                        focus_first_error(&e);
                        errors.set(e)
                    }
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
            <input type="hidden" name="form" value="create_admin"/>
            <label for="username">"Username"</label>
            <input id="username" name="username" value=first_name
                aria-describedby="error-username" aria-invalid=invalid("username")
                prop:value=move || input.with(|i| i.username.clone())
                on:input=move |ev| {
                    input.update(|i| i.username = event_target_value(&ev));
                    errors.update(|e| e.0.retain(|x| x.field != "username"));
                }/>
            <p class="error" id="error-username">{move || error("username")}</p>
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete="new-password"
                aria-describedby="error-password" aria-invalid=invalid("password")
                prop:value=move || input.with(|i| i.password.clone())
                on:input=move |ev| {
                    input.update(|i| i.password = event_target_value(&ev));
                    errors.update(|e| e.0.retain(|x| x.field != "password"));
                }/>
            <p class="error" id="error-password">{move || error("password")}</p>
            <label for="confirm">"Password again"</label>
            <input id="confirm" name="confirm" type="password" autocomplete="new-password"
                aria-describedby="error-confirm" aria-invalid=invalid("confirm")
                prop:value=move || input.with(|i| i.confirm.clone())
                on:input=move |ev| {
                    input.update(|i| i.confirm = event_target_value(&ev));
                    errors.update(|e| e.0.retain(|x| x.field != "confirm"));
                }/>
            <div aria-live="assertive" aria-atomic="true">
                <p class="error" id="error-confirm">{move || error("confirm").or_else(|| error("form"))}</p>
            </div>
            <button type="submit" disabled=move || submit.pending().get()>"Create the administrator"</button>
        </form>
    }
}
