//! The landing screen after login: where to start.

use crate::api::trunks::list_trunks;
use crate::components::repair::RepairList;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let trunks = Resource::new(|| (), |_| list_trunks(Default::default()));
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <RepairList/>
        <p>
            "Connect the office to a VoIP provider: create a SIP trunk with the account "
            "your provider gave you under Services → IPBX → Trunk management."
        </p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                trunks.await.ok().map(|list| {
                    let registering = list.page.rows.iter().filter(|t| t.trunk.register && !t.trunk.disabled).count();
                    view! {
                        <p class="summary">
                            <a href="/ipbx/trunks">{format!("{} SIP trunk(s)", list.page.total)}</a>
                            {format!(", {registering} of the first {} set to register.", list.page.rows.len())}
                        </p>
                    }
                })
            })}
        </Transition>
    }
}
