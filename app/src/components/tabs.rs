//! Tab headers for a form whose panels stay in the page (hidden, not
//! removed), so switching tabs never loses what was typed.

use leptos::prelude::*;

/// The headers; `badges` gives each tab's error count.
#[component]
pub fn TabBar(
    tabs: &'static [&'static str],
    active: RwSignal<usize>,
    #[prop(into)] badges: Signal<Vec<usize>>,
) -> impl IntoView {
    view! {
        <div class="tabs" role="tablist">
            {tabs
                .iter()
                .enumerate()
                .map(|(i, title)| {
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class:active=move || active.get() == i
                            aria-selected=move || (active.get() == i).to_string()
                            on:click=move |_| active.set(i)
                        >
                            {*title}
                            {move || {
                                let n = badges.get().get(i).copied().unwrap_or(0);
                                (n > 0).then(|| view! { <span class="badge" title="fields to fix">{n}</span> })
                            }}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
