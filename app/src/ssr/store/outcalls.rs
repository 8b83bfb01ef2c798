//! Outgoing calls. The validated `Outcall` is JSON in `settings`, except
//! its trunks, which live in `outcall_trunks` so a trunk in use is known
//! to the database.

use super::{like_any, Listing};
use crate::model::list::ListWindow;
use crate::model::outcall::Outcall;
use sqlx::{SqliteConnection, SqlitePool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SqlOutcall {
    pub id: i64,
    pub version: i64,
    pub settings: String,
    /// Trunk ids in order, comma separated (`group_concat`).
    pub trunk_ids: Option<String>,
}

impl SqlOutcall {
    /// The stored outgoing call with its trunks in order.
    pub fn outcall(&self) -> Result<Outcall, serde_json::Error> {
        let mut outcall: Outcall = serde_json::from_str(&self.settings)?;
        outcall.trunks = self.trunk_ids();
        Ok(outcall)
    }

    /// The trunks' ids, in order.
    pub fn trunk_ids(&self) -> Vec<i64> {
        self.trunk_ids
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter_map(|id| id.parse().ok())
            .collect()
    }
}

// `group_concat` over an ordered subquery keeps the trunks' positions.
const COLUMNS: &str = "o.id, o.version, o.settings,
        (SELECT group_concat(trunk_id) FROM
            (SELECT trunk_id FROM outcall_trunks t WHERE t.outcall_id = o.id ORDER BY position))
        AS trunk_ids";

pub async fn list(pool: &SqlitePool) -> Result<Vec<SqlOutcall>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM outcalls o ORDER BY o.context, o.name"
    ))
    .fetch_all(pool)
    .await
}

/// One page of the outgoing calls whose name, context or one of whose
/// trunks' names contains the filter, by context and name; with the
/// total and where the page starts.
pub async fn page(
    pool: &SqlitePool,
    window: &ListWindow,
) -> Result<(Vec<SqlOutcall>, u64, u64), sqlx::Error> {
    let search = format!(
        "{} OR EXISTS (SELECT 1 FROM outcall_trunks ot JOIN trunks tr ON tr.id = ot.trunk_id
             WHERE ot.outcall_id = o.id AND tr.name LIKE ?1 ESCAPE '\\')",
        like_any(&["o.name", "o.context"])
    );
    let listing = Listing {
        columns: COLUMNS,
        from: "outcalls o",
        search: &search,
        order: "o.context, o.name, o.id",
    };
    super::page(pool, &listing, window).await
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<SqlOutcall>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM outcalls o WHERE o.id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The JSON stored: everything but the trunks.
pub fn settings(outcall: &Outcall) -> Result<String, serde_json::Error> {
    let mut stored = outcall.clone();
    stored.trunks.clear();
    serde_json::to_string(&stored)
}

async fn set_trunks(
    conn: &mut SqliteConnection,
    id: i64,
    trunks: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM outcall_trunks WHERE outcall_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (position, trunk) in trunks.iter().enumerate() {
        sqlx::query("INSERT INTO outcall_trunks (outcall_id, trunk_id, position) VALUES (?, ?, ?)")
            .bind(id)
            .bind(trunk)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn insert(
    conn: &mut SqliteConnection,
    outcall: &Outcall,
    settings: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let id = sqlx::query_scalar(
        "INSERT INTO outcalls (name, context, settings, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(&outcall.name)
    .bind(&outcall.context)
    .bind(settings)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    set_trunks(conn, id, &outcall.trunks).await?;
    Ok(id)
}

/// Updates the row only if still at `version`; false when someone else
/// saved first.
pub async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    outcall: &Outcall,
    settings: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outcalls SET version = version + 1, name = ?, context = ?, settings = ?, updated_at = ?
         WHERE id = ? AND version = ?",
    )
    .bind(&outcall.name)
    .bind(&outcall.context)
    .bind(settings)
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    set_trunks(conn, id, &outcall.trunks).await?;
    Ok(true)
}

pub async fn delete(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM outcalls WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The names of the outgoing calls that use trunk `trunk_id`.
pub async fn using_trunk(
    conn: &mut SqliteConnection,
    trunk_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT o.name FROM outcalls o JOIN outcall_trunks t ON t.outcall_id = o.id
         WHERE t.trunk_id = ? ORDER BY o.name",
    )
    .bind(trunk_id)
    .fetch_all(conn)
    .await
}
