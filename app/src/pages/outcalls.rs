//! Services → IPBX → Call management → Outgoing calls: which numbers leave
//! through which trunks (patterns shown as XiVO shows them, `418.`), a
//! page at a time with a filter (the server's, see `components::list_nav`),
//! delete with confirmation, and the route tester below the list.

use crate::api::outcalls::{delete_outcall, list_outcalls};
use crate::components::delete_cell::{
    asked_in_address, delete_refusal, DeleteBanner, DeleteCell, InPlaceDeletes,
};
use crate::components::form::failure_sentence;
use crate::components::list_nav::{list_body, use_list_query, ListFilter};
use crate::components::repair::RepairList;
use crate::components::route_tester::OutgoingRouteTester;
use crate::model::outcall::OutcallView;
use crate::model::repair::RepairKind;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::HashMap;
use std::sync::Arc;

#[component]
pub fn OutcallList() -> impl IntoView {
    // The filter and page are the address's: the server sends one page.
    let query = use_list_query();
    let outcalls = Resource::new(move || query.get(), list_outcalls);
    let deletes = InPlaceDeletes::new();
    let confirming = asked_in_address::<i64>();
    view! {
        <Title text="Outgoing calls"/>
        <p class="crumbs">"Services › IPBX › Call management"</p>
        <h1>"Outgoing calls"</h1>
        <RepairList kind=RepairKind::Outcall/>
        <div class="toolbar">
            <ListFilter query label="Filter outgoing calls" placeholder="Filter by name, context or trunk"/>
            <a class="button primary" href="/ipbx/outcalls/new">"Add an outgoing call"</a>
        </div>
        <DeleteBanner last=deletes.last/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let rows = match outcalls.await {
                    Err(e) => return view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok(rows) => rows,
                };
                let trunks: Arc<HashMap<i64, String>> = Arc::new(rows.trunk_names.into_iter().collect());
                let none_yet = "No outgoing call yet. Add one to send numbers such as 418. out through a trunk.";
                list_body(rows.page, &query.get_untracked(), "outgoing calls", "outgoing call", none_yet, deletes, |o| o.id, move |rows| view! {
                    <table class="list" id="outcalls">
                        <thead>
                            <tr><th>"Name"</th><th>"Context"</th><th>"Trunks"</th><th>"Patterns"</th><th>"Actions"</th></tr>
                        </thead>
                        <tbody>
                            <For each=move || rows.get() key=|o| (o.id, o.version)
                                children=move |view| view! { <OutcallRow view trunks=trunks.clone() confirming deletes/> }/>
                        </tbody>
                    </table>
                }).into_any()
            })}
        </Transition>
        <OutgoingRouteTester/>
    }
}

#[component]
fn OutcallRow(
    view: OutcallView,
    trunks: Arc<HashMap<i64, String>>,
    confirming: RwSignal<Option<i64>>,
    deletes: InPlaceDeletes,
) -> impl IntoView {
    let id = view.id;
    let o = view.outcall;
    // A trunk deleted since is not tried by calls; say so rather than hide it.
    let trunk_names = o
        .trunks
        .iter()
        .map(|t| {
            trunks
                .get(t)
                .cloned()
                .unwrap_or_else(|| format!("#{t} (deleted)"))
        })
        .collect::<Vec<_>>()
        .join(" → ");
    let patterns = o
        .extens
        .iter()
        .map(|x| x.pattern.display().to_owned())
        .collect::<Vec<_>>()
        .join(", ");
    let name = o.name.clone();
    view! {
        <tr data-outcall=o.name.clone()>
            <td><a href=format!("/ipbx/outcalls/edit/{id}")>{o.name.clone()}</a></td>
            <td>{o.context}</td>
            <td class="trunks">{trunk_names}</td>
            <td class="patterns"><code>{patterns}</code></td>
            <DeleteCell key=id confirming question=format!("Delete {name}? Numbers it matches will no longer leave.")
                on_confirm=move |()| deletes.run(id, async move {
                    delete_refusal(Some(delete_outcall(id).await))
                })/>
        </tr>
    }
}
