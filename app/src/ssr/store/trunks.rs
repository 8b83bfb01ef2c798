//! SIP trunks. The validated `Trunk` is stored as JSON in `settings`; the
//! name and context are columns too, for uniqueness and references.

use super::{like_any, Listing};
use crate::model::list::ListWindow;
use crate::model::trunk::Trunk;
use sqlx::{SqliteConnection, SqlitePool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SqlTrunk {
    pub id: i64,
    pub version: i64,
    pub settings: String,
    pub secret: String,
    pub reg_secret: String,
}

impl SqlTrunk {
    /// The stored settings; a row the model can no longer read is an
    /// internal error, reported by the caller.
    pub fn trunk(&self) -> Result<Trunk, serde_json::Error> {
        serde_json::from_str(&self.settings)
    }
}

const COLUMNS: &str = "id, version, settings, secret, reg_secret";

pub async fn list(pool: &SqlitePool) -> Result<Vec<SqlTrunk>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM trunks ORDER BY name"))
        .fetch_all(pool)
        .await
}

/// One page of the trunks whose name, host ("dynamic" for a dynamic
/// one), context or register server contains the filter, by name; with
/// the total and where the page starts.
pub async fn page(
    pool: &SqlitePool,
    window: &ListWindow,
) -> Result<(Vec<SqlTrunk>, u64, u64), sqlx::Error> {
    // The host and register server are copies of the JSON's (0012_list_search.sql).
    let search = like_any(&["name", "context", "search_host", "search_reg_server"]);
    let listing = Listing {
        columns: COLUMNS,
        from: "trunks",
        search: &search,
        order: "name, id",
    };
    super::page(pool, &listing, window).await
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<SqlTrunk>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM trunks WHERE id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The id of another trunk already called `name` (names ignore case).
pub async fn name_owner(
    conn: &mut SqliteConnection,
    name: &str,
    except: Option<i64>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM trunks WHERE name = ? AND id IS NOT ?")
        .bind(name)
        .bind(except)
        .fetch_optional(conn)
        .await
}

pub async fn insert(
    conn: &mut SqliteConnection,
    trunk: &Trunk,
    settings: &str,
    secret: &str,
    reg_secret: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO trunks (name, context, settings, secret, reg_secret, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&trunk.name)
    .bind(&trunk.context)
    .bind(settings)
    .bind(secret)
    .bind(reg_secret)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Updates the row only if it is still at `version`; returns the new
/// version, or `None` when someone else saved first (or it is gone).
#[allow(clippy::too_many_arguments)]
pub async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    trunk: &Trunk,
    settings: &str,
    secret: Option<&str>,
    reg_secret: Option<&str>,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE trunks SET version = version + 1, name = ?, context = ?, settings = ?,
             secret = COALESCE(?, secret), reg_secret = COALESCE(?, reg_secret), updated_at = ?
         WHERE id = ? AND version = ? RETURNING version",
    )
    .bind(&trunk.name)
    .bind(&trunk.context)
    .bind(settings)
    .bind(secret)
    .bind(reg_secret)
    .bind(now)
    .bind(id)
    .bind(version)
    .fetch_optional(conn)
    .await
}

/// Deletes the trunk; false when it did not exist.
pub async fn delete(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM trunks WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
