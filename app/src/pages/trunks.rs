//! Services → IPBX → Trunk management → SIP Protocol: the list of trunks,
//! with what registering and monitoring say of each now, a filter box and
//! delete-with-confirmation.

use crate::api::registry::registry;
use crate::api::trunks::{list_trunks, DeleteTrunk};
use crate::components::delete_cell::{asked_in_address, DeleteBanner, DeleteCell};
use crate::components::form::failure_sentence;
use crate::components::repair::RepairList;
use crate::components::status::TrunkStatusBadges;
use crate::model::registry::RegistryEntry;
use crate::model::repair::RepairKind;
use crate::model::trunk::TrunkView;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::HashMap;
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
    // The status as the page opens; Status → SIP registry follows it live.
    let status = Resource::new(|| (), |_| registry());
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
                // A registry that cannot be read leaves the Status column empty, not the list.
                let statuses: Arc<HashMap<i64, RegistryEntry>> = Arc::new(
                    status.await.unwrap_or_default().into_iter().map(|r| (r.trunk_id, r)).collect(),
                );
                match trunks.await {
                    Err(e) => view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No SIP trunk yet. Add the one your VoIP provider gave you."</p>
                    }.into_any(),
                    Ok(list) => {
                        let list = Arc::new(list);
                        view! {
                            <div class="table-box">
                            <table class="list" id="trunks">
                                <thead>
                                    <tr>
                                        <th>"Name"</th><th>"Host"</th><th>"Connection type"</th>
                                        <th>"Register"</th><th>"Monitoring"</th><th>"Context"</th>
                                        <th>"Disabled"</th><th>"Status"</th><th><span class="sr-only">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {move || {
                                        let needle = filter.get().trim().to_lowercase();
                                        list.iter()
                                            .filter(|t| matches_filter(t, &needle))
                                            .map(|t| {
                                                let status = statuses.get(&t.id).cloned();
                                                view! { <TrunkRow view=t.clone() status confirming delete/> }
                                            })
                                            .collect_view()
                                    }}
                                </tbody>
                            </table>
                            </div>
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
    status: Option<RegistryEntry>,
    confirming: RwSignal<Option<i64>>,
    delete: ServerAction<DeleteTrunk>,
) -> impl IntoView {
    let id = view.id;
    let t = view.trunk;
    let name = t.name.clone();
    let register = if t.register {
        format!("{}@{}", t.reg_username, t.reg_server)
    } else {
        "No".into()
    };
    view! {
        <tr data-trunk=t.name.clone()>
            <td class="name"><a href=format!("/ipbx/trunks/edit/{id}")>{t.name.clone()}</a></td>
            <td><span class="truncate" title=t.host_label()>{t.host_label()}</span></td>
            <td>{t.connection_type.label()}</td>
            <td><span class="truncate" title=register.clone()>{register.clone()}</span></td>
            <td>{t.monitoring_label()}</td>
            <td>{t.context.clone()}</td>
            <td>{if t.disabled { "Yes" } else { "No" }}</td>
            <td class="status"><TrunkStatusBadges row=status/></td>
            <DeleteCell key=id confirming question=format!("Delete {name}? This cannot be undone.")
                on_confirm=move |()| { delete.dispatch(DeleteTrunk { id }); }/>
        </tr>
    }
}
