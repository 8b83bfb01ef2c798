//! Status → Calls: the calls in progress (refreshed every two seconds, no
//! reload) and the searchable call log, newest first, a page at a time,
//! with the trunk each call came in on or left through and what every trunk attempt
//! answered. Any call in progress can be hung up from here. Anchored calls
//! show their audio figures per leg (packets in and out, loss, jitter, MOS)
//! and a one-way flag, live and in the log.

use crate::api::calls::{call_log, live_calls, HangUpCall};
use crate::components::list_nav::{
    grouped, keyed_by_content, quiet_navigation, Debounce, PolledRows,
};
use crate::components::poll::ticker;
use crate::components::quality::quality_view;
use crate::model::call_log::{CallLogPage, CallLogQuery};
use crate::model::calls::{cause_words, CallLogEntry, LiveCall};
use crate::model::time::clock;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

/// How often the live list asks again.
const REFRESH_MS: u64 = 2000;

#[component]
pub fn CallsPage() -> impl IntoView {
    let tick = ticker(REFRESH_MS);
    // The log's search and page live in the address, so "Older calls" is
    // a plain link that works before hydration and Back returns to the
    // newer page.
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let p = params.read();
        CallLogQuery {
            search: p.get("search").unwrap_or_default(),
            before: p.get("before").unwrap_or_default(),
            limit: p.get("limit").unwrap_or_default(),
        }
    });
    let path = use_location().pathname;
    let navigate = use_navigate();
    // A new search starts again from the newest calls.
    // Asked once typing pauses, not at every keystroke.
    let pause = Debounce::new();
    let on_search = move |ev| {
        let next = CallLogQuery {
            search: event_target_value(&ev),
            before: String::new(),
            ..query.get_untracked()
        };
        let navigate = navigate.clone();
        pause.run(move || {
            navigate(
                &format!("{}{}", path.get_untracked(), next.href()),
                quiet_navigation(),
            );
        });
    };
    let hang_up = ServerAction::<HangUpCall>::new();
    // The first reading, rendered by the server; the browser's readings
    // then update its rows in place (below), so a poll redraws only the
    // cells that changed, not the table.
    let first = Resource::new(|| (), |_| live_calls());
    let rows = PolledRows::<u64, LiveCall>::new();
    let poll_failed = RwSignal::new(None::<String>);
    // Each tick reads the list again, and a hang-up at once rather than
    // at the next tick. Effects run in the browser only. A reading that
    // comes back after a newer one was asked for is dropped.
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let (tick, hung_up) = (tick.get(), hang_up.version().get());
        if tick == 0 && hung_up == 0 {
            return;
        }
        let this = asked.get_value() + 1;
        asked.set_value(this);
        leptos::task::spawn_local(async move {
            let reading = live_calls().await;
            if asked.try_get_value() != Some(this) {
                return;
            }
            match reading {
                Ok(list) => {
                    poll_failed.set(None);
                    rows.replace(list, |c| c.id);
                }
                Err(e) => poll_failed.set(Some(e.to_string())),
            }
        });
    });
    let log = Resource::new(move || (tick.get(), query.get()), |(_, q)| call_log(q));
    view! {
        <Title text="Calls"/>
        <p class="crumbs">"Status"</p>
        <h1>"Calls"</h1>
        <h2>"In progress"</h2>
        {move || match hang_up.value().get() {
            Some(Err(e)) => Some(view! { <p class="error banner" role="alert">{e.to_string()}</p> }),
            _ => None,
        }}
        {move || poll_failed.get().map(|e| view! { <p class="error banner">{e}</p> })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match first.await {
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                    Ok(list) => {
                        rows.replace(list, |c| c.id);
                        view! { <LiveCalls rows hang_up/> }.into_any()
                    }
                }
            })}
        </Transition>
        <h2>"Call log"</h2>
        <div class="toolbar">
            <input type="search" id="call-search" placeholder="Search caller, callee, number, trunk or cause"
                aria-label="Search the call log"
                prop:value=move || query.get().search
                on:input=on_search/>
        </div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                    Ok(page) => log_page(page, &query.get_untracked()).into_any(),
                }
            })}
        </Transition>
    }
}

