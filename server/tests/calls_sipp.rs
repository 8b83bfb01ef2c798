//! Calls through the real `trunkline serve` binary, with real SIPp phones
//! and providers on 127.0.0.1: internal calls 1000 → 1001 (either side
//! hangs up, forked to every contact, cancelled while ringing); outgoing
//! calls through a provider that challenges (answered once), failover to
//! the backup trunk on 503 and 408, 486 without failover, 503 when no
//! trunk is left; DIDs ringing the front desk (with or without `+`), only
//! from the trunk's own address and port; refused numbers (404); and
//! strangers or wrong passwords that never reach a trunk.
//!
//! A phone that is called is two SIPp runs on one port: it registers with
//! `phone_register_uac.xml` from that port, then `call_phone_answer*.xml`
//! answers there as a UAS (a SIPp client scenario drops INVITEs whose
//! Call-ID it does not know, so one scenario cannot do both).
//!
//! Every SIPp traces its messages to the test's directory; a failing
//! assertion prints them, and the directory is kept (always kept with
//! `TRUNKLINE_KEEP_SIPP_LOGS=1`).

mod common;

use app::model::incall::IncallInput;
use app::model::outcall::{ExtenInput, OutcallInput};
use app::model::trunk::TrunkInput;
use app::model::user::UserInput;
use app::ssr::state::Core;
use common::serve::{free_port, start_server_on};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

const PASSWORD_1000: &str = "phone-secret-1000";
const PASSWORD_1001: &str = "phone-secret-1001";
/// Longest any SIPp of these tests may run.
const SIPP_LIMIT: Duration = Duration::from_secs(25);

/// One SIPp process of a test, tracing its messages to `<dir>/<name>.log`.
struct Sipp {
    name: String,
    child: Child,
    dir: PathBuf,
    status: Option<bool>,
}

