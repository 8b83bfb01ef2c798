//! REST that round-trips, as an integrator drives it: the real router on
//! 127.0.0.1 over a SQLite file. What GET shows is what PUT takes (secrets
//! excepted: never shown, kept when left out), a PUT replaces and names
//! what it lacks, PATCH merges (RFC 7396), unknown fields are refused with
//! the field to use, and `host:port` in Host is split or refused.

mod common;

use app::model::PbxConfig;
use common::rest::Server;
use serde_json::{json, Value};

fn trunk() -> Value {
    json!({
        "name": "provider_username",
        "auth_username": "provider_username",
        "secret": "provider_password",
        "host_type": "static",
        "host": "voip.provider.example.com",
        "register": true,
        "reg_username": "provider_username",
        "reg_secret": "provider_password",
        "reg_server": "voip.provider.example.com",
        "monitoring": 2000,
        "caller_id": "\"Office\" <4185550100>"
    })
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

/// The published configuration without what every save bumps (the
/// generation and the rows' versions): what the engine routes and
/// registers with, secrets included.
fn engine_view(server: &Server) -> PbxConfig {
    let mut config = PbxConfig::clone(&server.core.config.borrow());
    config.generation = 0;
    for trunk in &mut config.trunks {
        trunk.version = 0;
    }
    for user in &mut config.users {
        user.version = 0;
    }
    config
}

impl Server {
    async fn create(&self, path: &str, body: Value) -> Value {
        let (status, created, text) = self.call("POST", path, Some(body), true).await;
        assert_eq!(status, 201, "POST {path}: {text}");
        created
    }

    async fn read(&self, path: &str) -> Value {
        let (status, got, text) = self.call("GET", path, None, true).await;
        assert_eq!(status, 200, "GET {path}: {text}");
        got
    }

    /// One of every resource, each with its optional fields filled.
    async fn office(&self) -> Vec<String> {
        let trunk = self.create("/api/v1/trunks", trunk()).await;
        let user = json!({ "firstname": "Front", "lastname": "Desk", "exten": "1000",
            "line_password": "front-desk-line", "caller_id_mode": "custom", "caller_id_number": "4185550100" });
        let user = self.create("/api/v1/users", user).await;
        let sales = json!({ "name": "sales", "label": "Sales", "kind": "internal",
            "user_ranges": [{ "first": "2000", "last": "2099" }], "includes": ["to-extern"] });
        self.create("/api/v1/contexts", sales).await;
        let outcall = json!({ "name": "provider", "trunks": [trunk["id"]], "ringtime": 60,
            "extens": [{ "pattern": "418NXXXXXX", "strip": 1, "prefix": "9", "caller_id": "4185550100" }] });
        let outcall = self.create("/api/v1/outcalls", outcall).await;
        let incall = json!({ "did": "4185550000", "destination": "user", "user_id": user["id"],
            "caller_id_mode": "prepend", "caller_id_text": "Sales: " });
        let incall = self.create("/api/v1/incalls", incall).await;
        vec![
            format!("/api/v1/trunks/{}", trunk["id"]),
            format!("/api/v1/users/{}", user["id"]),
            "/api/v1/contexts/sales".into(),
            "/api/v1/contexts/from-extern".into(),
            format!("/api/v1/outcalls/{}", outcall["id"]),
            format!("/api/v1/incalls/{}", incall["id"]),
            "/api/v1/nat".into(),
            "/api/v1/security".into(),
        ]
    }
}

/// `got` without `version`, which every save bumps.
fn unversioned(got: &Value) -> Value {
    let mut got = got.clone();
    if let Some(map) = got.as_object_mut() {
        map.remove("version");
    }
    got
}

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
}

#[tokio::test]
async fn a_host_without_host_type_stays_static() {
    let server = Server::start("rest-roundtrip-static").await;
    let mut body = trunk();
    body.as_object_mut().map(|b| b.remove("host_type"));
    let created = server.create("/api/v1/trunks", body).await;
    assert_eq!(created["host_type"], "static", "{created}");
    assert_eq!(created["host"], "voip.provider.example.com");
    let published = server.core.config.borrow().trunks[0].trunk.host.clone();
    assert_eq!(published.as_deref(), Some("voip.provider.example.com"));

    let dynamic = server
        .create("/api/v1/trunks", json!({ "name": "roaming" }))
        .await;
    assert_eq!(dynamic["host_type"], "dynamic");
}

