//! The real `trunkline serve` binary on 127.0.0.1: its SIP port answers a
//! real SIPp's OPTIONS over UDP and TCP, as a provider's qualify would see,
//! and `trunkline sip show stats` counts what came in.

mod common;

use common::net::{free_port, Proto};
use common::serve::{run_cli, start_server, start_server_on, start_server_with, stats_count};
use common::sipp::Sipp;

/// A SIPp OPTIONS to 127.0.0.1:`port` over `proto`: (got 200, its wire).
async fn options(port: u16, proto: Proto) -> (bool, String) {
    Sipp::scenario("options_uac.xml")
        .remote(format!("127.0.0.1:{port}"))
        .transport(proto)
        .run()
        .await
}

#[tokio::test]
async fn serve_answers_options_over_udp_and_tcp() {
    let port = free_port();
    let dir =
        std::env::temp_dir().join(format!("trunkline-serve-sip-{}-{port}", std::process::id()));
    let mut server = start_server(&dir.join("t.db"), port).await;
    for transport in [Proto::Udp, Proto::Tcp] {
        let (ok, errors) = options(port, transport).await;
        assert!(
            ok,
            "sipp got no 200 to OPTIONS over {transport:?}: {errors}"
        );
    }
    let _ = server.kill().await;
}

/// Lowers this process's soft open-file limit to `soft` (its children
/// start from it), as the usual default of 1,024 is.
fn lower_open_files_soft_limit(soft: u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is valid and writable; lowering the soft limit needs no privilege.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        assert!(
            limit.rlim_max > soft,
            "the hard limit is already {soft} or less"
        );
        limit.rlim_cur = soft;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
    }
}

