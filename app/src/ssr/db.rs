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
    migrate(&pool).await?;
    Ok(pool)
}

/// Migrations that were applied somewhere in another spelling with the same effect: the
/// version and that spelling's SHA-384. Migration 0012's triggers were written two ways on
/// one day (4b54605, then d8a6fda, which shipped); main carried the first again from
/// 1b38390 to 1a0bcfa. sqlx refuses to start on a database whose recorded checksum differs
/// from the file's, so a database migrated by either spelling is told the shipped one's.
const EQUIVALENT: &[(i64, &str)] = &[(
    12,
    "412e4a231fb20c892a77ef80145877cb4fa6893230b77d4f84bf9b6090b68ce24560af2f2995e139c81cfdffd2782790",
)];

/// Brings the database to the newest migration, first recording the shipped checksum for a
/// migration applied in an equivalent spelling (`EQUIVALENT`).
async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    let migrator = sqlx::migrate!("./migrations");
    let recorded: Option<(i64,)> = sqlx::query_as(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await?;
    if recorded.is_some_and(|(n,)| n > 0) {
        for (version, other) in EQUIVALENT {
            let (Some(migration), Ok(other)) = (
                migrator.iter().find(|m| m.version == *version),
                hex::decode(other),
            ) else {
                continue;
            };
            sqlx::query(
                "UPDATE _sqlx_migrations SET checksum = ? WHERE version = ? AND checksum = ?",
            )
            .bind(migration.checksum.as_ref())
            .bind(version)
            .bind(other)
            .execute(pool)
            .await?;
        }
    }
    migrator.run(pool).await?;
    Ok(())
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
    migrate(&pool).await?;
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

    /// sqlx records each migration's checksum when it applies it and refuses to start
    /// on a database whose applied migration has changed since ("previously applied but
    /// has been modified"): a migration that shipped is never edited, a new one is added.
    /// Each line is a shipped migration's SHA-384, first 8 bytes; a new migration adds its
    /// line once it ships.
    #[test]
    fn shipped_migrations_are_never_edited() {
        const SHIPPED: &[(i64, &str)] = &[
            (1, "c7d259bf12c67c1c"),
            (2, "d1d65301a3181ef6"),
            (3, "477bb9feb114e2dc"),
            (4, "650838b01c1519b8"),
            (5, "616e1826ba9016db"),
            (6, "6b9f2d1fbfc1ae78"),
            (7, "c86a45625dedac56"),
            (8, "013f10c08e9260b9"),
            (9, "569e98b0135fb07d"),
            (10, "0a9812f8912e1625"),
            (11, "2912a1c7dea56d15"),
            (12, "9c1d34ecfbee58f0"),
        ];
        let migrator = sqlx::migrate!("./migrations");
        for (version, expected) in SHIPPED {
            let migration = migrator.iter().find(|m| m.version == *version);
            let found: Option<String> = migration.map(|m| {
                m.checksum
                    .iter()
                    .take(8)
                    .map(|b| format!("{b:02x}"))
                    .collect()
            });
            assert_eq!(
                found.as_deref(),
                Some(*expected),
                "migration {version} changed or went missing after it shipped"
            );
        }
    }

    /// A database whose 0012 was applied in its unshipped spelling (main from 1b38390 to
    /// 1a0bcfa) opens with the shipped one: no "previously applied but has been modified".
    #[tokio::test]
    async fn a_database_migrated_by_the_other_spelling_of_0012_still_opens() {
        let dir = std::env::temp_dir().join(format!("trunkline-0012-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("t.db");
        let pool = open(&path).await.expect("a fresh database");
        // As the unshipped spelling's binary left it: its checksum recorded for 0012.
        let unshipped = sqlx::migrate::Migration::new(
            12,
            "list search".into(),
            sqlx::migrate::MigrationType::Simple,
            include_str!("fixtures/0012_list_search_unshipped.sql").into(),
            false,
        );
        sqlx::query("UPDATE _sqlx_migrations SET checksum = ? WHERE version = 12")
            .bind(unshipped.checksum.as_ref())
            .execute(&pool)
            .await
            .expect("record the other checksum");
        pool.close().await;
        let pool = open(&path).await.expect("opens after the other spelling");
        let shipped = sqlx::migrate!("./migrations");
        let recorded: (Vec<u8>,) =
            sqlx::query_as("SELECT checksum FROM _sqlx_migrations WHERE version = 12")
                .fetch_one(&pool)
                .await
                .expect("checksum");
        let expected = shipped.iter().find(|m| m.version == 12).expect("0012");
        assert_eq!(recorded.0, expected.checksum.as_ref());
        pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A database last opened by a version before 0012: its trunks and users get their
    /// filter columns when it is migrated, so the lists still find them by host and name.
    #[tokio::test]
    async fn rows_stored_before_the_filter_columns_are_found_after_the_upgrade() {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .expect("options")
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("pool");
        let mut older = sqlx::migrate!("./migrations");
        let before: Vec<_> = older
            .migrations
            .iter()
            .filter(|m| m.version < 12)
            .cloned()
            .collect();
        older.migrations = before.into();
        older.run(&pool).await.expect("migrations 1-11");
        for statement in [
            r#"INSERT INTO trunks (name, context, settings, updated_at) VALUES
               ('provider', 'from-extern', '{"host":"sip.provider.example.com","reg_server":"reg.provider.example.com"}', 0),
               ('roaming', 'from-extern', '{}', 0),
               ('broken', 'from-extern', 'not json', 0)"#,
            r#"INSERT INTO users (context, exten, line_username, line_secret, settings, updated_at)
               VALUES ('default', '1000', 'fd1000', 'pw', '{"firstname":"Front","lastname":"Desk",
               "outgoing_caller_id":{"mode":"custom","number":"4185550100"}}', 0)"#,
        ] {
            sqlx::query(statement)
                .execute(&pool)
                .await
                .expect(statement);
        }
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .expect("upgrade");
        let trunks: Vec<(String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT name, search_host, search_reg_server FROM trunks ORDER BY id")
                .fetch_all(&pool)
                .await
                .expect("trunks");
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            trunks,
            [
                (
                    "provider".into(),
                    some("sip.provider.example.com"),
                    some("reg.provider.example.com")
                ),
                ("roaming".into(), some("dynamic"), None),
                ("broken".into(), None, None),
            ]
        );
        let user: (String, String) = sqlx::query_as("SELECT search_name, search_number FROM users")
            .fetch_one(&pool)
            .await
            .expect("user");
        assert_eq!(user, ("Front Desk".into(), "4185550100".into()));
    }
}
