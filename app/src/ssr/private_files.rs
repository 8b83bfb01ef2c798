//! The database holds the SIP secrets in clear (digest authentication
//! needs them), so only the user Trunkline runs as may read it: a data
//! directory Trunkline creates is 0700, and the database and its WAL and
//! shared-memory files are 0600. SQLite creates `-wal` and `-shm` with the
//! database file's own mode, so making that file first (0600) covers them;
//! files left by an older version are narrowed at open.

use std::io;
use std::path::{Path, PathBuf};

/// Creates the directory of `database` (0700) and the file itself (0600)
/// when missing, and narrows an existing database's files to 0600. An
/// existing directory keeps its mode: it may be shared (`/var/lib`).
///
/// # Errors
/// When the directory or the file cannot be created or changed.
pub fn prepare(database: &Path) -> io::Result<()> {
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    create_private_file(database)?;
    for file in [
        database.to_path_buf(),
        sibling(database, "-wal"),
        sibling(database, "-shm"),
    ] {
        if file.exists() {
            make_private(&file)?;
        }
    }
    Ok(())
}

fn sibling(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_private_file(file: &Path) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn create_private_file(_file: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn make_private(file: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn make_private(_file: &Path) -> io::Result<()> {
    Ok(())
}
