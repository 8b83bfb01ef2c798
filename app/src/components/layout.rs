//! The frame of every screen after login: header, and the menu that
//! mirrors XiVO's (Services → IPBX → …). Only screens that exist are listed.

use crate::api::auth::{whoami, Logout};
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

#[component]
pub fn Layout() -> impl IntoView {
    let user = Resource::new(|| (), |_| whoami());
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Trunkline"</a>
            <span class="spacer"></span>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await.ok().map(|name| view! { <span class="who">{name}</span> })
                })}
            </Transition>
            <ActionForm action=logout attr:class="logout">
                <button type="submit">"Log out"</button>
            </ActionForm>
        </header>
        <div class="frame">
            <nav class="menu" aria-label="Main menu">
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
            <main class="content">
                <Outlet/>
            </main>
        </div>
    }
}
