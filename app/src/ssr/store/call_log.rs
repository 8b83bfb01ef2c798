//! The call log table.

use crate::model::call_log::{LogCursor, LogFilter};
use crate::model::calls::{cause_named, AttemptLog, CallLogEntry, UnmatchedCall};
use crate::model::quality::CallQuality;
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(sqlx::FromRow)]
struct SqlCall {
    id: i64,
    started_at: i64,
    answered_at: Option<i64>,
    ended_at: i64,
    caller: String,
    callee: String,
    dialed: String,
    trunk: Option<String>,
    cause: String,
    side: Option<String>,
    status: Option<i64>,
    attempts: String,
    quality: Option<String>,
}

/// Rows written by one statement: a statement per call would cost a
/// round trip to SQLite's thread each; 64 rows of 12 values stay far
/// below SQLite's limit on bound values.
const ROWS_PER_INSERT: usize = 64;

/// Appends `entries` to the log.
pub async fn insert(
    conn: &mut SqliteConnection,
    entries: &[CallLogEntry],
) -> Result<(), sqlx::Error> {
    for chunk in entries.chunks(ROWS_PER_INSERT) {
        let mut query = sqlx::QueryBuilder::new(
            "INSERT INTO call_log (started_at, answered_at, ended_at, caller, callee, dialed,
                 trunk, cause, side, status, attempts, quality) ",
        );
        query.push_values(chunk, |mut row, entry| {
            let attempts = serde_json::to_string(&entry.attempts).unwrap_or_else(|_| "[]".into());
            row.push_bind(entry.started_at)
                .push_bind(entry.answered_at)
                .push_bind(entry.ended_at)
                .push_bind(entry.caller.clone())
                .push_bind(entry.callee.clone())
                .push_bind(entry.dialed.clone())
                .push_bind(entry.trunk.clone())
                .push_bind(entry.cause.clone())
                .push_bind(entry.side.clone())
                .push_bind(entry.status.map(i64::from))
                .push_bind(attempts)
                .push_bind(
                    entry
                        .quality
                        .as_ref()
                        .and_then(|q| serde_json::to_string(q).ok()),
                );
        });
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The latest `limit` calls, newest first.
pub async fn latest(pool: &SqlitePool, limit: u32) -> Result<Vec<CallLogEntry>, sqlx::Error> {
    let all = LogFilter {
        search: String::new(),
        before: None,
        limit,
    };
    Ok(page(pool, &all).await?.0)
}

/// Searches shorter than a trigram cannot use the index (FTS5 finds
/// nothing for them), so they scan from the newest call with LIKE: one or
/// two characters usually match so many calls that a page fills after a
/// few rows; one that matches nothing reads the table once.
const TRIGRAM: usize = 3;

/// The calls `filter` asks for, newest first, and where the next (older)
/// page starts when there is one.
pub async fn page(
    pool: &SqlitePool,
    filter: &LogFilter,
) -> Result<(Vec<CallLogEntry>, Option<LogCursor>), sqlx::Error> {
    let mut query = sqlx::QueryBuilder::new(
        "SELECT id, started_at, answered_at, ended_at, caller, callee, dialed, trunk, cause,
             side, status, attempts, quality
         FROM call_log WHERE 1 = 1",
    );
    push_search(&mut query, filter.search.as_str());
    if let Some(before) = filter.before {
        query
            .push(" AND (started_at < ")
            .push_bind(before.started_at)
            .push(" OR (started_at = ")
            .push_bind(before.started_at)
            .push(" AND id < ")
            .push_bind(before.id)
            .push("))");
    }
    // One row past the page says whether an older page exists.
    query
        .push(" ORDER BY started_at DESC, id DESC LIMIT ")
        .push_bind(i64::from(filter.limit) + 1);
    let mut rows: Vec<SqlCall> = query.build_query_as().fetch_all(pool).await?;
    let more = rows.len() > filter.limit as usize;
    rows.truncate(filter.limit as usize);
    let older = rows.last().filter(|_| more).map(|r| LogCursor {
        started_at: r.started_at,
        id: r.id,
    });
    Ok((rows.into_iter().map(SqlCall::into_entry).collect(), older))
}

/// The filter's condition on `query` (a `WHERE 1 = 1` so far): the FTS5 index for a search of
/// a trigram or more, LIKE over the searched columns for a shorter one; and a cause in the words
/// the screen shows it in ("media timeout") finds the calls stored with its identifier.
fn push_search(query: &mut sqlx::QueryBuilder<'_, sqlx::Sqlite>, search: &str) {
    if search.is_empty() {
        return;
    }
    query.push(" AND (");
    if search.chars().count() >= TRIGRAM {
        // One FTS5 string: the trigrams of `search` in a row, that is the
        // text anywhere in one of the columns. Quotes are doubled to stay
        // inside the string.
        query
            .push("id IN (SELECT rowid FROM call_log_search WHERE call_log_search MATCH ")
            .push_bind(format!("\"{}\"", search.replace('"', "\"\"")))
            .push(")");
    } else {
        let like = format!(
            "%{}%",
            search
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        for (n, column) in ["caller", "callee", "dialed", "trunk", "cause"]
            .iter()
            .enumerate()
        {
            if n > 0 {
                query.push(" OR ");
            }
            query
                .push(*column)
                .push(" LIKE ")
                .push_bind(like.clone())
                .push(" ESCAPE '\\'");
        }
    }
    if let Some(cause) = cause_named(search) {
        query.push(" OR cause = ").push_bind(cause);
    }
    query.push(")");
}

/// How many calls `search` matches in the whole log (every call for an empty one): the total
/// the pages of the log are out of.
pub async fn count(pool: &SqlitePool, search: &str) -> Result<i64, sqlx::Error> {
    count_between(pool, search, 0, i64::MAX).await
}

/// How many calls with an id in `after + 1 ..= upto` `search` matches.
async fn count_between(
    pool: &SqlitePool,
    search: &str,
    after: i64,
    upto: i64,
) -> Result<i64, sqlx::Error> {
    let mut query = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM call_log WHERE id > ");
    query.push_bind(after).push(" AND id <= ").push_bind(upto);
    push_search(&mut query, search);
    query.build_query_scalar().fetch_one(pool).await
}

/// Searches whose count is remembered; past that the oldest are forgotten.
const COUNTS_KEPT: usize = 64;

/// The totals of recent searches, each as of a row id. Status → Calls asks
/// for its page every two seconds, and a short search can match no index:
/// counting it read the whole log each time. Calls are only ever added
/// (ids grow), so a later count reads only the calls logged since.
#[derive(Clone, Default)]
pub struct LogCounts(Arc<Mutex<VecDeque<(String, i64, i64)>>>);

impl LogCounts {
    /// The same as [`count`], reading only the calls logged since this
    /// search was last counted.
    pub async fn count(&self, pool: &SqlitePool, search: &str) -> Result<i64, sqlx::Error> {
        let upto: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM call_log")
            .fetch_one(pool)
            .await?;
        let known = self
            .lock()
            .iter()
            .find(|(s, _, _)| s == search)
            .map(|&(_, at, total)| (at, total));
        // A log that shrank (rows deleted by hand) is counted afresh.
        let (after, base) = known.filter(|&(at, _)| at <= upto).unwrap_or((0, 0));
        let added = if after == upto {
            0
        } else {
            count_between(pool, search, after, upto).await?
        };
        let total = base + added;
        let mut counts = self.lock();
        counts.retain(|(s, _, _)| s != search);
        if counts.len() == COUNTS_KEPT {
            counts.pop_front();
        }
        counts.push_back((search.to_owned(), upto, total));
        Ok(total)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(String, i64, i64)>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SqlCall {
    fn into_entry(self) -> CallLogEntry {
        CallLogEntry {
            started_at: self.started_at,
            answered_at: self.answered_at,
            ended_at: self.ended_at,
            caller: self.caller,
            callee: self.callee,
            dialed: self.dialed,
            trunk: self.trunk,
            cause: self.cause,
            side: self.side,
            status: self.status.and_then(|s| u16::try_from(s).ok()),
            attempts: serde_json::from_str::<Vec<AttemptLog>>(&self.attempts).unwrap_or_default(),
            // Figures that no longer read are left out rather than losing the call.
            quality: self
                .quality
                .and_then(|q| serde_json::from_str::<CallQuality>(&q).ok()),
        }
    }
}

pub async fn insert_unmatched(pool: &SqlitePool, call: &UnmatchedCall) -> Result<(), sqlx::Error> {
    insert_unmatched_keeping(pool, call, KEEP_UNMATCHED).await
}

/// Unmatched calls kept: the newest ones. Older rows are deleted as new
/// ones come, so calls forged with a provider's address cannot fill the
/// disk; how many went is [`unmatched_forgotten`].
pub const KEEP_UNMATCHED: i64 = crate::model::calls::UNMATCHED_KEPT as i64;

/// [`insert_unmatched`] keeping the newest `keep` rows.
async fn insert_unmatched_keeping(
    pool: &SqlitePool,
    call: &UnmatchedCall,
    keep: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let id =
        sqlx::query("INSERT INTO unmatched_calls (at, trunk, did, reason) VALUES (?, ?, ?, ?)")
            .bind(call.at)
            .bind(&call.trunk)
            .bind(&call.did)
            .bind(&call.reason)
            .execute(&mut *tx)
            .await?
            .last_insert_rowid();
    // Ids only grow (rows are deleted from the oldest end, so SQLite never
    // reuses one): everything `keep` or more below the new id is older
    // than the newest `keep`. One range delete on the primary key.
    sqlx::query("DELETE FROM unmatched_calls WHERE id <= ?")
        .bind(id - keep)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Unmatched calls recorded and since deleted to keep the newest
/// [`KEEP_UNMATCHED`]: ids count every row ever inserted.
///
/// # Errors
/// When the database cannot be read.
pub async fn unmatched_forgotten(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    let (max, kept): (Option<i64>, i64) =
        sqlx::query_as("SELECT MAX(id), COUNT(*) FROM unmatched_calls")
            .fetch_one(pool)
            .await?;
    Ok(max.unwrap_or(0) - kept)
}

/// How many logged calls started at or after `since` (Unix seconds).
pub async fn count_since(pool: &SqlitePool, since: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM call_log WHERE started_at >= ?")
        .bind(since)
        .fetch_one(pool)
        .await
}

/// The latest `limit` unmatched calls, newest first.
pub async fn latest_unmatched(
    pool: &SqlitePool,
    limit: i64,
) -> Result<Vec<UnmatchedCall>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT at, trunk, did, reason FROM unmatched_calls ORDER BY at DESC, id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, trunk, did, reason)| UnmatchedCall {
            at,
            trunk,
            did,
            reason,
        })
        .collect())
}

#[cfg(test)]
mod tests;