#[tokio::test]
async fn host_with_a_port_is_split_or_refused_pointing_at_port() {
    let server = Server::start("rest-roundtrip-hostport").await;
    let split = json!({ "name": "lab", "host": "127.0.0.1:5080", "register": true,
        "reg_username": "lab", "reg_secret": "lab-secret", "reg_server": "127.0.0.1" });
    let created = server.create("/api/v1/trunks", split.clone()).await;
    assert_eq!(created["host"], "127.0.0.1");
    assert_eq!(created["port"], 5080);
    assert_eq!(
        created["reg_port"], 5080,
        "Register port follows the General port"
    );

    let mut same = split.clone();
    same["name"] = json!("lab2");
    same["port"] = json!(5080);
    let created = server.create("/api/v1/trunks", same).await;
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
    let created = server.create("/api/v1/trunks", own).await;
    assert_eq!(
        (&created["port"], &created["reg_port"]),
        (&json!(5070), &json!(5090))
    );
}

#[tokio::test]
async fn unknown_fields_are_refused_with_the_field_to_use() {
    let server = Server::start("rest-roundtrip-unknown").await;
    let paths = server.office().await;
    let asterisk = json!({ "name": "asterisk_style", "host": "voip.example.com",
        "username": "me", "password": "pw", "qualify": "yes" });
    let (status, answer, text) = server
        .call("POST", "/api/v1/trunks", Some(asterisk), true)
        .await;
    assert_eq!(status, 422, "{text}");
    let named: Vec<(&str, &str)> = answer["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| Some((e["field"].as_str()?, e["message"].as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    for (field, hint) in [
        ("username", "use auth_username"),
        ("password", "use secret"),
        ("qualify", "use monitoring"),
    ] {
        assert!(
            named.iter().any(|(f, m)| *f == field && m.contains(hint)),
            "{field}: {text}"
        );
    }
    let (_, list, _) = server.call("GET", "/api/v1/trunks", None, true).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "nothing created");

    for (method, path, body, field, hint) in [
        (
            "POST",
            "/api/v1/trunks",
            json!({ "name": "t", "fromuser": "x" }),
            "fromuser",
            "use from_user",
        ),
        (
            "POST",
            "/api/v1/trunks",
            json!({ "name": "t", "insecure": "port,invite" }),
            "insecure",
            "connection_type",
        ),
        (
            "POST",
            "/api/v1/users",
            json!({ "firstname": "A", "exten": "1001", "secret": "x" }),
            "secret",
            "use line_password",
        ),
        (
            "POST",
            "/api/v1/outcalls",
            json!({ "name": "o", "extens": [{ "pattern": "9.", "stripnum": 1 }] }),
            "extens.0.stripnum",
            "use strip",
        ),
        (
            "PATCH",
            paths[6].as_str(),
            json!({ "version": 1, "localnet": ["10.0.0.0/8"] }),
            "localnet",
            "use local_networks",
        ),
        (
            "PUT",
            paths[7].as_str(),
            json!({ "version": 1, "bantime": 60 }),
            "bantime",
            "use ban_time",
        ),
        (
            "PATCH",
            paths[5].as_str(),
            json!({ "version": 1, "frobnicate": 1 }),
            "frobnicate",
            "its fields are caller_id_mode, ",
        ),
    ] {
        let (status, answer, text) = if method == "PATCH" {
            server.patch(path, body).await
        } else {
            server.call(method, path, Some(body), true).await
        };
        assert_eq!(status, 422, "{method} {path}: {text}");
        assert_eq!(answer["error"]["field"], field, "{text}");
        assert!(message(&answer).contains(hint), "{text}");
    }
}

