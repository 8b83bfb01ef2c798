//! Tabs for a form whose panels stay in the page (hidden, not removed),
//! so switching tabs never loses what was typed. WAI-ARIA's tabs pattern
//! (automatic activation): the tab list is one Tab stop, the arrow keys,
//! Home and End move between tabs; each panel is labelled by its tab.
//! Without the WASM every panel shows, one after the other, so a browser
//! without it still reaches (and posts) every field.

use crate::components::form::focus;
use crate::components::posted::hydrated;
use leptos::prelude::*;

/// The id of tab `i`'s header and panel.
fn tab_id(i: usize) -> String {
    format!("tab-{i}")
}

fn panel_id(i: usize) -> String {
    format!("panel-{i}")
}

/// The headers; `badges` gives each tab's error count.
#[component]
pub fn TabBar(
    tabs: &'static [&'static str],
    active: RwSignal<usize>,
    #[prop(into)] badges: Signal<Vec<usize>>,
) -> impl IntoView {
    let last = tabs.len().saturating_sub(1);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let now = active.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" => Some(if now == last { 0 } else { now + 1 }),
            "ArrowLeft" => Some(if now == 0 { last } else { now - 1 }),
            "Home" => Some(0),
            "End" => Some(last),
            _ => None,
        };
        if let Some(next) = next {
            ev.prevent_default();
            active.set(next);
            focus(&format!("#{}", tab_id(next)));
        }
    };
    view! {
        <div class="tabs" role="tablist" aria-label="Form sections" on:keydown=on_key>
            {tabs
                .iter()
                .enumerate()
                .map(|(i, title)| {
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=tab_id(i)
                            aria-controls=panel_id(i)
                            class:active=move || active.get() == i
                            aria-selected=move || (active.get() == i).to_string()
                            tabindex=move || if active.get() == i { "0" } else { "-1" }
                            on:click=move |_| active.set(i)
                        >
                            {*title}
                            {move || {
                                let n = badges.get().get(i).copied().unwrap_or(0);
                                (n > 0).then(|| view! {
                                    <span class="badge" title="fields to fix">{n}</span>
                                })
                            }}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Tab `i`'s panel. Hidden while another tab is active, once the WASM
/// runs the page.
#[component]
pub fn TabPanel(i: usize, active: RwSignal<usize>, children: Children) -> impl IntoView {
    let on = hydrated();
    view! {
        <section class="panel" role="tabpanel" id=panel_id(i) aria-labelledby=tab_id(i)
            hidden=move || on.get() && active.get() != i>
            {children()}
        </section>
    }
}
