//! The SIP NAT settings: a single row, created by its migration.

use crate::model::nat::{SipNat, SipNatView, DEFAULT_RTP_END, DEFAULT_RTP_START};
use sqlx::{SqliteConnection, SqlitePool};

pub async fn get(pool: &SqlitePool) -> Result<SipNatView, sqlx::Error> {
    let (version, external_address, networks, bind_address, rtp_start, rtp_end): (
        i64,
        String,
        String,
        String,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT version, external_address, local_networks, bind_address, rtp_start, rtp_end
         FROM sip_nat WHERE id = 1",
    )
    .fetch_one(pool)
    .await?;
    // Validated on the way in; a hand-edited row out of range falls back to the defaults.
    let port = |v: i64, default| u16::try_from(v).unwrap_or(default);
    Ok(SipNatView {
        version,
        settings: SipNat {
            external_address,
            local_networks: networks.lines().map(str::to_owned).collect(),
            bind_address,
            rtp_start: port(rtp_start, DEFAULT_RTP_START),
            rtp_end: port(rtp_end, DEFAULT_RTP_END),
        },
    })
}

/// False when the row is no longer at `version`.
pub async fn update(
    conn: &mut SqliteConnection,
    version: i64,
    settings: &SipNat,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sip_nat SET version = version + 1, external_address = ?, local_networks = ?,
             bind_address = ?, rtp_start = ?, rtp_end = ?, updated_at = ?
         WHERE id = 1 AND version = ?",
    )
    .bind(&settings.external_address)
    .bind(settings.local_networks.join("\n"))
    .bind(&settings.bind_address)
    .bind(i64::from(settings.rtp_start))
    .bind(i64::from(settings.rtp_end))
    .bind(now)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
