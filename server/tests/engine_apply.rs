//! Instant apply, on the wire: each configuration snapshot the console
//! publishes reaches the engine, which registers new trunks, re-registers
//! changed ones, un-registers (`Expires: 0`) deleted or disabled ones and
//! leaves the others alone. The provider is a real UDP socket on
//! 127.0.0.1 that answers 200 and records every REGISTER it receives.

use app::model::config::{Secret, TrunkConfig};
use app::model::registry::RegistryAction;
use app::model::trunk::{TrunkInput, ValidationContext};
use app::model::PbxConfig;
use app::ssr::state::EngineLink;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use trunkline::engine::{start, EngineOptions};

mod common;

use common::registrar::{provider, Seen};

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

/// A whole new snapshot without a delta: the engine compares it with the
/// one it holds.
fn publish(tx: &watch::Sender<Arc<PbxConfig>>, trunks: Vec<TrunkConfig>) {
    let generation = tx.borrow().generation + 1;
    tx.send_replace(Arc::new(PbxConfig::of_trunks(generation, trunks)));
}

/// The next snapshot made as the console makes it: the last one with
/// trunk `id` replaced (or removed), and a delta naming it.
fn publish_change(tx: &watch::Sender<Arc<PbxConfig>>, id: i64, row: Option<TrunkConfig>) {
    let mut next = tx.borrow().next();
    next.put_trunk(id, row);
    tx.send_replace(Arc::new(next));
}

/// The engine on 127.0.0.1, following `config`; it runs until `stop`.
struct Engine {
    config: watch::Sender<Arc<PbxConfig>>,
    stop: watch::Sender<bool>,
    link: EngineLink,
}

async fn engine() -> Engine {
    let (config, config_rx) = watch::channel(Arc::new(PbxConfig::default()));
    let (stop, stopped) = watch::channel(false);
    let options = EngineOptions {
        sip_bind: "127.0.0.1:0".parse().expect("addr"),
        external_address: None,
        sip_tcp: trunkline::sip::runtime::TcpLimits::default(),
        caps: Default::default(),
    };
    // No call is made: what would go to the call log may go nowhere.
    let (call_log, _) = mpsc::unbounded_channel();
    let (unmatched, _) = mpsc::unbounded_channel();
    let (_, link) = start(options, config_rx, Vec::new(), call_log, unmatched, stopped)
        .await
        .expect("engine");
    Engine { config, stop, link }
}

