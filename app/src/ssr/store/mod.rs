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

use crate::model::list::ListWindow;
use sqlx::SqlitePool;

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

/// The `LIKE … ESCAPE '\'` pattern of text containing `text`: `%`, `_`
/// and `\` typed in a filter are matched as themselves. Blank is `%`.
pub fn contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    if !text.is_empty() {
        pattern.push('%');
    }
    pattern
}

/// What one page of a filtered list reads ([`page`]).
pub struct Listing<'a> {
    /// The selected columns, which may refer to `from`'s alias.
    pub columns: &'a str,
    /// The table, with an alias when `columns` or `search` use one.
    pub from: &'a str,
    /// A condition on `?1`, the [`contains`] pattern; each column is
    /// compared with `LIKE ?1 ESCAPE '\'`.
    pub search: &'a str,
    /// A total order (ending with the id), so pages do not overlap.
    pub order: &'a str,
}

/// One page of `listing` as `window` asks, with the number of rows the
/// filter matches and the offset the page starts at, both read in one
/// transaction so they agree. Filtering, counting and paging are done
/// by SQLite: a list of thousands is never read whole.
pub async fn page<R>(
    pool: &SqlitePool,
    listing: &Listing<'_>,
    window: &ListWindow,
) -> Result<(Vec<R>, u64, u64), sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let pattern = contains(&window.search);
    let filter = format!("(?1 = '%' OR {})", listing.search);
    let mut tx = pool.begin().await?;
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {} WHERE {filter}",
        listing.from
    ))
    .bind(&pattern)
    .fetch_one(&mut *tx)
    .await?;
    let total = u64::try_from(total).unwrap_or(0);
    let start = window.start(total);
    let rows = sqlx::query_as(&format!(
        "SELECT {} FROM {} WHERE {filter} ORDER BY {} LIMIT ?2 OFFSET ?3",
        listing.columns, listing.from, listing.order
    ))
    .bind(&pattern)
    .bind(window.limit.map_or(-1, i64::from))
    .bind(i64::try_from(start).unwrap_or(i64::MAX))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((rows, total, start))
}

/// `column LIKE ?1 ESCAPE '\' OR …`: any of `columns` contains the filter.
pub fn like_any(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("{c} LIKE ?1 ESCAPE '\\'"))
        .collect::<Vec<_>>()
        .join(" OR ")
}
