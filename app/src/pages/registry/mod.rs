//! Status → SIP registry: `sip show registry`, live. Rows follow the
//! engine through server-sent events, with what Asterisk keeps to itself:
//! the last response, attempts, a countdown to the next REGISTER, the
//! monitoring result and a short history per trunk.

use crate::api::registry::{registry, RegistryAct};
#[cfg(feature = "hydrate")]
use crate::model::registry::RegistryDelta;
use crate::model::registry::{PeerStatus, RegistrationState, RegistryAction, RegistryEntry};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegistryPage() -> impl IntoView {
    let initial = Resource::new(|| (), |_| registry());
    let live = RwSignal::new(None::<Vec<RegistryEntry>>);
    // Unix seconds of the browser's clock, ticking; `None` until hydrated,
    // so the server renders no countdown the browser would contradict.
    let now = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        live_updates(live, now);
    });
    let act = ServerAction::<RegistryAct>::new();
    view! {
        <Title text="SIP registry"/>
        <p class="crumbs">"Status"</p>
        <h1>"SIP registry"</h1>
        {move || act.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error banner">{e.to_string()}</p> })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match initial.await {
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                    Ok(first) => {
                        let rows = Signal::derive(move || live.get().unwrap_or_else(|| first.clone()));
                        view! { <RegistryTable rows now act/> }.into_any()
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
    act: ServerAction<RegistryAct>,
) -> impl IntoView {
    view! {
        <Show
            when=move || !rows.with(Vec::is_empty)
            fallback=|| view! {
                <p class="empty">"No trunk registers or is monitored. Check Register or Monitoring on a SIP trunk."</p>
            }
        >
            <table class="list" id="registry">
                <thead>
                    <tr>
                        <th>"Host"</th><th>"dnsmgr"</th><th>"Username"</th><th>"Refresh"</th>
                        <th>"State"</th><th>"Reg.Time"</th><th>"Last response"</th><th>"Attempts"</th>
                        <th>"Next REGISTER"</th><th>"Monitoring"</th><th></th>
                    </tr>
                </thead>
                {move || rows.get().into_iter().map(|row| view! { <RegistryRow row now act/> }).collect_view()}
            </table>
        </Show>
    }
}

fn countdown(at: Option<i64>, now: Option<i64>) -> String {
    match (at, now) {
        (Some(at), Some(now)) => format!("in {} s", (at - now).max(0)),
        _ => String::new(),
    }
}

#[component]
fn RegistryRow(
    row: RegistryEntry,
    now: RwSignal<Option<i64>>,
    act: ServerAction<RegistryAct>,
) -> impl IntoView {
    let id = row.trunk_id;
    let next = row.next_register_at;
    let state_class = match row.state {
        RegistrationState::Registered => "state ok",
        RegistrationState::RequestSent
        | RegistrationState::AuthSent
        | RegistrationState::Unregistered => "state pending",
        RegistrationState::Rejected
        | RegistrationState::NoAuthentication
        | RegistrationState::Failed
        | RegistrationState::Timeout => "state bad",
    };
    let history = row.history.clone();
    // An OPTIONS only goes out for a monitored trunk: no button that does nothing.
    let unmonitored = row.qualify == PeerStatus::Unmonitored;
    view! {
        <tbody data-trunk=row.trunk.clone()>
            <tr>
                <td title=row.trunk.clone()>{if row.registers { row.host.clone() } else { format!("{} (monitoring only)", row.host) }}</td>
                <td>"N"</td>
                <td>{row.username.clone()}</td>
                <td>{row.refresh}</td>
                <td class=state_class>{row.state.as_str()}</td>
                <td>{row.reg_time_text.clone()}</td>
                <td class="last-response">{row.last_response.clone().unwrap_or_default()}</td>
                <td>{row.attempts}</td>
                <td class="countdown">{move || countdown(next, now.get())}</td>
                <td class="qualify">{row.qualify.to_string()}</td>
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
                    <td colspan="11" role="alert">{warning}</td>
                </tr>
            })}
            <tr class="history">
                <td colspan="11">
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

/// Follows `/api/v1/registry/stream` and ticks the clock every second,
/// until the page is left.
#[cfg(feature = "hydrate")]
fn live_updates(live: RwSignal<Option<Vec<RegistryEntry>>>, now: RwSignal<Option<i64>>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let tick = move || now.set(Some((js_sys::Date::now() / 1000.0) as i64));
    tick();
    let interval = set_interval_with_handle(tick, std::time::Duration::from_secs(1)).ok();
    let Ok(source) = web_sys::EventSource::new("/api/v1/registry/stream") else {
        return;
    };
    // The stream starts with every row, then sends only what changed.
    let on_rows =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(text) = event.data().as_string() {
                if let Ok(rows) = serde_json::from_str::<Vec<RegistryEntry>>(&text) {
                    live.set(Some(rows));
                }
            }
        });
    let on_delta =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            if let Ok(delta) = serde_json::from_str::<RegistryDelta>(&text) {
                live.update(|rows| {
                    if let Some(rows) = rows {
                        delta.apply(rows);
                    }
                });
            }
        });
    let _ = source.add_event_listener_with_callback("registry", on_rows.as_ref().unchecked_ref());
    let _ = source
        .add_event_listener_with_callback("registry-delta", on_delta.as_ref().unchecked_ref());
    // The browser objects stay on this (only) thread; the wrapper lets the
    // cleanup closure satisfy Leptos's Send bound.
    let guard = send_wrapper::SendWrapper::new((source, on_rows, on_delta));
    on_cleanup(move || {
        let (source, _on_rows, _on_delta) = guard.take();
        source.close();
        if let Some(handle) = interval {
            handle.clear();
        }
    });
}
