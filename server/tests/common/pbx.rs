//! The call tests' PBX: the real binary on a prepared database (trunks,
//! users, outgoing and incoming calls of the seed) and SIPp peers with
//! bounded lifetimes, their wire logs kept for a failing test.

use super::net::free_port;
use super::serve::start_server_on;
use super::sipp::{wires, Sipp, SippBuilder};
use app::model::calls::CallLogEntry;
use app::model::incall::IncallInput;
use app::model::outcall::{ExtenInput, OutcallInput};
use app::model::trunk::TrunkInput;
use app::model::user::UserInput;
use app::ssr::state::Core;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::Child;

pub const PASSWORD_1000: &str = "phone-secret-1000";
pub const PASSWORD_1001: &str = "phone-secret-1001";

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

    /// SIPp `scenario` named `name`, its logs in this PBX's directory.
    pub fn sipp(&self, name: &str, scenario: &str) -> SippBuilder {
        Sipp::scenario(scenario).name(name).dir(&self.dir)
    }

    /// SIPp `scenario` named `name` as a client of this PBX's SIP port.
    pub fn sipp_client(&self, name: &str, scenario: &str) -> SippBuilder {
        self.sipp(name, scenario)
            .remote(format!("127.0.0.1:{}", self.sip_port))
    }

    /// Registers `line` from a fresh port and starts `scenario` as a UAS
    /// there, named `name`: a phone that rings when `line` is called.
    /// Returns once it listens.
    pub async fn ringing_phone(
        &self,
        name: &str,
        line: &str,
        password: &str,
        scenario: &str,
    ) -> Sipp {
        let port = free_port();
        let mut register = self
            .sipp_client(&format!("register-{name}"), "phone_register_uac.xml")
            .local_port(port)
            .args(["-s", line, "-au", line, "-ap", password])
            .spawn();
        assert!(
            register.finish().await,
            "line {line} did not register (dir {:?}):\n{}",
            self.dir,
            register.wire()
        );
        self.sipp(name, scenario)
            .local_port(port)
            .args(["-s", line])
            .spawn_listening()
            .await
    }

    /// A provider UAS on the port of trunk `provider_username` (or, when
    /// `backup`, of trunk `backup`); returns once it listens.
    pub async fn provider(&self, name: &str, scenario: &str, backup: bool) -> Sipp {
        let port = if backup {
            self.backup_port
        } else {
            self.provider_port
        };
        self.sipp(name, scenario)
            .local_port(port)
            .spawn_listening()
            .await
    }

    /// The front desk (1000) dials `number` with `scenario`.
    pub fn desk_dials(&self, scenario: &str, number: &str) -> Sipp {
        self.dial("dial-1000", scenario, "1000", PASSWORD_1000, number)
    }

    /// Phone `caller` (password `password`) dialing `number` with
    /// `scenario`, from a fresh port.
    pub fn dial(
        &self,
        name: &str,
        scenario: &str,
        caller: &str,
        password: &str,
        number: &str,
    ) -> Sipp {
        self.sipp_client(name, scenario)
            .args(["-s", number, "-key", "caller", caller])
            .args(["-au", caller, "-ap", password])
            .spawn()
    }

    /// Waits for every SIPp, fails the test naming those that failed
    /// (with every wire), then ends the PBX.
    pub async fn expect_all_ok(self, what: &str, sipps: &mut [&mut Sipp]) {
        self.expect_all_finished(what, sipps).await;
        self.end(sipps).await;
    }

    /// Waits for every SIPp and fails the test naming those that failed
    /// (with every wire); the PBX keeps running, to be asked what it did.
    pub async fn expect_all_finished(&self, what: &str, sipps: &mut [&mut Sipp]) {
        let mut failed = Vec::new();
        for s in sipps.iter_mut() {
            if !s.finish().await {
                failed.push(s.name().to_owned());
            }
        }
        let wire = wires(&sipps.iter().map(|s| &**s).collect::<Vec<_>>());
        assert!(
            failed.is_empty(),
            "{what}: {failed:?} failed (dir {:?})\n{wire}",
            self.dir
        );
    }

    /// `GET path` on the REST API with the CLI's token; (status, JSON).
    pub async fn rest(&self, path: &str) -> (u16, serde_json::Value) {
        let token = std::fs::read_to_string(trunkline::control::token_path(&self.dir.join("t.db")))
            .expect("cli token written by serve");
        let (status, body) =
            super::rest::http(self.http_port, "GET", path, Some(token.trim()), "").await;
        (status, serde_json::from_str(&body).unwrap_or_default())
    }

    /// Stops every SIPp and the server; removes the directory when the
    /// test passed (unless `TRUNKLINE_KEEP_SIPP_LOGS` is set).
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
