//! A form's state and its input widgets, bound to one `RwSignal` of the
//! form's input type so every keystroke is kept, whatever the outcome;
//! the Save cycle every form shares (start, send, show the outcome); and
//! the frame of an edit screen, which shows the form once its data has
//! loaded. Every screen with a form (trunks, users, contexts, calls,
//! settings) uses it.

use crate::api::FormOutcome;
use crate::components::posted::{resubmitted_input, take_resubmitted, Resubmitted};
use crate::model::FieldErrors;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::collections::HashSet;

/// The message above a form: why the last Save was refused or failed, or
/// what it did (the settings screens stay put after saving).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Banner {
    Error(String),
    Notice(String),
}

/// Reads and writes one text field of the form.
pub struct Lens<T> {
    pub get: fn(&T) -> &String,
    pub set: fn(&mut T) -> &mut String,
}

impl<T> Clone for Lens<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Lens<T> {}

macro_rules! lens {
    ($field:ident) => {
        $crate::components::form::Lens {
            get: |i| &i.$field,
            set: |i| &mut i.$field,
        }
    };
}
pub(crate) use lens;

/// The input being edited and what is known about its errors.
pub struct FormState<T: Send + Sync + 'static> {
    pub input: RwSignal<T>,
    /// Fields the administrator has typed in: their errors show as they
    /// type. (Not on blur: an error appearing on blur shifts the page under
    /// the pointer, and the click on Save that caused the blur is lost.)
    pub touched: RwSignal<HashSet<&'static str>>,
    /// After a first Save, every error shows.
    pub submitted: RwSignal<bool>,
    /// What the browser's copy of the rules says right now.
    pub checked: Memo<FieldErrors>,
    /// What the server said at the last Save (e.g. a duplicate name).
    pub server_errors: RwSignal<FieldErrors>,
    pub banner: RwSignal<Option<Banner>>,
    /// (changed, also): the server's error on `also` goes when `changed`
    /// changes too (a line username left blank follows the extension).
    links: StoredValue<Vec<(&'static str, &'static str)>>,
}

impl<T: Send + Sync + 'static> Clone for FormState<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for FormState<T> {}

