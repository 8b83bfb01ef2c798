//! The real `trunkline serve` binary, started on a database and waited
//! for, and its command line, for tests that check what an administrator
//! or (with SIPp, see sipp.rs) a phone or a provider sees.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Starts the binary on `database` with SIP on `sip_port` (0: any) and
/// the console on `http_port` (0: any), and waits until both listen.
pub async fn start_server_on(database: &Path, sip_port: u16, http_port: u16) -> Child {
    start_server_with(database, Some(sip_port), http_port).await
}

/// As `start_server_on`; without `sip_port`, no `--sip` (nor TRUNKLINE_SIP): SIP binds
/// where the stored setting says.
pub async fn start_server_with(database: &Path, sip_port: Option<u16>, http_port: u16) -> Child {
    start_server_args(database, sip_port, http_port, &[]).await
}

/// As `start_server_with`, with more `serve` arguments.
pub async fn start_server_args(
    database: &Path,
    sip_port: Option<u16>,
    http_port: u16,
    more: &[&str],
) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trunkline"));
    command
        .arg("--database")
        .arg(database)
        .args(["serve", "--http"])
        .arg(format!("127.0.0.1:{http_port}"))
        .env_remove("TRUNKLINE_SIP");
    if let Some(port) = sip_port {
        command.arg("--sip").arg(format!("127.0.0.1:{port}"));
    }
    command.args(more);
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn trunkline");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(Some(line)) = lines.next_line().await {
            // Written to a pipe, as to a file or journald: no terminal colour codes.
            assert!(
                !line.contains('\u{1b}'),
                "escape codes in the log: {line:?}"
            );
            // The console starts after SIP: once it listens, both do.
            if line.contains("console on") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ready, Ok(true), "trunkline did not start");
    // Keep draining the log so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}

/// Starts the binary with SIP on `sip_port`, the console anywhere.
pub async fn start_server(database: &Path, sip_port: u16) -> Child {
    start_server_on(database, sip_port, 0).await
}

/// Runs `trunkline --database <database> <args…>` and returns its
/// standard output, failing the test if it fails.
pub async fn run_cli(database: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_trunkline"))
        .arg("--database")
        .arg(database)
        .args(args)
        .output()
        .await
        .expect("run trunkline");
    assert!(
        output.status.success(),
        "trunkline {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The count after `label:` in `sip show stats`.
pub fn stats_count(stats: &str, label: &str) -> u64 {
    stats
        .lines()
        .find_map(|line| line.strip_prefix(label)?.strip_prefix(':'))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {label:?} in {stats}"))
}
