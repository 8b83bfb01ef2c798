//! Kamailio as a record-routing proxy in the `pbx` namespace (192.168.77.2:5060,
//! which the router shows as 198.51.100.1:40060 and forwards to): a branch office's
//! SIP edge in front of its PBX (`uas`, a SIPp in `phone`). It record-routes the
//! INVITE, routes in-dialog requests by their Route (loose_route) and logs every
//! request it gets: method, Request-URI, Route and source.

use super::{Lab, Log, Ns, PBX_IP, PBX_NAT_PORT};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::Child;

/// Lets the internet reach the proxy at the router's mapping of 192.168.77.2:5060,
/// as a branch forwards SIP to its edge (the accept in the router's own
/// forward chain, as media.rs's RTP forward).
const SIP_FORWARD: &str = r#"table ip forward_sip {
  chain prerouting {
    type nat hook prerouting priority -100;
    iifname "wan0" udp dport PORT dnat to 192.168.77.2:5060
  }
}
add rule ip filter forward iifname "wan0" ip daddr 192.168.77.2 udp dport 5060 accept
"#;

const CONFIG: &str = r#"#!KAMAILIO
debug=2
log_stderror=yes
children=1
disable_tcp=yes
auto_aliases=no
listen=udp:PBX_IP:5060

loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"

request_route {
    xlog("L_NOTICE", "lab-proxy: $rm $ru route=[$hdr(Route)] from $si:$sp\n");
    if (!mf_process_maxfwd_header("10")) {
        sl_send_reply("483", "Too Many Hops");
        exit;
    }
    if (has_totag()) {
        if (loose_route()) {
            t_relay();
            exit;
        }
        if (is_method("ACK") && t_check_trans()) {
            t_relay();
            exit;
        }
        sl_send_reply("404", "Not Here");
        exit;
    }
    if (is_method("INVITE")) {
        record_route();
        $ru = "sip:" + $rU + "@UAS";
        t_relay();
        exit;
    }
    sl_send_reply("403", "Forbidden");
}
"#;

/// The proxy, running; [`Kamailio::stop`] ends it.
pub struct Kamailio {
    child: Child,
    pub log: Log,
}

impl Lab {
    /// Kamailio on 192.168.77.2:5060 sending new calls to `uas` (`ip:port`), with
    /// the router forwarding its public port to it. Returns once it listens.
    pub async fn kamailio_proxy(&self, uas: &str) -> Kamailio {
        let rules = self.dir.join("forward-sip.nft");
        let forward = SIP_FORWARD.replace("PORT", &PBX_NAT_PORT.to_string());
        std::fs::write(&rules, forward).expect("forward rules");
        let forwarded = std::process::Command::new("ip")
            .args(["netns", "exec", &self.ns(Ns::Router), "nft", "-f"])
            .arg(&rules)
            .status()
            .expect("nft");
        assert!(forwarded.success(), "SIP port forward on the router");
        let run = self.dir.join("kamailio");
        std::fs::create_dir_all(&run).expect("kamailio dir");
        let cfg = run.join("kamailio.cfg");
        let config = CONFIG.replace("PBX_IP", PBX_IP).replace("UAS", uas);
        std::fs::write(&cfg, config).expect("kamailio config");
        let mut child = self
            .cmd(Ns::Pbx, "kamailio")
            .arg("-f")
            .arg(&cfg)
            .arg("-P")
            .arg(run.join("kamailio.pid"))
            .arg("-Y")
            .arg(&run)
            .arg("-w")
            .arg(&run)
            // Foreground, logging to stderr; small memory pools.
            .args(["-DD", "-E", "-m", "32", "-M", "8"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kamailio (Debian package kamailio) must be installed");
        let log = Log::new(self.dir.join("kamailio.log"));
        log.drain(child.stdout.take().expect("stdout"));
        log.drain(child.stderr.take().expect("stderr"));
        let up = log.wait_for("INFO: <core>", Duration::from_secs(5)).await;
        assert!(up, "kamailio did not start: {}", log.text());
        // Its workers bind after the first lines.
        tokio::time::sleep(Duration::from_millis(500)).await;
        Kamailio { child, log }
    }
}

impl Kamailio {
    /// The requests it received, as its log line says them:
    /// `<method> <Request-URI> route=[<Route>] from <ip:port>`.
    pub fn requests(&self) -> Vec<String> {
        self.log
            .text()
            .lines()
            .filter_map(|l| l.split("lab-proxy: ").nth(1).map(str::to_owned))
            .collect()
    }

    /// SIGTERM (its main process then stops its workers), killed after 5 s.
    pub async fn stop(&mut self) {
        self.terminate();
        if tokio::time::timeout(Duration::from_secs(5), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}

impl Kamailio {
    /// SIGTERM to the main process, if still running: a SIGKILL (the child's
    /// kill on drop) would leave its workers behind.
    fn terminate(&self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
    }
}

impl Drop for Kamailio {
    /// A failed test's proxy stops too, given 2 s to stop its workers before
    /// the kill on drop.
    fn drop(&mut self) {
        self.terminate();
        for _ in 0..40 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
