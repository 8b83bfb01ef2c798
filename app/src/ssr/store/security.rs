//! The SIP security settings: a single row, created by its migration.

use crate::model::security::{SipSecurity, SipSecurityInput, SipSecurityView};
use sqlx::{SqliteConnection, SqlitePool};

pub async fn get(pool: &SqlitePool) -> Result<SipSecurityView, sqlx::Error> {
    Ok(get_checked(pool).await?.0)
}

/// The settings, and the stored values as typed when the form's rules
/// refuse them. Written only through validated settings, so only a
/// hand-edited row gets there: a value that does not even fit falls back
/// to its default rather than stopping the PBX, and the caller puts the
/// row on the repair list.
pub async fn get_checked(
    pool: &SqlitePool,
) -> Result<(SipSecurityView, Option<(SipSecurityInput, String)>), sqlx::Error> {
    let (version, max_retry, find_time, ban_time): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT version, max_retry, find_time, ban_time FROM sip_security WHERE id = 1",
    )
    .fetch_one(pool)
    .await?;
    let defaults = SipSecurity::default();
    let get = |v: i64, default: u32| u32::try_from(v).unwrap_or(default);
    let view = SipSecurityView {
        version,
        settings: SipSecurity {
            max_retry: get(max_retry, defaults.max_retry),
            find_time: get(find_time, defaults.find_time),
            ban_time: get(ban_time, defaults.ban_time),
        },
    };
    let stored = SipSecurityInput {
        max_retry: max_retry.to_string(),
        find_time: find_time.to_string(),
        ban_time: ban_time.to_string(),
    };
    let refused = stored.validate().err().map(|e| (stored, e.to_string()));
    Ok((view, refused))
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
