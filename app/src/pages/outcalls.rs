//! Services → IPBX → Call management → Outgoing calls: which numbers leave
//! through which trunks (patterns shown as XiVO shows them, `418.`),
//! delete with confirmation, and the route tester below the list.

use crate::api::outcalls::{list_outcalls, DeleteOutcall};
use crate::api::trunks::list_trunks;
use crate::components::delete_cell::{asked_in_address, delete_refusal, DeleteBanner, DeleteCell};
use crate::components::form::failure_sentence;
use crate::components::repair::RepairList;
use crate::components::route_tester::OutgoingRouteTester;
use crate::model::outcall::OutcallView;
use crate::model::repair::RepairKind;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::HashMap;
use std::sync::Arc;

/// The list's rows with trunk names instead of ids.
async fn load() -> Result<(Vec<OutcallView>, HashMap<i64, String>), ServerFnError> {
    let outcalls = list_outcalls().await?;
    let trunks = list_trunks()
        .await?
        .into_iter()
        .map(|t| (t.id, t.trunk.name))
        .collect();
    Ok((outcalls, trunks))
}

#[component]
pub fn OutcallList() -> impl IntoView {
    let delete = ServerAction::<DeleteOutcall>::new();
    let outcalls = Resource::new(move || delete.version().get(), |_| load());
    let confirming = asked_in_address::<i64>();
    view! {
        <Title text="Outgoing calls"/>
        <p class="crumbs">"Services › IPBX › Call management"</p>
        <h1>"Outgoing calls"</h1>
        <RepairList kind=RepairKind::Outcall/>
        <div class="toolbar">
            <a class="button primary" href="/ipbx/outcalls/new">"Add an outgoing call"</a>
        </div>
        <DeleteBanner last=Signal::derive(move || delete.value().get().map(|r| delete_refusal(Some(r))))/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match outcalls.await {
                    Err(e) => view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok((list, _)) if list.is_empty() => view! {
                        <p class="empty">"No outgoing call yet. Add one to send numbers such as 418. out through a trunk."</p>
                    }.into_any(),
                    Ok((list, trunks)) => {
                        let trunks = Arc::new(trunks);
                        view! {
                            <table class="list" id="outcalls">
                                <thead>
                                    <tr><th>"Name"</th><th>"Context"</th><th>"Trunks"</th><th>"Patterns"</th><th>"Actions"</th></tr>
                                </thead>
                                <tbody>
                                    {list.into_iter()
                                        .map(|view| view! { <OutcallRow view trunks=trunks.clone() confirming delete/> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                }
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
    delete: ServerAction<DeleteOutcall>,
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
                on_confirm=move |()| { delete.dispatch(DeleteOutcall { id }); }/>
        </tr>
    }
}
