//! Status → Calls: the calls in progress (refreshed every two seconds, no
//! reload) and the searchable call log, newest first, with the trunk each
//! call left through and what every trunk attempt answered.

use crate::api::calls::{call_log, live_calls};
use crate::model::calls::{CallLogEntry, LiveCall};
use leptos::prelude::*;
use leptos_meta::Title;

/// How often the live list asks again.
const REFRESH_MS: u64 = 2000;

fn clock(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[component]
pub fn CallsPage() -> impl IntoView {
    let tick = RwSignal::new(0u64);
    // Only the browser polls; the server renders the first list once.
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || tick.update(|t| *t += 1),
            std::time::Duration::from_millis(REFRESH_MS),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    let search = RwSignal::new(String::new());
    let live = Resource::new(move || tick.get(), |_| live_calls());
    let log = Resource::new(move || (tick.get(), search.get()), |(_, s)| call_log(s));
    view! {
        <Title text="Calls"/>
        <p class="crumbs">"Status"</p>
        <h1>"Calls"</h1>
        <h2>"In progress"</h2>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match live.await {
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty" id="no-live-calls">"No call in progress."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="list" id="live-calls">
                            <thead><tr><th>"Since"</th><th>"Caller"</th><th>"Callee"</th><th>"Number"</th><th>"State"</th><th>"Trunk"</th></tr></thead>
                            <tbody>{list.into_iter().map(live_row).collect_view()}</tbody>
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

fn live_row(call: LiveCall) -> impl IntoView {
    let key = call.dialed.clone();
    view! {
        <tr data-live-call=key>
            <td>{clock(call.started_at)}</td>
            <td>{call.caller}</td>
            <td>{call.callee}</td>
            <td>{call.dialed}</td>
            <td>{call.state}</td>
            <td>{call.trunk.unwrap_or_default()}</td>
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
