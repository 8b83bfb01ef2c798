//! Benchmark (plain main): where the heap of a registered, monitored trunk
//! at rest goes (issue 20, item 2). Builds, with the engine's own types,
//! what the process keeps for each of N trunks — the configuration row,
//! the calls' directory entry, the registration client and qualifier after
//! `BENCH_MINUTES` of refreshes and probes against a digest registrar (a
//! fake clock, in-memory wire), the status and registry rows published for
//! them, the manager's table and timers — and prints the bytes each takes
//! per trunk, as the allocator hands them out (`mi_usable_size`), and the
//! transactions the endpoint holds for Timer K. Run with
//! `cargo bench -p trunkline --bench trunk_memory`; `BENCH_N` (10000).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::config::{Secret, TrunkConfig};
use app::model::registry::RegistryEntry;
use app::model::trunk::{TrunkInput, ValidationContext};
use app::model::PbxConfig;
use app::ssr::board::Board;
use trunkline::engine::registry::{entry, RegistryFollower};
use trunkline::sip::proto::auth::{DigestServer, Verdict};
use trunkline::sip::proto::harness::Harness;
use trunkline::sip::proto::header::{Algorithm, Expires};
use trunkline::sip::proto::message::Method;
use trunkline::sip::proto::qualify::{Qualifier, QualifyConfig};
use trunkline::sip::proto::registration::{HostPort, RegistrationClient, RegistrationConfig};
use trunkline::sip::proto::{Event, Response, Transport};
use trunkline::sip::runtime::{trunk_slot_bytes, trunk_status, TrunkStatus};

#[path = "common/counting.rs"]
mod counting;

