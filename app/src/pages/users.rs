//! Services → IPBX → PBX settings → Users: who sits at which extension,
//! a page at a time with a filter (the server's, see
//! `components::list_nav`), and delete-with-confirmation. A user an incoming
//! call rings is refused by the server; its message says which.

use crate::api::users::{delete_user, list_users};
use crate::components::delete_cell::{
    asked_in_address, delete_refusal, DeleteBanner, DeleteCell, InPlaceDeletes,
};
use crate::components::form::failure_sentence;
use crate::components::list_nav::{list_body, use_list_query, ListFilter};
use crate::components::repair::RepairList;
use crate::model::lines::LineStatus;
use crate::model::repair::RepairKind;
use crate::model::user::{OutgoingCallerId, UserView};
use leptos::prelude::*;
use leptos_meta::Title;
use std::collections::HashMap;
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

#[component]
pub fn UserList() -> impl IntoView {
    // The filter and page are the address's: the server sends one page.
    let query = use_list_query();
    let users = Resource::new(move || query.get(), list_users);
    let deletes = InPlaceDeletes::new();
    let confirming = asked_in_address::<i64>();
    view! {
        <Title text="Users"/>
        <p class="crumbs">"Services › IPBX › PBX settings"</p>
        <h1>"Users"</h1>
        <RepairList kind=RepairKind::User/>
        <div class="toolbar">
            <ListFilter query label="Filter users" placeholder="Filter by name, extension or line"/>
            <a class="button primary" href="/ipbx/users/new">"Add a user"</a>
        </div>
        <DeleteBanner last=deletes.last/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let rows = match users.await {
                    Err(e) => return view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok(rows) => rows,
                };
                let lines: Arc<HashMap<i64, LineStatus>> =
                    Arc::new(rows.lines.into_iter().map(|l| (l.user_id, l)).collect());
                let none_yet = "No user yet. Add one for each phone of the office.";
                list_body(rows.page, &query.get_untracked(), "users", "user", none_yet, deletes, |u| u.id, move |rows| view! {
                    <table class="list" id="users">
                        <thead>
                            <tr>
                                <th>"Name"</th><th>"Extension"</th><th>"Context"</th>
                                <th>"Line username"</th><th>"Outgoing caller ID"</th>
                                <th>"Ring time"</th><th>"Line"</th><th>"Actions"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || rows.get() key=|u| (u.id, u.version) children=move |u| {
                                let status = lines.get(&u.id).cloned();
                                view! { <UserRow view=u status confirming deletes/> }
                            }/>
                        </tbody>
                    </table>
                }).into_any()
            })}
        </Transition>
    }
}

#[component]
fn UserRow(
    view: UserView,
    status: Option<LineStatus>,
    confirming: RwSignal<Option<i64>>,
    deletes: InPlaceDeletes,
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
                on_confirm=move |()| deletes.run(id, async move {
                    delete_refusal(Some(delete_user(id).await))
                })/>
        </tr>
    }
}
