//! Instant apply, on the wire: each configuration snapshot the console
//! publishes reaches the engine, which registers new trunks, re-registers
//! changed ones, un-registers (`Expires: 0`) deleted or disabled ones and
//! leaves the others alone. The provider is a real UDP socket on
//! 127.0.0.1 that answers 200 and records every REGISTER it receives.

use app::model::config::{Secret, TrunkConfig};
use app::model::trunk::{TrunkInput, ValidationContext};
use app::model::PbxConfig;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch};
use trunkline::engine::{start, EngineOptions};

/// (From user, requested expiry) of one REGISTER.
type Seen = (String, u32);

fn header<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines()
        .find(|l| {
            l.len() > name.len()
                && l[..name.len()].eq_ignore_ascii_case(name)
                && l[name.len()..].starts_with(':')
        })
        .map(|l| l[name.len() + 1..].trim())
}

/// Answers every REGISTER with 200 and reports what it asked for.
async fn provider() -> (u16, mpsc::UnboundedReceiver<Seen>) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind provider");
    let port = socket.local_addr().expect("addr").port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 65_536];
        while let Ok((n, from)) = socket.recv_from(&mut buf).await {
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            if !text.starts_with("REGISTER ") {
                continue;
            }
            let from_hdr = header(&text, "From").unwrap_or("");
            let user = from_hdr
                .split("sip:")
                .nth(1)
                .and_then(|r| r.split('@').next())
                .unwrap_or("")
                .to_owned();
            let expires = header(&text, "Expires")
                .and_then(|e| e.parse().ok())
                .unwrap_or(u32::MAX);
            let _ = tx.send((user, expires));
            let contact = header(&text, "Contact").unwrap_or("");
            let mut response = String::from("SIP/2.0 200 OK\r\n");
            for name in ["Via", "From", "Call-ID", "CSeq"] {
                if let Some(v) = header(&text, name) {
                    response.push_str(&format!("{name}: {v}\r\n"));
                }
            }
            response.push_str(&format!(
                "To: {};tag=prov\r\n",
                header(&text, "To").unwrap_or("")
            ));
            if expires > 0 {
                response.push_str(&format!("Contact: {contact};expires={expires}\r\n"));
            }
            response.push_str("Content-Length: 0\r\n\r\n");
            let _ = socket.send_to(response.as_bytes(), from).await;
        }
    });
    (port, rx)
}

fn trunk(id: i64, user: &str, port: u16, expiry: u32) -> TrunkConfig {
    let input = TrunkInput {
        name: user.into(),
        register: true,
        secret: "pw".into(),
        reg_username: user.into(),
        reg_server: "127.0.0.1".into(),
        reg_port: port.to_string(),
        reg_expiry: expiry.to_string(),
        ..TrunkInput::default()
    };
    let ctx = ValidationContext {
        incall_contexts: vec!["from-extern".into()],
        ..Default::default()
    };
    let (trunk, _) = input.validate(&ctx).expect("valid trunk");
    TrunkConfig {
        id,
        version: 1,
        trunk,
        secret: Secret::new("pw"),
        reg_secret: Secret::default(),
    }
}

/// Everything the provider receives within `window`.
async fn collect(rx: &mut mpsc::UnboundedReceiver<Seen>, window: Duration) -> Vec<Seen> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + window;
    while let Ok(Some(item)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        seen.push(item);
    }
    seen
}

fn publish(tx: &watch::Sender<Arc<PbxConfig>>, trunks: Vec<TrunkConfig>) {
    let generation = tx.borrow().generation + 1;
    tx.send_replace(Arc::new(PbxConfig {
        generation,
        trunks,
        ..PbxConfig::default()
    }));
}

#[tokio::test]
async fn snapshots_register_reregister_unregister_and_leave_others_alone() {
    let (port, mut wire) = provider().await;
    let (config, config_rx) = watch::channel(Arc::new(PbxConfig::default()));
    let (stop, stopped) = watch::channel(false);
    let options = EngineOptions {
        sip_bind: "127.0.0.1:0".parse().expect("addr"),
        external_address: None,
    };
    let (call_log, _ended) = tokio::sync::mpsc::unbounded_channel();
    let (unmatched, _unmatched) = tokio::sync::mpsc::unbounded_channel();
    let (_, link) = start(options, config_rx, Vec::new(), call_log, unmatched, stopped)
        .await
        .expect("engine");

    // Two new trunks: both register at once.
    publish(
        &config,
        vec![trunk(1, "alpha", port, 600), trunk(2, "bravo", port, 600)],
    );
    let mut seen = collect(&mut wire, Duration::from_secs(2)).await;
    seen.sort();
    assert_eq!(seen, vec![("alpha".into(), 600), ("bravo".into(), 600)]);

    // The registry says so.
    let mut registry = link.registry.clone();
    let registered = tokio::time::timeout(
        Duration::from_secs(5),
        registry.wait_for(|rows| rows.len() == 2 && rows.iter().all(|r| r.state == "Registered")),
    )
    .await
    // Drop the borrow at once: holding it would block the engine's next update.
    .map(|r| r.is_ok());
    assert_eq!(registered, Ok(true), "both trunks should show Registered");

    // Alpha's expiry changes: alpha alone registers again.
    publish(
        &config,
        vec![trunk(1, "alpha", port, 900), trunk(2, "bravo", port, 600)],
    );
    let seen = collect(&mut wire, Duration::from_secs(2)).await;
    assert_eq!(
        seen,
        vec![("alpha".into(), 900)],
        "only the changed trunk re-registers"
    );

    // The same snapshot again changes nothing on the wire.
    publish(
        &config,
        vec![trunk(1, "alpha", port, 900), trunk(2, "bravo", port, 600)],
    );
    assert_eq!(collect(&mut wire, Duration::from_secs(1)).await, vec![]);

    // Bravo is deleted: it un-registers with Expires: 0.
    publish(&config, vec![trunk(1, "alpha", port, 900)]);
    let seen = collect(&mut wire, Duration::from_secs(2)).await;
    assert_eq!(seen, vec![("bravo".into(), 0)]);

    // Alpha is disabled: it un-registers too.
    let mut disabled = trunk(1, "alpha", port, 900);
    disabled.trunk.disabled = true;
    publish(&config, vec![disabled]);
    let seen = collect(&mut wire, Duration::from_secs(2)).await;
    assert_eq!(seen, vec![("alpha".into(), 0)]);

    let _ = stop.send(true);
}
