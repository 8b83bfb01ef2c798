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
    std::fs::write(&path, format!("{token}\n"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
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
