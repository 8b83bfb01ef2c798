//! A form's state and its input widgets, bound to one `RwSignal` of the
//! form's input type so every keystroke is kept, whatever the outcome;
//! the Save cycle every form shares (start, send, show the outcome); and
//! the frame of an edit screen, which shows the form once its data has
//! loaded. Every screen with a form (trunks, users, contexts, calls,
//! settings) uses it.

use crate::api::FormOutcome;
use crate::model::FieldErrors;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::HashSet;

/// The message above a form: why the last Save was refused or failed, or
/// what it did (the settings screens stay put after saving).
#[derive(Clone, Debug, PartialEq, Eq)]
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
        }
    }

    /// Starts a Save: from now on every error shows, and the last Save's
    /// messages go. Returns the browser's errors: the Save is sent only
    /// when there are none, so a mistake is shown without a round trip.
    pub fn begin_save(self) -> FieldErrors {
        self.submitted.set(true);
        self.server_errors.set(FieldErrors::new());
        self.banner.set(None);
        self.checked.get_untracked()
    }

    /// Follows a Save's outcome (`outcome` reads the action's value): the
    /// server's field errors go under their fields, a conflict or a failure
    /// into the banner, and what was saved to `done`.
    pub fn follow<V: 'static>(
        self,
        outcome: impl Fn() -> Option<Result<FormOutcome<V>, ServerFnError>> + 'static,
        done: impl Fn(V) + 'static,
    ) {
        Effect::new(move |_| match outcome() {
            Some(Ok(FormOutcome::Done(saved))) => done(saved),
            Some(Ok(FormOutcome::Invalid(errors))) => self.server_errors.set(errors),
            Some(Ok(FormOutcome::Conflict(message))) => {
                self.banner.set(Some(Banner::Error(message)))
            }
            Some(Err(e)) => self.banner.set(Some(Banner::Error(e.to_string()))),
            None => {}
        });
    }

    /// The banner, where the screen puts it (tests find it by its id).
    pub fn banner_view(self) -> impl IntoView {
        let banner = self.banner;
        move || {
            banner.get().map(|b| {
                let (class, text) = match b {
                    Banner::Error(text) => ("error banner", text),
                    Banner::Notice(text) => ("notice banner", text),
                };
                view! { <p class=class id="banner" role="alert">{text}</p> }
            })
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

    pub fn touch(self, name: &'static str) {
        self.touched.update(|t| {
            t.insert(name);
        });
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
        view! {
            <input
                type=kind
                id=name
                name=name
                placeholder=placeholder
                autocomplete=if kind == "password" { "new-password" } else { "off" }
                aria-describedby=format!("error-{name}")
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
        view! {
            <input
                type="text"
                inputmode="numeric"
                class="short"
                id=name
                name=name
                aria-describedby=format!("error-{name}")
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
        view! {
            <textarea
                id=name
                name=name
                rows=rows
                spellcheck="false"
                aria-describedby=format!("error-{name}")
                prop:value=move || input.with(|i| (lens.get)(i).clone())
                on:input=move |ev| {
                    input.update(|i| *(lens.set)(i) = event_target_value(&ev));
                    self.touch(name);
                }
            ></textarea>
        }
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
        view! {
            <input
                type="checkbox"
                id=name
                name=name
                prop:checked=move || input.with(get)
                on:change=move |ev| input.update(|i| set(i, event_target_checked(&ev)))
            />
        }
    }
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
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
