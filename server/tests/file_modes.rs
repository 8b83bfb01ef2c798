//! The database holds SIP secrets in clear: the real server creates its
//! data directory 0700 and the database, WAL and shared-memory files
//! 0600, and narrows the files an older version left readable by others.

#![cfg(unix)]

mod common;

use common::serve::start_server_with;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// What must be readable by Trunkline's user only, next to `database`.
fn private_files(database: &Path) -> [PathBuf; 4] {
    [
        database.to_path_buf(),
        with_suffix(database, "-wal"),
        with_suffix(database, "-shm"),
        database.with_file_name("cli.token"),
    ]
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("trunkline-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test]
async fn a_new_data_directory_and_database_are_private() {
    let root = scratch("modes-new");
    let data = root.join("data");
    let database = data.join("trunkline.db");
    let mut server = start_server_with(&database, Some(0), 0).await;
    assert_eq!(mode(&data), 0o700, "data directory");
    for file in private_files(&database) {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    server.kill().await.expect("stop");
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test]
async fn files_an_older_version_left_readable_are_narrowed() {
    let data = scratch("modes-old");
    std::fs::create_dir_all(&data).expect("dir");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let database = data.join("trunkline.db");
    // A first run makes the files; then they are opened up as an older
    // version (or a careless copy) would have left them.
    let mut server = start_server_with(&database, Some(0), 0).await;
    server.kill().await.expect("stop");
    for file in private_files(&database) {
        if file.exists() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        }
    }
    let mut server = start_server_with(&database, Some(0), 0).await;
    for file in private_files(&database) {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    // A directory the administrator chose keeps its mode (it may be shared).
    assert_eq!(mode(&data), 0o755);
    server.kill().await.expect("stop");
    let _ = std::fs::remove_dir_all(&data);
}
