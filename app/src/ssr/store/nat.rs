//! The SIP NAT settings: a single row, created by its migration.

use crate::model::nat::{SipNat, SipNatView};
use sqlx::{SqliteConnection, SqlitePool};

pub async fn get(pool: &SqlitePool) -> Result<SipNatView, sqlx::Error> {
    let (version, external_address, networks, bind_address): (i64, String, String, String) =
        sqlx::query_as(
            "SELECT version, external_address, local_networks, bind_address
             FROM sip_nat WHERE id = 1",
        )
        .fetch_one(pool)
        .await?;
    Ok(SipNatView {
        version,
        settings: SipNat {
            external_address,
            local_networks: networks.lines().map(str::to_owned).collect(),
            bind_address,
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
             bind_address = ?, updated_at = ?
         WHERE id = 1 AND version = ?",
    )
    .bind(&settings.external_address)
    .bind(settings.local_networks.join("\n"))
    .bind(&settings.bind_address)
    .bind(now)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