#[tokio::test]
async fn patch_merges_into_what_get_shows() {
    let server = Server::start("rest-roundtrip-patch").await;
    let paths = server.office().await;
    let trunk = &paths[0];
    let before = server.read(trunk).await;
    let engine = engine_view(&server);

    // One field changes; every other stays, passwords included.
    let (status, patched, text) = server
        .patch(
            trunk,
            json!({ "version": before["version"], "language": "fr_FR" }),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let mut want = unversioned(&before);
    want["language"] = json!("fr_FR");
    assert_eq!(unversioned(&patched), want);
    let after = engine_view(&server);
    assert_eq!(after.trunks[0].trunk.language, "fr_FR");
    assert_eq!(after.trunks[0].secret, engine.trunks[0].secret);

    // null resets an optional field and cannot remove a required one.
    let (status, patched, text) = server
        .patch(
            trunk,
            json!({ "version": patched["version"], "caller_id": null }),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(patched["caller_id"], "");
    let (status, answer, text) = server
        .patch(
            trunk,
            json!({ "version": patched["version"], "port": null }),
        )
        .await;
    assert_eq!(status, 422, "{text}");
    assert_eq!(answer["error"]["field"], "port");
    assert!(message(&answer).contains("cannot be removed"), "{text}");

    // The model judges the result as it judges a PUT.
    let (status, answer, text) = server
        .patch(
            trunk,
            json!({ "version": patched["version"], "reg_expiry": 10 }),
        )
        .await;
    assert_eq!(
        (status, &answer["error"]["field"]),
        (422, &json!("reg_expiry")),
        "{text}"
    );

    // A version is required, and a stale one conflicts.
    let (status, answer, _) = server.patch(trunk, json!({ "language": "en" })).await;
    assert_eq!(
        (status, &answer["error"]["field"]),
        (422, &json!("version"))
    );
    let (status, _, _) = server
        .patch(
            trunk,
            json!({ "version": before["version"], "language": "en" }),
        )
        .await;
    assert_eq!(status, 409);

    // Only a merge patch is a PATCH.
    let (status, answer, text) = server
        .call_typed(
            "PATCH",
            trunk,
            "application/json",
            Some(json!({ "version": 1 })),
            true,
        )
        .await;
    assert_eq!(status, 415, "{text}");
    assert!(message(&answer).contains("application/merge-patch+json"));
    let (status, _, _) = server
        .call_typed("PUT", trunk, "text/plain", Some(before), true)
        .await;
    assert_eq!(status, 415);

    // Arrays are replaced whole (RFC 7396); the secret patched in is stored.
    let user = server.read(&paths[1]).await;
    let (status, _, text) = server
        .patch(
            &paths[1],
            json!({ "version": user["version"], "line_password": "a-new-line-pass" }),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert!(!text.contains("a-new-line-pass"));
    assert_eq!(
        engine_view(&server).users[0].secret.expose(),
        "a-new-line-pass"
    );
    let outcall = server.read(&paths[4]).await;
    let (status, patched, text) = server
        .patch(
            &paths[4],
            json!({ "version": outcall["version"], "extens": [{ "pattern": "1NXXNXXXXXX" }] }),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        patched["extens"],
        json!([{ "pattern": "1NXXNXXXXXX", "strip": 0, "prefix": "", "caller_id": "" }])
    );

    // The singletons: the toll-fraud guard and NAT.
    let security = server.read(&paths[7]).await;
    let (status, patched, text) = server
        .patch(
            &paths[7],
            json!({ "version": security["version"], "ban_time": 3600 }),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(patched["max_retry"], security["max_retry"]);
    assert_eq!(server.core.config.borrow().security.ban_time, 3600);
    let nat = server.read(&paths[6]).await;
    let (status, patched, text) = server
        .patch(
            &paths[6],
            json!({ "version": nat["version"], "external_address": "198.51.100.7" }),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(patched["local_networks"], nat["local_networks"]);
    assert_eq!(
        server.core.config.borrow().nat.external_address,
        "198.51.100.7"
    );
}

/// The check every REST test's answers go through is not a formality: a
/// body outside its schema is caught.
#[test]
fn the_schema_check_refuses_what_the_document_does_not_promise() {
    let refused = |method: &'static str, uri: &'static str, status: u16, body: &'static str| {
        std::panic::catch_unwind(|| common::openapi::check(method, uri, status, body)).is_err()
    };
    let trunk = r#"{"id": 1, "version": 1, "name": "t", "username": "x"}"#;
    assert!(
        refused("GET", "/api/v1/trunks/1", 200, trunk),
        "an unknown field"
    );
    assert!(
        refused("GET", "/api/v1/users/1", 200, r#"{"id": "1"}"#),
        "a wrong type"
    );
    assert!(
        refused("PUT", "/api/v1/nat", 200, r#"{"error": {}}"#),
        "not the settings"
    );
    assert!(
        refused(
            "POST",
            "/api/v1/trunks",
            422,
            r#"{"error": {"message": 1}}"#
        ),
        "not the error format"
    );
    assert!(
        refused("DELETE", "/api/v1/trunks/1", 200, "{}"),
        "an undocumented status"
    );
    assert!(!refused(
        "GET",
        "/api/v1/security",
        200,
        r#"{"version": 1, "max_retry": 10, "find_time": 600, "ban_time": 1800}"#
    ));
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
