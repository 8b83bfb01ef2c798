//! Services: one function per change, shared by server functions and REST.
//! Each validates into `model` types, writes in one transaction, then
//! publishes the new configuration snapshot.

pub mod auth;
pub mod calls;
pub mod config;
pub mod contexts;
pub mod incalls;
pub mod lines;
pub mod nat;
pub mod outcalls;
pub mod overview;
pub mod repair;
pub mod routing;
pub mod security;
pub mod status;
pub mod trunks;
pub mod users;

#[cfg(test)]
mod testing;

use crate::model::FieldErrors;

/// Why a service refused or failed. The first three are the administrator's
/// to fix and are shown as written; `Internal` is logged and shown vaguely.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    /// An update named a version that is no longer the stored one:
    /// someone saved in between. `current` is the stored version, so a
    /// client can read again and decide (`None` when the row is gone).
    #[error("{}", CHANGED_ELSEWHERE)]
    Stale { current: Option<i64> },
    #[error("{0}")]
    NotFound(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for ServiceError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        ServiceError::Internal(error.to_string())
    }
}

impl From<crate::ssr::store::contexts::ReadError> for ServiceError {
    fn from(error: crate::ssr::store::contexts::ReadError) -> Self {
        match error {
            crate::ssr::store::contexts::ReadError::Sql(e) => e.into(),
            crate::ssr::store::contexts::ReadError::Json(e) => e.into(),
        }
    }
}

impl From<serde_json::Error> for ServiceError {
    fn from(error: serde_json::Error) -> Self {
        tracing::error!(%error, "stored settings unreadable");
        ServiceError::Internal(error.to_string())
    }
}

/// The message an administrator may see: internal details stay in the log.
impl ServiceError {
    pub fn public_message(&self) -> String {
        match self {
            ServiceError::Internal(_) => {
                "Trunkline could not complete this because of an internal error; the server log has the details.".into()
            }
            other => other.to_string(),
        }
    }
}

/// The sentence shown when an edit started from an older version.
pub const CHANGED_ELSEWHERE: &str =
    "This was changed by someone else since you opened it. Reload to see their version; your input is kept below.";

/// The refusal of an update whose `UPDATE … WHERE version = ?` matched
/// nothing, with the version now stored (read in the same transaction, so
/// it is the one that won).
pub async fn stale(
    conn: &mut sqlx::SqliteConnection,
    table: &'static str,
    key_column: &'static str,
    key: &str,
) -> ServiceError {
    match crate::ssr::store::version_of(conn, table, key_column, key).await {
        Ok(current) => ServiceError::Stale { current },
        Err(error) => error.into(),
    }
}

/// Who still refers to something being deleted, as one sentence:
/// "Context “sales” is used by user 2001 and trunk acme; change them first."
pub fn in_use(what: &str, users: &[String]) -> ServiceError {
    const SHOWN: usize = 5;
    let mut list = users
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if users.len() > SHOWN {
        list.push_str(&format!(" and {} more", users.len() - SHOWN));
    }
    ServiceError::Conflict(format!(
        "{what} is used by {list}; change or delete them first."
    ))
}
