//! What the model accepts reads back: for every configuration type,
//! generated form input that the model's own validation accepts is saved
//! through the service into a real SQLite file, then read back the two
//! ways the PBX reads it (the service's `get`, and `config::load` as at
//! start-up and at every publication); both equal what was accepted, and
//! nothing is set aside for repair. An 80-character pattern that came
//! back with 81 characters is the kind of bug this catches.

use app::model::context::{ContextInput, ContextRules, RangeInput};
use app::model::incall::{IncallInput, IncallRules};
use app::model::nat::SipNatInput;
use app::model::outcall::{ExtenInput, OutcallInput};
use app::model::security::SipSecurityInput;
use app::model::trunk::TrunkInput;
use app::model::user::{UserInput, UserRules};
use app::model::PbxConfig;
use app::ssr::service::{self, config, ServiceError};
use app::ssr::state::Core;
use app::ssr::store;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};

const CASES: u32 = 48;

/// A database file of its own and a runtime to drive the services with.
struct Store {
    runtime: tokio::runtime::Runtime,
    core: Core,
    dir: std::path::PathBuf,
    /// Makes names unique across cases, so only the field under test can
    /// make a save fail.
    counter: AtomicUsize,
    /// Cases the model accepted and the test saved: a run that accepts
    /// almost nothing would check almost nothing.
    saved: AtomicUsize,
}

