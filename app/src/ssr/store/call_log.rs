//! The call log table.

use crate::model::calls::{AttemptLog, CallLogEntry, UnmatchedCall};
use sqlx::{SqliteConnection, SqlitePool};

#[derive(sqlx::FromRow)]
struct SqlCall {
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
}

/// Rows written by one statement: a statement per call would cost a
/// round trip to SQLite's thread each; 64 rows of 11 values stay far
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
                 trunk, cause, side, status, attempts) ",
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
                .push_bind(attempts);
        });
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The latest `limit` calls, newest first.
pub async fn latest(pool: &SqlitePool, limit: i64) -> Result<Vec<CallLogEntry>, sqlx::Error> {
    let rows: Vec<SqlCall> = sqlx::query_as(
        "SELECT started_at, answered_at, ended_at, caller, callee, dialed, trunk, cause, side,
             status, attempts
         FROM call_log ORDER BY started_at DESC, id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CallLogEntry {
            started_at: r.started_at,
            answered_at: r.answered_at,
            ended_at: r.ended_at,
            caller: r.caller,
            callee: r.callee,
            dialed: r.dialed,
            trunk: r.trunk,
            cause: r.cause,
            side: r.side,
            status: r.status.and_then(|s| u16::try_from(s).ok()),
            attempts: serde_json::from_str::<Vec<AttemptLog>>(&r.attempts).unwrap_or_default(),
        })
        .collect())
}

pub async fn insert_unmatched(pool: &SqlitePool, call: &UnmatchedCall) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO unmatched_calls (at, trunk, did, reason) VALUES (?, ?, ?, ?)")
        .bind(call.at)
        .bind(&call.trunk)
        .bind(&call.did)
        .bind(&call.reason)
        .execute(pool)
        .await?;
    Ok(())
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
