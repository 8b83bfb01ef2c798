//! Services → IPBX → Call management → Incoming calls: where calls to the
//! office's public numbers (DIDs) go, a page at a time with a filter (the
//! server's, see `components::list_nav`), delete with confirmation, and
//! the route tester below the list.

use crate::api::incalls::{delete_incall, list_incalls};
use crate::components::delete_cell::{
    asked_in_address, delete_refusal, DeleteBanner, DeleteCell, InPlaceDeletes,
};
use crate::components::form::failure_sentence;
use crate::components::list_nav::{list_body, use_list_query, ListFilter};
use crate::components::repair::RepairList;
use crate::components::route_tester::IncomingRouteTester;
use crate::components::unmatched_calls::UnmatchedCalls;
use crate::model::incall::{CallerIdNameMode, IncallDestination, IncallView};
use crate::model::repair::RepairKind;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::HashMap;
use std::sync::Arc;

#[component]
pub fn IncallList() -> impl IntoView {
    // The filter and page are the address's: the server sends one page.
    let query = use_list_query();
    let incalls = Resource::new(move || query.get(), list_incalls);
    let deletes = InPlaceDeletes::new();
    let confirming = asked_in_address::<i64>();
    view! {
        <Title text="Incoming calls"/>
        <p class="crumbs">"Services › IPBX › Call management"</p>
        <h1>"Incoming calls"</h1>
        <RepairList kind=RepairKind::Incall/>
        <div class="toolbar">
            <ListFilter query label="Filter incoming calls" placeholder="Filter by DID, context or user"/>
            <a class="button primary" href="/ipbx/incalls/new">"Add an incoming call"</a>
        </div>
        <DeleteBanner last=deletes.last/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let rows = match incalls.await {
                    Err(e) => return view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok(rows) => rows,
                };
                let users: Arc<HashMap<i64, String>> = Arc::new(rows.user_names.into_iter().collect());
                let none_yet = "No incoming call yet. Add one per public number so its calls ring someone.";
                list_body(rows.page, &query.get_untracked(), "incoming calls", "incoming call", none_yet, deletes, |i| i.id, move |rows| view! {
                    <table class="list" id="incalls">
                        <thead>
                            <tr><th>"DID"</th><th>"Context"</th><th>"Destination"</th><th>"Caller ID name"</th><th>"Actions"</th></tr>
                        </thead>
                        <tbody>
                            <For each=move || rows.get() key=|i| (i.id, i.version)
                                children=move |view| view! { <IncallRow view users=users.clone() confirming deletes/> }/>
                        </tbody>
                    </table>
                }).into_any()
            })}
        </Transition>
        <IncomingRouteTester/>
        <UnmatchedCalls/>
    }
}

#[component]
fn IncallRow(
    view: IncallView,
    users: Arc<HashMap<i64, String>>,
    confirming: RwSignal<Option<i64>>,
    deletes: InPlaceDeletes,
) -> impl IntoView {
    let id = view.id;
    let i = view.incall;
    let destination = match i.destination {
        IncallDestination::User { user_id } => users
            .get(&user_id)
            .cloned()
            .unwrap_or_else(|| format!("User #{user_id} (deleted)")),
        IncallDestination::Hangup => "Hang up".to_owned(),
    };
    let caller_id = match i.caller_id_mode {
        CallerIdNameMode::None => CallerIdNameMode::None.label().to_owned(),
        mode => format!("{} \u{201c}{}\u{201d}", mode.label(), i.caller_id_text),
    };
    let did = i.did.clone();
    view! {
        <tr data-incall=i.did.clone()>
            <td><a href=format!("/ipbx/incalls/edit/{id}")>{i.did.clone()}</a></td>
            <td>{i.context}</td>
            <td class="destination">{destination}</td>
            <td>{caller_id}</td>
            <DeleteCell key=id confirming question=format!("Delete the incoming call for {did}? Its calls will be refused.")
                on_confirm=move |()| deletes.run(id, async move {
                    delete_refusal(Some(delete_incall(id).await))
                })/>
        </tr>
    }
}
