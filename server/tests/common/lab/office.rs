//! The office's configuration, written before Trunkline starts.

use super::{PBX_NAT_PORT, PROVIDER_IP, WAN_IP};
use app::model::incall::IncallInput;
use app::model::outcall::{ExtenInput, OutcallInput};
use app::model::trunk::TrunkInput;
use app::model::user::UserInput;
use app::ssr::state::Core;
use std::path::Path;

/// User 1000's line password.
pub const LINE_PASSWORD: &str = "lab-secret-1000";

/// The office's database: trunk `provider` to 198.51.100.20:5060 (digest
/// provider_user / provider_secret; registering there when `register`),
/// user 1000 with a line, `418.` out through the trunk, DID 4185550000 to
/// user 1000.
/// `proxy`: the trunk's Outbound proxy; its host is then 198.51.100.99, where
/// nobody answers, so a call that ignores the proxy is lost.
pub async fn prepare(db: &Path, register: bool, proxy: Option<&str>) {
    use app::ssr::service::trunks;
    let pool = app::ssr::db::open(db).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let trunk = TrunkInput {
        name: "provider".into(),
        auth_username: "provider_user".into(),
        secret: "provider_secret".into(),
        host_type: "static".into(),
        host: if proxy.is_some() {
            "198.51.100.99"
        } else {
            PROVIDER_IP
        }
        .into(),
        port: "5060".into(),
        outbound_proxy: proxy.unwrap_or_default().into(),
        register,
        reg_username: "provider_user".into(),
        reg_secret: "provider_secret".into(),
        reg_server: PROVIDER_IP.into(),
        reg_port: "5060".into(),
        monitoring: "no".into(),
        ..TrunkInput::default()
    };
    let trunk = trunks::create(&core, &trunk).await.expect("trunk").id;
    front_desk(&core).await;
    route_out(&core, "provider", trunk).await;
    pool.close().await;
}

/// Outgoing call `name`: `418.` out through `trunk`.
pub async fn route_out(core: &Core, name: &str, trunk: i64) {
    let outcall = OutcallInput {
        name: name.into(),
        trunks: vec![trunk],
        extens: vec![ExtenInput {
            pattern: "418.".into(),
            ..ExtenInput::default()
        }],
        ..OutcallInput::default()
    };
    app::ssr::service::outcalls::create(core, &outcall)
        .await
        .expect("outgoing call");
}

/// Trunk `branch`, for Trunkline hosted on the internet side: a branch
/// office behind the router, at its mapping (198.51.100.1:40060), NAT
/// `force_rport`. Returns its id.
pub async fn branch_trunk(core: &Core) -> i64 {
    let trunk = TrunkInput {
        name: "branch".into(),
        host_type: "static".into(),
        host: WAN_IP.into(),
        port: PBX_NAT_PORT.to_string(),
        nat: "force_rport".into(),
        monitoring: "no".into(),
        ..TrunkInput::default()
    };
    let created = app::ssr::service::trunks::create(core, &trunk).await;
    created.expect("trunk").id
}

/// User 1000 (Front Desk) with a line, and DID 4185550000 routed to it.
pub async fn front_desk(core: &Core) {
    use app::ssr::service::{incalls, users};
    let user = UserInput {
        firstname: "Front".into(),
        lastname: "Desk".into(),
        exten: "1000".into(),
        line_password: LINE_PASSWORD.into(),
        ..UserInput::default()
    };
    let desk = users::create(core, &user).await.expect("user 1000").view.id;
    let incall = IncallInput {
        did: "4185550000".into(),
        destination: "user".into(),
        user_id: Some(desk),
        ..IncallInput::default()
    };
    incalls::create(core, &incall).await.expect("incoming call");
}
