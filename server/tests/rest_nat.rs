//! `/api/v1/nat` as a client sees it: the defaults, refusals that name the
//! field in a sentence, normalised saves that reach the engine's
//! configuration, the optimistic lock, and authentication.

mod common;

use app::model::nat::DEFAULT_LOCAL_NETWORKS;
use common::rest::Server;
use serde_json::{json, Value};

async fn version(api: &Server) -> i64 {
    let (status, body, text) = api.call("GET", "/api/v1/nat", None, true).await;
    assert_eq!(status, 200, "{text}");
    body["version"].as_i64().expect("version")
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn get_shows_no_external_address_and_the_private_ranges() {
    let api = Server::start("rest-nat-defaults").await;
    let (status, body, text) = api.call("GET", "/api/v1/nat", None, true).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(body["external_address"], "");
    assert_eq!(body["local_networks"], json!(DEFAULT_LOCAL_NETWORKS));
    assert_eq!(body["bind_address"], "0.0.0.0:5060");
    assert!(body["version"].is_i64(), "{text}");
}

#[tokio::test]
async fn a_bad_network_is_refused_naming_local_networks() {
    let api = Server::start("rest-nat-invalid").await;
    let v = version(&api).await;
    let bad = json!({ "version": v, "external_address": "", "local_networks": ["192.168.1/24"], "bind_address": "" });
    let (status, body, text) = api.call("PUT", "/api/v1/nat", Some(bad), true).await;
    assert_eq!(status, 422, "{text}");
    assert_eq!(body["error"]["field"], "local_networks", "{text}");
    let m = message(&body);
    assert!(m.contains("192.168.1/24") && m.ends_with('.'), "{m}");

    let port = json!({ "version": v, "external_address": "198.51.100.1:99999", "local_networks": [], "bind_address": null });
    let (status, body, text) = api.call("PUT", "/api/v1/nat", Some(port), true).await;
    assert_eq!(status, 422, "{text}");
    assert_eq!(body["error"]["field"], "external_address", "{text}");

    let name = json!({ "version": v, "external_address": "", "local_networks": [], "bind_address": "pbx.example.com" });
    let (status, body, text) = api.call("PUT", "/api/v1/nat", Some(name), true).await;
    assert_eq!(status, 422, "{text}");
    assert_eq!(body["error"]["field"], "bind_address", "{text}");
    assert!(message(&body).starts_with("SIP bind"), "{text}");

    // A PUT replaces the settings: leaving a field out is a mistake, not "none".
    let partial = json!({ "version": v, "external_address": "198.51.100.1", "bind_address": "" });
    let (status, body, text) = api.call("PUT", "/api/v1/nat", Some(partial), true).await;
    assert_eq!(status, 422, "{text}");
    assert_eq!(body["error"]["field"], "local_networks", "{text}");
    let no_bind = json!({ "version": v, "external_address": "", "local_networks": [] });
    let (status, body, text) = api.call("PUT", "/api/v1/nat", Some(no_bind), true).await;
    assert_eq!(status, 422, "{text}");
    assert_eq!(body["error"]["field"], "bind_address", "{text}");
    let (status, body, text) = api
        .call(
            "PUT",
            "/api/v1/nat",
            Some(json!({ "version": v, "external_address": "", "local_networks": 7, "bind_address": "" })),
            true,
        )
        .await;
    assert_eq!(status, 422, "{text}");
    assert!(message(&body).contains("array of strings"), "{text}");

    let (_, after, _) = api.call("GET", "/api/v1/nat", None, true).await;
    assert_eq!(after["version"], v, "nothing saved");
    assert_eq!(after["local_networks"], json!(DEFAULT_LOCAL_NETWORKS));
}

#[tokio::test]
async fn a_valid_put_is_stored_normalised_and_reaches_the_engine() {
    let api = Server::start("rest-nat-save").await;
    let v = version(&api).await;
    let body = json!({
        "version": v,
        "external_address": " PBX.Example.com:5070 ",
        "local_networks": ["192.168.1.7/24", "10.0.0.0/8", "10.0.0.0/8"],
        "bind_address": "127.0.0.1"
    });
    let (status, saved, text) = api.call("PUT", "/api/v1/nat", Some(body), true).await;
    assert_eq!(status, 200, "{text}");
    let (_, shown, _) = api.call("GET", "/api/v1/nat", None, true).await;
    assert_eq!(shown, saved);
    assert_eq!(shown["external_address"], "pbx.example.com:5070");
    assert_eq!(
        shown["local_networks"],
        json!(["192.168.1.0/24", "10.0.0.0/8"])
    );
    assert_ne!(shown["version"], v);
    assert_eq!(shown["bind_address"], "127.0.0.1:5060");
    let published = api.core.config.borrow().nat.clone();
    assert_eq!(published.external_address, "pbx.example.com:5070");

    // The form's shape works too: one string, a network per line; and an
    // empty External address means none.
    let text_body = json!({
        "version": shown["version"],
        "external_address": null,
        "local_networks": "172.16.5.0/24\n192.0.2.9",
        "bind_address": null
    });
    let (status, saved, text) = api.call("PUT", "/api/v1/nat", Some(text_body), true).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(saved["external_address"], "");
    assert_eq!(saved["bind_address"], "0.0.0.0:5060", "null is the default");
    assert_eq!(
        saved["local_networks"],
        json!(["172.16.5.0/24", "192.0.2.9/32"])
    );
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_keeps_the_newer_save() {
    let api = Server::start("rest-nat-conflict").await;
    let v = version(&api).await;
    let first = json!({ "version": v, "external_address": "198.51.100.1", "local_networks": ["192.168.77.0/24"], "bind_address": "" });
    let (status, _, text) = api.call("PUT", "/api/v1/nat", Some(first), true).await;
    assert_eq!(status, 200, "{text}");
    let stale = json!({ "version": v, "external_address": "203.0.113.9", "local_networks": [], "bind_address": "" });
    let (status, body, text) = api.call("PUT", "/api/v1/nat", Some(stale), true).await;
    assert_eq!(status, 409, "{text}");
    assert!(!message(&body).is_empty(), "{text}");
    let (_, shown, _) = api.call("GET", "/api/v1/nat", None, true).await;
    assert_eq!(shown["external_address"], "198.51.100.1");

    let unversioned = json!({ "external_address": "", "local_networks": [], "bind_address": "" });
    let (status, body, text) = api
        .call("PUT", "/api/v1/nat", Some(unversioned), true)
        .await;
    assert_eq!(status, 422, "{text}");
    assert_eq!(body["error"]["field"], "version");
}

#[tokio::test]
async fn authentication_is_required() {
    let api = Server::start("rest-nat-auth").await;
    let (status, body, _) = api.call("GET", "/api/v1/nat", None, false).await;
    assert_eq!(status, 401);
    assert!(message(&body).contains("Bearer"));
    let put = json!({ "version": 1, "external_address": "198.51.100.1", "local_networks": [], "bind_address": "" });
    let (status, _, _) = api.call("PUT", "/api/v1/nat", Some(put), false).await;
    assert_eq!(status, 401);
    let (_, shown, _) = api.call("GET", "/api/v1/nat", None, true).await;
    assert_eq!(
        shown["external_address"], "",
        "an unauthenticated PUT changes nothing"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_route() {
    let api = Server::start("rest-nat-openapi").await;
    let (status, doc, _) = api.call("GET", "/api/v1/openapi.json", None, true).await;
    assert_eq!(status, 200);
    for method in ["get", "put"] {
        assert!(doc["paths"]["/api/v1/nat"][method].is_object(), "{method}");
    }
    let fields = &doc["components"]["schemas"]["SipNat"]["properties"];
    assert!(fields["local_networks"].is_object());
    assert!(fields["bind_address"].is_object());
}
