//! Incoming calls. The validated `Incall` is JSON in `settings`; context,
//! DID and destination user are columns too.

use super::{like_any, Listing};
use crate::model::incall::{Incall, IncallDestination};
use crate::model::list::ListWindow;
use sqlx::{SqliteConnection, SqlitePool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SqlIncall {
    pub id: i64,
    pub version: i64,
    pub settings: String,
}

impl SqlIncall {
    pub fn incall(&self) -> Result<Incall, serde_json::Error> {
        serde_json::from_str(&self.settings)
    }
}

const COLUMNS: &str = "id, version, settings";

fn user_id(incall: &Incall) -> Option<i64> {
    match incall.destination {
        IncallDestination::User { user_id } => Some(user_id),
        IncallDestination::Hangup => None,
    }
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<SqlIncall>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM incalls ORDER BY context, length(did), did"
    ))
    .fetch_all(pool)
    .await
}

/// One page of the incoming calls whose DID or context, or whose
/// destination user's name or extension, contains the filter, in the
/// list's order; with the total and where the page starts.
pub async fn page(
    pool: &SqlitePool,
    window: &ListWindow,
) -> Result<(Vec<SqlIncall>, u64, u64), sqlx::Error> {
    let search = format!(
        "{} OR EXISTS (SELECT 1 FROM users u WHERE u.id = i.user_id AND ({}))",
        like_any(&["i.did", "i.context"]),
        like_any(&["u.exten", "u.search_name"])
    );
    let listing = Listing {
        columns: "i.id, i.version, i.settings",
        from: "incalls i",
        search: &search,
        order: "i.context, length(i.did), i.did, i.id",
    };
    super::page(pool, &listing, window).await
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<SqlIncall>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM incalls WHERE id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn insert(
    conn: &mut SqliteConnection,
    incall: &Incall,
    settings: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO incalls (context, did, user_id, settings, updated_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&incall.context)
    .bind(&incall.did)
    .bind(user_id(incall))
    .bind(settings)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Updates the row only if still at `version`; false when someone else
/// saved first.
pub async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    incall: &Incall,
    settings: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE incalls SET version = version + 1, context = ?, did = ?, user_id = ?, settings = ?,
             updated_at = ?
         WHERE id = ? AND version = ?",
    )
    .bind(&incall.context)
    .bind(&incall.did)
    .bind(user_id(incall))
    .bind(settings)
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn delete(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM incalls WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
