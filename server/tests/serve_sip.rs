//! The real `trunkline serve` binary on 127.0.0.1: its SIP port answers a
//! real SIPp's OPTIONS over UDP and TCP, as a provider's qualify would see.

use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn free_port() -> u16 {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("probe");
    socket.local_addr().expect("addr").port()
}

/// Starts the binary and waits for its "SIP on" log line.
async fn start_server(sip_port: u16) -> Child {
    let dir = std::env::temp_dir().join(format!(
        "trunkline-serve-sip-{}-{sip_port}",
        std::process::id()
    ));
    let mut child = Command::new(env!("CARGO_BIN_EXE_trunkline"))
        .arg("--database")
        .arg(dir.join("t.db"))
        .args(["serve", "--http", "127.0.0.1:0", "--sip"])
        .arg(format!("127.0.0.1:{sip_port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn trunkline");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("SIP on") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ready, Ok(true), "trunkline did not start its SIP listener");
    // Keep draining the log so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}

async fn sipp_options(sip_port: u16, transport: &str) {
    let scenario = format!("{}/tests/sipp/options_uac.xml", env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("sipp")
        .args([
            "-sf",
            &scenario,
            "-i",
            "127.0.0.1",
            "-m",
            "1",
            "-timeout",
            "15s",
            "-nostdin",
        ])
        .args(["-t", transport, "-p", &free_port().to_string()])
        .arg(format!("127.0.0.1:{sip_port}"))
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output()
        .await
        .expect("sipp (Debian package sip-tester) must be installed");
    assert!(
        output.status.success(),
        "sipp got no 200 to OPTIONS over {transport}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn serve_answers_options_over_udp_and_tcp() {
    let port = free_port();
    let mut server = start_server(port).await;
    sipp_options(port, "u1").await;
    sipp_options(port, "t1").await;
    let _ = server.kill().await;
}
