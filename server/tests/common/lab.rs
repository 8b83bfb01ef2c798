//! A network lab per test, wired as a small office is: a LAN (the PBX and
//! a phone) behind a NAT router (masquerade, stateful, no port forward, no
//! SIP ALG) and an "internet" holding the provider. Each part is a Linux
//! network namespace joined to the router by veth pairs, so Trunkline, SIPp
//! and baresip see real addresses, real NAT mappings and real drops, and
//! nothing leaves the namespaces a lab creates. Needs root, iproute2,
//! nftables, SIPp (sip-tester) and baresip (baresip-core).

mod logs;
pub mod media;
mod office;
mod phone;
mod probe;
mod proxy;
mod rtcp;
mod rtp;
pub mod tone;

// Every test binary compiles common/; only tests/lab.rs uses these.
#[allow(unused_imports)]
pub use super::pbx::call_log;
#[allow(unused_imports)]
pub use logs::{sipp_received, unreachable_addresses, Log, Problems};
#[allow(unused_imports)]
pub use office::{branch_trunk, front_desk, prepare, route_out, LINE_PASSWORD};
#[allow(unused_imports)]
pub use phone::{Baresip, PhoneAudio};
#[allow(unused_imports)]
pub use proxy::Kamailio;
#[allow(unused_imports)]
pub use rtcp::Report;
#[allow(unused_imports)]
pub use rtp::{
    endpoint_on, peer_of, rtcp_next_to, Datagrams, Payloads, RtpStats, Voice, REPORT_EVERY,
};

use super::sipp::{Sipp, SippBuilder};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::process::{Child, Command};

pub const PBX_IP: &str = "192.168.77.2";
pub const PHONE_IP: &str = "192.168.77.10";
pub const LAN_GATEWAY: &str = "192.168.77.1";
/// The router's public address: all the provider may ever see of the LAN.
pub const WAN_IP: &str = "198.51.100.1";
pub const PROVIDER_IP: &str = "198.51.100.20";
/// The public port the router gives the PBX's SIP socket (192.168.77.2:5060).
/// It is fixed so that SIPp, which cannot read a datagram's source, can
/// answer with `received=`/`rport=` as a real provider does; it differs
/// from 5060 so that a half-learned address (public IP, private port) shows.
pub const PBX_NAT_PORT: u16 = 40060;

/// The namespaces of a lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ns {
    Pbx,
    Phone,
    Router,
    Inet,
}

impl Ns {
    pub const ALL: [Ns; 4] = [Ns::Pbx, Ns::Phone, Ns::Router, Ns::Inet];

    fn suffix(self) -> &'static str {
        match self {
            Ns::Pbx => "pbx",
            Ns::Phone => "phone",
            Ns::Router => "router",
            Ns::Inet => "inet",
        }
    }

    /// The namespace's own address (the router's LAN side).
    pub fn ip(self) -> &'static str {
        match self {
            Ns::Pbx => PBX_IP,
            Ns::Phone => PHONE_IP,
            Ns::Router => LAN_GATEWAY,
            Ns::Inet => PROVIDER_IP,
        }
    }
}

/// The router's rules. The forward chain is a home router's: the LAN goes
/// anywhere, the internet only answers (conntrack), nothing is forwarded
/// in. `iifname "br0"` also lets LAN-to-LAN frames through when the host
/// has br_netfilter loaded (bridged IP then crosses this hook too).
const RULES: &str = r#"table ip nat {
  chain postrouting {
    type nat hook postrouting priority 100;
    oifname "wan0" ip saddr 192.168.77.2 udp sport 5060 snat to 198.51.100.1:40060
    oifname "wan0" masquerade
  }
}
table ip filter {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    iifname "br0" accept
  }
}
"#;

/// The provider side counts what is sent to the Contact its scenarios
/// give out on 5070 (nothing listens there: the datagrams are lost all the
/// same), so a failure can say where a lost ACK or BYE went.
const INET_RULES: &str = r#"table ip lab {
  counter contact5070 { }
  chain input {
    type filter hook input priority 0; policy accept;
    udp dport 5070 counter name "contact5070"
  }
}
"#;

/// Labs of this process: their names must differ across the parallel
/// threads of one test binary; the pid separates test binaries.
static NEXT: AtomicUsize = AtomicUsize::new(0);

pub struct Lab {
    /// Where every log of the test goes; kept when the test fails.
    pub dir: PathBuf,
    prefix: String,
    /// Namespaces created so far, so a setup that panics half way is
    /// cleaned up too.
    created: Vec<String>,
}