#[tokio::test]
async fn sip_show_stats_counts_messages_and_what_was_not_sip() {
    let (sip_port, http_port) = (free_port(), free_port());
    let dir = std::env::temp_dir().join(format!(
        "trunkline-serve-stats-{}-{sip_port}",
        std::process::id()
    ));
    let db = dir.join("t.db");
    lower_open_files_soft_limit(1024);
    let mut server = start_server_on(&db, sip_port, http_port).await;
    let http = format!("127.0.0.1:{http_port}");
    let before = run_cli(&db, &["sip", "show", "stats", "--http", &http]).await;
    assert_eq!(stats_count(&before, "Not SIP (answered 400 or dropped)"), 0);

    // Two datagrams that are not SIP, then a real OPTIONS exchange.
    let junk = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    for datagram in ["hello\r\n\r\n", "GET / HTTP/1.1\r\n\r\n"] {
        junk.send_to(datagram.as_bytes(), ("127.0.0.1", sip_port))
            .expect("send");
    }
    let (ok, errors) = options(sip_port, Proto::Udp).await;
    assert!(ok, "sipp got no 200 to OPTIONS: {errors}");

    // Every connection holds a descriptor: the soft limit was raised to the hard one at start.
    let pid = server.id().expect("pid");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("limits");
    let open_files: Vec<&str> = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("Max open files")
        .split_whitespace()
        .collect();
    assert_eq!(
        open_files[3], open_files[4],
        "soft and hard: {open_files:?}"
    );

    let after = run_cli(&db, &["sip", "show", "stats", "--http", &http]).await;
    assert_eq!(
        stats_count(&after, "Not SIP (answered 400 or dropped)"),
        2,
        "{after}"
    );
    assert!(stats_count(&after, "SIP messages received") >= 3, "{after}");
    assert!(stats_count(&after, "SIP messages sent") >= 1, "{after}");
    assert_eq!(
        stats_count(&after, "Turned away with 503 (overload)"),
        0,
        "{after}"
    );
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The SIP bind saved under General settings → SIP (NAT) (chan_sip's
/// udpbindaddr) is where SIP listens from the next start, UDP and TCP; until
/// then it stays where it was bound; `--sip` overrides it; and a saved bind
/// this machine cannot take stops the start with a sentence naming the
/// setting and the way out, rather than a PBX that silently hears nothing.
#[tokio::test]
async fn the_saved_sip_bind_is_where_sip_listens_from_the_next_start() {
    use common::rest::http;
    let (first, saved, forced, http_port) = (free_port(), free_port(), free_port(), free_port());
    let dir = std::env::temp_dir().join(format!(
        "trunkline-serve-bind-{}-{first}",
        std::process::id()
    ));
    let db = dir.join("t.db");
    let mut server = start_server_on(&db, first, http_port).await;
    let token = std::fs::read_to_string(trunkline::control::token_path(&db)).expect("cli token");
    let token = Some(token.trim());
    let (_, body) = http(http_port, "GET", "/api/v1/nat", token, "").await;
    let stored: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(stored["bind_address"], "0.0.0.0:5060", "{body}");
    let put = serde_json::json!({
        "version": stored["version"],
        "external_address": "",
        "local_networks": stored["local_networks"],
        "bind_address": format!("127.0.0.1:{saved}"),
    });
    let (status, body) = http(http_port, "PUT", "/api/v1/nat", token, &put.to_string()).await;
    assert_eq!(status, 200, "{body}");
    let (ok, errors) = options(first, Proto::Udp).await;
    assert!(ok, "SIP moved before the restart: {errors}");
    let _ = server.kill().await;
    let _ = server.wait().await;

    let mut server = start_server_with(&db, None, http_port).await;
    for transport in [Proto::Udp, Proto::Tcp] {
        let (ok, errors) = options(saved, transport).await;
        assert!(ok, "no 200 on the saved bind over {transport:?}: {errors}");
    }
    let _ = server.kill().await;
    let _ = server.wait().await;

    let mut server = start_server_on(&db, forced, http_port).await;
    let (ok, errors) = options(forced, Proto::Udp).await;
    assert!(ok, "--sip did not override the saved bind: {errors}");
    let _ = server.kill().await;
    let _ = server.wait().await;

    // 192.0.2.1 (TEST-NET-1) is on no interface here: the bind fails.
    let pool = app::ssr::db::open(&db).await.expect("database");
    sqlx::query("UPDATE sip_nat SET bind_address = '192.0.2.1:5060'")
        .execute(&pool)
        .await
        .expect("bind changed");
    pool.close().await;
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_trunkline"))
            .arg("--database")
            .arg(&db)
            .args(["serve", "--http", "127.0.0.1:0"])
            .env_remove("TRUNKLINE_SIP")
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the start gives up at once")
    .expect("run trunkline");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "started on an address it lacks");
    assert!(
        stderr.contains("cannot listen for SIP on 192.0.2.1:5060")
            && stderr.contains("SIP bind saved under General settings")
            && stderr.contains("--sip"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An OPTIONS from 127.0.0.1:`from` with branch `n`, padded by `pad` headers of 4,000 bytes
/// (each line under the parser's 8 KiB limit).
fn raw_options(port: u16, from: u16, n: usize, pad: usize) -> Vec<u8> {
    let padding = format!("X-Padding: {}\r\n", "x".repeat(4_000)).repeat(pad);
    format!(
        "OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:{from};branch=z9hG4bK-burst-{n};rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:probe@127.0.0.1>;tag=t{n}\r\n\
         To: <sip:127.0.0.1:{port}>\r\n\
         Call-ID: burst-{n}@127.0.0.1\r\n\
         CSeq: 1 OPTIONS\r\n\
         {padding}\
         Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn a_burst_of_datagrams_and_one_past_the_mtu_are_each_answered() {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!(
        "trunkline-serve-burst-{}-{port}",
        std::process::id()
    ));
    let mut server = start_server(&dir.join("t.db"), port).await;
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    sock.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .expect("timeout");
    let from = sock.local_addr().expect("addr").port();
    // 40 small ones sent at once: more than one read of the driver's batch takes; and one of
    // about 20,000 bytes, far past an Ethernet MTU (loopback carries it whole).
    let big = 40;
    for n in 0..big {
        sock.send_to(&raw_options(port, from, n, 0), ("127.0.0.1", port))
            .expect("send");
    }
    sock.send_to(&raw_options(port, from, big, 5), ("127.0.0.1", port))
        .expect("send the large one");
    let mut answered = std::collections::BTreeSet::new();
    let mut buf = vec![0u8; 65_536];
    while answered.len() <= big {
        let Ok((len, _)) = sock.recv_from(&mut buf) else {
            break;
        };
        let text = String::from_utf8_lossy(&buf[..len]);
        if !text.starts_with("SIP/2.0 200") {
            continue;
        }
        let branch = text
            .split("branch=z9hG4bK-burst-")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse::<usize>().ok());
        answered.extend(branch);
    }
    let _ = server.kill().await;
    let missing: Vec<usize> = (0..=big).filter(|n| !answered.contains(n)).collect();
    assert!(
        missing.is_empty(),
        "no 200 to the OPTIONS numbered {missing:?} (the last is the one of about 20 KB)"
    );
}
