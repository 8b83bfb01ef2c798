//! Issue 17 item 1: the SIP loop never waits on the network. A TCP
//! connection to a peer that drops SYNs, and a trunk name no DNS server
//! answers for, used to stop every SIP message, UDP too, for 130 s and for
//! the resolver's timeouts. Both run in the lab (tests/common/lab.rs):
//! Trunkline on 192.168.77.2, probes from the phone's address. Needs root,
//! iproute2 and nftables.

mod common;

use app::model::trunk::TrunkInput;
use app::ssr::state::Core;
use common::lab::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// Stores `trunks` in a fresh database at `db`.
async fn prepare(db: &Path, trunks: &[TrunkInput]) {
    let pool = app::ssr::db::open(db).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    for trunk in trunks {
        app::ssr::service::trunks::create(&core, trunk)
            .await
            .expect("trunk");
    }
    pool.close().await;
}

/// A static trunk to `host`, registering over `transport` when `register`.
fn trunk(name: &str, host: &str, register: bool, transport: &str) -> TrunkInput {
    TrunkInput {
        name: name.into(),
        auth_username: name.into(),
        secret: "trunk-secret".into(),
        host_type: "static".into(),
        host: host.into(),
        port: "5060".into(),
        register,
        reg_transport: transport.into(),
        reg_username: name.into(),
        reg_secret: "trunk-secret".into(),
        reg_server: host.into(),
        reg_port: "5060".into(),
        monitoring: "no".into(),
        ..TrunkInput::default()
    }
}

/// Runs an nftables ruleset inside `ns`.
fn nft(lab: &Lab, ns: Ns, rules: &str) {
    let file = lab.dir.join(format!("{}.nft", lab.ns(ns)));
    std::fs::write(&file, rules).expect("rules");
    let status = std::process::Command::new("ip")
        .args(["netns", "exec", &lab.ns(ns), "nft", "-f"])
        .arg(&file)
        .status()
        .expect("nft");
    assert!(status.success(), "nft in {ns:?}");
}

/// Sends `count` OPTIONS from the phone's address, one every 200 ms, and
/// returns how long each took to be answered 200 (`None`: not within 1 s).
fn probe_options(lab: &Lab, count: usize) -> Vec<Option<Duration>> {
    let socket = lab.udp(Ns::Phone, "0.0.0.0:0");
    socket
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let port = socket.local_addr().expect("local").port();
    let mut buf = [0u8; 4096];
    (0..count)
        .map(|n| {
            let request = format!(
                "OPTIONS sip:{PBX_IP}:5060 SIP/2.0\r\n\
                 Via: SIP/2.0/UDP {PHONE_IP}:{port};branch=z9hG4bKprobe{n}\r\n\
                 Max-Forwards: 70\r\n\
                 From: <sip:probe@{PHONE_IP}>;tag=p{n}\r\n\
                 To: <sip:{PBX_IP}>\r\n\
                 Call-ID: probe-{n}@{PHONE_IP}\r\n\
                 CSeq: 1 OPTIONS\r\n\
                 Content-Length: 0\r\n\r\n"
            );
            let sent = Instant::now();
            socket
                .send_to(request.as_bytes(), (PBX_IP, 5060))
                .expect("send");
            let answer = loop {
                if sent.elapsed() > Duration::from_secs(1) {
                    break None;
                }
                let Ok((len, _)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                let text = String::from_utf8_lossy(&buf[..len]);
                if text.starts_with("SIP/2.0 200") && text.contains(&format!("probe-{n}@")) {
                    break Some(sent.elapsed());
                }
            };
            std::thread::sleep(Duration::from_millis(200).saturating_sub(sent.elapsed()));
            answer
        })
        .collect()
}

fn all_answered(lab: &Lab, what: &str, answers: &[Option<Duration>]) {
    assert!(
        answers.iter().all(Option::is_some),
        "{what}: OPTIONS answered within 1 s: {answers:?}\n{}",
        lab.trunkline_log()
    );
}

#[tokio::test]
async fn a_peer_that_drops_syns_does_not_stop_sip() {
    let lab = Lab::new("syn-drop");
    // The phone's address takes no new TCP connection and says nothing:
    // a phone gone offline behind NAT, or a port that drops SYNs.
    nft(
        &lab,
        Ns::Phone,
        "table inet syndrop {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    tcp flags & (syn | ack) == syn drop\n  }\n}\n",
    );
    let db = lab.dir.join("t.db");
    // Registering over TCP there makes Trunkline connect to it at start.
    prepare(&db, &[trunk("blackhole", PHONE_IP, true, "tcp")]).await;
    let mut pbx = lab.start_trunkline(&db, &[]).await;
    // The REGISTER's connection attempt is under way (it would last the
    // kernel's 2 min of SYN retries); SIP over UDP must go on meanwhile.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let answers = probe_options(&lab, 10);
    all_answered(&lab, "while a TCP connect hangs", &answers);
    let _ = pbx.kill().await;
}

/// `/etc/netns/<ns>/resolv.conf`, which `ip netns exec` puts in place of
/// /etc/resolv.conf for what runs in that namespace; removed on drop.
struct Resolver(std::path::PathBuf);

impl Resolver {
    fn new(lab: &Lab, ns: Ns, conf: &str) -> Self {
        let dir = Path::new("/etc/netns").join(lab.ns(ns));
        std::fs::create_dir_all(&dir).expect("/etc/netns dir");
        std::fs::write(dir.join("resolv.conf"), conf).expect("resolv.conf");
        Self(dir)
    }
}

impl Drop for Resolver {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn a_trunk_name_that_does_not_resolve_delays_nothing() {
    let lab = Lab::new("dns-silent");
    // The PBX's DNS server is on the internet, which drops every query: the
    // resolver waits out its timeouts (5 s, 3 tries) for each name.
    let _resolver = Resolver::new(
        &lab,
        Ns::Pbx,
        &format!("nameserver {PROVIDER_IP}\noptions timeout:5 attempts:3\n"),
    );
    nft(
        &lab,
        Ns::Inet,
        "table inet nodns {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    udp dport 53 drop\n    tcp dport 53 drop\n  }\n}\n",
    );
    let db = lab.dir.join("t.db");
    prepare(
        &db,
        &[
            trunk("named", "voip.provider.example", false, "udp"),
            trunk("literal", PROVIDER_IP, false, "udp"),
        ],
    )
    .await;
    let started = Instant::now();
    let mut pbx = lab.start_trunkline(&db, &[]).await;
    let answers = probe_options(&lab, 5);
    all_answered(&lab, "while a trunk's name is looked up", &answers);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the start and the probes took {:?}",
        started.elapsed()
    );
    let _ = pbx.kill().await;
}
