//! A call's audio figures in a table cell (Status → Calls, live and in the
//! log): one line per leg, and the one-way flag first when it is raised,
//! since it is what an administrator looks for.

use crate::model::quality::CallQuality;
use leptos::prelude::*;

/// The cell's content; a dash for a call without figures (direct media,
/// not answered, or not anchored).
pub fn quality_view(quality: Option<CallQuality>) -> impl IntoView {
    let Some(q) = quality else {
        return view! { <span class="muted">"–"</span> }.into_any();
    };
    let flag = q.one_way_label().map(|label| {
        view! { <span class="status-badge bad one-way">{label}</span> }
    });
    view! {
        <div class="quality">
            {flag}
            <div data-leg="caller">"Caller: "{q.caller.summary()}</div>
            <div data-leg="callee">"Callee: "{q.callee.summary()}</div>
        </div>
    }
    .into_any()
}
