//! Forms that work before (or without) the WASM: every form is a real
//! `<form method="post">` to its own page, carrying the session's CSRF
//! token in a hidden field, so a browser that has not loaded the bundle
//! posts it as any HTML form. The server answers a refused post with the
//! same page, rendered from what was typed (secrets excepted) and with
//! the errors under their fields ([`Resubmitted`]); with the WASM loaded,
//! the screens intercept the submit and call their server functions.
//!
//! What the server knew when it rendered the page (the token, the
//! refused post) travels to the browser in the hydration data, so the
//! hydrated page starts from the same state the HTML shows.

use crate::components::form::Banner;
use crate::model::FieldErrors;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// The hidden field that carries the CSRF token in a posted form.
pub const CSRF_FIELD: &str = "csrf_token";

/// A form posted without the WASM that the server refused (or, on the
/// settings screens, saved and shows again with a notice).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Resubmitted {
    /// Which form on the page it belongs to (`trunk`, `login`, `delete`…).
    pub form: String,
    /// What was typed, as the form's input type in JSON, secrets blanked.
    pub input: serde_json::Value,
    pub errors: FieldErrors,
    pub banner: Option<Banner>,
    /// What a save that went through left to show (a generated password).
    pub done: Option<serde_json::Value>,
}

/// What a page's forms need from the server that rendered it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageForms {
    /// The session's CSRF token; `None` before login.
    pub csrf: Option<String>,
    pub resubmitted: Option<Resubmitted>,
}

#[derive(Clone, Copy)]
struct Shared {
    csrf: StoredValue<Option<String>>,
    resubmitted: StoredValue<Option<Resubmitted>>,
}

/// Called once by the application: takes what the server provided for
/// this render (the `PageForms` context) into the hydration data.
pub fn provide_page_forms() {
    let shared = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<PageForms>().unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            PageForms::default()
        }
    })
    .into_inner();
    provide_context(Shared {
        csrf: StoredValue::new(shared.csrf),
        resubmitted: StoredValue::new(shared.resubmitted),
    });
}

/// The refused post for `form`, if the page answers one. In the browser
/// it is taken, not read: once the form has opened with it, coming back
/// to the screen later opens it afresh. The server renders a screen's
/// parts more than once (a first pass finds its resources), so it reads.
pub fn take_resubmitted(form: &str) -> Option<Resubmitted> {
    let shared = use_context::<Shared>()?;
    let mine = shared
        .resubmitted
        .with_value(|r| r.as_ref().is_some_and(|r| r.form == form));
    if !mine {
        return None;
    }
    if cfg!(feature = "ssr") {
        shared.resubmitted.get_value()
    } else {
        shared.resubmitted.try_update_value(Option::take).flatten()
    }
}

/// The refused post's input, read back as the form's input type.
pub fn resubmitted_input<T: DeserializeOwned>(resubmitted: &Resubmitted) -> Option<T> {
    serde_json::from_value(resubmitted.input.clone()).ok()
}

/// The hidden CSRF field every posted form carries.
#[component]
pub fn CsrfField() -> impl IntoView {
    let token = use_context::<Shared>()
        .and_then(|s| s.csrf.get_value())
        .unwrap_or_default();
    view! { <input type="hidden" name=CSRF_FIELD value=token/> }
}

/// True once the WASM runs the page. Parts that only work with it (tab
/// switching, fields shown by a choice) are laid open in the server's
/// HTML and folded once this turns true, so a browser without the bundle
/// can reach every field.
pub fn hydrated() -> Signal<bool> {
    let on = RwSignal::new(false);
    Effect::new(move |_| on.set(true));
    on.into()
}