/// Runs a setup command; the lab is useless if one fails.
fn run(args: &[&str]) {
    let out = std::process::Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("lab setup: cannot run {args:?}: {e}"));
    assert!(
        out.status.success(),
        "lab setup: {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn quiet(args: &[&str]) {
    let _ = std::process::Command::new(args[0])
        .args(&args[1..])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Namespaces `tl<pid>-…` left by a test binary that was killed (its Drop
/// never ran): their pid is gone, so nothing of ours uses them.
fn remove_orphans() {
    let Ok(out) = std::process::Command::new("ip")
        .args(["netns", "list"])
        .output()
    else {
        return;
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let name = line.split_whitespace().next().unwrap_or_default();
        if !Ns::ALL
            .iter()
            .any(|ns| name.ends_with(&format!("-{}", ns.suffix())))
        {
            continue;
        }
        let pid = name.strip_prefix("tl").and_then(|r| r.split('-').next());
        if let Some(pid) = pid.filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                quiet(&["ip", "netns", "del", name]);
            }
        }
    }
}

impl Lab {
    /// Builds the office of the module doc for test `test`.
    pub fn new(test: &str) -> Self {
        remove_orphans();
        let pid = std::process::id();
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("trunkline-lab-{test}-{pid}-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("lab dir");
        let mut lab = Self {
            dir,
            prefix: format!("tl{pid}-{n}"),
            created: Vec::new(),
        };
        for ns in Ns::ALL {
            let name = lab.ns(ns);
            quiet(&["ip", "netns", "del", &name]);
            run(&["ip", "netns", "add", &name]);
            lab.created.push(name);
        }
        let [pbx, phone, router, inet] = Ns::ALL.map(|ns| lab.ns(ns));
        // Interface names live in their namespace, so they can be fixed.
        let veth = |a: &str, ns_a: &str, b: &str, ns_b: &str| {
            let peer = ["peer", "name", b, "netns", ns_b];
            run(&[
                &["ip", "link", "add", a, "netns", ns_a, "type", "veth"][..],
                &peer,
            ]
            .concat());
        };
        veth("eth0", &pbx, "lan-pbx", &router);
        veth("eth0", &phone, "lan-phone", &router);
        veth("wan0", &router, "eth0", &inet);
        let ipn = |ns: &str, args: &[&str]| {
            run(&[&["ip", "-n", ns][..], args].concat());
        };
        ipn(&router, &["link", "add", "br0", "type", "bridge"]);
        for port in ["lan-pbx", "lan-phone"] {
            ipn(&router, &["link", "set", port, "master", "br0"]);
            ipn(&router, &["link", "set", port, "up"]);
        }
        ipn(&router, &["addr", "add", "192.168.77.1/24", "dev", "br0"]);
        ipn(&router, &["addr", "add", "198.51.100.1/24", "dev", "wan0"]);
        ipn(&pbx, &["addr", "add", "192.168.77.2/24", "dev", "eth0"]);
        ipn(&phone, &["addr", "add", "192.168.77.10/24", "dev", "eth0"]);
        // No route back to the LAN: the internet only ever sees 198.51.100.1.
        ipn(&inet, &["addr", "add", "198.51.100.20/24", "dev", "eth0"]);
        for (ns, dev) in [(&router, "br0"), (&router, "wan0"), (&pbx, "eth0")]
            .into_iter()
            .chain([(&phone, "eth0"), (&inet, "eth0")])
        {
            ipn(ns, &["link", "set", dev, "up"]);
        }
        for ns in [&pbx, &phone, &router, &inet] {
            ipn(ns, &["link", "set", "lo", "up"]);
        }
        ipn(&pbx, &["route", "add", "default", "via", LAN_GATEWAY]);
        ipn(&phone, &["route", "add", "default", "via", LAN_GATEWAY]);
        let exec = |args: &[&str]| run(&[&["ip", "netns", "exec", &router][..], args].concat());
        exec(&["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
        let rules = lab.dir.join("router.nft");
        std::fs::write(&rules, RULES).expect("router rules");
        exec(&["nft", "-f", &rules.to_string_lossy()]);
        let counter = lab.dir.join("inet.nft");
        std::fs::write(&counter, INET_RULES).expect("inet rules");
        let counter = counter.to_string_lossy();
        run(&["ip", "netns", "exec", &inet, "nft", "-f", &counter]);
        lab.warm_up();
        lab
    }

    /// Datagrams that reached 198.51.100.20:5070, the provider's Contact
    /// where nothing listens: an ACK or BYE sent there ignored the route set.
    pub fn sent_to_dead_contact(&self) -> u64 {
        let out = std::process::Command::new("ip")
            .args([
                "netns",
                "exec",
                &self.ns(Ns::Inet),
                "nft",
                "list",
                "counter",
                "ip",
                "lab",
                "contact5070",
            ])
            .output()
            .expect("nft list counter");
        let text = String::from_utf8_lossy(&out.stdout);
        let packets = text
            .split("packets ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next());
        packets.and_then(|n| n.parse().ok()).unwrap_or(0)
    }

    /// The system name of namespace `ns` of this lab.
    pub fn ns(&self, ns: Ns) -> String {
        format!("{}-{}", self.prefix, ns.suffix())
    }

    /// The namespaces this lab created (and Drop removes).
    pub fn names(&self) -> Vec<String> {
        self.created.clone()
    }

    /// `program` run inside `ns` (`ip netns exec` execs it: the child's
    /// pid is the program's own, so killing the child kills it).
    pub fn cmd(&self, ns: Ns, program: &str) -> Command {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &self.ns(ns), program])
            .kill_on_drop(true);
        command
    }

    /// `trunkline serve` in `pbx` on every address (SIP 0.0.0.0:5060, the
    /// default bind), its output kept in `trunkline.log`. Returns once the
    /// console listens (SIP starts before it).
    pub async fn start_trunkline(&self, db: &Path, extra_args: &[&str]) -> Child {
        self.start_trunkline_in(Ns::Pbx, db, extra_args).await
    }

    /// `trunkline serve` as [`start_trunkline`](Self::start_trunkline) does, in `ns`: in
    /// `inet` it is a hosted PBX whose peers are the ones behind the NAT router.
    pub async fn start_trunkline_in(&self, ns: Ns, db: &Path, extra_args: &[&str]) -> Child {
        let mut child = self
            .cmd(ns, env!("CARGO_BIN_EXE_trunkline"))
            .arg("--database")
            .arg(db)
            // No --sip: SIP binds where the stored setting says, 0.0.0.0:5060 as shipped.
            .args(["serve", "--http", "127.0.0.1:8080"])
            .env_remove("TRUNKLINE_SIP")
            .args(extra_args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn trunkline in {ns:?}: {e}"));
        let log = Log::new(self.dir.join("trunkline.log"));
        log.drain(child.stdout.take().expect("stdout"));
        log.drain(child.stderr.take().expect("stderr"));
        let ready = log.wait_for("console on", Duration::from_secs(20)).await;
        assert!(ready, "trunkline did not start in {ns:?}:\n{}", log.text());
        child
    }

    /// What trunkline printed so far (colours removed).
    pub fn trunkline_log(&self) -> String {
        logs::strip_ansi(
            &std::fs::read_to_string(self.dir.join("trunkline.log")).unwrap_or_default(),
        )
    }

    /// SIPp `scenario` named `name` in `ns`, bound to that namespace's
    /// address and `port` alone, its logs in the lab's directory.
    pub fn sipp(&self, ns: Ns, name: &str, scenario: &str, port: u16) -> SippBuilder {
        Sipp::scenario(scenario)
            .name(name)
            .dir(&self.dir)
            .in_netns(&self.ns(ns))
            .local_ip(ns.ip())
            .local_port(port)
            .arg("-bind_local")
    }

    /// The provider: SIPp `scenario` serving 198.51.100.20:5060 in `inet`,
    /// told the PBX's public mapping (`[nat_ip]`, `[nat_port]`) for the
    /// `received`/`rport` it writes. Returns once it listens.
    pub async fn provider(&self, name: &str, scenario: &str) -> Sipp {
        let port = PBX_NAT_PORT.to_string();
        self.sipp(Ns::Inet, name, scenario, 5060)
            .args(["-key", "nat_ip", WAN_IP, "-key", "nat_port", &port])
            .spawn_listening()
            .await
    }

    /// Everything a failure message needs: each SIPp's wire, the phone's
    /// and trunkline's logs, and where the files are.
    pub fn report(&self, sipps: &[&Sipp], phone: Option<&Baresip>) -> String {
        let wires: String = sipps.iter().map(|s| s.wire()).collect();
        let phone = phone.map(Baresip::log).unwrap_or_default();
        format!(
            "(lab dir {:?}; datagrams to 198.51.100.20:5070, the provider's dead Contact: {})\n\
             {wires}==== baresip ====\n{phone}\n==== trunkline ====\n{}",
            self.dir,
            self.sent_to_dead_contact(),
            self.trunkline_log()
        )
    }
}

impl Drop for Lab {
    /// Kills what still runs in the lab's namespaces (all started by this
    /// lab), then removes them; keeps the logs of a failed test.
    fn drop(&mut self) {
        for name in self.created.iter().rev() {
            if let Ok(out) = std::process::Command::new("ip")
                .args(["netns", "pids", name])
                .output()
            {
                for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                    quiet(&["kill", "-KILL", pid]);
                }
            }
            quiet(&["ip", "netns", "del", name]);
        }
        if !std::thread::panicking() && std::env::var_os("TRUNKLINE_KEEP_LAB_LOGS").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
