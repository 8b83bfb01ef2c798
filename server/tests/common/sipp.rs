//! SIPp (Debian sip-tester 3.6.1) as a test's peer: one builder for every
//! test that starts it. Each run is bounded (`-m`, `-timeout` with
//! `-timeout_error`), traces its messages and errors to files, and is
//! killed when dropped. A server-mode SIPp is waited for by polling its
//! socket, never by sleeping. Quirks: /work/shared/TOOLCHAIN.md (SIPp).

use super::net::{free_port, listens, wait_until, Proto};
use std::ffi::OsString;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::process::{Child, Command};

/// How long a SIPp may take to listen once started.
const LISTEN_WAIT: Duration = Duration::from_secs(5);
/// How long [`Sipp::finish`] waits beyond SIPp's own `-timeout`.
const GRACE: Duration = Duration::from_secs(5);

/// Log directories made for SIPps not given one: their names must differ
/// across the parallel tests of one binary; the pid separates binaries.
static NEXT_DIR: AtomicUsize = AtomicUsize::new(0);

/// What SIPp to start; made by [`Sipp::scenario`], started by
/// [`SippBuilder::spawn`].
#[must_use = "a SIPp starts only with spawn()"]
pub struct SippBuilder {
    scenario: String,
    name: String,
    dir: Option<PathBuf>,
    netns: Option<String>,
    local_ip: Ipv4Addr,
    local_port: Option<u16>,
    remote: Option<String>,
    proto: Proto,
    count: u32,
    timeout: Duration,
    args: Vec<OsString>,
}

impl SippBuilder {
    /// Names the log files (`<name>.log`, `.err`, `.stderr`); the
    /// scenario's file name by default.
    pub fn name(mut self, name: &str) -> Self {
        name.clone_into(&mut self.name);
        self
    }

    /// Where the logs go (created if missing, kept). Without it, a fresh
    /// directory that the drop removes unless the test is failing.
    pub fn dir(mut self, dir: &Path) -> Self {
        self.dir = Some(dir.to_owned());
        self
    }

    /// Runs SIPp inside network namespace `ns` (`ip netns exec` execs it,
    /// so the child is SIPp itself and killing it kills SIPp).
    pub fn in_netns(mut self, ns: &str) -> Self {
        self.netns = Some(ns.to_owned());
        self
    }

    /// The address SIPp binds and writes in its messages; 127.0.0.1 by
    /// default.
    pub fn local_ip(mut self, ip: &str) -> Self {
        self.local_ip = ip.parse().expect("SIPp's local address is IPv4");
        self
    }

    /// SIPp's port; a [`free_port`] by default.
    pub fn local_port(mut self, port: u16) -> Self {
        self.local_port = Some(port);
        self
    }

    /// Makes SIPp a client of `addr` (`ip:port`); without it, a server.
    pub fn remote(mut self, addr: impl ToString) -> Self {
        self.remote = Some(addr.to_string());
        self
    }

    /// UDP (`-t u1`, the default) or TCP (`-t t1`).
    pub fn transport(mut self, proto: Proto) -> Self {
        self.proto = proto;
        self
    }

    /// How many calls SIPp makes or accepts (`-m`); 1 by default.
    pub fn count(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    /// How long SIPp may run (`-timeout`, whole seconds) before it gives
    /// up and fails; 20 s by default.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = limit;
        self
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<S: Into<OsString>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Starts SIPp.
    ///
    /// # Panics
    /// When SIPp (or, for [`in_netns`](Self::in_netns), `ip`) cannot be run.
    pub fn spawn(self) -> Sipp {
        let own_dir = self.dir.is_none();
        let dir = self.dir.unwrap_or_else(|| {
            let n = NEXT_DIR.fetch_add(1, Ordering::SeqCst);
            let pid = std::process::id();
            std::env::temp_dir().join(format!("trunkline-sipp-{pid}-{n}"))
        });
        std::fs::create_dir_all(&dir).expect("SIPp log directory");
        let file = |ext: &str| dir.join(format!("{}.{ext}", self.name));
        let stderr = std::fs::File::create(file("stderr")).expect("SIPp stderr file");
        let mut command = match &self.netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns, "sipp"]);
                c
            }
            None => Command::new("sipp"),
        };
        let port = self.local_port.unwrap_or_else(free_port);
        let transport = match self.proto {
            Proto::Udp => "u1",
            Proto::Tcp => "t1",
        };
        let timeout = format!("{}s", self.timeout.as_secs().max(1));
        command
            .arg("-sf")
            .arg(format!(
                "{}/tests/sipp/{}",
                env!("CARGO_MANIFEST_DIR"),
                self.scenario
            ))
            .args(["-i", &self.local_ip.to_string(), "-p", &port.to_string()])
            .args(["-t", transport, "-m", &self.count.to_string()])
            .args(["-timeout", &timeout, "-timeout_error", "-nostdin"])
            .arg("-trace_msg")
            .arg("-message_file")
            .arg(file("log"))
            .arg("-trace_err")
            .arg("-error_file")
            .arg(file("err"))
            .args(&self.args);
        if let Some(remote) = &self.remote {
            command.arg(remote);
        }
        let child = command
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(stderr))
            .spawn()
            .expect("sipp (Debian package sip-tester) must be installed");
        Sipp {
            name: self.name,
            child,
            dir,
            own_dir,
            status: None,
            local: (self.local_ip, port),
            proto: self.proto,
            limit: self.timeout + GRACE,
        }
    }

    /// Starts SIPp and returns once it listens (see [`Sipp::listening`]).
    pub async fn spawn_listening(self) -> Sipp {
        let mut sipp = self.spawn();
        sipp.listening().await;
        sipp
    }

    /// Starts SIPp, waits for it to end; returns whether it succeeded and
    /// its wire (for the assertion message).
    pub async fn run(self) -> (bool, String) {
        let mut sipp = self.spawn();
        let ok = sipp.finish().await;
        (ok, sipp.wire())
    }
}

