//! Incremental apply (issue 20), at the service layer on a real SQLite
//! file: after every change a service publishes, the snapshot the engine
//! follows equals what a restart reads from the database (rows, order and
//! repair list), and its delta names exactly the rows the change touched.
//! Random sequences of trunk and user creates, updates and deletes, NAT
//! changes and rows spoiled behind the services' back (the quarantine);
//! then writers publishing at the same moment.

use app::model::nat::SipNatInput;
use app::model::repair::Repair;
use app::model::trunk::TrunkInput;
use app::model::user::UserInput;
use app::model::PbxConfig;
use app::ssr::service::{self, config, ServiceError};
use app::ssr::state::Core;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

const CASES: u32 = 24;

#[derive(Clone, Debug)]
enum Op {
    AddTrunk {
        expiry: u32,
    },
    EditTrunk {
        pick: usize,
        expiry: u32,
        rename: bool,
    },
    DropTrunk {
        pick: usize,
    },
    AddUser {
        exten: u16,
    },
    EditUser {
        pick: usize,
        exten: u16,
    },
    DropUser {
        pick: usize,
    },
    /// A trunk's stored settings spoiled (a hand edit), then published:
    /// the row must be left out and listed for repair.
    Spoil {
        pick: usize,
    },
    Nat {
        external: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (60u32..=3600).prop_map(|expiry| Op::AddTrunk { expiry }),
        3 => (any::<usize>(), 60u32..=3600, any::<bool>())
            .prop_map(|(pick, expiry, rename)| Op::EditTrunk { pick, expiry, rename }),
        1 => any::<usize>().prop_map(|pick| Op::DropTrunk { pick }),
        3 => (1000u16..=1030).prop_map(|exten| Op::AddUser { exten }),
        2 => (any::<usize>(), 1000u16..=1030).prop_map(|(pick, exten)| Op::EditUser { pick, exten }),
        1 => any::<usize>().prop_map(|pick| Op::DropUser { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Spoil { pick }),
        1 => any::<bool>().prop_map(|external| Op::Nat { external }),
    ]
}

fn trunk_input(name: &str, expiry: u32) -> TrunkInput {
    TrunkInput {
        name: name.into(),
        register: true,
        secret: "pw".into(),
        reg_username: name.into(),
        reg_server: "127.0.0.1".into(),
        reg_port: "5060".into(),
        reg_expiry: expiry.to_string(),
        ..TrunkInput::default()
    }
}

fn user_input(exten: u16) -> UserInput {
    UserInput {
        firstname: format!("User {exten}"),
        exten: exten.to_string(),
        ..UserInput::default()
    }
}

/// A database file of its own (a new name per case: a pool's last
/// connections may still be closing on the previous one).
async fn fresh(dir: &std::path::Path) -> Core {
    static CASE: AtomicUsize = AtomicUsize::new(0);
    let path = dir.join(format!("case{}.db", CASE.fetch_add(1, Ordering::Relaxed)));
    let pool = app::ssr::db::open(&path)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Core::new(pool).await.expect("core")
}

async fn ids(core: &Core, table: &str) -> Vec<(i64, i64)> {
    sqlx::query_as(&format!("SELECT id, version FROM {table} ORDER BY id"))
        .fetch_all(&core.pool)
        .await
        .expect("ids")
}

/// The row `pick` chooses among `rows`, if any.
fn chosen(rows: &[(i64, i64)], pick: usize) -> Option<(i64, i64)> {
    (!rows.is_empty()).then(|| rows[pick % rows.len()])
}

/// What one step expects the delta to name.
#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    trunks: BTreeSet<i64>,
    users: BTreeSet<i64>,
    nat: bool,
}

/// A refusal the step may earn: an extension or name already taken.
fn refused(result: &Result<(), ServiceError>) -> bool {
    matches!(
        result,
        Err(ServiceError::Invalid(_)) | Err(ServiceError::Stale { .. })
    )
}

