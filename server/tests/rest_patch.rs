//! REST changes in part and refusals, as an integrator meets them: the
//! real router on 127.0.0.1 over a SQLite file. PATCH merges (RFC 7396)
//! into what GET shows; a field the API does not know is refused naming
//! the field to use; and every answer is checked against the OpenAPI
//! document, a check shown here to catch what it must.

mod common;

use common::office::{engine_view, message, unversioned};
use common::rest::Server;
use serde_json::json;

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
