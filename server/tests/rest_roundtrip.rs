//! REST that round-trips, as an integrator drives it: the real router on
//! 127.0.0.1 over a SQLite file. What GET shows is what PUT takes (secrets
//! excepted: never shown, kept when left out), a PUT replaces and names
//! what it lacks, and `host:port` in Host is split or refused.

mod common;

use common::office::{engine_view, message, trunk, unversioned};
use common::rest::Server;
use serde_json::json;

#[tokio::test]
async fn every_resource_put_back_as_read_changes_nothing() {
    let server = Server::start("rest-roundtrip-put").await;
    for path in server.office().await {
        let before = server.read(&path).await;
        let engine = engine_view(&server);
        let (status, _, text) = server.call("PUT", &path, Some(before.clone()), true).await;
        assert_eq!(status, 200, "PUT {path} of its own GET: {text}");
        let after = server.read(&path).await;
        assert_eq!(
            unversioned(&after),
            unversioned(&before),
            "GET {path} after the PUT"
        );
        assert_eq!(
            after["version"].as_i64(),
            before["version"].as_i64().map(|v| v + 1)
        );
        assert_eq!(
            engine_view(&server),
            engine,
            "{path}: the engine's configuration"
        );
    }
    // The trunk kept its passwords and its static host through all that.
    let trunk = &engine_view(&server).trunks[0];
    assert_eq!(trunk.secret.expose(), "provider_password");
    assert_eq!(trunk.reg_secret.expose(), "provider_password");
    assert_eq!(
        trunk.trunk.host.as_deref(),
        Some("voip.provider.example.com")
    );
    assert_eq!(
        engine_view(&server).users[0].secret.expose(),
        "front-desk-line"
    );
}

#[tokio::test]
async fn get_shows_the_form_fields_and_never_a_secret() {
    let server = Server::start("rest-roundtrip-shape").await;
    let paths = server.office().await;
    let trunk = server.read(&paths[0]).await;
    assert_eq!(trunk["host_type"], "static");
    assert_eq!(trunk["port"], 5060);
    assert_eq!(trunk["monitoring"], 2000);
    assert_eq!(trunk["has_secret"], true);
    for secret in ["secret", "reg_secret"] {
        assert!(trunk.get(secret).is_none(), "{secret} shown: {trunk}");
    }
    let user = server.read(&paths[1]).await;
    assert_eq!(user["exten"], "1000");
    assert_eq!(user["caller_id_mode"], "custom");
    assert!(user.get("line_password").is_none(), "{user}");
    assert_eq!(user["direct_media"], true, "{user}");
    assert!(
        engine_view(&server).users[0].user.direct_media,
        "the line's direct media reaches the engine"
    );
    let outcall = server.read(&paths[4]).await;
    assert_eq!(outcall["extens"][0]["pattern"], "418NXXXXXX");
    assert_eq!(outcall["extens"][0]["strip"], 1);
    let incall = server.read(&paths[5]).await;
    assert_eq!(incall["destination"], "user");
    for path in &paths {
        let (_, _, text) = server.call("GET", path, None, true).await;
        for leak in ["provider_password", "front-desk-line"] {
            assert!(!text.contains(leak), "GET {path} shows {leak}: {text}");
        }
    }
}

#[tokio::test]
async fn a_put_missing_a_required_field_is_refused_naming_it() {
    let server = Server::start("rest-roundtrip-required").await;
    let paths = server.office().await;
    for (path, field) in [
        (&paths[0], "host_type"),
        (&paths[0], "port"),
        (&paths[1], "exten"),
        (&paths[2], "kind"),
        (&paths[4], "extens"),
        (&paths[5], "destination"),
        (&paths[6], "local_networks"),
        (&paths[7], "ban_time"),
    ] {
        let mut body = server.read(path).await;
        body.as_object_mut().map(|b| b.remove(field));
        let (status, answer, text) = server.call("PUT", path, Some(body), true).await;
        assert_eq!(status, 422, "PUT {path} without {field}: {text}");
        assert_eq!(answer["error"]["field"], field, "{text}");
        assert!(
            message(&answer).starts_with(&format!("{field} is required: a PUT replaces")),
            "{text}"
        );
    }
    // Optional fields left out are blank, not refused.
    let mut body = server.read(&paths[0]).await;
    body.as_object_mut().map(|b| b.remove("caller_id"));
    let (status, saved, text) = server.call("PUT", &paths[0], Some(body), true).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(saved["caller_id"], "");
    // A client written before a line had Direct media leaves it out: off.
    let mut body = server.read(&paths[1]).await;
    body.as_object_mut().map(|b| b.remove("direct_media"));
    let (status, saved, text) = server.call("PUT", &paths[1], Some(body), true).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(saved["direct_media"], false);
}

