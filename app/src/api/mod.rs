//! Server functions: thin wrappers that find the state, call a service and
//! map its result for the screens. Authentication is enforced in front of
//! them by the server's middleware; only the login functions are public.

pub mod auth;
pub mod calls;
pub mod client;
pub mod contexts;
pub mod incalls;
pub mod nat;
pub mod outcalls;
pub mod overview;
pub mod registry;
pub mod repairs;
pub mod routing;
pub mod security;
pub mod trunks;
pub mod users;

use crate::model::FieldErrors;
use serde::{Deserialize, Serialize};

/// What a form submission came to. Refusals are values, not errors, so a
/// screen can put each message next to its field and keep the input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FormOutcome<T> {
    Done(T),
    Invalid(FieldErrors),
    Conflict(String),
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::FormOutcome;
    use crate::ssr::service::ServiceError;
    use crate::ssr::state::{AppState, Core};
    use leptos::prelude::*;

    pub fn state() -> Result<AppState, ServerFnError> {
        use_context::<AppState>().ok_or_else(|| ServerFnError::new("application state missing"))
    }

    pub fn core() -> Result<Core, ServerFnError> {
        Ok(state()?.core)
    }

    /// Maps a service result: refusals become outcomes, failures errors.
    pub fn outcome<T>(result: Result<T, ServiceError>) -> Result<FormOutcome<T>, ServerFnError> {
        match result {
            Ok(value) => Ok(FormOutcome::Done(value)),
            Err(ServiceError::Invalid(errors)) => Ok(FormOutcome::Invalid(errors)),
            Err(ServiceError::Conflict(message)) => Ok(FormOutcome::Conflict(message)),
            Err(stale @ ServiceError::Stale { .. }) => Ok(FormOutcome::Conflict(stale.to_string())),
            Err(other) => Err(ServerFnError::new(other.public_message())),
        }
    }

    /// What an edit form opens with: the input, the version it was read
    /// at, and the repair to show when the stored row does not read.
    pub fn editing<V, I>(
        opened: crate::ssr::service::repair::Opened<V, I>,
        input_of: impl FnOnce(&V) -> (I, i64),
    ) -> (I, i64, Option<crate::model::repair::Repair>) {
        use crate::ssr::service::repair::Opened;
        match opened {
            Opened::Readable(view) => {
                let (input, version) = input_of(&view);
                (input, version, None)
            }
            Opened::Repair {
                version,
                repair,
                input,
            } => (input, version, Some(repair)),
        }
    }

    /// For reads: any failure is an error with a public message.
    pub fn read<T>(result: Result<T, ServiceError>) -> Result<T, ServerFnError> {
        result.map_err(|e| ServerFnError::new(e.public_message()))
    }
}

/// The `Content-Type` each server function's body must carry, by path:
/// the server refuses any other (a cross-site `text/plain` form must not
/// reach a JSON function). Built from the functions' own types, so an
/// entry cannot disagree with its function; a test checks that every
/// registered function is listed.
#[cfg(feature = "ssr")]
pub fn input_content_type(path: &str) -> Option<&'static str> {
    use std::sync::LazyLock;
    static TABLE: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(input_table);
    TABLE
        .iter()
        .find(|(fn_path, _)| *fn_path == path)
        .map(|(_, content_type)| *content_type)
}

#[cfg(feature = "ssr")]
fn input_table() -> Vec<(&'static str, &'static str)> {
    use leptos::server_fn::{ContentType, Http, ServerFn};
    fn input<F, I, O>() -> (&'static str, &'static str)
    where
        F: ServerFn<Protocol = Http<I, O>>,
        I: ContentType,
    {
        (F::PATH, I::CONTENT_TYPE)
    }
    vec![
        input::<auth::AdminExists, _, _>(),
        input::<auth::CreateAdmin, _, _>(),
        input::<auth::Login, _, _>(),
        input::<auth::Logout, _, _>(),
        input::<auth::Whoami, _, _>(),
        input::<calls::CallLog, _, _>(),
        input::<calls::LiveCalls, _, _>(),
        input::<calls::HangUpCall, _, _>(),
        input::<contexts::ListContexts, _, _>(),
        input::<contexts::ContextForm, _, _>(),
        input::<contexts::SaveContext, _, _>(),
        input::<contexts::DeleteContext, _, _>(),
        input::<incalls::ListIncalls, _, _>(),
        input::<incalls::IncallForm, _, _>(),
        input::<incalls::SaveIncall, _, _>(),
        input::<incalls::DeleteIncall, _, _>(),
        input::<incalls::UnmatchedCalls, _, _>(),
        input::<nat::SipNat, _, _>(),
        input::<nat::SaveSipNat, _, _>(),
        input::<outcalls::ListOutcalls, _, _>(),
        input::<outcalls::OutcallForm, _, _>(),
        input::<outcalls::SaveOutcall, _, _>(),
        input::<outcalls::DeleteOutcall, _, _>(),
        input::<overview::Overview, _, _>(),
        input::<registry::Registry, _, _>(),
        input::<registry::RegistryAct, _, _>(),
        input::<repairs::NeedsRepair, _, _>(),
        input::<routing::RoutePlan, _, _>(),
        input::<security::SipSecurity, _, _>(),
        input::<security::SaveSipSecurity, _, _>(),
        input::<security::WatchedAddresses, _, _>(),
        input::<security::LiftBlock, _, _>(),
        input::<trunks::ListTrunks, _, _>(),
        input::<trunks::TrunkForm, _, _>(),
        input::<trunks::SaveTrunk, _, _>(),
        input::<trunks::DeleteTrunk, _, _>(),
        input::<users::ListUsers, _, _>(),
        input::<users::UserForm, _, _>(),
        input::<users::SaveUser, _, _>(),
        input::<users::DeleteUser, _, _>(),
    ]
}