impl Store {
    fn new(name: &str) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let dir =
            std::env::temp_dir().join(format!("trunkline-props-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let core = runtime.block_on(async {
            let pool = app::ssr::db::open(&dir.join("t.db")).await.expect("db");
            Core::new(pool).await.expect("core")
        });
        Self {
            runtime,
            core,
            dir,
            counter: AtomicUsize::new(0),
            saved: AtomicUsize::new(0),
        }
    }

    fn next(&self) -> usize {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// The configuration as a restart reads it; fails the case if any row
    /// had to be set aside.
    async fn reload(&self) -> Result<PbxConfig, TestCaseError> {
        self.saved.fetch_add(1, Ordering::Relaxed);
        let loaded = config::load(&self.core.pool, 0)
            .await
            .map_err(|e| TestCaseError::fail(format!("load: {e}")))?;
        prop_assert!(loaded.repairs.is_empty(), "set aside: {:?}", loaded.repairs);
        Ok(loaded.config)
    }

    /// Runs `check` on `CASES` inputs from `strategy`.
    fn run<S: Strategy>(
        &self,
        strategy: S,
        check: impl Fn(&Self, S::Value) -> Result<(), TestCaseError>,
    ) where
        S::Value: std::fmt::Debug,
    {
        let mut runner = TestRunner::new(Config {
            cases: CASES,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&strategy, |input| check(self, input));
        if let Err(failure) = result {
            panic!("{failure}");
        }
        let saved = self.saved.load(Ordering::Relaxed);
        assert!(
            saved >= CASES as usize / 4,
            "only {saved} of {CASES} generated inputs were accepted: the generators miss"
        );
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A refusal the generated input can earn on the service side only: a
/// name or number another case already took.
fn taken(error: &ServiceError) -> bool {
    matches!(error, ServiceError::Invalid(e) if e.0.iter().any(|f| f.message.contains("already")))
}

fn fail(what: &str, error: &ServiceError) -> TestCaseError {
    TestCaseError::fail(format!(
        "{what}: accepted by the model, refused on save: {error}"
    ))
}

/// Mostly `usual` (what an administrator types), once in twenty `wild`:
/// one wild field is enough to refuse a whole form.
fn mostly<T: std::fmt::Debug + Clone + 'static>(
    usual: impl Strategy<Value = T> + 'static,
    wild: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<T> {
    prop_oneof![19 => usual, 1 => wild].boxed()
}

/// A number in `range` as typed, or any digits.
fn number(range: std::ops::RangeInclusive<u32>) -> BoxedStrategy<String> {
    mostly(range.prop_map(|n| n.to_string()), "[0-9]{0,7}")
}

fn one_of(choices: &'static [&'static str]) -> BoxedStrategy<String> {
    proptest::sample::select(choices)
        .prop_map(str::to_owned)
        .boxed()
}

fn host() -> BoxedStrategy<String> {
    mostly(
        one_of(&[
            "sip.example.com",
            "192.0.2.1",
            "[2001:db8::1]",
            " sip.example.com ",
            "voip.provider.example.com",
        ]),
        "[a-z0-9.:-]{0,70}",
    )
}

fn trunk_input() -> impl Strategy<Value = TrunkInput> {
    (
        (
            mostly("[a-z][a-z0-9_]{0,30}", "[a-zA-Z0-9_.-]{1,45}"),
            mostly(Just("static".to_owned()), one_of(&["dynamic", "bogus"])),
            host(),
            number(1..=65_535),
        ),
        (
            mostly(
                one_of(&["", "\"Office\" <4185550100>", "4185550100"]),
                "\\PC{0,30}",
            ),
            one_of(&["user", "peer", "friend"]),
            one_of(&["no", "force_rport", "comedia", "both"]),
            number(0..=50),
        ),
        (
            mostly(Just(false), Just(true)),
            "[a-z0-9_]{1,20}",
            host(),
            number(1..=65_535),
            number(60..=3600),
        ),
        (
            proptest::sample::subsequence(vec!["ulaw", "alaw", "g722", "opus", "g729"], 1..=5),
            one_of(&["rfc2833", "info"]),
            mostly(
                one_of(&["no", "yes", "500", "4000"]),
                one_of(&["4001", "250"]),
            ),
            number(10..=300),
            any::<bool>(),
        ),
    )
        .prop_map(|(general, signalling, register, media)| {
            let (name, host_type, host, port) = general;
            let (caller_id, connection_type, nat, call_limit) = signalling;
            let (register, reg_username, reg_server, reg_port, reg_expiry) = register;
            let (codecs, dtmf_mode, monitoring, qualify_freq, disabled) = media;
            TrunkInput {
                name,
                auth_username: reg_username.clone(),
                secret: "secret-1".into(),
                caller_id,
                connection_type,
                host_type,
                host,
                port,
                nat,
                call_limit,
                register,
                reg_username,
                reg_server,
                reg_port,
                reg_expiry,
                codecs: codecs.into_iter().map(str::to_owned).collect(),
                dtmf_mode,
                monitoring,
                qualify_freq,
                disabled,
                ..TrunkInput::default()
            }
        })
}

#[test]
fn trunks_read_back_as_accepted() {
    let store = Store::new("trunks");
    store.run(trunk_input(), |store, mut input| {
        input.name = format!("{}{}", input.name, store.next());
        store.runtime.block_on(async {
            let ctx = service::trunks::validation_context(&store.core, None)
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let Ok((accepted, _)) = input.validate(&ctx) else {
                return Ok(());
            };
            let view = match service::trunks::create(&store.core, &input).await {
                Ok(view) => view,
                Err(e) if taken(&e) => return Ok(()),
                Err(e) => return Err(fail("trunk", &e)),
            };
            prop_assert_eq!(&view.trunk, &accepted);
            let got = service::trunks::get(&store.core, view.id)
                .await
                .map(|v| v.trunk)
                .ok();
            prop_assert_eq!(got.as_ref(), Some(&accepted));
            let config = store.reload().await?;
            let loaded = config
                .trunks
                .iter()
                .find(|t| t.id == view.id)
                .map(|t| &t.trunk);
            prop_assert_eq!(loaded, Some(&accepted));
            Ok(())
        })
    });
}

fn user_input() -> impl Strategy<Value = UserInput> {
    (
        (
            mostly("[A-Z][a-z]{0,15}", "\\PC{0,40}"),
            mostly("[A-Z]?[a-z]{0,15}", "\\PC{0,40}"),
            number(1000..=1999),
        ),
        (
            mostly(Just(String::new()), "[a-zA-Z0-9._-]{0,40}"),
            mostly(
                prop_oneof![Just(String::new()), "[a-zA-Z0-9]{8,20}"],
                "[ -~]{0,30}",
            ),
        ),
        (
            one_of(&["default", "anonymous", "custom"]),
            mostly("[0-9]{3,15}", "[0-9+]{0,20}"),
            number(0..=300),
        ),
    )
        .prop_map(
            |(
                (firstname, lastname, exten),
                (line_username, line_password),
                (mode, number, ringtime),
            )| {
                UserInput {
                    firstname,
                    lastname,
                    exten,
                    line_username,
                    line_password,
                    caller_id_mode: mode,
                    caller_id_number: number,
                    ringtime,
                    ..UserInput::default()
                }
            },
        )
}

#[test]
fn users_read_back_as_accepted() {
    let store = Store::new("users");
    store.run(user_input(), |store, input| {
        store.runtime.block_on(async {
            let rules = UserRules {
                contexts: store::contexts::list(&store.core.pool)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?,
            };
            let Ok((accepted, _)) = input.validate(&rules) else {
                return Ok(());
            };
            let saved = match service::users::create(&store.core, &input).await {
                Ok(saved) => saved,
                Err(e) if taken(&e) => return Ok(()),
                Err(e) => return Err(fail("user", &e)),
            };
            let id = saved.view.id;
            prop_assert_eq!(&saved.view.user, &accepted);
            let got = service::users::get(&store.core, id)
                .await
                .map(|v| v.user)
                .ok();
            prop_assert_eq!(got.as_ref(), Some(&accepted));
            let config = store.reload().await?;
            let loaded = config.users.iter().find(|u| u.id == id).map(|u| &u.user);
            prop_assert_eq!(loaded, Some(&accepted));
            // The next case needs the extension free again.
            service::users::delete(&store.core, id)
                .await
                .map_err(|e| fail("delete", &e))?;
            Ok(())
        })
    });
}

/// A range of `digits`-digit numbers, or anything.
fn range(digits: u32) -> BoxedStrategy<RangeInput> {
    let low = 10u64.pow(digits - 1);
    let usual = (low..low * 10, 0..low).prop_map(move |(first, span)| RangeInput {
        first: first.to_string(),
        last: (first + span).min(low * 10 - 1).to_string(),
    });
    let wild = ("[0-9]{1,6}", "[0-9]{0,6}").prop_map(|(first, last)| RangeInput { first, last });
    mostly(usual, wild)
}

fn context_input() -> impl Strategy<Value = ContextInput> {
    let includes = proptest::sample::subsequence(vec!["to-extern", "default"], 0..=2);
    let internal =
        (prop::collection::vec(range(4), 0..3), includes).prop_map(|(user_ranges, includes)| {
            ContextInput {
                kind: "internal".into(),
                user_ranges,
                includes: includes.into_iter().map(str::to_owned).collect(),
                ..ContextInput::default()
            }
        });
    let incall = (
        prop::collection::vec(range(10), 0..3),
        mostly(Just("10".to_owned()), "[0-9]{0,2}"),
    )
        .prop_map(|(did_ranges, did_length)| ContextInput {
            kind: "incall".into(),
            did_ranges,
            did_length,
            ..ContextInput::default()
        });
    let outcall = mostly(one_of(&["", "10", "10, 11", "7,10,11"]), "[0-9, ]{0,10}").prop_map(
        |number_lengths| ContextInput {
            kind: "outcall".into(),
            number_lengths,
            ..ContextInput::default()
        },
    );
    (
        mostly("[a-z][a-z0-9_-]{0,30}", "[a-z0-9_-]{1,45}"),
        mostly("[A-Z][a-z ]{0,30}", "\\PC{0,50}"),
        prop_oneof![internal, incall, outcall],
    )
        .prop_map(|(name, label, kind)| ContextInput {
            name,
            label,
            ..kind
        })
}

#[test]
fn contexts_read_back_as_accepted() {
    let store = Store::new("contexts");
    store.run(context_input(), |store, mut input| {
        input.name = format!("{}{}", input.name, store.next());
        store.runtime.block_on(async {
            let rules = ContextRules {
                existing: store::contexts::list(&store.core.pool)
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?,
                editing: None,
            };
            let Ok(accepted) = input.validate(&rules) else {
                return Ok(());
            };
            let view = match service::contexts::create(&store.core, &input).await {
                Ok(view) => view,
                Err(e) if taken(&e) => return Ok(()),
                Err(e) => return Err(fail("context", &e)),
            };
            prop_assert_eq!(&view.context, &accepted);
            let config = store.reload().await?;
            let loaded = config.contexts.iter().find(|c| c.name == accepted.name);
            prop_assert_eq!(loaded, Some(&accepted));
            Ok(())
        })
    });
}

fn exten_input() -> impl Strategy<Value = ExtenInput> {
    (
        mostly(
            // Short patterns, and patterns at Asterisk's 80-character limit,
            // where the `_` the store adds counts.
            prop_oneof!["[2-9][0-9]{0,3}[XZN]{0,20}[.!]?", "[2-9][XZN]{76,79}[.!]?"],
            "[0-9XZN.!]{1,82}",
        ),
        number(0..=20),
        mostly("[0-9]{0,6}", "[-0-9+*#]{0,6}"),
        mostly(Just(String::new()), "[0-9+]{0,15}"),
    )
        .prop_map(|(pattern, strip, prefix, caller_id)| ExtenInput {
            pattern,
            strip,
            prefix,
            caller_id,
        })
}

#[test]
fn outcalls_read_back_as_accepted() {
    let store = Store::new("outcalls");
    let trunk = store.runtime.block_on(async {
        let input = TrunkInput {
            name: "provider".into(),
            host_type: "static".into(),
            host: "sip.example.com".into(),
            ..TrunkInput::default()
        };
        service::trunks::create(&store.core, &input)
            .await
            .expect("trunk")
            .id
    });
    let strategy = (
        mostly("[a-z][a-z0-9_-]{0,30}", "[a-zA-Z0-9_-]{1,40}"),
        prop::collection::vec(exten_input(), 1..4),
        number(0..=300),
        any::<bool>(),
    );
    store.run(strategy, |store, (name, extens, ringtime, internal)| {
        let input = OutcallInput {
            name: format!("{name}{}", store.next()),
            trunks: vec![trunk],
            ringtime,
            internal,
            extens,
            ..OutcallInput::default()
        };
        store.runtime.block_on(async {
            let rules = service::outcalls::rules(&store.core, None)
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let Ok(accepted) = input.validate(&rules) else {
                return Ok(());
            };
            let saved = match service::outcalls::create(&store.core, &input).await {
                Ok(saved) => saved,
                Err(e) if taken(&e) => return Ok(()),
                Err(e) => return Err(fail("outgoing call", &e)),
            };
            let id = saved.view.id;
            prop_assert_eq!(&saved.view.outcall, &accepted);
            let got = service::outcalls::get(&store.core, id)
                .await
                .map(|v| v.outcall)
                .ok();
            prop_assert_eq!(got.as_ref(), Some(&accepted));
            let config = store.reload().await?;
            let loaded = config
                .outcalls
                .iter()
                .find(|o| o.id == id)
                .map(|o| &o.value);
            prop_assert_eq!(loaded, Some(&accepted));
            // Patterns of later cases would otherwise be refused as duplicates.
            service::outcalls::delete(&store.core, id)
                .await
                .map_err(|e| fail("delete", &e))?;
            Ok(())
        })
    });
}

#[test]
fn incalls_read_back_as_accepted() {
    let store = Store::new("incalls");
    let user = store.runtime.block_on(async {
        let input = UserInput {
            firstname: "Front".into(),
            lastname: "Desk".into(),
            exten: "1000".into(),
            ..UserInput::default()
        };
        service::users::create(&store.core, &input)
            .await
            .expect("user")
            .view
            .id
    });
    let strategy = (
        mostly("\\+?[0-9]{4,15}", "\\+?[0-9]{1,22}"),
        one_of(&["user", "hangup"]),
        one_of(&["none", "prepend", "overwrite", "append"]),
        "\\PC{0,40}",
    );
    store.run(
        strategy,
        |store, (did, destination, caller_id_mode, caller_id_text)| {
            let input = IncallInput {
                did,
                destination,
                user_id: Some(user),
                caller_id_mode,
                caller_id_text,
                ..IncallInput::default()
            };
            store.runtime.block_on(async {
                let rules = IncallRules {
                    contexts: store::contexts::list(&store.core.pool)
                        .await
                        .map_err(|e| TestCaseError::fail(e.to_string()))?,
                    users: service::users::list(&store.core)
                        .await
                        .map_err(|e| fail("users", &e))?
                        .into_iter()
                        .map(|v| (v.id, v.user.display()))
                        .collect(),
                    others: Vec::new(),
                };
                let Ok(accepted) = input.validate(&rules) else {
                    return Ok(());
                };
                let view = match service::incalls::create(&store.core, &input).await {
                    Ok(view) => view,
                    Err(e) if taken(&e) => return Ok(()),
                    Err(e) => return Err(fail("incoming call", &e)),
                };
                prop_assert_eq!(&view.incall, &accepted);
                let got = service::incalls::get(&store.core, view.id)
                    .await
                    .map(|v| v.incall)
                    .ok();
                prop_assert_eq!(got.as_ref(), Some(&accepted));
                let config = store.reload().await?;
                let loaded = config
                    .incalls
                    .iter()
                    .find(|i| i.id == view.id)
                    .map(|i| &i.value);
                prop_assert_eq!(loaded, Some(&accepted));
                // Later cases may use the same DID.
                service::incalls::delete(&store.core, view.id)
                    .await
                    .map_err(|e| fail("delete", &e))?;
                Ok(())
            })
        },
    );
}

fn network() -> BoxedStrategy<String> {
    mostly(
        one_of(&[
            "192.168.1.0/24",
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.1.7",
            "2001:db8::/32",
            " 10.1.0.0/16 ",
        ]),
        "[0-9./:a-f]{1,20}",
    )
}

#[test]
fn nat_settings_read_back_as_accepted() {
    let store = Store::new("nat");
    let strategy = (
        mostly(
            one_of(&["", "198.51.100.1", "pbx.example.com", " 203.0.113.9 "]),
            "[a-z0-9.:-]{1,40}",
        ),
        prop::collection::vec(network(), 0..4),
        mostly(
            one_of(&[
                "",
                "0.0.0.0",
                "127.0.0.1:5070",
                "[::1]:5080",
                "::",
                "192.0.2.1:0",
            ]),
            "[0-9.:\\[\\]]{1,25}",
        ),
    );
    store.run(
        strategy,
        |store, (external_address, networks, bind_address)| {
            let input = SipNatInput {
                external_address,
                local_networks: networks.join("\n"),
                bind_address,
                ..SipNatInput::default()
            };
            store.runtime.block_on(async {
                let Ok(accepted) = input.validate() else {
                    return Ok(());
                };
                let before = service::nat::get(&store.core)
                    .await
                    .map_err(|e| fail("nat", &e))?;
                let saved = service::nat::update(&store.core, before.version, &input)
                    .await
                    .map_err(|e| fail("nat", &e))?;
                prop_assert_eq!(&saved.settings, &accepted);
                let got = service::nat::get(&store.core)
                    .await
                    .map_err(|e| fail("nat", &e))?;
                prop_assert_eq!(&got.settings, &accepted);
                prop_assert_eq!(&store.reload().await?.nat, &accepted);
                Ok(())
            })
        },
    );
}

#[test]
fn security_settings_read_back_as_accepted() {
    let store = Store::new("security");
    let strategy = (number(3..=1000), number(60..=86_400), number(60..=604_800));
    store.run(strategy, |store, (max_retry, find_time, ban_time)| {
        let input = SipSecurityInput {
            max_retry,
            find_time,
            ban_time,
        };
        store.runtime.block_on(async {
            let Ok(accepted) = input.validate() else {
                return Ok(());
            };
            let before = service::security::get(&store.core)
                .await
                .map_err(|e| fail("security", &e))?;
            let saved = service::security::update(&store.core, before.version, &input)
                .await
                .map_err(|e| fail("security", &e))?;
            prop_assert_eq!(&saved.settings, &accepted);
            let got = service::security::get(&store.core)
                .await
                .map_err(|e| fail("security", &e))?;
            prop_assert_eq!(&got.settings, &accepted);
            prop_assert_eq!(&store.reload().await?.security, &accepted);
            Ok(())
        })
    });
}
