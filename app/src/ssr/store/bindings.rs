//! The registrar's bindings, persisted. The engine publishes its current
//! set; the writer applies only the difference, so a busy registrar costs
//! a few row writes, not a table rewrite.

use crate::model::lines::LineBinding;
use crate::model::trunk::Transport;
use crate::ssr::db;
use sqlx::SqlitePool;

#[derive(sqlx::FromRow)]
struct SqlBinding {
    line_username: String,
    contact: String,
    expires_at: i64,
    call_id: String,
    cseq: i64,
    user_agent: String,
    source: String,
    transport: String,
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<LineBinding>, sqlx::Error> {
    let rows: Vec<SqlBinding> = sqlx::query_as(
        "SELECT line_username, contact, expires_at, call_id, cseq, user_agent, source, transport
         FROM line_bindings ORDER BY line_username, contact",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().filter_map(SqlBinding::read).collect())
}

impl SqlBinding {
    /// The row as the registrar's binding; a row whose address or transport
    /// no longer reads is skipped and logged: the phone registers again
    /// within its expiry, and nothing else depends on the row.
    fn read(self) -> Option<LineBinding> {
        let (Ok(source), Ok(transport)) = (self.source.parse(), Transport::parse(&self.transport))
        else {
            tracing::warn!(
                line = %self.line_username,
                contact = %self.contact,
                source = %self.source,
                transport = %self.transport,
                "stored line binding skipped: its address or transport cannot be read"
            );
            return None;
        };
        Some(LineBinding {
            line_username: self.line_username,
            contact: self.contact,
            expires_at: self.expires_at,
            call_id: self.call_id,
            cseq: u32::try_from(self.cseq).unwrap_or(0),
            user_agent: self.user_agent,
            source,
            transport,
        })
    }
}

/// Writes `upserts` and removes `removed` (line, contact) in one
/// transaction.
pub async fn apply(
    pool: &SqlitePool,
    upserts: &[LineBinding],
    removed: &[(String, String)],
) -> Result<(), sqlx::Error> {
    let mut tx = db::write(pool).await?;
    for (line, contact) in removed {
        sqlx::query("DELETE FROM line_bindings WHERE line_username = ? AND contact = ?")
            .bind(line)
            .bind(contact)
            .execute(&mut *tx)
            .await?;
    }
    for b in upserts {
        sqlx::query(
            "INSERT INTO line_bindings
                 (line_username, contact, expires_at, call_id, cseq, user_agent, source, transport)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (line_username, contact) DO UPDATE SET
                 expires_at = excluded.expires_at, call_id = excluded.call_id,
                 cseq = excluded.cseq, user_agent = excluded.user_agent,
                 source = excluded.source, transport = excluded.transport",
        )
        .bind(&b.line_username)
        .bind(&b.contact)
        .bind(b.expires_at)
        .bind(&b.call_id)
        .bind(i64::from(b.cseq))
        .bind(&b.user_agent)
        .bind(b.source.to_string())
        .bind(b.transport.as_str())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}