fn log_page(page: CallLogPage, query: &CallLogQuery) -> impl IntoView {
    let paged = !query.before.trim().is_empty();
    let empty = if query.search.trim().is_empty() && !paged {
        "No call in the log yet."
    } else {
        "No call matches."
    };
    let newest = paged.then(|| {
        let href = CallLogQuery {
            before: String::new(),
            ..query.clone()
        }
        .href();
        view! { <a href=href id="call-log-newest">"← Newest calls"</a> }
    });
    let older = page.older.map(|before| {
        let href = CallLogQuery {
            before,
            ..query.clone()
        }
        .href();
        view! { <a href=href id="call-log-older">"Older calls →"</a> }
    });
    let list = (!page.calls.is_empty()).then(|| {
        let rows = keyed_by_content(page.calls);
        view! {
            <table class="list" id="call-log">
                <thead><tr><th>"Start"</th><th>"Caller"</th><th>"Callee"</th><th>"Number"</th><th>"Trunk"</th><th>"Talk"</th><th>"End"</th><th>"Attempts"</th><th>"Audio"</th></tr></thead>
                <tbody>
                    <For each=move || rows.clone() key=|(key, _)| *key children=|(_, call)| log_row(call)/>
                </tbody>
            </table>
        }
    });
    let total = (page.total > 0).then(|| {
        let calls = if page.total == 1 { "call" } else { "calls" };
        view! { <span id="call-log-total">{format!("{} {calls}", grouped(page.total))}</span> }
    });
    view! {
        {list.is_none().then(|| view! { <p class="empty">{empty}</p> })}
        {list}
        <nav class="pager" aria-label="Call log pages">{newest}{total}{older}</nav>
    }
}

/// The calls in progress, one row per call kept while the call lasts.
#[component]
fn LiveCalls(rows: PolledRows<u64, LiveCall>, hang_up: ServerAction<HangUpCall>) -> impl IntoView {
    view! {
        <Show
            when=move || !rows.is_empty()
            fallback=|| view! { <p class="empty" id="no-live-calls">"No call in progress."</p> }
        >
            <table class="list" id="live-calls">
                <thead><tr><th>"Since"</th><th>"Caller"</th><th>"Callee"</th><th>"Number"</th><th>"State"</th><th>"Trunk"</th><th>"Audio"</th><th></th></tr></thead>
                <tbody>
                    <For each=move || rows.rows() key=|(id, _)| *id
                        children=move |(id, call)| live_row(id, call, hang_up)/>
                </tbody>
            </table>
        </Show>
    }
}

/// One call's row: each cell follows the call's own signal, so a new
/// reading redraws only what changed (the state, the audio figures).
fn live_row(
    id: u64,
    call: ArcRwSignal<LiveCall>,
    hang_up: ServerAction<HangUpCall>,
) -> impl IntoView {
    let cell = |f: fn(&LiveCall) -> String| {
        let call = call.clone();
        move || call.with(f)
    };
    // Who calls and what was dialled do not change during a call.
    let (key, label) = call.with_untracked(|c| {
        (
            c.dialed.clone(),
            format!("Hang up the call from {} to {}", c.caller, c.dialed),
        )
    });
    let quality = {
        let call = call.clone();
        move || quality_view(call.with(|c| c.quality.clone()))
    };
    view! {
        <tr data-live-call=key>
            <td>{cell(|c| clock(c.started_at))}</td>
            <td>{cell(|c| c.caller.clone())}</td>
            <td>{cell(|c| c.callee.clone())}</td>
            <td>{cell(|c| c.dialed.clone())}</td>
            <td>{cell(|c| c.state.clone())}</td>
            <td>{cell(|c| c.trunk.clone().unwrap_or_default())}</td>
            <td class="audio">{quality}</td>
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
    let cause = cause_words(&call.cause);
    let ended = match (&call.side, call.status) {
        (Some(side), _) => format!("{cause} (hung up by the {side})"),
        (None, Some(status)) => format!("{cause} ({status})"),
        (None, None) => cause.to_owned(),
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
            <td class="audio">{quality_view(call.quality.clone())}</td>
        </tr>
    }
}
