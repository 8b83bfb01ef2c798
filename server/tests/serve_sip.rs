//! The real `trunkline serve` binary on 127.0.0.1: its SIP port answers a
//! real SIPp's OPTIONS over UDP and TCP, as a provider's qualify would see,
//! and `trunkline sip show stats` counts what came in.

mod common;

use common::serve::{free_port, run_cli, sipp_client, start_server, start_server_on};

#[tokio::test]
async fn serve_answers_options_over_udp_and_tcp() {
    let port = free_port();
    let dir =
        std::env::temp_dir().join(format!("trunkline-serve-sip-{}-{port}", std::process::id()));
    let mut server = start_server(&dir.join("t.db"), port).await;
    for transport in ["u1", "t1"] {
        let (ok, errors) = sipp_client("options_uac.xml", port, transport, &[]).await;
        assert!(ok, "sipp got no 200 to OPTIONS over {transport}: {errors}");
    }
    let _ = server.kill().await;
}

/// The count after `label:` in `sip show stats`.
fn count(stats: &str, label: &str) -> u64 {
    stats
        .lines()
        .find_map(|line| line.strip_prefix(label)?.strip_prefix(':'))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {label:?} in {stats}"))
}

#[tokio::test]
async fn sip_show_stats_counts_messages_and_what_was_not_sip() {
    let (sip_port, http_port) = (free_port(), free_port());
    let dir = std::env::temp_dir().join(format!(
        "trunkline-serve-stats-{}-{sip_port}",
        std::process::id()
    ));
    let db = dir.join("t.db");
    let mut server = start_server_on(&db, sip_port, http_port).await;
    let http = format!("127.0.0.1:{http_port}");
    let before = run_cli(&db, &["sip", "show", "stats", "--http", &http]).await;
    assert_eq!(count(&before, "Not SIP (answered 400 or dropped)"), 0);

    // Two datagrams that are not SIP, then a real OPTIONS exchange.
    let junk = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    for datagram in ["hello\r\n\r\n", "GET / HTTP/1.1\r\n\r\n"] {
        junk.send_to(datagram.as_bytes(), ("127.0.0.1", sip_port))
            .expect("send");
    }
    let (ok, errors) = sipp_client("options_uac.xml", sip_port, "u1", &[]).await;
    assert!(ok, "sipp got no 200 to OPTIONS: {errors}");

    let after = run_cli(&db, &["sip", "show", "stats", "--http", &http]).await;
    assert_eq!(
        count(&after, "Not SIP (answered 400 or dropped)"),
        2,
        "{after}"
    );
    assert!(count(&after, "SIP messages received") >= 3, "{after}");
    assert!(count(&after, "SIP messages sent") >= 1, "{after}");
    assert_eq!(
        count(&after, "Turned away with 503 (overload)"),
        0,
        "{after}"
    );
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(&dir);
}
