//! Services → IPBX → Call management → Incoming calls: where calls to the
//! office's public numbers (DIDs) go, delete with confirmation, and the
//! route tester below the list.

use crate::api::incalls::{list_incalls, DeleteIncall};
use crate::api::users::list_users;
use crate::components::delete_cell::{asked_in_address, delete_refusal, DeleteBanner, DeleteCell};
use crate::components::form::failure_sentence;
use crate::components::repair::RepairList;
use crate::components::route_tester::IncomingRouteTester;
use crate::components::unmatched_calls::UnmatchedCalls;
use crate::model::incall::{CallerIdNameMode, IncallDestination, IncallView};
use crate::model::repair::RepairKind;
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::HashMap;
use std::sync::Arc;

/// The list's rows with users' names ("Front Desk (1000)") instead of ids.
async fn load() -> Result<(Vec<IncallView>, HashMap<i64, String>), ServerFnError> {
    let incalls = list_incalls().await?;
    let users = list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.user.display()))
        .collect();
    Ok((incalls, users))
}

#[component]
pub fn IncallList() -> impl IntoView {
    let delete = ServerAction::<DeleteIncall>::new();
    let incalls = Resource::new(move || delete.version().get(), |_| load());
    let confirming = asked_in_address::<i64>();
    view! {
        <Title text="Incoming calls"/>
        <p class="crumbs">"Services › IPBX › Call management"</p>
        <h1>"Incoming calls"</h1>
        <RepairList kind=RepairKind::Incall/>
        <div class="toolbar">
            <a class="button primary" href="/ipbx/incalls/new">"Add an incoming call"</a>
        </div>
        <DeleteBanner last=Signal::derive(move || delete.value().get().map(|r| delete_refusal(Some(r))))/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match incalls.await {
                    Err(e) => view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok((list, _)) if list.is_empty() => view! {
                        <p class="empty">"No incoming call yet. Add one per public number so its calls ring someone."</p>
                    }.into_any(),
                    Ok((list, users)) => {
                        let users = Arc::new(users);
                        view! {
                            <table class="list" id="incalls">
                                <thead>
                                    <tr><th>"DID"</th><th>"Context"</th><th>"Destination"</th><th>"Caller ID name"</th><th>"Actions"</th></tr>
                                </thead>
                                <tbody>
                                    {list.into_iter()
                                        .map(|view| view! { <IncallRow view users=users.clone() confirming delete/> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                }
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
    delete: ServerAction<DeleteIncall>,
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
                on_confirm=move |()| { delete.dispatch(DeleteIncall { id }); }/>
        </tr>
    }
}
