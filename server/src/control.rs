//! `trunkline sip show registry|peers`: like Asterisk's CLI asking the
//! running daemon, the command asks the running server over its REST API,
//! with a token the server leaves next to its database for whoever may
//! read that folder (the same trust as the database file itself).

use crate::cli::CliError;
use app::ssr::service;
use app::ssr::state::Core;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LABEL: &str = "cli";

/// Where the server leaves the console commands' token.
pub fn token_path(database: &Path) -> PathBuf {
    database.with_file_name("cli.token")
}

/// Replaces the previous run's token and writes the new one, readable by
/// the owner only.
///
/// # Errors
/// When the token cannot be stored or the file written.
pub async fn write_token(core: &Core, database: &Path) -> Result<(), CliError> {
    let token = service::auth::replace_token(core, LABEL).await?;
    let path = token_path(database);
    // Created 0600, and a file left by an older version narrowed before
    // the token is written: never readable by others, even for a moment.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    std::io::Write::write_all(&mut file, format!("{token}\n").as_bytes())?;
    Ok(())
}

/// Fetches `path` from the server at `http` and returns the body.
///
/// # Errors
/// When the server is not running, refuses the token, or answers an error.
pub async fn fetch(http: SocketAddr, database: &Path, path: &str) -> Result<String, CliError> {
    let token_file = token_path(database);
    let token = std::fs::read_to_string(&token_file).map_err(|e| {
        CliError::Control(format!(
            "cannot read {} ({e}): is `trunkline serve` running with this --database?",
            token_file.display()
        ))
    })?;
    let mut stream = TcpStream::connect(http).await.map_err(|e| {
        CliError::Control(format!(
            "no Trunkline server answers on {http} ({e}): is `trunkline serve` running?"
        ))
    })?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {http}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        token.trim()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| CliError::Control("the server's answer was cut short".into()))?;
    let status = head.split(' ').nth(1).unwrap_or("");
    if status != "200" {
        return Err(CliError::Control(format!(
            "the server answered {status}: {body}"
        )));
    }
    Ok(body.to_owned())
}
