//! The call tests' PBX: the real binary on a prepared database (trunks,
//! users, outgoing and incoming calls of the seed) and SIPp peers with
//! bounded lifetimes, their wire logs kept for a failing test.

use super::serve::{free_port, start_server_on};
use app::model::calls::CallLogEntry;
use app::model::incall::IncallInput;
use app::model::outcall::{ExtenInput, OutcallInput};
use app::model::trunk::TrunkInput;
use app::model::user::UserInput;
use app::ssr::state::Core;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

pub const PASSWORD_1000: &str = "phone-secret-1000";
pub const PASSWORD_1001: &str = "phone-secret-1001";
/// Longest any SIPp of these tests may run.
pub const SIPP_LIMIT: Duration = Duration::from_secs(25);

/// One SIPp process of a test, tracing its messages to `<dir>/<name>.log`.
pub struct Sipp {
    pub name: String,
    pub child: Child,
    pub dir: PathBuf,
    pub status: Option<bool>,
}

impl Sipp {
    /// Starts `tests/sipp/<scenario>` from 127.0.0.1:`local_port`, as a
    /// client of 127.0.0.1:`remote` or (None) as a server.
    pub fn start(
        dir: &Path,
        name: &str,
        scenario: &str,
        local_port: u16,
        remote: Option<u16>,
        args: &[&str],
    ) -> Self {
        let remote = remote.map(|port| format!("127.0.0.1:{port}"));
        let local = ("127.0.0.1", local_port);
        let sipp = Command::new("sipp");
        Self::start_with(sipp, dir, name, scenario, local, remote.as_deref(), args)
    }

