//! Services → IPBX → PBX settings → Users: who sits at which extension,
//! with a filter box and delete-with-confirmation. A user an incoming
//! call rings is refused by the server; its message says which.

use crate::api::users::{line_statuses, list_users, DeleteUser};
use crate::components::delete_cell::{asked_in_address, delete_refusal, DeleteBanner, DeleteCell};
use crate::components::form::failure_sentence;
use crate::components::repair::RepairList;
use crate::model::lines::LineStatus;
use crate::model::repair::RepairKind;
use crate::model::user::{OutgoingCallerId, UserView};
use leptos::prelude::*;
use leptos_meta::Title;
use std::sync::Arc;

fn caller_id_label(id: &OutgoingCallerId) -> String {
    match id {
        OutgoingCallerId::Default => "Default".into(),
        OutgoingCallerId::Anonymous => "Anonymous".into(),
        OutgoingCallerId::Custom(number) => number.clone(),
    }
}

/// "Registered at 192.0.2.10:5062 (Yealink T46U, 280 s left)", one line
/// per contact, or "Not registered".
fn line_label(status: Option<&LineStatus>) -> Vec<String> {
    let contacts = status.map_or(&[][..], |s| s.contacts.as_slice());
    if contacts.is_empty() {
        return vec!["Not registered".into()];
    }
    contacts
        .iter()
        .map(|c| {
            let agent = if c.user_agent.is_empty() {
                "unknown phone"
            } else {
                &c.user_agent
            };
            format!(
                "Registered at {} ({agent}, {} s left)",
                c.source, c.expires_in
            )
        })
        .collect()
}

fn matches_filter(view: &UserView, filter: &str) -> bool {
    if filter.is_empty() {
        return true;
    }
    let u = &view.user;
    [
        u.full_name().as_str(),
        &u.exten,
        &u.context,
        &u.line_username,
        &caller_id_label(&u.outgoing_caller_id),
    ]
    .iter()
    .any(|s| s.to_lowercase().contains(filter))
}

#[component]
pub fn UserList() -> impl IntoView {
    let delete = ServerAction::<DeleteUser>::new();
    let users = Resource::new(move || delete.version().get(), |_| list_users());
    let lines = Resource::new(|| (), |_| line_statuses());
    let filter = RwSignal::new(String::new());
    let confirming = asked_in_address::<i64>();
    view! {
        <Title text="Users"/>
        <p class="crumbs">"Services › IPBX › PBX settings"</p>
        <h1>"Users"</h1>
        <RepairList kind=RepairKind::User/>
        <div class="toolbar">
            <input type="search" id="filter" placeholder="Filter by name, extension or line"
                aria-label="Filter users"
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))/>
            <a class="button primary" href="/ipbx/users/new">"Add a user"</a>
        </div>
        <DeleteBanner last=Signal::derive(move || delete.value().get().map(|r| delete_refusal(Some(r))))/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                // The Line column is a courtesy: without it the list still shows.
                let statuses = Arc::new(lines.await.unwrap_or_default());
                match users.await {
                    Err(e) => view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No user yet. Add one for each phone of the office."</p>
                    }.into_any(),
                    Ok(list) => {
                        let list = Arc::new(list);
                        view! {
                            <table class="list" id="users">
                                <thead>
                                    <tr>
                                        <th>"Name"</th><th>"Extension"</th><th>"Context"</th>
                                        <th>"Line username"</th><th>"Outgoing caller ID"</th>
                                        <th>"Ring time"</th><th>"Line"</th><th>"Actions"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {move || {
                                        let needle = filter.get().trim().to_lowercase();
                                        list.iter()
                                            .filter(|u| matches_filter(u, &needle))
                                            .map(|u| {
                                                let status = statuses.iter().find(|s| s.user_id == u.id).cloned();
                                                view! { <UserRow view=u.clone() status confirming delete/> }
                                            })
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
fn UserRow(
    view: UserView,
    status: Option<LineStatus>,
    confirming: RwSignal<Option<i64>>,
    delete: ServerAction<DeleteUser>,
) -> impl IntoView {
    let id = view.id;
    let u = view.user;
    let shown = u.display();
    view! {
        <tr data-user=id data-exten=u.exten.clone()>
            <td><a href=format!("/ipbx/users/edit/{id}")>{u.full_name()}</a></td>
            <td>{u.exten.clone()}</td>
            <td>{u.context.clone()}</td>
            <td>{u.line_username.clone()}</td>
            <td>{caller_id_label(&u.outgoing_caller_id)}</td>
            <td>{format!("{} s", u.ringtime)}</td>
            <td class="line-status">
                {line_label(status.as_ref()).into_iter().map(|l| view! { <span class="contact">{l}</span> }).collect_view()}
            </td>
            <DeleteCell key=id confirming question=format!("Delete {shown}? This cannot be undone.")
                on_confirm=move |()| { delete.dispatch(DeleteUser { id }); }/>
        </tr>
    }
}
