//! Services → IPBX → Trunk management → SIP Protocol: the list of trunks,
//! a page at a time (filtered and paged by the server, see
//! `components::list_nav`), with what registering and monitoring say of
//! each now, and delete-with-confirmation.

use crate::api::trunks::{delete_trunk, list_trunks};
use crate::components::delete_cell::{asked_in_address, DeleteBanner, DeleteCell, InPlaceDeletes};
use crate::components::form::failure_sentence;
use crate::components::list_nav::{list_body, use_list_query, ListFilter};
use crate::components::repair::RepairList;
use crate::components::status::TrunkStatusBadges;
use crate::model::repair::RepairKind;
use crate::model::trunk::TrunkListRow;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TrunkList() -> impl IntoView {
    // The filter and page are the address's: the server sends one page.
    let query = use_list_query();
    let trunks = Resource::new(move || query.get(), list_trunks);
    let deletes = InPlaceDeletes::new();
    let confirming = asked_in_address::<i64>();
    view! {
        <Title text="SIP trunks"/>
        <p class="crumbs">"Services › IPBX › Trunk management"</p>
        <h1>"SIP Protocol"</h1>
        <RepairList kind=RepairKind::Trunk/>
        <div class="toolbar">
            <ListFilter query label="Filter trunks" placeholder="Filter by name, host or context"/>
            <a class="button primary" href="/ipbx/trunks/new">"Add a trunk"</a>
        </div>
        <DeleteBanner last=deletes.last/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let page = match trunks.await {
                    Err(e) => return view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok(page) => page,
                };
                let none_yet = "No SIP trunk yet. Add the one your VoIP provider gave you.";
                list_body(page, &query.get_untracked(), "trunks", "trunk", none_yet, deletes, |t| t.id, move |rows| view! {
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
                            <For each=move || rows.get() key=|t| (t.id, t.version) children=move |t| {
                                view! { <TrunkRow row=t confirming deletes/> }
                            }/>
                        </tbody>
                    </table>
                    </div>
                }).into_any()
            })}
        </Transition>
    }
}

#[component]
fn TrunkRow(
    row: TrunkListRow,
    confirming: RwSignal<Option<i64>>,
    deletes: InPlaceDeletes,
) -> impl IntoView {
    let TrunkListRow {
        id,
        name,
        host,
        connection,
        register,
        monitoring,
        context,
        disabled,
        status,
        ..
    } = row;
    view! {
        <tr data-trunk=name.clone()>
            <td class="name"><a href=format!("/ipbx/trunks/edit/{id}")>{name.clone()}</a></td>
            <td><span class="truncate" title=host.clone()>{host.clone()}</span></td>
            <td>{connection}</td>
            <td><span class="truncate" title=register.clone()>{register.clone()}</span></td>
            <td>{monitoring}</td>
            <td>{context}</td>
            <td>{if disabled { "Yes" } else { "No" }}</td>
            <td class="status"><TrunkStatusBadges row=status/></td>
            <DeleteCell key=id confirming question=format!("Delete {name}? This cannot be undone.")
                on_confirm=move |()| deletes.run(id, async move {
                    delete_trunk(id).await.err().map(|e| failure_sentence(&e))
                })/>
        </tr>
    }
}
