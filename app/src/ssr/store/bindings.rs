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

/// Rows written by one INSERT: 8 values each, well under SQLite's limit
/// of 32,766 bound values per statement.
const ROWS_PER_INSERT: usize = 500;

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
    // Many rows per statement: a busy registrar refreshes every line each
    // second, and each statement is a round trip to SQLite's thread (two
    // thread wake-ups), which cost more than the row.
    for chunk in upserts.chunks(ROWS_PER_INSERT) {
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO line_bindings
                 (line_username, contact, expires_at, call_id, cseq, user_agent, source, transport) ",
        );
        insert.push_values(chunk, |mut row, b| {
            row.push_bind(&b.line_username)
                .push_bind(&b.contact)
                .push_bind(b.expires_at)
                .push_bind(&b.call_id)
                .push_bind(i64::from(b.cseq))
                .push_bind(&b.user_agent)
                .push_bind(b.source.to_string())
                .push_bind(b.transport.as_str());
        });
        insert.push(
            " ON CONFLICT (line_username, contact) DO UPDATE SET
                 expires_at = excluded.expires_at, call_id = excluded.call_id,
                 cseq = excluded.cseq, user_agent = excluded.user_agent,
                 source = excluded.source, transport = excluded.transport",
        );
        insert.build().execute(&mut *tx).await?;
    }
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(n: usize, expires_at: i64) -> LineBinding {
        LineBinding {
            line_username: format!("{}", 1000 + n),
            contact: format!("sip:{}@192.0.2.10:{}", 1000 + n, 5060 + n),
            expires_at,
            call_id: format!("c{n}"),
            cseq: 2,
            user_agent: "TestPhone".into(),
            source: "192.0.2.10:5060".parse().expect("address"),
            transport: Transport::Udp,
        }
    }

    #[tokio::test]
    async fn more_rows_than_one_insert_takes_are_all_written_and_refreshed() {
        let pool = db::open_in_memory().await.expect("db");
        let n = ROWS_PER_INSERT * 2 + 1;
        let first: Vec<LineBinding> = (0..n).map(|i| binding(i, 2_000_000_000)).collect();
        apply(&pool, &first, &[]).await.expect("insert");
        let mut stored = list(&pool).await.expect("list");
        stored.sort_by_key(|b| b.call_id.clone());
        let mut expected = first.clone();
        expected.sort_by_key(|b| b.call_id.clone());
        assert_eq!(stored, expected);

        // A refresh of every line updates each row in place, and a removal deletes one.
        let refreshed: Vec<LineBinding> = (1..n).map(|i| binding(i, 2_000_000_060)).collect();
        let gone = (first[0].line_username.clone(), first[0].contact.clone());
        apply(&pool, &refreshed, &[gone]).await.expect("update");
        let stored = list(&pool).await.expect("list");
        assert_eq!(stored.len(), n - 1);
        assert!(stored.iter().all(|b| b.expires_at == 2_000_000_060));
    }
}
