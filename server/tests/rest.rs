//! The REST API through the real router, with `oneshot`: no socket, a fresh
//! in-memory database per test.

mod common;

use app::ssr::state::Core;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::rest::{admin_token, router};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Api {
    router: Router,
    token: String,
    core: Core,
}

async fn api() -> Api {
    let core = Core::new(app::ssr::db::open_in_memory().await.expect("db"))
        .await
        .expect("core");
    Api {
        router: router(core.clone()),
        token: admin_token(&core).await,
        core,
    }
}

impl Api {
    async fn call(
        &self,
        method: &str,
        uri: &str,
        body: Option<Value>,
        auth: bool,
    ) -> (StatusCode, Value, String) {
        let mut request = Request::builder().method(method).uri(uri);
        if auth {
            request = request.header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        }
        let request = match body {
            Some(b) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => request.body(Body::empty()),
        }
        .expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        common::openapi::check(method, uri, status.as_u16(), &text);
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, json, text)
    }
}

fn seed() -> Value {
    json!({
        "name": "provider_username",
        "auth_username": "provider_username",
        "secret": "provider_password",
        "connection_type": "peer",
        "host_type": "static",
        "host": "voip.provider.example.com",
        "context": "from-extern",
        "register": true,
        "reg_transport": "udp",
        "reg_username": "provider_username",
        "reg_secret": "provider_password",
        "reg_server": "voip.provider.example.com",
        "monitoring": 2000
    })
}

#[tokio::test]
async fn authentication_required_everywhere_but_login() {
    let api = api().await;
    let (status, body, _) = api.call("GET", "/api/v1/trunks", None, false).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("Bearer")));
    let (status, _, _) = api.call("GET", "/api/v1/openapi.json", None, false).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A wrong token is no better than none.
    let request = Request::get("/api/v1/trunks")
        .header(header::AUTHORIZATION, "Bearer not-a-token")
        .body(Body::empty())
        .expect("request");
    let response = api.router.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Pages redirect to the login screen; server functions refuse.
    let response = api
        .router
        .clone()
        .oneshot(
            Request::get("/ipbx/trunks")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/login");
    let (status, _, _) = api.call("POST", "/api/list_trunks", None, false).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The login screen itself is public.
    let (status, _, _) = api.call("POST", "/api/admin_exists", None, false).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn create_get_list_update_delete() {
    let api = api().await;
    let (status, created, text) = api.call("POST", "/api/v1/trunks", Some(seed()), true).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    assert!(!text.contains("provider_password"), "secret leaked: {text}");
    assert_eq!(created["has_secret"], true);
    assert_eq!(created["monitoring"], 2000, "{text}");
    let id = created["id"].as_i64().expect("id");

    let (status, got, text) = api
        .call("GET", &format!("/api/v1/trunks/{id}"), None, true)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!text.contains("provider_password"));
    assert_eq!(got["host"], "voip.provider.example.com");

    let (_, list, text) = api.call("GET", "/api/v1/trunks", None, true).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert!(!text.contains("provider_password"));

    // What GET shows is what PUT takes: the secrets left out are kept.
    let mut change = got.clone();
    change["host"] = json!("sip2.provider.example.com");
    let (status, updated, text) = api
        .call("PUT", &format!("/api/v1/trunks/{id}"), Some(change), true)
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(updated["version"], 2);
    assert_eq!(
        updated["has_secret"], true,
        "blank secret keeps the stored one"
    );

    let (status, _, _) = api
        .call("DELETE", &format!("/api/v1/trunks/{id}"), None, true)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        api.core.config.borrow().trunks.is_empty(),
        "deletion published"
    );
}