#[tokio::test]
async fn a_host_without_host_type_stays_static() {
    let server = Server::start("rest-roundtrip-static").await;
    let mut body = trunk();
    body.as_object_mut().map(|b| b.remove("host_type"));
    let created = server.post_ok("/api/v1/trunks", body).await;
    assert_eq!(created["host_type"], "static", "{created}");
    assert_eq!(created["host"], "voip.provider.example.com");
    let published = server.core.config.borrow().trunks[0].trunk.host.clone();
    assert_eq!(published.as_deref(), Some("voip.provider.example.com"));

    let dynamic = server
        .post_ok(
            "/api/v1/trunks",
            json!({ "name": "roaming", "caller_id": null }),
        )
        .await;
    assert_eq!(dynamic["host_type"], "dynamic");
    assert_eq!(dynamic["caller_id"], "", "null in a POST is left out");
}

#[tokio::test]
async fn host_with_a_port_is_split_or_refused_pointing_at_port() {
    let server = Server::start("rest-roundtrip-hostport").await;
    let split = json!({ "name": "lab", "host": "127.0.0.1:5080", "register": true,
        "reg_username": "lab", "reg_secret": "lab-secret", "reg_server": "127.0.0.1" });
    let created = server.post_ok("/api/v1/trunks", split.clone()).await;
    assert_eq!(created["host"], "127.0.0.1");
    assert_eq!(created["port"], 5080);
    assert_eq!(
        created["reg_port"], 5080,
        "Register port follows the General port"
    );

    let mut same = split.clone();
    same["name"] = json!("lab2");
    same["port"] = json!(5080);
    let created = server.post_ok("/api/v1/trunks", same).await;
    assert_eq!(
        (&created["host"], &created["port"]),
        (&json!("127.0.0.1"), &json!(5080))
    );

    let mut other = split;
    other["name"] = json!("lab3");
    other["port"] = json!(5060);
    let (status, answer, text) = server
        .call("POST", "/api/v1/trunks", Some(other), true)
        .await;
    assert_eq!(status, 422, "{text}");
    assert_eq!(answer["error"]["field"], "host");
    assert!(message(&answer).contains("the Port field"), "{text}");

    // Register port given apart from Port keeps its own value.
    let own = json!({ "name": "lab4", "host": "127.0.0.1", "port": 5070, "reg_port": 5090 });
    let created = server.post_ok("/api/v1/trunks", own).await;
    assert_eq!(
        (&created["port"], &created["reg_port"]),
        (&json!(5070), &json!(5090))
    );
}

/// The console's trunk form saves through the same service and model as
/// REST: `host:port` there is split or refused the same way.
#[tokio::test]
async fn the_console_form_judges_host_and_port_as_rest_does() {
    use app::model::trunk::TrunkInput;
    use app::ssr::service::{trunks, ServiceError};
    let server = Server::start("rest-roundtrip-console").await;
    // The form as a new trunk opens, Host typed with a port.
    let typed = TrunkInput {
        name: "lab".into(),
        host_type: "static".into(),
        host: "127.0.0.1:5080".into(),
        ..TrunkInput::default()
    };
    let Err(ServiceError::Invalid(errors)) = trunks::create(&server.core, &typed).await else {
        panic!("the form's Port (5060) disagrees with the host's 5080");
    };
    let message = errors.get("host").unwrap_or_default();
    assert!(message.contains("the Port field"), "{message}");

    let agreed = TrunkInput {
        port: "5080".into(),
        ..typed
    };
    let view = trunks::create(&server.core, &agreed).await.expect("saved");
    assert_eq!(
        (view.trunk.host.as_deref(), view.trunk.port),
        (Some("127.0.0.1"), 5080)
    );
    assert_eq!(
        view.trunk.reg_port, 5080,
        "blank Register port: the General port"
    );
}
