//! SQL, and nothing else: each function runs queries on a connection or a
//! transaction it is given. Validation and publication live in `service`.

pub mod admins;
pub mod bindings;
pub mod call_log;
pub mod contexts;
pub mod incalls;
pub mod nat;
pub mod outcalls;
pub mod security;
pub mod trunks;
pub mod users;

/// The stored version of the row of `table` whose `key_column` is `key`
/// (SQLite compares an integer column with the text of a number as a number).
pub async fn version_of(
    conn: &mut sqlx::SqliteConnection,
    table: &'static str,
    key_column: &'static str,
    key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT version FROM {table} WHERE {key_column} = ?"
    ))
    .bind(key)
    .fetch_optional(conn)
    .await
}