#[tokio::test]
async fn not_found_is_404() {
    let api = api().await;
    for (method, body) in [
        ("GET", None),
        ("DELETE", None),
        ("PUT", Some(json!({"name": "x", "version": 1}))),
    ] {
        let (status, body, _) = api.call(method, "/api/v1/trunks/999", body, true).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method}");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not exist")));
    }
    let (status, _, _) = api.call("GET", "/api/v1/nothing-here", None, true).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invalid_input_is_422_naming_the_field() {
    let api = api().await;
    let mut bad = seed();
    bad["port"] = json!(70000);
    let (status, body, _) = api.call("POST", "/api/v1/trunks", Some(bad), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "port");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("1 to 65535")));

    let mut several = seed();
    several["host"] = json!("bad host");
    several["reg_expiry"] = json!(10);
    let (status, body, _) = api
        .call("POST", "/api/v1/trunks", Some(several), true)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(2));

    let (status, body, _) = api
        .call("POST", "/api/v1/trunks", Some(json!("not an object")), true)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].is_string());

    // An update must say which version it edits.
    let (_, created, _) = api.call("POST", "/api/v1/trunks", Some(seed()), true).await;
    let id = created["id"].as_i64().expect("id");
    let (status, body, _) = api
        .call("PUT", &format!("/api/v1/trunks/{id}"), Some(seed()), true)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "version");
}

#[tokio::test]
async fn stale_version_is_409() {
    let api = api().await;
    let (_, created, _) = api.call("POST", "/api/v1/trunks", Some(seed()), true).await;
    let id = created["id"].as_i64().expect("id");
    let mut first = created.clone();
    first["caller_id"] = json!("first");
    let (status, _, _) = api
        .call(
            "PUT",
            &format!("/api/v1/trunks/{id}"),
            Some(first.clone()),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    first["caller_id"] = json!("second");
    let (status, body, _) = api
        .call("PUT", &format!("/api/v1/trunks/{id}"), Some(first), true)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("changed by someone else since you opened it")));
}

#[tokio::test]
async fn openapi_document_lists_the_trunk_routes() {
    let api = api().await;
    let (status, doc, _) = api.call("GET", "/api/v1/openapi.json", None, true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for method in ["get", "post"] {
        assert!(doc["paths"]["/api/v1/trunks"][method].is_object());
    }
    for method in ["get", "put", "patch", "delete"] {
        assert!(doc["paths"]["/api/v1/trunks/{id}"][method].is_object());
    }
    let trunk = &doc["components"]["schemas"]["Trunk"];
    assert_eq!(trunk["properties"]["secret"]["writeOnly"], true);
    assert_eq!(trunk["additionalProperties"], false);
    let item = &doc["paths"]["/api/v1/trunks/{id}"];
    let required = &item["put"]["requestBody"]["content"]["application/json"]["schema"]["allOf"][1]
        ["required"];
    for field in ["version", "host_type", "port", "reg_port"] {
        assert!(
            required
                .as_array()
                .is_some_and(|r| r.contains(&json!(field))),
            "{field}: {required}"
        );
    }
    assert!(
        !required
            .as_array()
            .is_some_and(|r| r.contains(&json!("secret"))),
        "secrets are write-only"
    );
    assert!(item["patch"]["requestBody"]["content"]["application/merge-patch+json"].is_object());
    for status in ["415", "422", "409"] {
        assert!(item["patch"]["responses"][status].is_object(), "{status}");
    }
    for path in ["/api/v1/registry", "/api/v1/registry/stream"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
}

#[tokio::test]
async fn registry_without_engine_is_empty_and_actions_need_a_trunk() {
    let api = api().await;
    let (status, rows, _) = api.call("GET", "/api/v1/registry", None, true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows, json!([]));
    let (status, _, _) = api
        .call("POST", "/api/v1/registry/42/register", None, true)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, created, _) = api.call("POST", "/api/v1/trunks", Some(seed()), true).await;
    let id = created["id"].as_i64().expect("id");
    let (status, _, _) = api
        .call(
            "POST",
            &format!("/api/v1/registry/{id}/qualify"),
            None,
            true,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, _, text) = api
        .call("GET", "/api/v1/cli/sip/show/registry", None, true)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.ends_with("0 SIP registrations.\n"), "{text:?}");
    let (status, _, _) = api.call("GET", "/api/v1/registry", None, false).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
