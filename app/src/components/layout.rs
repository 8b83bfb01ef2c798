//! The frame of every screen after login: header, and the menu that
//! mirrors XiVO's (Services → IPBX → …). Only screens that exist are listed.
//! The menu keeps one width on every screen; on a narrow screen it folds
//! behind a "Menu" toggle, a checkbox so that it works before the bundle
//! has loaded too (style/main.css shows the menu when it is checked).

use crate::api::auth::{whoami, Logout};
use crate::components::form::focus;
use crate::components::posted::CsrfField;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

#[component]
pub fn Layout() -> impl IntoView {
    let user = Resource::new(|| (), |_| whoami());
    let logout = ServerAction::<Logout>::new();
    let menu_open = RwSignal::new(false);
    view! {
        // The first thing Tab reaches: past the menu, to the screen.
        <a class="skip-link" href="#content" on:click=|ev| {
            // The router would treat it as a navigation: move the focus
            // as the browser does without the WASM.
            ev.prevent_default();
            focus("#content");
        }>"Skip to content"</a>
        <header class="topbar">
            // Inside the banner landmark, so nothing sits outside one.
            <input type="checkbox" id="menu-toggle" class="menu-toggle" aria-controls="main-menu"
                prop:checked=move || menu_open.get()
                on:change=move |ev| menu_open.set(event_target_checked(&ev))/>
            <label for="menu-toggle" class="menu-button">"Menu"</label>
            <a class="brand" href="/">"Trunkline"</a>
            <span class="spacer"></span>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await.ok().map(|name| view! { <span class="who">{name}</span> })
                })}
            </Transition>
            // Posts with the session's token in a field, so it works
            // before the WASM has loaded too.
            <ActionForm action=logout attr:class="logout">
                <CsrfField/>
                <button type="submit">"Log out"</button>
            </ActionForm>
        </header>
        <div class="frame">
            // A link followed on a narrow screen folds the menu again.
            <nav class="menu" id="main-menu" aria-label="Main menu" on:click=move |_| menu_open.set(false)>
                <p class="menu-title">"Services"</p>
                <p class="menu-group">"IPBX"</p>
                <p class="menu-section">"PBX settings"</p>
                <ul>
                    <li><A href="/ipbx/users">"Users"</A></li>
                    <li><A href="/ipbx/contexts">"Contexts"</A></li>
                </ul>
                <p class="menu-section">"General settings"</p>
                <ul>
                    <li><A href="/ipbx/security">"SIP security"</A></li>
                    <li><A href="/ipbx/nat">"SIP (NAT)"</A></li>
                </ul>
                <p class="menu-section">"Call management"</p>
                <ul>
                    <li><A href="/ipbx/incalls">"Incoming calls"</A></li>
                    <li><A href="/ipbx/outcalls">"Outgoing calls"</A></li>
                </ul>
                <p class="menu-section">"Trunk management"</p>
                <ul>
                    <li><A href="/ipbx/trunks">"SIP Protocol"</A></li>
                </ul>
                <p class="menu-title">"Status"</p>
                <ul>
                    <li><A href="/status/registry">"SIP registry"</A></li>
                    <li><A href="/status/calls">"Calls"</A></li>
                </ul>
            </nav>
            <main class="content" id="content" tabindex="-1">
                <Outlet/>
            </main>
        </div>
    }
}
