//! The SIP security settings: a single row, created by its migration.

use crate::model::security::{SipSecurity, SipSecurityView};
use sqlx::{SqliteConnection, SqlitePool};

pub async fn get(pool: &SqlitePool) -> Result<SipSecurityView, sqlx::Error> {
    let (version, max_retry, find_time, ban_time): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT version, max_retry, find_time, ban_time FROM sip_security WHERE id = 1",
    )
    .fetch_one(pool)
    .await?;
    // Written only through validated settings; a hand-edited value out of
    // range falls back to the default rather than stopping the PBX.
    let defaults = SipSecurity::default();
    let get = |v: i64, default: u32| u32::try_from(v).unwrap_or(default);
    Ok(SipSecurityView {
        version,
        settings: SipSecurity {
            max_retry: get(max_retry, defaults.max_retry),
            find_time: get(find_time, defaults.find_time),
            ban_time: get(ban_time, defaults.ban_time),
        },
    })
}

/// False when the row is no longer at `version`.
pub async fn update(
    conn: &mut SqliteConnection,
    version: i64,
    settings: &SipSecurity,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sip_security SET version = version + 1, max_retry = ?, find_time = ?,
             ban_time = ?, updated_at = ?
         WHERE id = 1 AND version = ?",
    )
    .bind(settings.max_retry)
    .bind(settings.find_time)
    .bind(settings.ban_time)
    .bind(now)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
