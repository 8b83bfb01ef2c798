//! Keeping the registrar's bindings across restarts: read once at start,
//! then each published change written as a difference.

use super::ServiceError;
use crate::model::lines::LineBinding;
use crate::ssr::store;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Changes arriving within this window are written together: a burst of
/// registrations costs one transaction, not one per phone.
const COALESCE: Duration = Duration::from_millis(500);

/// The bindings stored by the previous run, lapsed ones included (the
/// registrar drops those itself, by its own clock).
///
/// # Errors
/// When the database cannot be read.
pub async fn load(pool: &SqlitePool) -> Result<Vec<LineBinding>, ServiceError> {
    Ok(store::bindings::list(pool).await?)
}

type Key = (String, String);

fn keyed(rows: &[LineBinding]) -> HashMap<Key, LineBinding> {
    rows.iter()
        .map(|b| ((b.line_username.clone(), b.contact.clone()), b.clone()))
        .collect()
}

/// What to write to go from `stored` to `current`.
fn difference(
    stored: &HashMap<Key, LineBinding>,
    current: &HashMap<Key, LineBinding>,
) -> (Vec<LineBinding>, Vec<Key>) {
    let upserts = current
        .iter()
        .filter(|(k, v)| stored.get(*k) != Some(*v))
        .map(|(_, v)| v.clone())
        .collect();
    let removed = stored
        .keys()
        .filter(|k| !current.contains_key(*k))
        .cloned()
        .collect();
    (upserts, removed)
}

/// Follows the engine's bindings until the channel closes, writing each
/// change. A failed write is logged and retried with the next change.
pub async fn persist(pool: SqlitePool, mut bindings: watch::Receiver<Arc<Vec<LineBinding>>>) {
    let mut stored = match store::bindings::list(&pool).await {
        Ok(rows) => keyed(&rows),
        Err(error) => {
            tracing::error!(%error, "line bindings unreadable; not persisting them");
            return;
        }
    };
    while bindings.changed().await.is_ok() {
        tokio::time::sleep(COALESCE).await;
        let current = keyed(&bindings.borrow_and_update());
        let (upserts, removed) = difference(&stored, &current);
        if upserts.is_empty() && removed.is_empty() {
            continue;
        }
        match store::bindings::apply(&pool, &upserts, &removed).await {
            Ok(()) => stored = current,
            Err(error) => tracing::error!(%error, "line bindings not saved"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trunk::Transport;
    use crate::ssr::db;

    fn binding(line: &str, contact: &str, expires_at: i64) -> LineBinding {
        LineBinding {
            line_username: line.into(),
            contact: contact.into(),
            expires_at,
            call_id: "c1".into(),
            cseq: 2,
            user_agent: "TestPhone".into(),
            source: "192.0.2.10:5060".parse().expect("address"),
            transport: Transport::Udp,
        }
    }

    #[tokio::test]
    async fn bindings_published_are_stored_and_removed() {
        let pool = db::open_in_memory().await.expect("db");
        let (tx, rx) = watch::channel(Arc::new(Vec::new()));
        let writer = tokio::spawn(persist(pool.clone(), rx));
        let a = binding("1000", "sip:1000@192.0.2.10", 2_000_000_000);
        let b = binding("1001", "sip:1001@192.0.2.11", 2_000_000_000);
        tx.send_replace(Arc::new(vec![a.clone(), b.clone()]));
        tokio::time::sleep(COALESCE * 3).await;
        assert_eq!(load(&pool).await.expect("load"), vec![a.clone(), b]);
        let mut refreshed = a.clone();
        refreshed.expires_at += 60;
        tx.send_replace(Arc::new(vec![refreshed.clone()]));
        tokio::time::sleep(COALESCE * 3).await;
        assert_eq!(load(&pool).await.expect("load"), vec![refreshed]);
        drop(tx);
        writer.await.expect("writer ends with the channel");
    }
}