use counting::{live, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Prints one component's bytes and blocks per trunk since `before`.
fn report(what: &str, before: (isize, isize), n: usize, total: &mut f64) {
    let (bytes, blocks) = live();
    let per = (bytes - before.0) as f64 / n as f64;
    *total += per;
    println!(
        "| {what} | {per:.0} | {:.1} |",
        (blocks - before.1) as f64 / n as f64
    );
}

const REGISTRAR: &str = "127.0.0.1";
const REGISTRAR_PORT: u16 = 36061;
const SECRET: &str = "bench-trunk-secret";

/// A trunk as `scripts/bench-trunks` creates it through REST.
fn trunk_config(id: i64) -> TrunkConfig {
    let name = format!("bench{id}");
    let input = TrunkInput {
        name: name.clone(),
        register: true,
        secret: SECRET.into(),
        reg_username: name,
        reg_server: REGISTRAR.into(),
        reg_port: REGISTRAR_PORT.to_string(),
        reg_expiry: "120".into(),
        monitoring: "yes".into(),
        ..TrunkInput::default()
    };
    let ctx = ValidationContext {
        incall_contexts: vec!["from-extern".into()],
        ..Default::default()
    };
    let (trunk, _) = match input.validate(&ctx) {
        Ok(valid) => valid,
        Err(e) => panic!("the bench trunk is invalid: {e:?}"),
    };
    TrunkConfig {
        id,
        version: 1,
        trunk,
        secret: Secret::new(SECRET),
        reg_secret: Secret::default(),
    }
}

/// A registrar on the harness's far node: every REGISTER without good
/// credentials gets a 401, the others a 200 for 120 s; OPTIONS a 200.
fn registrar(h: &mut Harness) {
    let mut digest = DigestServer::new(
        "bench",
        b"bench-key".to_vec(),
        h.start,
        Duration::from_secs(3600),
        Algorithm::Md5,
    );
    h.b.on_event(move |now, ep, ev| {
        let Event::Request { tx, request, .. } = ev else {
            return;
        };
        let response = match request.method {
            Method::Register => match digest.verify(now, request, |_| Some(SECRET.to_string())) {
                Verdict::Accepted { .. } => {
                    let mut ok = Response::for_request(request, 200, "OK");
                    ok.headers.contact = request.headers.contact.clone();
                    ok.headers.expires = Some(Expires(120));
                    ok
                }
                Verdict::Challenge(c) | Verdict::Refused(c) => {
                    DigestServer::unauthorized(request, c)
                }
            },
            _ => Response::for_request(request, 200, "OK"),
        };
        let _ = ep.respond(now, *tx, response);
    });
}

/// One trunk's client and qualifier after `minutes` of refreshes and probes.
fn steady(id: i64, cfg: RegistrationConfig, minutes: u64) -> (RegistrationClient, Qualifier) {
    let mut h = Harness::new(Transport::Udp, id as u64);
    registrar(&mut h);
    let local = HostPort::new("127.0.0.1", 36060);
    let mut c = RegistrationClient::new(cfg, local.clone(), id as u64);
    let mut q = Qualifier::new(
        QualifyConfig::default(),
        HostPort::new(REGISTRAR, REGISTRAR_PORT),
        Transport::Udp,
        local,
        "trunkline",
        id as u64 ^ 0x5a5a,
    );
    let dest: SocketAddr = h.b.addr;
    c.start(h.now, dest);
    q.start(h.now, dest);
    let until = h.start + Duration::from_secs(60 * minutes);
    loop {
        let mut busy = h.step();
        for (_, ev) in std::mem::take(&mut h.a.events) {
            busy = true;
            if !c.handle_event(h.now, &ev) {
                q.handle_event(h.now, &ev);
            }
        }
        while let Some(out) = c.poll_transmit() {
            busy = true;
            match h
                .a
                .endpoint
                .send_request(h.now, *out.request, out.dest, out.transport)
            {
                Ok(tx) => c.sent(tx),
                Err(_) => c.send_failed(h.now),
            }
        }
        while let Some(out) = q.poll_transmit() {
            busy = true;
            match h
                .a
                .endpoint
                .send_request(h.now, *out.request, out.dest, out.transport)
            {
                Ok(tx) => q.sent(tx),
                Err(_) => q.send_failed(h.now),
            }
        }
        if busy {
            continue;
        }
        let next = [c.poll_timeout(), q.poll_timeout()]
            .into_iter()
            .flatten()
            .min();
        match next {
            Some(at) if at <= until => {
                h.now = h.now.max(at);
                c.handle_timeout(h.now);
                q.handle_timeout(h.now);
            }
            _ => break,
        }
    }
    (c, q)
}

/// Bytes a finished client transaction holds while it waits out Timer K.
fn finished_transaction_bytes() -> f64 {
    let mut h = Harness::new(Transport::Udp, 1);
    registrar(&mut h);
    let m = 2000;
    let mut q = Qualifier::new(
        QualifyConfig::default(),
        HostPort::new(REGISTRAR, REGISTRAR_PORT),
        Transport::Udp,
        HostPort::new("127.0.0.1", 36060),
        "trunkline",
        1,
    );
    q.start(h.now, h.b.addr);
    for _ in 0..m {
        q.probe_now(h.now);
        while let Some(out) = q.poll_transmit() {
            let _ =
                h.a.endpoint
                    .send_request(h.now, *out.request, out.dest, out.transport);
        }
    }
    // Answered within the latency, long before Timer K (5 s).
    h.run_for(Duration::from_millis(100));
    let held = h.a.endpoint.transaction_count();
    let before = live().0;
    h.a.endpoint = trunkline::sip::proto::Endpoint::new(Default::default(), 9);
    let freed = before - live().0;
    freed as f64 / held.max(1) as f64
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let n = env("BENCH_N", 10_000) as usize;
    let minutes = env("BENCH_MINUTES", 60);
    println!(
        "{n} trunks, each registered and monitored for {minutes} min (expiry 120 s, OPTIONS every 60 s)\n"
    );
    println!("| per trunk | bytes | blocks |");
    println!("|---|---|---|");
    let mut total = 0.0;

    let before = live();
    let rows: Vec<TrunkConfig> = (1..=n as i64).map(trunk_config).collect();
    let config = PbxConfig::of_trunks(1, rows);
    report("configuration row (`TrunkConfig`)", before, n, &mut total);

    let before = live();
    let directory = trunkline::engine::lines::directory(&config, &BTreeMap::new());
    report(
        "calls' directory (`TrunkDial`, route)",
        before,
        n,
        &mut total,
    );

    let before = live();
    let mut follower = RegistryFollower::new(Arc::new(AtomicU64::new(0)));
    follower.reconfigured_all(&config);
    report("registry follower's map", before, n, &mut total);

    let options = trunkline::engine::EngineOptions {
        sip_bind: SocketAddr::from(([127, 0, 0, 1], 36060)),
        caps: Default::default(),
        external_address: None,
        sip_tcp: Default::default(),
    };
    let specs = trunkline::engine::specs(&config, &options, &Default::default());
    let before = live();
    let mut clients = Vec::with_capacity(n);
    // The vector stands for the manager's table, counted below: only the
    // heap the clients own counts here.
    let before = (live().0, before.1 + 1);
    for (id, reg, _) in specs {
        let Some(reg) = reg else { continue };
        clients.push((id, steady(id, reg, minutes)));
    }
    report(
        "registration client + qualifier: heap they own",
        before,
        n,
        &mut total,
    );
    let history = clients
        .iter()
        .map(|(_, (c, _))| c.status().history.len())
        .sum::<usize>() as f64
        / n as f64;

    // hashbrown: buckets a power of two at most 7/8 full, a control byte each.
    let buckets = (n * 8 / 7).next_power_of_two();
    let (slot, boxed) = trunk_slot_bytes();
    let table = buckets * (slot + 1);
    let per = table as f64 / n as f64;
    total += per;
    println!("| manager's table: {buckets} slots of {slot} bytes | {per:.0} | |");
    total += boxed as f64;
    println!("| client and qualifier themselves (`Trunk`, boxed) | {boxed} | 1.0 |");

    let before = live();
    let mut queue = BTreeSet::new();
    let mut armed = HashMap::new();
    let t0 = Instant::now();
    for (id, _) in &clients {
        for kind in 0..2u8 {
            let at = t0 + Duration::from_millis(*id as u64 * 7 + u64::from(kind));
            queue.insert((at, (kind, *id)));
            armed.insert((kind, *id), at);
        }
    }
    report("manager's deadlines (2 per trunk)", before, n, &mut total);

    let before = live();
    let mut status: Board<TrunkStatus> = Board::default();
    for (id, (c, q)) in &clients {
        status.set(*id, trunk_status(*id, Some(c), Some(q)));
    }
    report("status row (`TrunkStatus`)", before, n, &mut total);

    let before = live();
    let mut registry: Board<RegistryEntry> = Board::default();
    for t in &config.trunks {
        if let Some(s) = status.get(t.id) {
            registry.set(t.id, entry(t, s));
        }
    }
    report("registry row (`RegistryEntry`)", before, n, &mut total);

    // Per trunk: two REGISTER transactions per refresh (401, then 200) and
    // one OPTIONS a minute, each held for Timer K (T4 = 5 s).
    let refresh = 105.0;
    let held = (2.0 / refresh + 1.0 / 60.0) * 5.0;
    let per_tx = finished_transaction_bytes();
    total += per_tx * held;
    println!(
        "| finished transactions for Timer K ({held:.2} per trunk × {per_tx:.0} bytes) | {:.0} | |",
        per_tx * held
    );
    println!("| **total** | **{total:.0}** | |");
    println!("\nhistory entries per trunk: {history:.1} (at most 20)");
    println!(
        "a request inline: {} bytes (the client kept two, the qualifier one, in the table's slots until they were boxed)",
        std::mem::size_of::<trunkline::sip::proto::Request>()
    );
    std::hint::black_box((&directory, &follower, &queue, &armed, &registry, &clients));
    relay_per_call();
}

/// The relay's share of an anchored call in progress (issue 20, item 4): its four sockets
/// watched by a relay thread, its table slot, control channel and quality meter, after both
/// sides' SDP and the answer. Real sockets on 127.0.0.1 ports 40000-44999.
fn relay_per_call() {
    use trunkline::sip::proto::call::{CallId, Side};
    use trunkline::sip::runtime::relay::{Relay, Update};
    const CALLS: u64 = 1000;
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        println!("\nrelay: no runtime");
        return;
    };
    rt.block_on(async {
        let ip = std::net::IpAddr::from([127, 0, 0, 1]);
        let Ok(mut relay) = Relay::new(ip, 40000, 44999, 2) else {
            println!("\nrelay: no thread");
            return;
        };
        let _events = relay.take_events();
        let before = live();
        let side_at = SocketAddr::from(([127, 0, 0, 1], 9));
        for n in 0..CALLS {
            if relay.open().is_none() {
                println!("\nrelay: the range 40000-44999 is taken");
                return;
            }
            let id = CallId(n);
            relay.attach(id);
            for side in [Side::Caller, Side::Callee] {
                let update = Update {
                    side,
                    rtp: Some(side_at),
                    rtcp: Some(side_at),
                    signalling: side_at,
                    symmetric_rtp: true,
                    hold: false,
                    clocks: Default::default(),
                };
                relay.update(id, update);
            }
            relay.watch(id, Default::default());
        }
        // The relay threads take their messages.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (bytes, blocks) = live();
        println!(
            "\nrelay of an anchored call in progress: {} bytes in {:.1} blocks per call ({CALLS} calls)",
            (bytes - before.0) / CALLS as isize,
            (blocks - before.1) as f64 / CALLS as f64
        );
        for n in 0..CALLS {
            relay.close(CallId(n));
        }
    });
}
