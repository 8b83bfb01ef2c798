//! The live route testers under the call lists: "where does this call go,
//! and why?". The running dial plan is fetched once and every keystroke
//! is resolved in the browser by the resolver the engine itself uses, so
//! what the tester shows is what a call does (no round trip per digit).

use crate::api::routing::route_plan;
use crate::model::routing::{
    CallerIdChoice, CallerIdSource, Candidate, IncomingRoute, OutgoingRoute, Presentation,
    TrunkAttempt,
};
use crate::model::DialPlan;
use leptos::prelude::*;

/// Loads the dial plan, then shows `tester` with it. The plan is fetched by
/// the browser after the page is up, never written into the page: with
/// 10,000 users and routes it is megabytes, which made the call lists'
/// pages 4 MB and slow to hydrate when it was a server-rendered resource.
fn with_plan<V: IntoView + 'static>(
    tester: impl Fn(StoredValue<DialPlan>) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let plan = LocalResource::new(route_plan);
    view! {
        <Transition fallback=|| view! { <p>"Loading the dial plan…"</p> }>
            {move || Suspend::new(async move {
                match plan.await {
                    Ok(plan) => tester(StoredValue::new(plan)).into_any(),
                    Err(e) => view! { <p class="error banner">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Who dials what: caller, number, and the route as you type.
#[component]
pub fn OutgoingRouteTester() -> impl IntoView {
    view! {
        <section class="route-tester" aria-labelledby="route-tester-title">
            <h2 id="route-tester-title">"Route tester"</h2>
            {with_plan(|plan| view! { <OutgoingForm plan/> })}
        </section>
    }
}

#[component]
fn OutgoingForm(plan: StoredValue<DialPlan>) -> impl IntoView {
    let users: Vec<(i64, String)> =
        plan.with_value(|p| p.users.iter().map(|u| (u.id, u.value.display())).collect());
    let caller = RwSignal::new(users.first().map(|(id, _)| *id));
    let number = RwSignal::new(String::new());
    let result = move || {
        let (Some(caller), number) = (caller.get(), number.get()) else {
            return view! { <p class="empty">"Add a user first: calls are placed from a user's line."</p> }.into_any();
        };
        match plan.with_value(|p| p.route_outgoing(caller, &number)) {
            // Nothing typed yet is not a mistake: a hint, not an error.
            Err(e) if number.trim().is_empty() => {
                view! { <p class="empty">{e.to_string()}</p> }.into_any()
            }
            Err(e) => {
                view! { <p class="error" id="route-refusal" role="alert">{e.to_string()}</p> }
                    .into_any()
            }
            Ok(r) => {
                let searched = format!("Contexts searched: {}", r.contexts.join(" → "));
                view! { {outgoing_route(r.route, &r.dialed)}<p class="searched">{searched}</p> }
                    .into_any()
            }
        }
    };
    view! {
        <div class="tester-inputs">
            <label for="route-caller">"Caller"</label>
            // The select holds the choice, not each option: with 10,000 users a reactive
            // `selected` per option was 10,000 closures rerun on every change.
            <select id="route-caller" on:change=move |ev| caller.set(event_target_value(&ev).parse().ok())
                prop:value=move || caller.get().map(|id| id.to_string()).unwrap_or_default()>
                {users.into_iter().map(|(id, name)| view! {
                    <option value=id.to_string()>{name}</option>
                }).collect_view()}
            </select>
            <label for="route-number">"Dials"</label>
            <input id="route-number" type="text" inputmode="tel" autocomplete="off" placeholder="4185551234"
                prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev))/>
        </div>
        <div id="route-result" aria-live="polite">{result}</div>
    }
}

fn outgoing_route(route: OutgoingRoute, dialed: &str) -> AnyView {
    match route {
        OutgoingRoute::Internal {
            context,
            user,
            candidates,
            ..
        } => view! {
            <p id="route-user">{format!("Internal call: rings {user} (context {context}).")}</p>
            {candidate_list(candidates)}
        }
        .into_any(),
        OutgoingRoute::External {
            context,
            outcall,
            pattern,
            candidates,
            number,
            ringtime,
            trunks,
            ..
        } => {
            let limit = match ringtime {
                0 => "no ring time limit".to_owned(),
                s => format!("rings for up to {s} s"),
            };
            view! {
                <p id="route-winner">
                    "Pattern "<code>{pattern}</code>" of outgoing call "<strong>{outcall}</strong>
                    {format!(" (context {context}): the trunks receive {number}, {limit}.")}
                </p>
                {candidate_list(candidates)}
                <table class="list" id="route-trunks">
                    <thead><tr><th>"#"</th><th>"Trunk"</th><th>"Digits sent"</th><th>"Caller ID"</th><th>"Tried"</th></tr></thead>
                    <tbody>{trunks.into_iter().enumerate().map(trunk_row).collect_view()}</tbody>
                </table>
            }
            .into_any()
        }
        OutgoingRoute::NoMatch(no) => view! {
            <div id="route-nomatch" class="nomatch">
                <p>{format!("No route for {dialed}: the call is refused.")}</p>
                <ul>{no.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any(),
    }
}

/// The matching extensions in Asterisk's order; the first one wins.
fn candidate_list(candidates: Vec<Candidate>) -> impl IntoView {
    view! {
        <ol class="candidates" id="route-candidates">
            {candidates.into_iter().enumerate().map(|(at, c)| view! {
                <li class:winner=at == 0>
                    <code>{c.pattern}</code>{format!(" {}", c.owner)}
                    {(at == 0).then_some(" ← wins")}
                </li>
            }).collect_view()}
        </ol>
    }
}

fn trunk_row((at, t): (usize, TrunkAttempt)) -> impl IntoView {
    let key = t.trunk.clone();
    view! {
        <tr data-trunk-attempt=key class:skipped=t.skipped.is_some()>
            <td>{at + 1}</td>
            <td>{t.trunk}</td>
            <td><code>{t.number}</code></td>
            <td>{caller_id_label(&t.caller_id)}</td>
            // In the browser the only reason known is "disabled"; live
            // state (UNREACHABLE, LAGGED) is the engine's to judge.
            <td title=t.skipped.clone().unwrap_or_default()>
                {if t.skipped.is_some() { "skipped: disabled" } else { "tried" }}
            </td>
        </tr>
    }
}

fn caller_id_label(cid: &CallerIdChoice) -> String {
    let source = match cid.source {
        CallerIdSource::CallerOwn => "the caller's own (internal outgoing call)",
        CallerIdSource::User => "the user's setting",
        CallerIdSource::Pattern => "the pattern's",
        CallerIdSource::Trunk => "the trunk's default",
        CallerIdSource::None => "none set: the provider decides",
    };
    let shown = match (cid.presentation, &cid.name, &cid.number) {
        (Presentation::Prohibited, _, _) => "anonymous".to_owned(),
        (_, Some(name), Some(number)) => format!("\"{name}\" <{number}>"),
        (_, None, Some(number)) => number.clone(),
        (_, Some(name), None) => name.clone(),
        (_, None, None) => "—".to_owned(),
    };
    format!("{shown} ({source})")
}

/// Which trunk a call arrives on and the number it was sent to.
#[component]
pub fn IncomingRouteTester() -> impl IntoView {
    view! {
        <section class="route-tester" aria-labelledby="route-tester-title">
            <h2 id="route-tester-title">"Route tester"</h2>
            {with_plan(|plan| view! { <IncomingForm plan/> })}
        </section>
    }
}

#[component]
fn IncomingForm(plan: StoredValue<DialPlan>) -> impl IntoView {
    let trunks: Vec<String> =
        plan.with_value(|p| p.trunks.iter().map(|t| t.name.clone()).collect());
    let trunk = RwSignal::new(trunks.first().cloned());
    let did = RwSignal::new(String::new());
    let result = move || {
        let (Some(trunk), did) = (trunk.get(), did.get()) else {
            return view! { <p class="empty">"Add a trunk first: incoming calls arrive through one."</p> }.into_any();
        };
        if did.trim().is_empty() {
            return view! { <p class="empty">"Enter the number the provider sends, such as +4185550000."</p> }.into_any();
        }
        match plan.with_value(|p| p.route_incoming_from_trunk(&trunk, &did)) {
            Err(e) => {
                view! { <p class="error" id="route-refusal" role="alert">{e.to_string()}</p> }
                    .into_any()
            }
            Ok(r) => {
                let looked_up = format!("DID {} looked up in context {}: ", r.did, r.context);
                let outcome = match r.route {
                    IncomingRoute::User { user, context, caller_id_name, .. } => view! {
                        <span id="route-user">{format!("rings {user} (context {context})")}</span>
                        {format!("; caller ID name: {caller_id_name}.")}
                    }
                    .into_any(),
                    IncomingRoute::Hangup { .. } => view! { <span id="route-hangup">"hang up."</span> }.into_any(),
                    IncomingRoute::NoMatch { reason } => {
                        view! { <span id="route-nomatch">{format!("refused (404). {reason}")}</span> }.into_any()
                    }
                };
                view! { <p>{looked_up}{outcome}</p> }.into_any()
            }
        }
    };
    view! {
        <div class="tester-inputs">
            <label for="route-trunk">"Arrives on trunk"</label>
            <select id="route-trunk" on:change=move |ev| trunk.set(Some(event_target_value(&ev)))
                prop:value=move || trunk.get().unwrap_or_default()>
                {trunks.into_iter().map(|name| view! { <option value=name.clone()>{name.clone()}</option> }).collect_view()}
            </select>
            <label for="route-did">"Number called (DID)"</label>
            <input id="route-did" type="text" inputmode="tel" autocomplete="off" placeholder="+4185550000"
                prop:value=move || did.get() on:input=move |ev| did.set(event_target_value(&ev))/>
        </div>
        <div id="route-result" aria-live="polite">{result}</div>
    }
}
