//! Administrators, console sessions and API tokens.

use sqlx::{SqliteConnection, SqlitePool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SqlAdmin {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
}

pub async fn count(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM admins")
        .fetch_one(pool)
        .await
}

pub async fn by_username(
    pool: &SqlitePool,
    username: &str,
) -> Result<Option<SqlAdmin>, sqlx::Error> {
    sqlx::query_as("SELECT id, username, password_hash FROM admins WHERE username = ?")
        .bind(username)
        .fetch_optional(pool)
        .await
}

/// Inserts the administrator, or replaces the password of an existing one.
pub async fn upsert(
    conn: &mut SqliteConnection,
    username: &str,
    password_hash: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO admins (username, password_hash, created_at) VALUES (?, ?, ?)
         ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash
         RETURNING id",
    )
    .bind(username)
    .bind(password_hash)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn insert_session(
    pool: &SqlitePool,
    token_hash: &str,
    admin_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, admin_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(admin_id)
    .bind(now)
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// The username behind a live session.
pub async fn session_admin(
    pool: &SqlitePool,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT a.username FROM sessions s JOIN admins a ON a.id = s.admin_id
         WHERE s.token_hash = ? AND s.expires_at > ?",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await
}

pub async fn delete_session(pool: &SqlitePool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ? OR expires_at < strftime('%s','now')")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn insert_token(
    pool: &SqlitePool,
    token_hash: &str,
    label: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO api_tokens (token_hash, label, created_at) VALUES (?, ?, ?)")
        .bind(token_hash)
        .bind(label)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets every API token with this label.
pub async fn delete_tokens_labelled(pool: &SqlitePool, label: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM api_tokens WHERE label = ?")
        .bind(label)
        .execute(pool)
        .await?;
    Ok(())
}

/// The label of the API token with this digest, if it exists.
pub async fn token_label(
    pool: &SqlitePool,
    token_hash: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT label FROM api_tokens WHERE token_hash = ?")
        .bind(token_hash)
        .fetch_optional(pool)
        .await
}