    /// Like [`Sipp::start`], through `command` (`sipp`, or a prefix that
    /// ends with it, as `ip netns exec <ns> sipp` for the network lab),
    /// bound to `local` (ip, port), as a client of `remote` (`ip:port`)
    /// or (None) as a server.
    pub fn start_with(
        mut command: Command,
        dir: &Path,
        name: &str,
        scenario: &str,
        (local_ip, local_port): (&str, u16),
        remote: Option<&str>,
        args: &[&str],
    ) -> Self {
        let stderr = std::fs::File::create(dir.join(format!("{name}.stderr"))).expect("stderr");
        command
            .arg("-sf")
            .arg(format!(
                "{}/tests/sipp/{scenario}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .args(["-i", local_ip, "-p", &local_port.to_string(), "-t", "u1"])
            .args(["-m", "1", "-timeout", "20s", "-timeout_error", "-nostdin"])
            .arg("-trace_msg")
            .arg("-message_file")
            .arg(dir.join(format!("{name}.log")))
            .arg("-trace_err")
            .arg("-error_file")
            .arg(dir.join(format!("{name}.err")))
            .args(args);
        if let Some(remote) = remote {
            command.arg(remote);
        }
        let child = command
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(stderr))
            .kill_on_drop(true)
            .spawn()
            .expect("sipp (Debian package sip-tester) must be installed");
        Self {
            name: name.to_owned(),
            child,
            dir: dir.to_owned(),
            status: None,
        }
    }

    /// Waits (at most `SIPP_LIMIT`) for SIPp to end; true when it exited 0.
    /// Killed (and false) when it outlives the limit.
    pub async fn finish(&mut self) -> bool {
        if let Some(ok) = self.status {
            return ok;
        }
        let ok = match tokio::time::timeout(SIPP_LIMIT, self.child.wait()).await {
            Ok(Ok(status)) => status.success(),
            _ => {
                let _ = self.child.kill().await;
                false
            }
        };
        self.status = Some(ok);
        ok
    }

    /// Ends a SIPp that is still waiting for something.
    pub async fn stop(&mut self) {
        if self.status.is_none() {
            let _ = self.child.kill().await;
            let _ = self.child.wait().await;
            self.status = Some(false);
        }
    }

    /// Everything this SIPp sent and received, and what it complained of.
    pub fn wire(&self) -> String {
        let read = |ext: &str| {
            std::fs::read_to_string(self.dir.join(format!("{}.{ext}", self.name)))
                .unwrap_or_default()
        };
        format!(
            "==== {} messages ====\n{}\n==== {} errors ====\n{}{}\n",
            self.name,
            read("log"),
            self.name,
            read("err"),
            read("stderr")
        )
    }

    /// How many SIP messages this SIPp received.
    pub fn received(&self) -> usize {
        std::fs::read_to_string(self.dir.join(format!("{}.log", self.name)))
            .unwrap_or_default()
            .matches("message received")
            .count()
    }
}

/// The wire of every SIPp, for assertion messages.
pub fn wires(all: &[&Sipp]) -> String {
    all.iter().map(|s| s.wire()).collect()
}

/// True once something listens on UDP 127.0.0.1:`port` (read from
/// /proc/net/udp, so the probe never takes the port itself).
pub fn udp_bound(port: u16) -> bool {
    let needle = format!("0100007F:{port:04X}");
    std::fs::read_to_string("/proc/net/udp")
        .map(|t| {
            t.lines()
                .any(|l| l.split_whitespace().nth(1) == Some(&needle))
        })
        .unwrap_or(false)
}

/// Waits (at most 5 s) for a SIPp server to listen on `port`.
pub async fn listening(port: u16) {
    for _ in 0..100 {
        if udp_bound(port) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing listens on udp 127.0.0.1:{port}");
}

/// A running PBX with its database, and the ports of its two providers.
pub struct Pbx {
    pub dir: PathBuf,
    pub sip_port: u16,
    /// The console and REST API.
    pub http_port: u16,
    pub provider_port: u16,
    pub backup_port: u16,
    pub server: Child,
}

impl Pbx {
    /// The database of the brief: trunks `provider_username` (on
    /// `provider_port`) and `backup` (on `backup_port`), both static
    /// 127.0.0.1 over UDP without registration or monitoring; users 1000
    /// (Front Desk) and 1001 (Bob); the outgoing call "provider" (`418.`
    /// through both trunks, in that order); DID 4185550000 → 1000.
    pub async fn start(name: &str) -> Self {
        let dir = Self::fresh_dir(name);
        let provider_port = free_port();
        let backup_port = free_port();
        prepare(&dir.join("t.db"), provider_port, backup_port).await;
        let mut pbx = Self::launch(dir, free_port()).await;
        pbx.provider_port = provider_port;
        pbx.backup_port = backup_port;
        pbx
    }

    /// An empty directory for one PBX of test `name`; its database is
    /// `t.db` in it.
    pub fn fresh_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("trunkline-calls-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("test dir");
        dir
    }

    /// Starts the binary on the database already prepared in `dir`, with
    /// SIP on `sip_port` (no providers of the brief).
    pub async fn launch(dir: PathBuf, sip_port: u16) -> Self {
        let http_port = free_port();
        let server = start_server_on(&dir.join("t.db"), sip_port, http_port).await;
        Self {
            dir,
            sip_port,
            http_port,
            provider_port: 0,
            backup_port: 0,
            server,
        }
    }

    /// The call log, once it holds at least `count` calls (waiting at most
    /// 3 s: the log is written just after a call ends).
    pub async fn call_log(&self, count: usize) -> Vec<CallLogEntry> {
        call_log(&self.dir.join("t.db"), count).await
    }

    pub fn sipp(
        &self,
        name: &str,
        scenario: &str,
        local_port: u16,
        client: bool,
        args: &[&str],
    ) -> Sipp {
        let remote = client.then_some(self.sip_port);
        Sipp::start(&self.dir, name, scenario, local_port, remote, args)
    }

    /// Registers `line` from a fresh port and starts `scenario` as a UAS
    /// there, named `name`: a phone that rings when `line` is called.
    pub async fn ringing_phone(
        &self,
        name: &str,
        line: &str,
        password: &str,
        scenario: &str,
    ) -> Sipp {
        let port = free_port();
        let mut register = self.sipp(
            &format!("register-{name}"),
            "phone_register_uac.xml",
            port,
            true,
            &["-s", line, "-au", line, "-ap", password],
        );
        assert!(
            register.finish().await,
            "line {line} did not register (dir {:?}):\n{}",
            self.dir,
            register.wire()
        );
        let phone = self.sipp(name, scenario, port, false, &["-s", line]);
        listening(port).await;
        phone
    }

    /// A provider UAS on the port of trunk `provider_username` (or, when
    /// `backup`, of trunk `backup`).
    pub async fn provider(&self, name: &str, scenario: &str, backup: bool) -> Sipp {
        let port = if backup {
            self.backup_port
        } else {
            self.provider_port
        };
        let provider = self.sipp(name, scenario, port, false, &[]);
        listening(port).await;
        provider
    }

    /// Phone `caller` (password `password`) dialing `number` with
    /// `scenario`, from a fresh port.
    /// The front desk (1000) dials `number` with `scenario`.
    pub fn desk_dials(&self, scenario: &str, number: &str) -> Sipp {
        self.dial("dial-1000", scenario, "1000", PASSWORD_1000, number)
    }

    pub fn dial(
        &self,
        name: &str,
        scenario: &str,
        caller: &str,
        password: &str,
        number: &str,
    ) -> Sipp {
        self.sipp(
            name,
            scenario,
            free_port(),
            true,
            &[
                "-s", number, "-key", "caller", caller, "-au", caller, "-ap", password,
            ],
        )
    }

    /// Stops the server; removes the directory when the test passed
    /// (unless `TRUNKLINE_KEEP_SIPP_LOGS` is set).
    /// Waits for every SIPp, fails the test naming those that failed
    /// (with every wire), then ends the PBX.
    pub async fn expect_all_ok(self, what: &str, sipps: &mut [&mut Sipp]) {
        let mut failed = Vec::new();
        for s in sipps.iter_mut() {
            if !s.finish().await {
                failed.push(s.name.clone());
            }
        }
        let wire = wires(&sipps.iter().map(|s| &**s).collect::<Vec<_>>());
        assert!(
            failed.is_empty(),
            "{what}: {failed:?} failed (dir {:?})\n{wire}",
            self.dir
        );
        self.end(sipps).await;
    }

    pub async fn end(mut self, sipps: &mut [&mut Sipp]) {
        for s in sipps.iter_mut() {
            s.stop().await;
        }
        let _ = self.server.kill().await;
        let _ = self.server.wait().await;
        if !std::thread::panicking() && std::env::var_os("TRUNKLINE_KEEP_SIPP_LOGS").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The call log of database `db` once it holds at least `count` calls
/// (at most 3 s: it is written just after a call ends).
pub async fn call_log(db: &Path, count: usize) -> Vec<CallLogEntry> {
    let mut calls = Vec::new();
    for _ in 0..30 {
        let pool = app::ssr::db::open(db).await.expect("database");
        calls = app::ssr::store::call_log::latest(&pool, 100)
            .await
            .expect("call log");
        pool.close().await;
        if calls.len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    calls
}

/// A trunk to 127.0.0.1:`port` over UDP, without registration or monitoring.
fn trunk(name: &str, user: &str, secret: &str, port: u16) -> TrunkInput {
    TrunkInput {
        name: name.into(),
        auth_username: user.into(),
        secret: secret.into(),
        host_type: "static".into(),
        host: "127.0.0.1".into(),
        port: port.to_string(),
        register: false,
        monitoring: "no".into(),
        ..TrunkInput::default()
    }
}

/// A user of context `default` with a SIP line.
fn user(first: &str, last: &str, exten: &str, password: &str) -> UserInput {
    UserInput {
        firstname: first.into(),
        lastname: last.into(),
        exten: exten.into(),
        line_password: password.into(),
        ..UserInput::default()
    }
}

/// An office for the two-Trunklines test, as XiVO's "Interconnect two
/// XiVO directly" sets one up: a trunk named `peer` to the other office's
/// SIP port (context `from-extern`), an outgoing call sending
/// `peer_pattern` through it, one user (`exten`, password `password`)
/// and an incoming call from its extension to that user, so the other
/// office reaches them by dialing the extension.
pub async fn prepare_office(
    path: &Path,
    peer: &str,
    peer_port: u16,
    peer_pattern: &str,
    (first, exten, password): (&str, &str, &str),
) {
    use app::ssr::service::{incalls, outcalls, trunks, users};
    let pool = app::ssr::db::open(path).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let trunk_id = trunks::create(&core, &trunk(peer, "", "", peer_port))
        .await
        .expect("trunk to the other office")
        .id;
    let user_id = users::create(&core, &user(first, "", exten, password))
        .await
        .expect("user")
        .view
        .id;
    outcalls::create(
        &core,
        &OutcallInput {
            name: peer.into(),
            trunks: vec![trunk_id],
            extens: vec![ExtenInput {
                pattern: peer_pattern.into(),
                ..ExtenInput::default()
            }],
            ..OutcallInput::default()
        },
    )
    .await
    .expect("outgoing call to the other office");
    incalls::create(
        &core,
        &IncallInput {
            did: exten.into(),
            destination: "user".into(),
            user_id: Some(user_id),
            ..IncallInput::default()
        },
    )
    .await
    .expect("incoming call from the other office");
    pool.close().await;
}

pub async fn prepare(path: &Path, provider_port: u16, backup_port: u16) {
    use app::ssr::service::{incalls, outcalls, trunks, users};
    let pool = app::ssr::db::open(path).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let provider = trunks::create(
        &core,
        &trunk(
            "provider_username",
            "provider_username",
            "provider_password",
            provider_port,
        ),
    )
    .await
    .expect("trunk provider_username")
    .id;
    let backup = trunks::create(
        &core,
        &trunk("backup", "backup_username", "backup_password", backup_port),
    )
    .await
    .expect("trunk backup")
    .id;
    let desk = users::create(&core, &user("Front", "Desk", "1000", PASSWORD_1000))
        .await
        .expect("user 1000")
        .view
        .id;
    users::create(&core, &user("Bob", "", "1001", PASSWORD_1001))
        .await
        .expect("user 1001");
    outcalls::create(
        &core,
        &OutcallInput {
            name: "provider".into(),
            trunks: vec![provider, backup],
            extens: vec![ExtenInput {
                pattern: "418.".into(),
                ..ExtenInput::default()
            }],
            ..OutcallInput::default()
        },
    )
    .await
    .expect("outgoing call");
    incalls::create(
        &core,
        &IncallInput {
            did: "4185550000".into(),
            destination: "user".into(),
            user_id: Some(desk),
            ..IncallInput::default()
        },
    )
    .await
    .expect("incoming call");
    pool.close().await;
}
