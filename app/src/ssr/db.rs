//! Opening the SQLite database: created if missing, migrated on start.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;

/// Opens (creating it and its directory if needed, readable by Trunkline's
/// user only) and migrates the database file at `path`.
///
/// # Errors
/// When the directory cannot be created, the file cannot be opened, or a
/// migration fails.
pub async fn open(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    crate::ssr::private_files::prepare(path)?;
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(std::time::Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// Starts a transaction that writes. `BEGIN IMMEDIATE` takes SQLite's
/// write lock at once, so a second writer waits for it (up to the busy
/// timeout); a plain (deferred) `BEGIN` reads first and then cannot
/// upgrade once another writer has committed, which SQLite reports as
/// "database is locked" at once, whatever the timeout: two administrators
/// saving at the same moment got a 500.
///
/// # Errors
/// When the lock is not had within the busy timeout.
pub async fn write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// A fresh in-memory database for tests: one connection, because each
/// SQLite memory connection is a database of its own.
///
/// # Errors
/// When the migration fails.
pub async fn open_in_memory() -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trunk::TrunkInput;
    use crate::ssr::service::trunks;
    use crate::ssr::state::Core;

    /// Ten saves at the same moment on a real database file (four
    /// connections, as the server opens it): every one lands, none is
    /// refused because another writer got there first.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn parallel_saves_all_land() {
        let dir = std::env::temp_dir().join(format!("trunkline-parallel-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pool = open(&dir.join("t.db")).await.expect("db");
        let core = Core::new(pool).await.expect("core");
        let saves: Vec<_> = (0..10)
            .map(|n| {
                let core = core.clone();
                tokio::spawn(async move {
                    let input = TrunkInput {
                        name: format!("provider{n}"),
                        host_type: "static".into(),
                        host: format!("sip{n}.provider.example.com"),
                        ..TrunkInput::default()
                    };
                    trunks::create(&core, &input).await
                })
            })
            .collect();
        let mut refused = Vec::new();
        for save in saves {
            if let Err(e) = save.await.expect("task") {
                refused.push(e.to_string());
            }
        }
        assert_eq!(refused, Vec::<String>::new());
        let stored = trunks::list(&core).await.expect("list");
        assert_eq!(stored.len(), 10);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