/// Carries out one step; `None` when the service refused it.
async fn step(core: &Core, op: &Op, n: usize) -> Option<Expected> {
    let trunks = ids(core, "trunks").await;
    let users = ids(core, "users").await;
    let mut expected = Expected::default();
    let result: Result<(), ServiceError> = match op {
        Op::AddTrunk { expiry } => {
            service::trunks::create(core, &trunk_input(&format!("t{n}"), *expiry))
                .await
                .map(|v| {
                    expected.trunks.insert(v.id);
                })
        }
        Op::EditTrunk {
            pick,
            expiry,
            rename,
        } => {
            let (id, version) = chosen(&trunks, *pick)?;
            let name = if *rename {
                format!("r{n}")
            } else {
                format!("t{id}x")
            };
            expected.trunks.insert(id);
            service::trunks::update(core, id, version, &trunk_input(&name, *expiry))
                .await
                .map(drop)
        }
        Op::DropTrunk { pick } => {
            let (id, _) = chosen(&trunks, *pick)?;
            expected.trunks.insert(id);
            service::trunks::delete(core, id).await
        }
        Op::AddUser { exten } => {
            service::users::create(core, &user_input(*exten))
                .await
                .map(|saved| {
                    expected.users.insert(saved.view.id);
                })
        }
        Op::EditUser { pick, exten } => {
            let (id, version) = chosen(&users, *pick)?;
            expected.users.insert(id);
            service::users::update(core, id, version, &user_input(*exten))
                .await
                .map(drop)
        }
        Op::DropUser { pick } => {
            let (id, _) = chosen(&users, *pick)?;
            expected.users.insert(id);
            service::users::delete(core, id).await
        }
        Op::Spoil { pick } => {
            let (id, _) = chosen(&trunks, *pick)?;
            sqlx::query(
                "UPDATE trunks SET settings = '{\"name\":\"spoiled\",\"port\":\"none\"}', \
                 version = version + 1 WHERE id = ?",
            )
            .bind(id)
            .execute(&core.pool)
            .await
            .expect("spoil");
            expected.trunks.insert(id);
            config::publish(core, config::Change::Trunk(id)).await
        }
        Op::Nat { external } => {
            let version = service::nat::get(core).await.expect("nat").version;
            let input = SipNatInput {
                external_address: if *external {
                    "198.51.100.7".into()
                } else {
                    String::new()
                },
                local_networks: "192.168.0.0/16".into(),
                bind_address: String::new(),
                rtp_start: "10000".into(),
                rtp_end: "20000".into(),
            };
            expected.nat = true;
            service::nat::update(core, version, &input).await.map(drop)
        }
    };
    if refused(&result) {
        return None;
    }
    result.expect("the step succeeds or is refused");
    Some(expected)
}

/// A snapshot without what only a publication has (generation, delta).
fn bare(config: &PbxConfig) -> PbxConfig {
    let mut bare = config.clone();
    bare.generation = 0;
    bare.delta = Default::default();
    bare
}

fn sorted(mut repairs: Vec<Repair>) -> Vec<Repair> {
    repairs.sort_by(|a, b| (a.kind.label(), &a.key).cmp(&(b.kind.label(), &b.key)));
    repairs
}

async fn check(ops: Vec<Op>, dir: &std::path::Path) -> Result<(), TestCaseError> {
    let core = fresh(dir).await;
    for (n, op) in ops.iter().enumerate() {
        let before = core.config.borrow().generation;
        let expected = step(&core, op, n).await;
        let published = core.config.borrow().clone();
        match expected {
            None => prop_assert_eq!(published.generation, before, "a refusal published"),
            Some(expected) => {
                prop_assert_eq!(published.generation, before + 1);
                prop_assert_eq!(published.delta.since, Some(before));
                let named = Expected {
                    trunks: published.delta.trunks.clone(),
                    users: published.delta.users.clone(),
                    nat: published.delta.nat,
                };
                prop_assert_eq!(named, expected, "after {:?}", op);
                prop_assert!(!published.delta.plan && !published.delta.security);
            }
        }
        let loaded = config::load(&core.pool, 0).await.expect("load");
        prop_assert_eq!(bare(&published), bare(&loaded.config), "after {:?}", op);
        prop_assert_eq!(
            sorted(config::repairs(&core)),
            sorted(loaded.repairs),
            "repairs after {:?}",
            op
        );
    }
    core.pool.close().await;
    Ok(())
}

#[test]
fn every_incremental_snapshot_equals_a_full_reload() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = std::env::temp_dir().join(format!("trunkline-apply-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&proptest::collection::vec(op(), 1..40), |ops| {
        runtime.block_on(check(ops, &dir))
    });
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// Writers saving at the same moment (REST clients in parallel): every
/// change lands in the snapshot, in one generation each, and the last
/// snapshot equals the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_publishing_at_once_lose_nothing() {
    const WRITERS: usize = 16;
    let dir = std::env::temp_dir().join(format!("trunkline-apply-race-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let core = fresh(&dir).await;
    let mut created = Vec::new();
    for n in 0..WRITERS {
        let view = service::trunks::create(&core, &trunk_input(&format!("w{n}"), 600))
            .await
            .expect("create");
        created.push((view.id, view.version));
    }
    let start = core.config.borrow().generation;
    let writers: Vec<_> = created
        .iter()
        .enumerate()
        .map(|(n, &(id, version))| {
            let core = core.clone();
            tokio::spawn(async move {
                let input = trunk_input(&format!("w{n}"), 900 + n as u32);
                service::trunks::update(&core, id, version, &input).await
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer").expect("update");
    }
    let published = core.config.borrow().clone();
    assert_eq!(published.generation, start + WRITERS as u64);
    let expiries: BTreeSet<u32> = published
        .trunks
        .iter()
        .map(|t| t.trunk.reg_expiry)
        .collect();
    assert_eq!(
        expiries,
        (0..WRITERS as u32).map(|n| 900 + n).collect(),
        "every writer's change is in the last snapshot"
    );
    let loaded = config::load(&core.pool, 0).await.expect("load");
    assert_eq!(bare(&published), bare(&loaded.config));
    core.pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
