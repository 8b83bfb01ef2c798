//! Status → Calls: the calls in progress (refreshed every two seconds, no
//! reload) and the searchable call log, newest first, with the trunk each
//! call left through and what every trunk attempt answered. Any call in
//! progress can be hung up from here.

use crate::api::calls::{call_log, live_calls, HangUpCall};
use crate::components::poll::ticker;
use crate::model::calls::{CallLogEntry, LiveCall};
use crate::model::time::clock;
use leptos::prelude::*;
use leptos_meta::Title;

/// How often the live list asks again.
const REFRESH_MS: u64 = 2000;

#[component]
pub fn CallsPage() -> impl IntoView {
    let tick = ticker(REFRESH_MS);
    let search = RwSignal::new(String::new());
    let hang_up = ServerAction::<HangUpCall>::new();
    // A hang-up refreshes the list at once rather than at the next tick.
    let live = Resource::new(
        move || (tick.get(), hang_up.version().get()),
        |_| live_calls(),
    );
    let log = Resource::new(move || (tick.get(), search.get()), |(_, s)| call_log(s));
    view! {
        <Title text="Calls"/>
        <p class="crumbs">"Status"</p>
        <h1>"Calls"</h1>
        <h2>"In progress"</h2>
        {move || match hang_up.value().get() {
            Some(Err(e)) => Some(view! { <p class="error banner" role="alert">{e.to_string()}</p> }),
            _ => None,
        }}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match live.await {
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty" id="no-live-calls">"No call in progress."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list" id="live-calls">
                            <thead><tr><th>"Since"</th><th>"Caller"</th><th>"Callee"</th><th>"Number"</th><th>"State"</th><th>"Trunk"</th><th></th></tr></thead>
                            <tbody>{list.into_iter().map(|c| live_row(c, hang_up)).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
        <h2>"Call log"</h2>
        <div class="toolbar">
            <input type="search" id="call-search" placeholder="Search caller, callee, number, trunk or cause"
                aria-label="Search the call log"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))/>
        </div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No call in the log yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list" id="call-log">
                            <thead><tr><th>"Start"</th><th>"Caller"</th><th>"Callee"</th><th>"Number"</th><th>"Trunk"</th><th>"Talk"</th><th>"End"</th><th>"Attempts"</th></tr></thead>
                            <tbody>{list.into_iter().map(log_row).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

fn live_row(call: LiveCall, hang_up: ServerAction<HangUpCall>) -> impl IntoView {
    let key = call.dialed.clone();
    let id = call.id;
    let label = format!("Hang up the call from {} to {}", call.caller, call.dialed);
    view! {
        <tr data-live-call=key>
            <td>{clock(call.started_at)}</td>
            <td>{call.caller}</td>
            <td>{call.callee}</td>
            <td>{call.dialed}</td>
            <td>{call.state}</td>
            <td>{call.trunk.unwrap_or_default()}</td>
            <td>
                <button type="button" class="danger" aria-label=label
                    disabled=move || hang_up.pending().get()
                    on:click=move |_| { hang_up.dispatch(HangUpCall { id }); }>
                    "Hang up"
                </button>
            </td>
        </tr>
    }
}

fn log_row(call: CallLogEntry) -> impl IntoView {
    let ended = match (&call.side, call.status) {
        (Some(side), _) => format!("{} (hung up by the {side})", call.cause),
        (None, Some(status)) => format!("{} ({status})", call.cause),
        (None, None) => call.cause.clone(),
    };
    let attempts = call
        .attempts
        .iter()
        .map(|a| format!("{}: {}", a.target, a.result))
        .collect::<Vec<_>>()
        .join("; ");
    let key = call.dialed.clone();
    view! {
        <tr data-call=key>
            <td>{clock(call.started_at)}</td>
            <td>{call.caller.clone()}</td>
            <td>{call.callee.clone()}</td>
            <td>{call.dialed.clone()}</td>
            <td class="trunk">{call.trunk.clone().unwrap_or_default()}</td>
            <td>{format!("{} s", call.talk_seconds())}</td>
            <td>{ended}</td>
            <td class="attempts">{attempts}</td>
        </tr>
    }
}
