//! Relay load generator (issue 15): N anchored G.711 calls through Trunkline's relay or
//! rtpengine's, or straight between the generator's own sockets (`direct`, the generator's
//! own floor), for a bounded time; prints one `RESULT` line of key=value figures. Driven by
//! `scripts/bench-relay`, which starts the daemons and steps N up; see BENCHMARKS.md.

mod load;
mod ng;
mod sip;

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Target {
    Trunkline,
    Rtpengine,
    Direct,
}

#[derive(Parser, Debug)]
struct Args {
    #[arg(long, value_enum)]
    target: Target,
    /// Simultaneous calls.
    #[arg(long)]
    calls: usize,
    /// Seconds of media, at most 120.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Trunkline's SIP address.
    #[arg(long, default_value = "127.0.0.1:5060")]
    pbx: SocketAddr,
    /// UDP port of the phone end (calls come from lines 1000..).
    #[arg(long, default_value_t = 0)]
    phone_port: u16,
    /// UDP port of the provider end, where Trunkline's bench trunk points.
    #[arg(long, default_value_t = 0)]
    provider_port: u16,
    /// Lines configured on Trunkline (1000.., password bench-line-<line>).
    #[arg(long, default_value_t = 1000)]
    lines: usize,
    /// New calls per second through SIP.
    #[arg(long, default_value_t = 500)]
    setup_rate: u64,
    /// rtpengine's ng control address.
    #[arg(long, default_value = "127.0.0.1:2223")]
    ng: SocketAddr,
    /// Generator sockets per side, shared by the calls.
    #[arg(long, default_value_t = 8)]
    sockets: usize,
    /// The relay's process: its CPU time over the media phase is reported.
    #[arg(long)]
    cpu_pid: Option<u32>,
    /// What `cargo bench` passes to every bench binary.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        println!(
            "FAILED target={:?} calls={} reason={e}",
            args.target, args.calls
        );
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let seconds = args.seconds.clamp(1, 120);
    let ends = load::Ends::bind(args.sockets.clamp(1, 256)).map_err(|e| e.to_string())?;
    let t0 = Instant::now();
    let mut ng = None;
    let calls = match args.target {
        Target::Direct => load::direct(&ends, args.calls),
        Target::Trunkline => {
            let bind = |port: u16| UdpSocket::bind(("127.0.0.1", port)).map_err(|e| e.to_string());
            let setup = sip::Setup {
                pbx: args.pbx,
                phone: bind(args.phone_port)?,
                provider: bind(args.provider_port)?,
                lines: args.lines.max(1),
                rate: args.setup_rate.max(1),
            };
            let limit = Duration::from_secs(args.calls as u64 / setup.rate + 30);
            setup.run(args.calls, &ends, limit)?
        }
        Target::Rtpengine => {
            let client = ng.insert(ng::Ng::new(args.ng).map_err(|e| e.to_string())?);
            client.setup(args.calls, &ends)?
        }
    };
    let setup_s = t0.elapsed().as_secs_f64();
    let cpu0 = args.cpu_pid.and_then(cpu_ticks);
    let o = load::run(
        &ends,
        &calls,
        Duration::from_secs(seconds),
        Duration::from_millis(500),
    );
    let cpu = match (cpu0, args.cpu_pid.and_then(cpu_ticks)) {
        // Linux counts in clock ticks of 1/100 s (USER_HZ).
        (Some(a), Some(b)) => format!("{:.0}", (b - a) as f64 / o.seconds.max(0.001)),
        _ => "-".to_owned(),
    };
    if let Some(client) = ng.as_mut() {
        client.delete(args.calls);
    }
    let lost = |d: usize| o.sent[d].saturating_sub(o.received[d]);
    println!(
        "RESULT target={:?} calls={} setup_s={setup_s:.1} seconds={:.2} offered_pps={} \
         sent_ab={} lost_ab={} sent_ba={} lost_ba={} fwd_pps={:.0} p50_us={} p99_us={} \
         max_us={} jitter_us={:.1} jitter_max_us={:.1} relay_cpu_pct={cpu}",
        args.target,
        args.calls,
        o.seconds,
        load::offered(args.calls),
        o.sent[0],
        lost(0),
        o.sent[1],
        lost(1),
        (o.received[0] + o.received[1]) as f64 / o.seconds.max(0.001),
        o.p50_us,
        o.p99_us,
        o.max_us,
        o.jitter_mean_us,
        o.jitter_max_us,
    );
    Ok(())
}

/// User and system time of process `pid`, in clock ticks (`/proc/PID/stat` fields 14 and 15,
/// counted after the parenthesized command name, which may hold spaces).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')': field 3 (state) is index 0, so 14 and 15 are 11 and 12.
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}
