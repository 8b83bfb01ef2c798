//! Fixtures shared by the service tests: a fresh database and the seed's
//! configuration (XiVO's "Interconnect to a VoIP provider").

use super::{outcalls, trunks, users};
use crate::model::calls::LiveCall;
use crate::model::outcall::{ExtenInput, OutcallInput};
use crate::model::security::WatchedAddress;
use crate::model::trunk::TrunkInput;
use crate::model::user::UserInput;
use crate::ssr::db;
use crate::ssr::state::{Core, EngineCommand, EngineLink};
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

pub async fn core() -> Core {
    Core::new(db::open_in_memory().await.expect("db"))
        .await
        .expect("core")
}

pub fn seed_trunk() -> TrunkInput {
    TrunkInput {
        name: "provider_username".into(),
        auth_username: "provider_username".into(),
        secret: "provider_password".into(),
        host_type: "static".into(),
        host: "voip.provider.example.com".into(),
        register: true,
        reg_username: "provider_username".into(),
        reg_server: "voip.provider.example.com".into(),
        monitoring: "2000".into(),
        ..TrunkInput::default()
    }
}

pub fn user(first: &str, exten: &str) -> UserInput {
    UserInput {
        firstname: first.into(),
        lastname: String::new(),
        exten: exten.into(),
        ..UserInput::default()
    }
}

pub fn outcall(name: &str, trunks: Vec<i64>, patterns: &[&str]) -> OutcallInput {
    OutcallInput {
        name: name.into(),
        trunks,
        extens: patterns
            .iter()
            .map(|p| ExtenInput {
                pattern: (*p).into(),
                ..ExtenInput::default()
            })
            .collect(),
        ..OutcallInput::default()
    }
}

/// The seed's trunk, front-desk user 1000 and the `418.` outgoing call;
/// returns (trunk id, user id, outcall id).
pub async fn seed(core: &Core) -> (i64, i64, i64) {
    let trunk = trunks::create(core, &seed_trunk()).await.expect("trunk").id;
    let mut desk = user("Front", "1000");
    desk.lastname = "Desk".into();
    let user = users::create(core, &desk).await.expect("user").view.id;
    let outcall = outcalls::create(core, &outcall("provider", vec![trunk], &["418."]))
        .await
        .expect("outcall")
        .view
        .id;
    (trunk, user, outcall)
}

/// An engine link whose other ends the test holds.
pub struct TestEngine {
    pub link: EngineLink,
    pub live_calls: watch::Sender<Arc<Vec<LiveCall>>>,
    pub watched: watch::Sender<Arc<Vec<WatchedAddress>>>,
    pub commands: mpsc::UnboundedReceiver<EngineCommand>,
}

pub fn engine_link() -> TestEngine {
    let mut link = EngineLink::detached();
    let (live_calls, live_rx) = watch::channel(Arc::new(Vec::new()));
    let (watched, watched_rx) = watch::channel(Arc::new(Vec::new()));
    let (commands_tx, commands) = mpsc::unbounded_channel();
    link.live = crate::ssr::state::live_from(live_rx);
    link.watched = watched_rx;
    link.commands = commands_tx;
    TestEngine {
        link,
        live_calls,
        watched,
        commands,
    }
}
