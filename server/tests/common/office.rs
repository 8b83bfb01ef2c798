//! One of every REST resource, each with its optional fields filled, and
//! the published configuration as the engine uses it: what the REST
//! round-trip and PATCH tests start from and compare.

use super::rest::Server;
use app::model::PbxConfig;
use serde_json::{json, Value};

pub fn trunk() -> Value {
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

pub fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

/// The published configuration without what every save bumps (the
/// generation and the rows' versions): what the engine routes and
/// registers with, secrets included.
pub fn engine_view(server: &Server) -> PbxConfig {
    let mut config = PbxConfig::clone(&server.core.config.borrow());
    config.generation = 0;
    config.delta = app::model::config::Delta::default();
    for trunk in &mut config.trunks {
        std::sync::Arc::make_mut(trunk).version = 0;
    }
    for user in &mut config.users {
        std::sync::Arc::make_mut(user).version = 0;
    }
    config
}

impl Server {
    /// POST `body` to `path`, expecting 201; returns the answer.
    pub async fn post_ok(&self, path: &str, body: Value) -> Value {
        let (status, created, text) = self.call("POST", path, Some(body), true).await;
        assert_eq!(status, 201, "POST {path}: {text}");
        created
    }

    /// GET `path`, expecting 200.
    pub async fn read(&self, path: &str) -> Value {
        let (status, got, text) = self.call("GET", path, None, true).await;
        assert_eq!(status, 200, "GET {path}: {text}");
        got
    }

    /// One of every resource, each with its optional fields filled.
    /// The addresses of the trunk, user, two contexts, outgoing call,
    /// incoming call, NAT and SIP security settings, in that order.
    pub async fn office(&self) -> Vec<String> {
        let trunk = self.post_ok("/api/v1/trunks", trunk()).await;
        let user = json!({ "firstname": "Front", "lastname": "Desk", "exten": "1000",
            "line_password": "front-desk-line", "caller_id_mode": "custom", "caller_id_number": "4185550100",
            "direct_media": true });
        let user = self.post_ok("/api/v1/users", user).await;
        let sales = json!({ "name": "sales", "label": "Sales", "kind": "internal",
            "user_ranges": [{ "first": "2000", "last": "2099" }], "includes": ["to-extern"] });
        self.post_ok("/api/v1/contexts", sales).await;
        let outcall = json!({ "name": "provider", "trunks": [trunk["id"]], "ringtime": 60,
            "extens": [{ "pattern": "418NXXXXXX", "strip": 1, "prefix": "9", "caller_id": "4185550100" }] });
        let outcall = self.post_ok("/api/v1/outcalls", outcall).await;
        let incall = json!({ "did": "4185550000", "destination": "user", "user_id": user["id"],
            "caller_id_mode": "prepend", "caller_id_text": "Sales: " });
        let incall = self.post_ok("/api/v1/incalls", incall).await;
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
pub fn unversioned(got: &Value) -> Value {
    let mut got = got.clone();
    if let Some(map) = got.as_object_mut() {
        map.remove("version");
    }
    got
}
