//! Services → IPBX → Trunk management → SIP Protocol: the list of trunks,
//! with a filter box and delete-with-confirmation.

use crate::api::trunks::{list_trunks, DeleteTrunk};
use crate::components::delete_cell::{asked_in_address, DeleteBanner, DeleteCell};
use crate::components::form::failure_sentence;
use crate::components::repair::RepairList;
use crate::model::repair::RepairKind;
use crate::model::trunk::TrunkView;
use leptos::prelude::*;
use leptos_meta::Title;
use std::sync::Arc;

fn matches_filter(view: &TrunkView, filter: &str) -> bool {
    if filter.is_empty() {
        return true;
    }
    let t = &view.trunk;
    [t.name.as_str(), &t.host_label(), &t.context, &t.reg_server]
        .iter()
        .any(|s| s.to_lowercase().contains(filter))
}

#[component]
pub fn TrunkList() -> impl IntoView {
    let delete = ServerAction::<DeleteTrunk>::new();
    let trunks = Resource::new(move || delete.version().get(), |_| list_trunks());
    let filter = RwSignal::new(String::new());
    let confirming = asked_in_address::<i64>();
    view! {
        <Title text="SIP trunks"/>
        <p class="crumbs">"Services › IPBX › Trunk management"</p>
        <h1>"SIP Protocol"</h1>
        <RepairList kind=RepairKind::Trunk/>
        <div class="toolbar">
            <input type="search" id="filter" placeholder="Filter by name, host or context"
                aria-label="Filter trunks"
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))/>
            <a class="button primary" href="/ipbx/trunks/new">"Add a trunk"</a>
        </div>
        <DeleteBanner last=Signal::derive(move || delete.value().get().map(|r| r.err().map(|e| failure_sentence(&e))))/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match trunks.await {
                    Err(e) => view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No SIP trunk yet. Add the one your VoIP provider gave you."</p>
                    }.into_any(),
                    Ok(list) => {
                        let list = Arc::new(list);
                        view! {
                            <table class="list" id="trunks">
                                <thead>
                                    <tr>
                                        <th>"Name"</th><th>"Host"</th><th>"Connection type"</th>
                                        <th>"Register"</th><th>"Monitoring"</th><th>"Context"</th>
                                        <th>"Disabled"</th><th>"Actions"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {move || {
                                        let needle = filter.get().trim().to_lowercase();
                                        list.iter()
                                            .filter(|t| matches_filter(t, &needle))
                                            .map(|t| view! { <TrunkRow view=t.clone() confirming delete/> })
                                            .collect_view()
                                    }}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn TrunkRow(
    view: TrunkView,
    confirming: RwSignal<Option<i64>>,
    delete: ServerAction<DeleteTrunk>,
) -> impl IntoView {
    let id = view.id;
    let t = view.trunk;
    let name = t.name.clone();
    view! {
        <tr data-trunk=t.name.clone()>
            <td><a href=format!("/ipbx/trunks/edit/{id}")>{t.name.clone()}</a></td>
            <td>{t.host_label()}</td>
            <td>{t.connection_type.label()}</td>
            <td>{if t.register { format!("{}@{}", t.reg_username, t.reg_server) } else { "No".into() }}</td>
            <td>{t.monitoring_label()}</td>
            <td>{t.context.clone()}</td>
            <td>{if t.disabled { "Yes" } else { "No" }}</td>
            <DeleteCell key=id confirming question=format!("Delete {name}? This cannot be undone.")
                on_confirm=move |()| { delete.dispatch(DeleteTrunk { id }); }/>
        </tr>
    }
}