impl<T: Send + Sync + 'static> FormState<T> {
    /// A form opened on `initial`, judged by `check` as it changes.
    pub fn new(initial: T, check: impl Fn(&T) -> FieldErrors + Send + Sync + 'static) -> Self {
        let input = RwSignal::new(initial);
        Self {
            input,
            touched: RwSignal::new(HashSet::new()),
            submitted: RwSignal::new(false),
            checked: Memo::new(move |_| input.with(|i| check(i))),
            server_errors: RwSignal::new(FieldErrors::new()),
            banner: RwSignal::new(None),
            links: StoredValue::new(Vec::new()),
        }
    }

    /// A form opened on `initial`, or, when the page answers a post of
    /// the form named `form` made without the WASM, on what was posted,
    /// with the server's errors and banner already shown.
    pub fn resumed(
        form: &'static str,
        initial: T,
        check: impl Fn(&T) -> FieldErrors + Send + Sync + 'static,
    ) -> Self
    where
        T: DeserializeOwned,
    {
        Self::reopened(take_resubmitted(form), initial, check)
    }

    /// As [`FormState::resumed`], with the post already taken.
    pub fn reopened(
        posted: Option<Resubmitted>,
        initial: T,
        check: impl Fn(&T) -> FieldErrors + Send + Sync + 'static,
    ) -> Self
    where
        T: DeserializeOwned,
    {
        let Some(posted) = posted else {
            return Self::new(initial, check);
        };
        let state = Self::new(resubmitted_input(&posted).unwrap_or(initial), check);
        state.submitted.set(!posted.errors.is_empty());
        state.server_errors.set(posted.errors);
        state.banner.set(posted.banner);
        state
    }

    /// Starts a Save: from now on every error shows, and the last Save's
    /// messages go. Returns the browser's errors: the Save is sent only
    /// when there are none, so a mistake is shown without a round trip,
    /// and the focus goes to the first field to fix.
    pub fn begin_save(self) -> FieldErrors {
        self.submitted.set(true);
        self.server_errors.set(FieldErrors::new());
        self.banner.set(None);
        let errors = self.checked.get_untracked();
        focus_first_error(&errors);
        errors
    }

    /// Follows a Save's outcome (`outcome` reads the action's value): the
    /// server's field errors go under their fields (the focus to the
    /// first), a conflict or a failure into the banner, and what was
    /// saved to `done`.
    pub fn follow<V: 'static>(
        self,
        outcome: impl Fn() -> Option<Result<FormOutcome<V>, ServerFnError>> + 'static,
        done: impl Fn(V) + 'static,
    ) {
        Effect::new(move |_| match outcome() {
            Some(Ok(FormOutcome::Done(saved))) => done(saved),
            Some(Ok(FormOutcome::Invalid(errors))) => {
                focus_first_error(&errors);
                self.server_errors.set(errors);
            }
            Some(Ok(FormOutcome::Conflict(message))) => {
                self.banner.set(Some(Banner::Error(message)))
            }
            Some(Err(e)) => self.banner.set(Some(Banner::Error(failure_sentence(&e)))),
            None => {}
        });
    }

    /// The banner, where the screen puts it (tests find it by its id),
    /// inside the form's one live region: a refusal is announced once.
    pub fn banner_view(self) -> impl IntoView {
        let banner = self.banner;
        view! {
            <div class="live" aria-live="assertive" aria-atomic="true">
                {move || {
                    banner.get().map(|b| {
                        let (class, text) = match b {
                            Banner::Error(text) => ("error banner", text),
                            Banner::Notice(text) => ("notice banner", text),
                        };
                        view! { <p class=class id="banner">{text}</p> }
                    })
                }}
            </div>
        }
    }

    /// Every error to show now: the browser's after a first Save, and
    /// the server's from the last Save.
    pub fn shown_errors(self) -> FieldErrors {
        let mut all = if self.submitted.get() {
            self.checked.get()
        } else {
            FieldErrors::new()
        };
        all.0.extend(self.server_errors.get().0);
        all
    }

    /// The message to show under `name`, if any.
    pub fn error(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            let visible = self.submitted.get() || self.touched.with(|t| t.contains(name));
            let local = visible
                .then(|| self.checked.with(|e| e.get(name).map(str::to_owned)))
                .flatten();
            local.or_else(|| self.server_errors.with(|e| e.get(name).map(str::to_owned)))
        })
    }

    /// The administrator changed `name`: its errors show as they type,
    /// and what the server said about the old value goes.
    pub fn touch(self, name: &'static str) {
        self.touched.update(|t| {
            t.insert(name);
        });
        let also: Vec<&str> = self.links.with_value(|links| {
            links
                .iter()
                .filter(|(changed, _)| *changed == name)
                .map(|(_, also)| *also)
                .collect()
        });
        let stale = |field: &str| field == name || also.contains(&field);
        if self
            .server_errors
            .with_untracked(|e| e.0.iter().any(|x| stale(&x.field)))
        {
            self.server_errors
                .update(|e| e.0.retain(|x| !stale(&x.field)));
        }
    }

    /// The server's error on `also` also goes when `changed` changes.
    pub fn link(self, changed: &'static str, also: &'static str) {
        self.links.update_value(|links| links.push((changed, also)));
    }

    /// A one-line text input; `kind` is the HTML type (text, password).
    pub fn text(
        self,
        name: &'static str,
        lens: Lens<T>,
        kind: &'static str,
        placeholder: &'static str,
    ) -> impl IntoView {
        let input = self.input;
        let invalid = self.invalid(name);
        // `value` is for the server's HTML (a browser without the WASM
        // shows and posts it); the property follows the form after that.
        // A password is never written back into the page.
        let initial = (kind != "password").then(|| input.with_untracked(|i| (lens.get)(i).clone()));
        view! {
            <input
                type=kind
                id=name
                name=name
                placeholder=placeholder
                autocomplete=if kind == "password" { "new-password" } else { "off" }
                aria-describedby=described_by(name)
                aria-invalid=invalid
                value=initial
                prop:value=move || input.with(|i| (lens.get)(i).clone())
                on:input=move |ev| {
                    input.update(|i| *(lens.set)(i) = event_target_value(&ev));
                    self.touch(name);
                }
            />
        }
    }

    /// A number typed as text, so an out-of-range value stays on screen
    /// with its error instead of being swallowed by the browser.
    pub fn number(self, name: &'static str, lens: Lens<T>) -> impl IntoView {
        let input = self.input;
        let invalid = self.invalid(name);
        let initial = input.with_untracked(|i| (lens.get)(i).clone());
        view! {
            <input
                type="text"
                inputmode="numeric"
                class="short"
                id=name
                name=name
                aria-describedby=described_by(name)
                aria-invalid=invalid
                value=initial
                prop:value=move || input.with(|i| (lens.get)(i).clone())
                on:input=move |ev| {
                    input.update(|i| *(lens.set)(i) = event_target_value(&ev));
                    self.touch(name);
                }
            />
        }
    }

    /// A multi-line text input, for lists typed one item per line.
    pub fn textarea(self, name: &'static str, lens: Lens<T>, rows: u32) -> impl IntoView {
        let input = self.input;
        let invalid = self.invalid(name);
        let initial = input.with_untracked(|i| (lens.get)(i).clone());
        view! {
            <textarea
                id=name
                name=name
                rows=rows
                spellcheck="false"
                aria-describedby=described_by(name)
                aria-invalid=invalid
                prop:value=move || input.with(|i| (lens.get)(i).clone())
                on:input=move |ev| {
                    input.update(|i| *(lens.set)(i) = event_target_value(&ev));
                    self.touch(name);
                }
            >{initial}</textarea>
        }
    }

    /// `aria-invalid` for the field `name`: present while it shows an error.
    pub fn invalid(self, name: &'static str) -> impl Fn() -> Option<&'static str> + Copy {
        let error = self.error(name);
        move || error.with(Option::is_some).then_some("true")
    }

    /// A select of `(value, label)` pairs.
    pub fn select(
        self,
        name: &'static str,
        lens: Lens<T>,
        options: Vec<(String, String)>,
    ) -> impl IntoView {
        let input = self.input;
        view! {
            <select
                id=name
                name=name
                aria-describedby=described_by(name)
                aria-invalid=self.invalid(name)
                prop:value=move || input.with(|i| (lens.get)(i).clone())
                on:change=move |ev| {
                    input.update(|i| *(lens.set)(i) = event_target_value(&ev));
                    self.touch(name);
                }
            >
                {options
                    .into_iter()
                    .map(|(value, label)| {
                        let v = value.clone();
                        view! {
                            <option value=value selected=move || input.with(|i| *(lens.get)(i) == v)>
                                {label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
    }

    /// A checkbox bound to one boolean of the form.
    pub fn checkbox(
        self,
        name: &'static str,
        get: fn(&T) -> bool,
        set: fn(&mut T, bool),
    ) -> impl IntoView {
        let input = self.input;
        // Posted as `name=true` when ticked, absent (false) when not.
        let initial = input.with_untracked(get);
        view! {
            <input
                type="checkbox"
                id=name
                name=name
                value="true"
                aria-describedby=described_by(name)
                checked=initial
                prop:checked=move || input.with(get)
                on:change=move |ev| input.update(|i| set(i, event_target_checked(&ev)))
            />
        }
    }
}

/// A server function's failure as a sentence for the administrator:
/// the server's own message, without the framework's "error running
/// server function" prefix; a request that never got an answer says so.
pub fn failure_sentence(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        ServerFnError::Request(_) => {
            "The server could not be reached: check the connection and try again.".to_owned()
        }
        other => {
            let text = other.to_string();
            match text.split_once(": ") {
                Some((_, rest)) if !rest.is_empty() => rest.to_owned(),
                _ => text,
            }
        }
    }
}

/// Moves the focus to the field of the first error, once the page shows
/// it (a tab may have to open first): a keyboard user lands where the
/// fix is, and the screen reader reads the field with its error.
pub fn focus_first_error(errors: &FieldErrors) {
    if let Some(first) = errors.0.first() {
        let selector = format!("[aria-describedby~=\"error-{}\"]", first.field);
        request_animation_frame(move || focus(&selector));
    }
}

/// Puts the focus on the element `selector` finds, if any (in the
/// browser; the server has no focus to move).
pub fn focus(selector: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(target) = document()
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = target.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

/// The ids that describe the field `name`: its help (when the field has
/// one, see `Field`) and its error.
pub fn described_by(name: &str) -> String {
    format!("help-{name} error-{name}")
}

/// Choices from a model enum: value and label are the same word.
pub fn words(all: &[&'static str]) -> Vec<(String, String)> {
    all.iter()
        .map(|w| ((*w).to_owned(), (*w).to_owned()))
        .collect()
}

/// The record id in an edit screen's address (`/…/:id`); `None` on an add
/// screen. A malformed id asks for record 0, which does not exist, so the
/// screen says "not found" rather than offering a blank form.
pub fn id_param() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.with(|p| p.get("id").map(|s| s.parse::<i64>().unwrap_or(0)))
}

/// An edit screen's body: "Loading…", then the form `form` builds from the
/// loaded data, or why the data could not be loaded (e.g. the record was
/// deleted meanwhile).
pub fn loaded<D, V>(
    data: Resource<Result<D, ServerFnError>>,
    form: impl Fn(D) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    D: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => form(data).into_any(),
                    Err(e) => view! { <p class="error banner" id="load-error">{failure_sentence(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
