//! Users and their SIP lines. The validated `User` is JSON in `settings`;
//! context, extension and line username are columns too, for uniqueness.

use super::{like_any, Listing};
use crate::model::list::ListWindow;
use crate::model::user::User;
use sqlx::{SqliteConnection, SqlitePool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SqlUser {
    pub id: i64,
    pub version: i64,
    pub line_secret: String,
    pub settings: String,
}

impl SqlUser {
    pub fn user(&self) -> Result<User, serde_json::Error> {
        serde_json::from_str(&self.settings)
    }
}

const COLUMNS: &str = "id, version, line_secret, settings";

pub async fn list(pool: &SqlitePool) -> Result<Vec<SqlUser>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users ORDER BY context, length(exten), exten"
    ))
    .fetch_all(pool)
    .await
}

/// One page of the users whose name, extension, context, line username
/// or outgoing caller ID number contains the filter, in the list's order;
/// with the total and where the page starts.
pub async fn page(
    pool: &SqlitePool,
    window: &ListWindow,
) -> Result<(Vec<SqlUser>, u64, u64), sqlx::Error> {
    // The name and caller number are copies of the JSON's (0012_list_search.sql).
    let search = like_any(&[
        "search_name",
        "exten",
        "context",
        "line_username",
        "search_number",
    ]);
    let listing = Listing {
        columns: COLUMNS,
        from: "users",
        search: &search,
        order: "context, length(exten), exten, id",
    };
    super::page(pool, &listing, window).await
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<SqlUser>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Another user holding `exten` in `context`: their id and settings, so
/// the refusal can name them.
pub async fn exten_owner(
    conn: &mut SqliteConnection,
    context: &str,
    exten: &str,
    except: Option<i64>,
) -> Result<Option<SqlUser>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE context = ? AND exten = ? AND id IS NOT ?"
    ))
    .bind(context)
    .bind(exten)
    .bind(except)
    .fetch_optional(conn)
    .await
}

/// Another user whose line is called `username` (ignoring case).
pub async fn username_owner(
    conn: &mut SqliteConnection,
    username: &str,
    except: Option<i64>,
) -> Result<Option<SqlUser>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE line_username = ? AND id IS NOT ?"
    ))
    .bind(username)
    .bind(except)
    .fetch_optional(conn)
    .await
}

pub async fn insert(
    conn: &mut SqliteConnection,
    user: &User,
    settings: &str,
    secret: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (context, exten, line_username, line_secret, settings, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&user.context)
    .bind(&user.exten)
    .bind(&user.line_username)
    .bind(secret)
    .bind(settings)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Updates the row only if still at `version`; `secret` `None` keeps the
/// stored password. False when someone else saved first.
pub async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    user: &User,
    settings: &str,
    secret: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET version = version + 1, context = ?, exten = ?, line_username = ?,
             line_secret = COALESCE(?, line_secret), settings = ?, updated_at = ?
         WHERE id = ? AND version = ?",
    )
    .bind(&user.context)
    .bind(&user.exten)
    .bind(&user.line_username)
    .bind(secret)
    .bind(settings)
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn delete(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM users WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The DIDs of the incoming calls that ring user `id`.
pub async fn incalls_of(conn: &mut SqliteConnection, id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT did FROM incalls WHERE user_id = ? ORDER BY did")
        .bind(id)
        .fetch_all(conn)
        .await
}
