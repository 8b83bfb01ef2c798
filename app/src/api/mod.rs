//! Server functions: thin wrappers that find the state, call a service and
//! map its result for the screens. Authentication is enforced in front of
//! them by the server's middleware; only the login functions are public.

pub mod auth;
pub mod calls;
pub mod contexts;
pub mod incalls;
pub mod nat;
pub mod outcalls;
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
