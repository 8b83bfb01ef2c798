//! Overview, the landing screen after login: the PBX at a glance (trunks
//! registered and failing, lines registered, calls now and today, the
//! latest unmatched DIDs, addresses blocked by SIP security), each figure
//! linking to the screen that explains it. Rendered on the server from
//! one server function; it reads again when the page is opened.

use crate::api::overview::overview;
use crate::components::form::failure_sentence;
use crate::components::list_nav::grouped;
use crate::components::repair::RepairList;
use crate::model::overview::Overview;
use crate::model::time::clock;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let figures = Resource::new(|| (), |_| overview());
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <RepairList/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match figures.await {
                    Ok(o) => glance(o).into_any(),
                    Err(e) => view! { <p class="error banner">{failure_sentence(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One figure: a number, what it counts, and where to look closer.
fn figure(id: &'static str, value: String, label: String, href: &'static str) -> impl IntoView {
    view! {
        <a class="figure" id=id href=href>
            <span class="value">{value}</span>
            <span class="label">{label}</span>
        </a>
    }
}

fn glance(o: Overview) -> impl IntoView {
    let start = (o.trunks == 0).then(|| {
        view! {
            <p>
                "Connect the office to a VoIP provider: "
                <a href="/ipbx/trunks/new">"create a SIP trunk"</a>
                " with the account your provider gave you."
            </p>
        }
    });
    let trunk_label = format!(
        "of {} registering trunks registered; {} SIP trunks in all",
        grouped(o.registering),
        grouped(o.trunks)
    );
    let tone = |bad: u64| if bad > 0 { "bad" } else { "ok" };
    view! {
        {start}
        <section class="glance" aria-label="The PBX at a glance">
            {figure("trunks-registered", grouped(o.registered), trunk_label, "/status/registry")}
            <a class=format!("figure {}", tone(o.failing)) id="trunks-failing" href="/status/registry">
                <span class="value">{grouped(o.failing)}</span>
                <span class="label">"trunks failing to register"</span>
            </a>
            <a class=format!("figure {}", tone(o.unreachable)) id="trunks-unreachable" href="/status/registry">
                <span class="value">{grouped(o.unreachable)}</span>
                <span class="label">{format!("of {} monitored trunks not answering in time", grouped(o.monitored))}</span>
            </a>
            {figure("lines-registered", grouped(o.lines_registered),
                format!("of {} users' lines registered", grouped(o.lines)), "/ipbx/users")}
            {figure("calls-now", grouped(o.calls_now), "calls in progress".into(), "/status/calls")}
            {figure("calls-today", grouped(o.calls_today), "calls today (since 00:00 UTC)".into(), "/status/calls")}
            <a class=format!("figure {}", tone(o.blocked)) id="blocked" href="/ipbx/security">
                <span class="value">{grouped(o.blocked)}</span>
                <span class="label">"addresses blocked after failed logins"</span>
            </a>
        </section>
        <h2>"Latest unmatched DIDs"</h2>
        {if o.unmatched.is_empty() {
            view! { <p class="empty" id="no-unmatched">"No call to an unknown DID."</p> }.into_any()
        } else {
            view! {
                <table class="list" id="overview-unmatched">
                    <thead><tr><th>"When"</th><th>"DID"</th><th>"Trunk"</th><th>"Why"</th></tr></thead>
                    <tbody>
                        {o.unmatched.into_iter().map(|c| {
                            let did = c.did.clone();
                            view! {
                                <tr data-did=did>
                                    <td>{clock(c.at)}</td><td>{c.did}</td><td>{c.trunk}</td><td>{c.reason}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <p><a href="/ipbx/incalls">"Give a DID an incoming call"</a></p>
        <h2>"Blocked addresses"</h2>
        {if o.blocked_addresses.is_empty() {
            view! { <p class="empty" id="no-blocked">"No address is blocked."</p> }.into_any()
        } else {
            view! {
                <ul id="overview-blocked">
                    {o.blocked_addresses.into_iter().map(|w| {
                        let until = w.blocked_until.map(clock).unwrap_or_default();
                        let text = format!("{}: {} failed logins, blocked until {until}", w.address, w.failures);
                        view! { <li data-address=w.address>{text}</li> }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <p><a href="/ipbx/security">"Blocked addresses and their settings"</a></p>
    }
}
