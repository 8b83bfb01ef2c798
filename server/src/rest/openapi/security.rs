//! SIP security and the administrator's hang-up in the OpenAPI document.

use super::resource::{closed, names, patch, required, updated};
use super::{error_response, json_body, schema};
use app::model::security::SipSecurityInput;
use serde_json::{json, Map, Value};

pub fn paths(paths: &mut Map<String, Value>) {
    let settings = json!({ "type": "object", "additionalProperties": false, "properties": {
        "max_retry": { "type": ["integer", "string"], "description": "Failed authentications within find_time that block an address; 3-1000, default 10." },
        "find_time": { "type": ["integer", "string"], "description": "Seconds over which failures count; 60-86400, default 600." },
        "ban_time": { "type": ["integer", "string"], "description": "Seconds an address stays blocked; 60-604800, default 1800." }
    } });
    let mut update = settings.clone();
    update["properties"]["version"] =
        json!({ "type": "integer", "description": "The version you read." });
    update["required"] = json!(required::<SipSecurityInput>());
    let missing = error_response("Not found");
    paths.insert("/api/v1/security".into(), json!({
        "get": { "summary": "The toll-fraud guard's settings (Services → IPBX → General settings → SIP security)", "responses": {
            "200": json_body("The settings and their version", schema("SipSecurity")) } },
        "put": { "summary": "Replace them (every field); they apply to the next failed authentication",
            "requestBody": { "required": true, "content": { "application/json": { "schema": update } } },
            "responses": updated("SipSecurity", &missing) },
        "patch": patch("SIP security settings", &names::<SipSecurityInput>(), "SipSecurity", &missing)
    }));
    paths.insert("/api/v1/security/addresses".into(), json!({
        "get": { "summary": "Addresses that failed to authenticate: blocked ones first, then those slowed down", "responses": {
            "200": json_body("address, failures, last_failure and blocked_until (Unix seconds, null while only slowed down)",
                json!({ "type": "array", "items": schema("WatchedAddress") })) } }
    }));
    paths.insert("/api/v1/security/addresses/{address}".into(), json!({
        "parameters": [{ "name": "address", "in": "path", "required": true, "schema": { "type": "string" } }],
        "delete": { "summary": "Lift the block on an address (or forgive its failures)", "responses": {
            "204": { "description": "Lifted" },
            "404": error_response("The address is not blocked"),
            "422": error_response("Not an IP address") } }
    }));
    paths.insert("/api/v1/calls/live/{id}".into(), json!({
        "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
        "delete": { "summary": "Hang up a call in progress: BYE to both sides, or 480 to the caller while it rings", "responses": {
            "204": { "description": "Hung up" },
            "404": error_response("The call is no longer in progress") } }
    }));
}

pub fn schemas() -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(
        "SipSecurity".into(),
        closed(
            "The toll-fraud guard's settings",
            json!({
        "version": { "type": "integer" }, "max_retry": { "type": "integer" },
        "find_time": { "type": "integer" }, "ban_time": { "type": "integer" } }),
        ),
    );
    map.insert("WatchedAddress".into(), json!({ "type": "object", "properties": {
        "address": { "type": "string" }, "failures": { "type": "integer" },
        "last_failure": { "type": "integer" }, "blocked_until": { "type": ["integer", "null"] } } }));
    map
}
