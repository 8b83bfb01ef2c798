//! Display names on the wire (issue 17 item 6): every name Trunkline
//! writes into From is one RFC 3261 §25.1 quoted-string, whatever the
//! user's name or the incoming call's caller ID rule holds, so a strict
//! phone accepts the INVITE and a name cannot add header parameters.

mod common;

use app::model::incall::IncallInput;
use app::model::user::UserInput;
use app::ssr::state::Core;
use common::net::free_port;
use common::pbx::*;
use std::path::Path;

/// Users 1002 (`Jean Dupont, Sales; x=1`) and 1003 (Carol), and DID
/// 4185550002 → Bob (1001) whose caller ID name is overwritten with
/// `Sales:"Alice"`; the seed's DID 4185550000 → front desk prepends
/// `Sales:` to the name the provider sends (`"Caller"`), which used to go
/// out as `Sales:"Caller"`: the received name is unquoted before the rule.
async fn add_names(db: &Path) {
    use app::ssr::service::{incalls, users};
    let pool = app::ssr::db::open(db).await.expect("database");
    let core = Core::new(pool.clone()).await.expect("core");
    let user = |first: &str, last: &str, exten: &str, password: &str| UserInput {
        firstname: first.into(),
        lastname: last.into(),
        exten: exten.into(),
        line_password: password.into(),
        ..UserInput::default()
    };
    users::create(
        &core,
        &user("Jean", "Dupont, Sales; x=1", "1002", PASSWORD_1002),
    )
    .await
    .expect("user 1002");
    users::create(&core, &user("Carol", "", "1003", PASSWORD_1003))
        .await
        .expect("user 1003");
    let incall_list = incalls::list(&core).await.expect("incalls");
    let seed = incall_list
        .iter()
        .find(|i| i.incall.did == "4185550000")
        .expect("the seed's DID");
    let mut prepend = seed.incall.to_input();
    prepend.caller_id_mode = "prepend".into();
    prepend.caller_id_text = "Sales:".into();
    incalls::update(&core, seed.id, seed.version, &prepend)
        .await
        .expect("prepend rule");
    let bob = users::list(&core)
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.user.exten == "1001")
        .expect("Bob")
        .id;
    incalls::create(
        &core,
        &IncallInput {
            did: "4185550002".into(),
            destination: "user".into(),
            user_id: Some(bob),
            caller_id_mode: "overwrite".into(),
            caller_id_text: r#"Sales:"Alice""#.into(),
            ..IncallInput::default()
        },
    )
    .await
    .expect("overwrite rule");
    pool.close().await;
}

const PASSWORD_1002: &str = "phone-secret-1002";
const PASSWORD_1003: &str = "phone-secret-1003";

#[tokio::test]
async fn display_names_reach_phones_as_one_quoted_string() {
    let dir = Pbx::fresh_dir("names");
    let (provider_port, backup_port) = (free_port(), free_port());
    let db = dir.join("t.db");
    prepare(&db, provider_port, backup_port).await;
    add_names(&db).await;
    let mut pbx = Pbx::launch(dir, free_port()).await;
    pbx.provider_port = provider_port;
    pbx.backup_port = backup_port;

    let mut desk = pbx
        .ringing_phone("phone-1000", "1000", PASSWORD_1000, "call_phone_answer.xml")
        .await;
    let mut bob = pbx
        .ringing_phone("phone-1001", "1001", PASSWORD_1001, "call_phone_answer.xml")
        .await;
    let mut carol = pbx
        .ringing_phone("phone-1003", "1003", PASSWORD_1003, "call_phone_answer.xml")
        .await;
    let mut prepended = pbx
        .sipp_client("provider-prepend", "call_provider_invite_uac.xml")
        .local_port(pbx.provider_port)
        .args(["-s", "4185550000"])
        .spawn();
    let mut overwritten = pbx
        .sipp_client("provider-overwrite", "call_provider_invite_uac.xml")
        .local_port(pbx.backup_port)
        .args(["-s", "4185550002"])
        .spawn();
    let mut jean = pbx.dial(
        "dial-1002",
        "call_phone_dial.xml",
        "1002",
        PASSWORD_1002,
        "1003",
    );
    let mut all = [
        &mut desk,
        &mut bob,
        &mut carol,
        &mut prepended,
        &mut overwritten,
        &mut jean,
    ];
    let wire = pbx.expect_all_finished("the three calls", &mut all).await;
    // The phones are the first three.
    for (phone, from) in all.iter().zip([
        r#"From: "Sales:Caller" <sip:5145550199@"#,
        r#"From: "Sales:\"Alice\"" <sip:5145550199@"#,
        r#"From: "Jean Dupont, Sales; x=1" <sip:1002@"#,
    ]) {
        assert!(
            phone.messages().contains(from),
            "{} got no `{from}` (dir {:?})\n{wire}",
            phone.name(),
            pbx.dir
        );
    }
    pbx.end(&mut all).await;
}