/// One running SIPp of a test; killed when dropped.
pub struct Sipp {
    name: String,
    child: Child,
    dir: PathBuf,
    /// The directory was made for this SIPp alone (no [`SippBuilder::dir`]).
    own_dir: bool,
    status: Option<bool>,
    local: (Ipv4Addr, u16),
    proto: Proto,
    /// How long [`Sipp::finish`] waits.
    limit: Duration,
}

impl Sipp {
    /// SIPp playing `tests/sipp/<file>`, by default: from a free port of
    /// 127.0.0.1 over UDP, as a server, one call, at most 20 s.
    pub fn scenario(file: &str) -> SippBuilder {
        let name = file.strip_suffix(".xml").unwrap_or(file).to_owned();
        SippBuilder {
            scenario: file.to_owned(),
            name,
            dir: None,
            netns: None,
            local_ip: Ipv4Addr::LOCALHOST,
            local_port: None,
            remote: None,
            proto: Proto::Udp,
            count: 1,
            timeout: Duration::from_secs(20),
            args: Vec::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The port SIPp sends from and listens on.
    pub fn port(&self) -> u16 {
        self.local.1
    }

    /// Returns once SIPp's socket is bound (UDP) or listening (TCP) in its
    /// namespace.
    ///
    /// # Panics
    /// When SIPp exits first or does not listen within 5 s; the message
    /// holds its wire and errors.
    pub async fn listening(&mut self) {
        let ((ip, port), proto) = (self.local, self.proto);
        let what = format!("SIPp `{}` listening on {proto:?} {ip}:{port}", self.name);
        wait_until(&what, LISTEN_WAIT, || {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "SIPp `{}` ended ({status}) before listening:\n{}",
                    self.name,
                    self.wire()
                );
            }
            listens(self.child.id(), proto, ip, port)
        })
        .await;
    }

    /// Waits for SIPp to end (at most its `-timeout` and 5 s more); true
    /// when it exited 0. Killed (and false) when it outlives that.
    pub async fn finish(&mut self) -> bool {
        if let Some(ok) = self.status {
            return ok;
        }
        let ok = match tokio::time::timeout(self.limit, self.child.wait()).await {
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

    fn read(&self, ext: &str) -> String {
        std::fs::read_to_string(self.dir.join(format!("{}.{ext}", self.name))).unwrap_or_default()
    }

    /// SIPp's `-trace_msg` file: every SIP message it sent and received.
    pub fn messages(&self) -> String {
        self.read("log")
    }

    /// Everything this SIPp sent and received, and what it complained of.
    pub fn wire(&self) -> String {
        format!(
            "==== {} messages ====\n{}\n==== {} errors ====\n{}{}\n",
            self.name,
            self.messages(),
            self.name,
            self.read("err"),
            self.read("stderr")
        )
    }

    /// How many SIP messages this SIPp received.
    pub fn received(&self) -> usize {
        self.messages().matches("message received").count()
    }
}

impl Drop for Sipp {
    /// Kills SIPp if it still runs (tokio reaps it); removes a directory
    /// made for it alone unless the test is failing or
    /// `TRUNKLINE_KEEP_SIPP_LOGS` is set.
    fn drop(&mut self) {
        if self.status.is_none() {
            let _ = self.child.start_kill();
        }
        if self.own_dir
            && !std::thread::panicking()
            && std::env::var_os("TRUNKLINE_KEEP_SIPP_LOGS").is_none()
        {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The wire of every SIPp, for assertion messages.
pub fn wires(all: &[&Sipp]) -> String {
    all.iter().map(|s| s.wire()).collect()
}
