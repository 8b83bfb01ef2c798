//! Status → SIP registry: `sip show registry`, live. Rows follow the
//! engine through server-sent events, with what Asterisk keeps to itself:
//! the last response (or why none came), attempts, a countdown to the
//! next REGISTER, the monitoring result and a short history per trunk.
//! A banner says when the live stream is lost, and the countdowns stop
//! until it is back.

#[cfg(feature = "hydrate")]
mod live;

use crate::api::registry::{registry, RegistryAct};
use crate::components::form::failure_sentence;
use crate::components::list_nav::{content_key, pager, use_list_query, ListFilter};
use crate::components::status::{monitoring_tone, registration_tone};
use crate::model::registry::{PeerStatus, RegistryAction, RegistryEntry};
use leptos::prelude::*;
use leptos_meta::Title;

/// Columns of a row, for the rows under it that span them all.
const COLUMNS: &str = "11";

#[component]
pub fn RegistryPage() -> impl IntoView {
    // The filter and page are the address's, as on the other long lists:
    // the server sends one page, and the stream follows that page's rows.
    let query = use_list_query();
    let initial = Resource::new(move || query.get(), registry);
    let live = RwSignal::new(None::<Vec<RegistryEntry>>);
    // Unix seconds of the browser's clock, ticking; `None` until hydrated,
    // so the server renders no countdown the browser would contradict.
    let now = RwSignal::new(None::<i64>);
    // Whether the event stream is open; assumed until it says otherwise,
    // so the server renders no banner.
    let connected = RwSignal::new(true);
    let act = ServerAction::<RegistryAct>::new();
    view! {
        <Title text="SIP registry"/>
        <p class="crumbs">"Status"</p>
        <h1>"SIP registry"</h1>
        <Show when=move || !connected.get()>
            <p class="error banner" id="stream-lost" role="status">
                "Connection to the server lost — retrying"
            </p>
        </Show>
        {move || act.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error banner">{e.to_string()}</p> })}
        <div class="toolbar">
            <ListFilter query label="Filter the registry" placeholder="Filter by name, host, username, state or response"/>
        </div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match initial.await {
                    Err(e) => view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                    Ok(first) => {
                        // A new page: its own rows until its stream says otherwise.
                        live.set(None);
                        #[cfg(feature = "hydrate")]
                        live::follow(live, now, connected, first.offset, first.limit, &query.get_untracked().q);
                        let nav = pager(&first, &query.get_untracked(), "trunks", Signal::stored(0));
                        let filtered = !query.get_untracked().q.trim().is_empty();
                        let rows = first.rows;
                        let rows = Signal::derive(move || live.get().unwrap_or_else(|| rows.clone()));
                        view! { <RegistryTable rows now connected act filtered/> {nav} }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn RegistryTable(
    rows: Signal<Vec<RegistryEntry>>,
    now: RwSignal<Option<i64>>,
    connected: RwSignal<bool>,
    act: ServerAction<RegistryAct>,
    /// A filter is set: an empty table means nothing matched it.
    filtered: bool,
) -> impl IntoView {
    let empty = if filtered {
        "No trunk matches the filter."
    } else {
        "No trunk registers or is monitored. Check Register or Monitoring on a SIP trunk."
    };
    view! {
        <Show
            when=move || !rows.with(Vec::is_empty)
            fallback=move || view! { <p class="empty">{empty}</p> }
        >
            <div class="table-box">
                <table class="list" id="registry">
                    <thead>
                        <tr>
                            <th>"Name"</th><th>"Host"</th><th>"Username"</th><th>"Refresh"</th>
                            <th>"State"</th><th>"Reg.Time"</th><th>"Last response"</th><th>"Attempts"</th>
                            <th>"Next REGISTER"</th><th>"Monitoring"</th><th><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    // Keyed: a delta redraws the rows it changed, not the page.
                    <For each=move || rows.get() key=|row| content_key(row.trunk_id, row)
                        children=move |row| view! { <RegistryRow row now connected act/> }/>
                </table>
            </div>
        </Show>
    }
}

fn countdown(at: Option<i64>, now: Option<i64>) -> String {
    match (at, now) {
        (Some(at), Some(now)) => format!("in {} s", (at - now).max(0)),
        _ => String::new(),
    }
}

/// The Refresh cell's tooltip: where its number comes from.
fn refresh_title(row: &RegistryEntry) -> String {
    match row.granted_expiry {
        Some(granted) => format!(
            "The registrar granted {granted} s; the binding is refreshed {} s before it ends",
            u64::from(granted).saturating_sub(row.refresh)
        ),
        None => format!(
            "Requested {} s; the registrar has not granted an expiry yet",
            row.refresh
        ),
    }
}

#[component]
fn RegistryRow(
    row: RegistryEntry,
    now: RwSignal<Option<i64>>,
    connected: RwSignal<bool>,
    act: ServerAction<RegistryAct>,
) -> impl IntoView {
    let id = row.trunk_id;
    let next = row.next_register_at;
    let history = row.history.clone();
    // An OPTIONS only goes out for a monitored trunk: no button that does nothing.
    let unmonitored = row.qualify == PeerStatus::Unmonitored;
    // Rows exist for trunks that register or are monitored: one that does
    // not register is here for its monitoring alone.
    let monitoring_only = !row.registers && !unmonitored;
    let (refresh, refresh_title) = if row.registers {
        (row.refresh.to_string(), refresh_title(&row))
    } else {
        (String::new(), String::new())
    };
    view! {
        <tbody data-trunk=row.trunk.clone()>
            <tr>
                <td class="name"><a href=format!("/ipbx/trunks/edit/{id}")>{row.trunk.clone()}</a></td>
                <td class="host">
                    <span class="truncate" title=row.host.clone()>{row.host.clone()}</span>
                    {monitoring_only.then(|| view! { <span class="note">" (monitoring only)"</span> })}
                </td>
                <td class="username"><span class="truncate" title=row.username.clone()>{row.username.clone()}</span></td>
                <td class="refresh" title=refresh_title>{refresh}</td>
                <td class=format!("state {}", registration_tone(row.state))>{row.state.as_str()}</td>
                <td class="reg-time">{row.reg_time_text.clone()}</td>
                <td class="last-response">{row.last_response.clone().unwrap_or_default()}</td>
                <td>{row.attempts}</td>
                // While the stream is lost the times would be guesses.
                <td class="countdown">{move || if connected.get() { countdown(next, now.get()) } else { String::new() }}</td>
                <td class=format!("qualify {}", monitoring_tone(row.qualify))>{row.qualify.to_string()}</td>
                <td class="actions">
                    <button type="button" disabled=!row.registers
                        on:click=move |_| { act.dispatch(RegistryAct { trunk_id: id, action: RegistryAction::Reregister }); }>
                        "Re-register now"
                    </button>
                    <button type="button" disabled=unmonitored
                        title=if unmonitored { "Monitoring is off for this trunk" } else { "" }
                        on:click=move |_| { act.dispatch(RegistryAct { trunk_id: id, action: RegistryAction::Qualify }); }>
                        "Send OPTIONS now"
                    </button>
                </td>
            </tr>
            {row.nat_warning.clone().map(|warning| view! {
                <tr class="nat-warning">
                    <td colspan=COLUMNS role="alert">{warning}</td>
                </tr>
            })}
            <tr class="history">
                <td colspan=COLUMNS>
                    <details>
                        <summary>{format!("History of {} ({} changes)", row.trunk, history.len())}</summary>
                        <ul>
                            {history.into_iter().rev().map(|h| view! {
                                <li>{format!("{} · {} → {} · {}", h.at_text, h.from, h.to, h.reason)}</li>
                            }).collect_view()}
                        </ul>
                    </details>
                </td>
            </tr>
        </tbody>
    }
}