#[tokio::test]
async fn snapshots_register_reregister_unregister_and_leave_others_alone() {
    let (port, mut wire) = provider().await;
    let Engine { config, stop, link } = engine().await;

    // Two new trunks: both register at once.
    publish(
        &config,
        vec![trunk(1, "alpha", port, 600), trunk(2, "bravo", port, 600)],
    );
    let mut seen = collect(&mut wire, Duration::from_secs(2)).await;
    seen.sort();
    assert_eq!(seen, vec![("alpha".into(), 600), ("bravo".into(), 600)]);

    // The registry says so.
    all_registered(&link, 2).await;

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

/// One trunk's status change costs one registry row however many trunks
/// there are (issue 21: rebuilding all 10,000 rows per refresh cost a
/// core). The engine counts the rows it builds (`sip show stats`).
#[tokio::test]
async fn one_trunk_reregistering_rebuilds_its_own_registry_row_only() {
    const TRUNKS: i64 = 300;
    let (
        _,
        mut wire,
        Engine {
            config: _config,
            stop,
            link,
        },
    ) = registered_trunks(TRUNKS).await;
    let first_wave = collect(&mut wire, Duration::from_secs(1)).await;
    assert!(first_wave.len() <= TRUNKS as usize, "{first_wave:?}");
    let before = (link.stats)().registry_rows_built;
    assert!(
        before >= TRUNKS as u64,
        "each trunk's row was built at least once: {before}"
    );

    let _ = link.actions.send((7, RegistryAction::Reregister));
    let seen = collect(&mut wire, Duration::from_secs(2)).await;
    assert_eq!(
        seen,
        vec![("t7".into(), 600)],
        "trunk 7 alone registers again"
    );
    let built = (link.stats)().registry_rows_built - before;
    assert!(
        (1..=4).contains(&built),
        "one trunk re-registering rebuilt {built} registry rows (of {TRUNKS})"
    );
    let row = link.registry.borrow().get(7).map(|r| r.state);
    assert_eq!(
        row,
        Some(app::model::registry::RegistrationState::Registered)
    );
    let _ = stop.send(true);
}

/// A provider, and an engine with trunks 1..=n (`t1`…) registered to it.
async fn registered_trunks(n: i64) -> (u16, mpsc::UnboundedReceiver<Seen>, Engine) {
    let (port, wire) = provider().await;
    let engine = engine().await;
    publish(
        &engine.config,
        (1..=n)
            .map(|id| trunk(id, &format!("t{id}"), port, 600))
            .collect(),
    );
    all_registered(&engine.link, n as usize).await;
    (port, wire, engine)
}

/// Waits until the registry shows `n` trunks, every one Registered.
async fn all_registered(link: &EngineLink, n: usize) {
    let mut registry = link.registry.clone();
    let registered = tokio::time::timeout(
        Duration::from_secs(20),
        registry.wait_for(|rows| {
            rows.len() == n
                && rows
                    .rows()
                    .all(|r| r.state == app::model::registry::RegistrationState::Registered)
        }),
    )
    .await
    .map(|r| r.is_ok());
    assert_eq!(registered, Ok(true), "all {n} trunks should register");
}

/// Every trunk's next REGISTER and OPTIONS, as the registry shows them.
fn timers(link: &EngineLink) -> Vec<(i64, String)> {
    let board = link.registry.borrow();
    let mut rows: Vec<(i64, String)> = board
        .rows()
        .map(|r| {
            let at = format!("{:?} {:?}", r.next_register_at, r.next_qualify_at);
            (r.trunk_id, at)
        })
        .collect();
    rows.sort();
    rows
}

/// A change as the console publishes it (the last snapshot with one
/// trunk's row replaced and a delta naming it) touches that trunk alone
/// among 300 (issue 20): on the wire only its REGISTER, in the registry
/// only its row rebuilt, every other trunk's timers as they were. A new
/// trunk and a deleted one likewise.
#[tokio::test]
async fn a_published_change_touches_its_own_trunk_only() {
    const TRUNKS: i64 = 300;
    let (port, mut wire, Engine { config, stop, link }) = registered_trunks(TRUNKS).await;
    let _ = collect(&mut wire, Duration::from_secs(1)).await;
    let others = |rows: Vec<(i64, String)>| -> Vec<(i64, String)> {
        rows.into_iter().filter(|(id, _)| *id != 7).collect()
    };
    let before = others(timers(&link));
    let built_before = (link.stats)().registry_rows_built;

    publish_change(&config, 7, Some(trunk(7, "t7", port, 900)));
    let seen = collect(&mut wire, Duration::from_secs(2)).await;
    assert_eq!(seen, vec![("t7".into(), 900)], "trunk 7 alone registers");
    let built = (link.stats)().registry_rows_built - built_before;
    assert!(
        (1..=4).contains(&built),
        "one trunk's change rebuilt {built} registry rows (of {TRUNKS})"
    );
    assert_eq!(
        others(timers(&link)),
        before,
        "the other trunks' timers moved"
    );

    publish_change(
        &config,
        TRUNKS + 1,
        Some(trunk(TRUNKS + 1, "new", port, 600)),
    );
    let seen = collect(&mut wire, Duration::from_secs(2)).await;
    assert_eq!(seen, vec![("new".into(), 600)], "the new trunk alone");
    all_registered(&link, TRUNKS as usize + 1).await;

    publish_change(&config, 8, None);
    let seen = collect(&mut wire, Duration::from_secs(2)).await;
    assert_eq!(seen, vec![("t8".into(), 0)], "the deleted trunk alone");
    assert!(link.registry.borrow().get(8).is_none());
    let _ = stop.send(true);
}

/// A trunk that neither registers nor is monitored has nothing for Status
/// → SIP registry to say: no row (it was listed as "monitoring only").
#[tokio::test]
async fn only_trunks_that_register_or_are_monitored_have_a_registry_row() {
    let (port, _wire) = provider().await;
    let Engine { config, stop, link } = engine().await;
    let mut plain = trunk(2, "plain", port, 600);
    plain.trunk.register = false;
    plain.trunk.monitoring = None;
    publish(&config, vec![trunk(1, "alpha", port, 600), plain]);
    let mut registry = link.registry.clone();
    let registered = tokio::time::timeout(
        Duration::from_secs(5),
        registry.wait_for(|rows| {
            rows.get(1)
                .is_some_and(|r| r.state == app::model::registry::RegistrationState::Registered)
        }),
    )
    .await
    .map(|r| r.is_ok());
    assert_eq!(registered, Ok(true), "alpha should show Registered");
    let ids: Vec<i64> = link.registry.borrow().ids().collect();
    assert_eq!(ids, vec![1], "only the registering trunk has a row");
    let _ = stop.send(true);
}