impl Sipp {
    /// Starts `tests/sipp/<scenario>` from 127.0.0.1:`local_port`, as a
    /// client of 127.0.0.1:`remote` or (None) as a server.
    fn start(
        dir: &Path,
        name: &str,
        scenario: &str,
        local_port: u16,
        remote: Option<u16>,
        args: &[&str],
    ) -> Self {
        let stderr = std::fs::File::create(dir.join(format!("{name}.stderr"))).expect("stderr");
        let mut command = Command::new("sipp");
        command
            .arg("-sf")
            .arg(format!(
                "{}/tests/sipp/{scenario}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .args(["-i", "127.0.0.1", "-p", &local_port.to_string(), "-t", "u1"])
            .args(["-m", "1", "-timeout", "20s", "-timeout_error", "-nostdin"])
            .arg("-trace_msg")
            .arg("-message_file")
            .arg(dir.join(format!("{name}.log")))
            .arg("-trace_err")
            .arg("-error_file")
            .arg(dir.join(format!("{name}.err")))
            .args(args);
        if let Some(port) = remote {
            command.arg(format!("127.0.0.1:{port}"));
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
    async fn finish(&mut self) -> bool {
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
    async fn stop(&mut self) {
        if self.status.is_none() {
            let _ = self.child.kill().await;
            let _ = self.child.wait().await;
            self.status = Some(false);
        }
    }

    /// Everything this SIPp sent and received, and what it complained of.
    fn wire(&self) -> String {
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
    fn received(&self) -> usize {
        std::fs::read_to_string(self.dir.join(format!("{}.log", self.name)))
            .unwrap_or_default()
            .matches("message received")
            .count()
    }
}

/// The wire of every SIPp, for assertion messages.
fn wires(all: &[&Sipp]) -> String {
    all.iter().map(|s| s.wire()).collect()
}

/// True once something listens on UDP 127.0.0.1:`port` (read from
/// /proc/net/udp, so the probe never takes the port itself).
fn udp_bound(port: u16) -> bool {
    let needle = format!("0100007F:{port:04X}");
    std::fs::read_to_string("/proc/net/udp")
        .map(|t| {
            t.lines()
                .any(|l| l.split_whitespace().nth(1) == Some(&needle))
        })
        .unwrap_or(false)
}

/// Waits (at most 5 s) for a SIPp server to listen on `port`.
async fn listening(port: u16) {
    for _ in 0..100 {
        if udp_bound(port) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing listens on udp 127.0.0.1:{port}");
}

/// A running PBX with its database, and the ports of its two providers.
struct Pbx {
    dir: PathBuf,
    sip_port: u16,
    provider_port: u16,
    backup_port: u16,
    server: Child,
}

impl Pbx {
    /// The database of the brief: trunks `provider_username` (on
    /// `provider_port`) and `backup` (on `backup_port`), both static
    /// 127.0.0.1 over UDP without registration or monitoring; users 1000
    /// (Front Desk) and 1001 (Bob); the outgoing call "provider" (`418.`
    /// through both trunks, in that order); DID 4185550000 → 1000.
    async fn start(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("trunkline-calls-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("test dir");
        let db = dir.join("t.db");
        let provider_port = free_port();
        let backup_port = free_port();
        prepare(&db, provider_port, backup_port).await;
        let sip_port = free_port();
        let server = start_server_on(&db, sip_port, free_port()).await;
        Self {
            dir,
            sip_port,
            provider_port,
            backup_port,
            server,
        }
    }

    fn sipp(
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
    async fn ringing_phone(&self, name: &str, line: &str, password: &str, scenario: &str) -> Sipp {
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
    async fn provider(&self, name: &str, scenario: &str, backup: bool) -> Sipp {
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
    fn dial(&self, name: &str, scenario: &str, caller: &str, password: &str, number: &str) -> Sipp {
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
    async fn end(mut self, sipps: &mut [&mut Sipp]) {
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

async fn prepare(path: &Path, provider_port: u16, backup_port: u16) {
    use app::ssr::service::{incalls, outcalls, trunks, users};
    let pool = app::ssr::db::open(path).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let trunk = |name: &str, user: &str, secret: &str, port: u16| TrunkInput {
        name: name.into(),
        auth_username: user.into(),
        secret: secret.into(),
        host_type: "static".into(),
        host: "127.0.0.1".into(),
        port: port.to_string(),
        register: false,
        monitoring: "no".into(),
        ..TrunkInput::default()
    };
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
    let user = |first: &str, last: &str, exten: &str, password: &str| UserInput {
        firstname: first.into(),
        lastname: last.into(),
        exten: exten.into(),
        line_password: password.into(),
        ..UserInput::default()
    };
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

#[tokio::test]
async fn internal_call_1000_to_1001_answered_and_hung_up() {
    let pbx = Pbx::start("internal").await;
    let mut bob = pbx
        .ringing_phone("phone-1001", "1001", PASSWORD_1001, "call_phone_answer.xml")
        .await;
    let mut desk = pbx.dial(
        "dial-1000",
        "call_phone_dial.xml",
        "1000",
        PASSWORD_1000,
        "1001",
    );
    let caller_ok = desk.finish().await;
    let callee_ok = bob.finish().await;
    assert!(
        caller_ok && callee_ok,
        "caller ok: {caller_ok}, callee ok: {callee_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&[&desk, &bob])
    );
    pbx.end(&mut [&mut desk, &mut bob]).await;
}

#[tokio::test]
async fn internal_call_callee_hangs_up() {
    let pbx = Pbx::start("internal-bye").await;
    let mut bob = pbx
        .ringing_phone(
            "phone-1001",
            "1001",
            PASSWORD_1001,
            "call_phone_answer_bye.xml",
        )
        .await;
    let mut desk = pbx.dial(
        "dial-1000",
        "call_phone_dial_hungup.xml",
        "1000",
        PASSWORD_1000,
        "1001",
    );
    let caller_ok = desk.finish().await;
    let callee_ok = bob.finish().await;
    assert!(
        caller_ok && callee_ok,
        "caller ok: {caller_ok}, callee ok: {callee_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&[&desk, &bob])
    );
    pbx.end(&mut [&mut desk, &mut bob]).await;
}

#[tokio::test]
async fn internal_call_rings_every_contact_and_cancels_the_others() {
    let pbx = Pbx::start("fork").await;
    let mut answers = pbx
        .ringing_phone(
            "phone-1001-desk",
            "1001",
            PASSWORD_1001,
            "call_phone_answer.xml",
        )
        .await;
    let mut rings = pbx
        .ringing_phone(
            "phone-1001-mobile",
            "1001",
            PASSWORD_1001,
            "call_phone_ring_cancel.xml",
        )
        .await;
    let mut desk = pbx.dial(
        "dial-1000",
        "call_phone_dial.xml",
        "1000",
        PASSWORD_1000,
        "1001",
    );
    let caller_ok = desk.finish().await;
    let answers_ok = answers.finish().await;
    let rings_ok = rings.finish().await;
    assert!(
        caller_ok && answers_ok && rings_ok,
        "caller ok: {caller_ok}, answering phone ok: {answers_ok}, \
         cancelled phone ok: {rings_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&[&desk, &answers, &rings])
    );
    pbx.end(&mut [&mut desk, &mut answers, &mut rings]).await;
}

#[tokio::test]
async fn caller_gives_up_while_it_rings() {
    let pbx = Pbx::start("cancel").await;
    let mut bob = pbx
        .ringing_phone(
            "phone-1001",
            "1001",
            PASSWORD_1001,
            "call_phone_ring_cancel.xml",
        )
        .await;
    let mut desk = pbx.dial(
        "dial-1000",
        "call_phone_dial_cancel.xml",
        "1000",
        PASSWORD_1000,
        "1001",
    );
    let caller_ok = desk.finish().await;
    let callee_ok = bob.finish().await;
    assert!(
        caller_ok && callee_ok,
        "caller ok: {caller_ok}, callee ok: {callee_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&[&desk, &bob])
    );
    pbx.end(&mut [&mut desk, &mut bob]).await;
}

#[tokio::test]
async fn outgoing_call_through_provider_with_407() {
    let pbx = Pbx::start("outgoing").await;
    let mut provider = pbx
        .provider("provider", "call_provider_challenge_uas.xml", false)
        .await;
    let mut desk = pbx.dial(
        "dial-1000",
        "call_phone_dial.xml",
        "1000",
        PASSWORD_1000,
        "4185551234",
    );
    let phone_ok = desk.finish().await;
    let provider_ok = provider.finish().await;
    assert!(
        phone_ok && provider_ok,
        "phone ok: {phone_ok}, provider ok: {provider_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&[&desk, &provider])
    );
    pbx.end(&mut [&mut desk, &mut provider]).await;
}

#[tokio::test]
async fn failover_when_first_trunk_answers_503() {
    let pbx = Pbx::start("failover").await;
    let mut first = pbx
        .provider("provider-503", "call_provider_503_uas.xml", false)
        .await;
    let mut backup = pbx
        .provider("backup", "call_provider_challenge_uas.xml", true)
        .await;
    let mut desk = pbx.dial(
        "dial-1000",
        "call_phone_dial.xml",
        "1000",
        PASSWORD_1000,
        "4185551234",
    );
    let phone_ok = desk.finish().await;
    let first_ok = first.finish().await;
    let backup_ok = backup.finish().await;
    assert!(
        phone_ok && first_ok && backup_ok,
        "phone ok: {phone_ok}, first trunk ok: {first_ok}, backup ok: {backup_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&[&desk, &first, &backup])
    );
    pbx.end(&mut [&mut desk, &mut first, &mut backup]).await;
}

#[tokio::test]
async fn failover_when_first_trunk_answers_408() {
    let pbx = Pbx::start("failover-408").await;
    let mut first = pbx
        .provider("provider-408", "call_provider_408_uas.xml", false)
        .await;
    let mut backup = pbx
        .provider("backup", "call_provider_challenge_uas.xml", true)
        .await;
    let mut desk = pbx.dial(
        "dial-1000",
        "call_phone_dial.xml",
        "1000",
        PASSWORD_1000,
        "4185551234",
    );
    let phone_ok = desk.finish().await;
    let first_ok = first.finish().await;
    let backup_ok = backup.finish().await;
    assert!(
        phone_ok && first_ok && backup_ok,
        "phone ok: {phone_ok}, first trunk ok: {first_ok}, backup ok: {backup_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&[&desk, &first, &backup])
    );
    pbx.end(&mut [&mut desk, &mut first, &mut backup]).await;
}

#[tokio::test]
async fn provider_challenge_is_answered_once_then_503_when_no_trunk_is_left() {
    let pbx = Pbx::start("challenge-once").await;
    let mut first = pbx
        .provider(
            "provider-401-twice",
            "call_provider_challenge_twice_uas.xml",
            false,
        )
        .await;
    let mut backup = pbx
        .provider("backup-503", "call_provider_503_uas.xml", true)
        .await;
    let mut desk = pbx.dial(
        "dial-1000",
        "call_phone_dial_failed.xml",
        "1000",
        PASSWORD_1000,
        "4185551234",
    );
    let phone_ok = desk.finish().await;
    let first_ok = first.finish().await;
    let backup_ok = backup.finish().await;
    assert!(
        phone_ok && first_ok && backup_ok,
        "phone (503 expected) ok: {phone_ok}, first trunk (one digest answer) ok: {first_ok}, \
         backup ok: {backup_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&[&desk, &first, &backup])
    );
    pbx.end(&mut [&mut desk, &mut first, &mut backup]).await;
}

#[tokio::test]
async fn busy_provider_gives_the_phone_486() {
    let pbx = Pbx::start("busy").await;
    let mut provider = pbx
        .provider("provider-486", "call_provider_busy_uas.xml", false)
        .await;
    let mut backup = pbx
        .provider("backup", "call_provider_challenge_uas.xml", true)
        .await;
    let mut desk = pbx.dial(
        "dial-1000",
        "call_phone_dial_busy.xml",
        "1000",
        PASSWORD_1000,
        "4185551234",
    );
    let phone_ok = desk.finish().await;
    let provider_ok = provider.finish().await;
    // Busy is the callee's answer: no failover to the backup trunk.
    tokio::time::sleep(Duration::from_millis(500)).await;
    backup.stop().await;
    let all = [&desk, &provider, &backup];
    assert!(
        phone_ok && provider_ok,
        "phone ok: {phone_ok}, provider ok: {provider_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    assert_eq!(
        backup.received(),
        0,
        "486 must not fail over to the backup trunk (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    pbx.end(&mut [&mut desk, &mut provider, &mut backup]).await;
}

#[tokio::test]
async fn incoming_did_rings_front_desk() {
    let pbx = Pbx::start("incoming").await;
    let mut desk = pbx
        .ringing_phone("phone-1000", "1000", PASSWORD_1000, "call_phone_answer.xml")
        .await;
    let mut provider = pbx.sipp(
        "provider-calls",
        "call_provider_invite_uac.xml",
        pbx.provider_port,
        true,
        &["-s", "4185550000"],
    );
    let provider_ok = provider.finish().await;
    let desk_ok = desk.finish().await;
    assert!(
        provider_ok && desk_ok,
        "provider ok: {provider_ok}, front desk ok: {desk_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&[&provider, &desk])
    );
    pbx.end(&mut [&mut provider, &mut desk]).await;
}

#[tokio::test]
async fn incoming_did_with_plus_rings_front_desk() {
    let pbx = Pbx::start("incoming-plus").await;
    let mut desk = pbx
        .ringing_phone("phone-1000", "1000", PASSWORD_1000, "call_phone_answer.xml")
        .await;
    let mut provider = pbx.sipp(
        "provider-calls",
        "call_provider_invite_uac.xml",
        pbx.backup_port,
        true,
        &["-s", "+4185550000"],
    );
    let provider_ok = provider.finish().await;
    let desk_ok = desk.finish().await;
    assert!(
        provider_ok && desk_ok,
        "provider ok: {provider_ok}, front desk ok: {desk_ok} (dir {:?})\n{}",
        pbx.dir,
        wires(&[&provider, &desk])
    );
    pbx.end(&mut [&mut provider, &mut desk]).await;
}

#[tokio::test]
async fn did_call_from_another_port_than_the_trunks_is_challenged() {
    let pbx = Pbx::start("incoming-wrong-port").await;
    let mut desk = pbx
        .ringing_phone("phone-1000", "1000", PASSWORD_1000, "call_phone_answer.xml")
        .await;
    let mut caller = pbx.sipp(
        "not-the-trunk",
        "call_provider_invite_challenged_uac.xml",
        free_port(),
        true,
        &["-s", "4185550000"],
    );
    let caller_ok = caller.finish().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    desk.stop().await;
    let all = [&caller, &desk];
    assert!(
        caller_ok,
        "an INVITE from 127.0.0.1 but not from a trunk's port must get 407 (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    assert_eq!(
        desk.received(),
        0,
        "the front desk rang for a caller who is not the trunk (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    pbx.end(&mut [&mut caller, &mut desk]).await;
}

#[tokio::test]
async fn unknown_did_is_refused_with_404() {
    let pbx = Pbx::start("incoming-404").await;
    let mut provider = pbx.sipp(
        "provider-calls",
        "call_provider_invite_refused_uac.xml",
        pbx.provider_port,
        true,
        &["-s", "4185559999"],
    );
    let provider_ok = provider.finish().await;
    assert!(
        provider_ok,
        "the provider did not get 404 without a challenge (dir {:?})\n{}",
        pbx.dir,
        wires(&[&provider])
    );
    // Recorded for the Incoming calls screen's "Unmatched calls".
    let mut recorded = Vec::new();
    for _ in 0..30 {
        let pool = app::ssr::db::open(&pbx.dir.join("t.db"))
            .await
            .expect("database");
        recorded = app::ssr::store::call_log::latest_unmatched(&pool, 10)
            .await
            .expect("rows");
        pool.close().await;
        if !recorded.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(
        (recorded[0].trunk.as_str(), recorded[0].did.as_str()),
        ("provider_username", "4185559999")
    );
    pbx.end(&mut [&mut provider]).await;
}

#[tokio::test]
async fn unknown_number_is_refused_with_404() {
    let pbx = Pbx::start("refused").await;
    let mut desk = pbx.dial(
        "dial-1000",
        "call_phone_dial_refused.xml",
        "1000",
        PASSWORD_1000,
        "999",
    );
    let phone_ok = desk.finish().await;
    assert!(
        phone_ok,
        "the phone did not get 404 after authenticating (dir {:?})\n{}",
        pbx.dir,
        wires(&[&desk])
    );
    pbx.end(&mut [&mut desk]).await;
}

#[tokio::test]
async fn unauthenticated_invite_reaches_no_trunk() {
    let pbx = Pbx::start("stranger").await;
    let mut provider = pbx
        .provider("provider", "call_provider_challenge_uas.xml", false)
        .await;
    let mut backup = pbx
        .provider("backup", "call_provider_challenge_uas.xml", true)
        .await;
    let mut stranger = pbx.dial(
        "stranger",
        "call_stranger_dial.xml",
        "stranger",
        "guess",
        "4185551234",
    );
    let stranger_ok = stranger.finish().await;
    // Also a known line with a wrong password.
    let mut wrong = pbx.dial(
        "wrong-password",
        "call_stranger_dial.xml",
        "1000",
        "not-the-password",
        "4185551234",
    );
    let wrong_ok = wrong.finish().await;
    // Give a leaked INVITE time to arrive, then look.
    tokio::time::sleep(Duration::from_secs(1)).await;
    provider.stop().await;
    backup.stop().await;
    let all = [&stranger, &wrong, &provider, &backup];
    assert!(
        stranger_ok && wrong_ok,
        "stranger ok: {stranger_ok}, wrong password ok: {wrong_ok}: \
         expected 407, then 403 or 407 (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    assert_eq!(
        (provider.received(), backup.received()),
        (0, 0),
        "a trunk received something (dir {:?})\n{}",
        pbx.dir,
        wires(&all)
    );
    pbx.end(&mut [&mut stranger, &mut wrong, &mut provider, &mut backup])
        .await;
}
