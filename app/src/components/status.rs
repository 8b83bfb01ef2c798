//! A trunk's registration and monitoring status as badges, coloured the
//! way the registry colours its State column: green when working, grey
//! while waiting, red when the administrator has something to fix.

use crate::model::registry::{PeerStatus, RegistrationState};
use crate::model::trunk::TrunkStatus;
use leptos::prelude::*;

/// `ok`, `pending` or `bad`: the CSS class of a registration state.
pub fn registration_tone(state: RegistrationState) -> &'static str {
    match state {
        RegistrationState::Registered => "ok",
        RegistrationState::RequestSent
        | RegistrationState::AuthSent
        | RegistrationState::Unregistered => "pending",
        RegistrationState::Rejected
        | RegistrationState::NoAuthentication
        | RegistrationState::Failed
        | RegistrationState::Timeout => "bad",
    }
}

/// The same for a monitoring (qualify) result.
pub fn monitoring_tone(status: PeerStatus) -> &'static str {
    match status {
        PeerStatus::Ok(_) => "ok",
        PeerStatus::Unknown | PeerStatus::Unmonitored => "pending",
        PeerStatus::Lagged(_) | PeerStatus::Unreachable => "bad",
    }
}

/// The trunk list's Status cell: what registering and monitoring say now,
/// or a dash for a trunk that does neither.
#[component]
pub fn TrunkStatusBadges(row: Option<TrunkStatus>) -> impl IntoView {
    let Some(row) = row else {
        return view! { <span class="muted" title="Neither registers nor is monitored">"—"</span> }
            .into_any();
    };
    let registration = row.registers.then(|| {
        let title = row
            .last_response
            .clone()
            .map(|last| format!("Registration: {} ({last})", row.state))
            .unwrap_or_else(|| format!("Registration: {}", row.state));
        view! {
            <span class=format!("status-badge {}", registration_tone(row.state)) title=title>
                {row.state.as_str()}
            </span>
        }
    });
    let monitoring = (row.qualify != PeerStatus::Unmonitored).then(|| {
        view! {
            <span class=format!("status-badge {}", monitoring_tone(row.qualify))
                title=format!("Monitoring: {}", row.qualify)>
                {row.qualify.to_string()}
            </span>
        }
    });
    view! { {registration}{monitoring} }.into_any()
}
