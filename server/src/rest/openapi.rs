//! The OpenAPI 3.1 description of `/api/v1`, written out by hand: the API
//! is small, and a document checked by a test beats a generator's guess.

mod calls;
mod nat;
mod security;

use axum::Json;
use serde_json::{json, Map, Value};

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
    })
}

/// A reference to one of `components.schemas`.
fn schema(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// A JSON request or response body of `schema`.
fn json_body(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

/// A resource with list, create, get, update and delete, such as trunks.
struct Resource<'a> {
    /// `/api/v1/trunks`.
    path: &'a str,
    /// `{id}` or `{name}`, and its schema type.
    key: &'a str,
    key_type: &'a str,
    /// "SIP trunk", "SIP trunks".
    one: &'a str,
    many: &'a str,
    input: &'a str,
    view: &'a str,
    /// What create and update answer (the view, or the view and more).
    saved: &'a str,
}

impl Resource<'_> {
    /// The collection's and the item's path entries.
    fn paths(&self, paths: &mut Map<String, Value>) {
        let (one, many) = (self.one, self.many);
        let input = json!({ "required": true, "content": { "application/json": { "schema": schema(self.input) } } });
        let list = json!({ "type": "array", "items": schema(self.view) });
        let invalid = error_response(
            "A field is invalid; `field` names it, `errors` lists every one when there are several",
        );
        let missing = error_response(&format!("No such {one}"));
        paths.insert(
            self.path.to_owned(),
            json!({
                "get": { "summary": format!("List {many}"), "responses": {
                    "200": json_body(&format!("Every {one}"), list),
                    "401": error_response("Not logged in") } },
                "post": { "summary": format!("Create a {one}"), "requestBody": input, "responses": {
                    "201": json_body("Created; `Location` gives its address", schema(self.saved)),
                    "400": error_response("Body is not JSON"),
                    "422": invalid } }
            }),
        );
        paths.insert(format!("{}/{{{}}}", self.path, self.key), json!({
            "parameters": [{ "name": self.key, "in": "path", "required": true, "schema": { "type": self.key_type } }],
            "get": { "summary": format!("One {one}"), "responses": {
                "200": json_body(&format!("The {one}"), schema(self.view)),
                "404": missing } },
            "put": { "summary": format!("Update a {one} (send the `version` you read)"), "requestBody": input, "responses": {
                "200": json_body("Updated", schema(self.saved)),
                "404": missing,
                "409": error_response("Changed by someone else since you read it"),
                "422": invalid } },
            "delete": { "summary": format!("Delete a {one}"), "responses": {
                "204": { "description": "Deleted" },
                "404": missing,
                "409": error_response("Still in use; the message names who uses it") } }
        }));
    }
}

fn trunk_input_properties() -> Value {
    let text = json!({ "type": "string" });
    let number_or_text = json!({ "type": ["integer", "string"] });
    json!({
        "name": { "type": "string", "description": "Unique; letters, digits, - _ ." },
        "auth_username": text,
        "secret": { "type": "string", "writeOnly": true, "description": "Blank on update keeps the stored password." },
        "caller_id": text,
        "connection_type": { "enum": ["user", "peer", "friend"] },
        "host_type": { "enum": ["dynamic", "static"] },
        "host": { "type": "string", "description": "Host name, IPv4 or IPv6; required when host_type is static." },
        "port": number_or_text,
        "context": { "type": "string", "description": "An incoming-call context, e.g. from-extern." },
        "nat": { "enum": ["no", "force_rport", "comedia", "both"] },
        "call_limit": number_or_text,
        "language": text,
        "register": { "type": "boolean" },
        "reg_transport": { "enum": ["udp", "tcp"] },
        "reg_username": text,
        "reg_secret": { "type": "string", "writeOnly": true },
        "reg_server": text,
        "reg_port": number_or_text,
        "reg_expiry": { "type": ["integer", "string"], "description": "60-3600 s, default 120." },
        "reg_callback": text,
        "outbound_proxy": text,
        "from_user": text,
        "from_domain": text,
        "codecs": { "type": "array", "items": { "enum": ["ulaw", "alaw", "g722", "opus", "g729"] } },
        "dtmf_mode": { "enum": ["rfc2833", "info", "inband"] },
        "monitoring": { "type": ["integer", "string"], "description": "no, yes (2000 ms) or 500-4000 ms." },
        "qualify_freq": { "type": ["integer", "string"], "description": "10-300 s, default 60." },
        "disabled": { "type": "boolean" }
    })
}

pub fn spec() -> Value {
    let id_param =
        json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }]);
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "Trunkline REST API", "version": "1" },
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "A token from `trunkline token create`." },
                "session": { "type": "apiKey", "in": "cookie", "name": "trunkline_session" }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": { "error": { "type": "object", "properties": {
                        "field": { "type": ["string", "null"] }, "message": { "type": "string" } } } }
                },
                "RegistryEntry": {
                    "type": "object",
                    "properties": {
                        "trunk_id": { "type": "integer" }, "trunk": { "type": "string" },
                        "host": { "type": "string" }, "username": { "type": "string" },
                        "refresh": { "type": "integer" },
                        "state": { "enum": ["Unregistered", "Request Sent", "Auth. Sent", "Registered", "Rejected", "No Authentication", "Failed", "Timeout"] },
                        "reg_time": { "type": ["integer", "null"] }, "last_response": { "type": ["string", "null"] },
                        "attempts": { "type": "integer" }, "next_register_at": { "type": ["integer", "null"] }
                    }
                },
                "TrunkInput": { "type": "object", "properties": trunk_input_properties() },
                "TrunkView": {
                    "type": "object",
                    "description": "A stored trunk. Passwords are never returned; has_secret says whether one is stored.",
                    "properties": {
                        "id": { "type": "integer" }, "version": { "type": "integer" },
                        "name": { "type": "string" }, "host": { "type": ["string", "null"] },
                        "port": { "type": "integer" }, "monitoring": { "type": ["integer", "null"] },
                        "has_secret": { "type": "boolean" }, "has_reg_secret": { "type": "boolean" }
                    }
                }
            }
        },
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": {
            "/api/v1/registry": {
                "get": { "summary": "Registration and monitoring status of every trunk (Status → SIP registry)", "responses": {
                    "200": { "description": "One row per trunk that registers or is monitored",
                        "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/RegistryEntry" } } } } } } }
            },
            "/api/v1/registry/stream": {
                "get": { "summary": "The same rows as server-sent events: every row at once (`event: registry`), then after each change only the rows that changed (`event: registry-delta`, `{\"rows\": [...], \"removed\": [trunk ids]}`); every row again if the client fell far behind", "responses": {
                    "200": { "description": "text/event-stream" } } }
            },
            "/api/v1/registry/{id}/register": {
                "parameters": id_param.clone(),
                "post": { "summary": "Re-register now (leaves a fatal state)", "responses": {
                    "202": { "description": "Sent to the engine" }, "404": error_response("No such trunk") } }
            },
            "/api/v1/registry/{id}/qualify": {
                "parameters": id_param,
                "post": { "summary": "Send OPTIONS now", "responses": {
                    "202": { "description": "Sent to the engine" }, "404": error_response("No such trunk") } }
            },
            "/api/v1/cli/sip/show/registry": {
                "get": { "summary": "Asterisk's `sip show registry` text", "responses": { "200": { "description": "text/plain" } } }
            },
            "/api/v1/cli/sip/show/peers": {
                "get": { "summary": "Asterisk's `sip show peers` text: trunks and users' lines", "responses": { "200": { "description": "text/plain" } } }
            },
            "/api/v1/cli/sip/show/stats": {
                "get": { "summary": "The SIP engine's counters since it started: messages, retransmissions, what was not SIP, send errors, blocked, turned away with 503", "responses": { "200": { "description": "text/plain" } } }
            },
            "/api/v1/calls": {
                "get": { "summary": "One page of the call log, newest first, searched over every call",
                    "parameters": [
                        { "name": "search", "in": "query", "required": false, "schema": { "type": "string" },
                          "description": "Part of the caller, callee, dialed number, trunk or cause, in any case (1000, provider, NoAnswer)." },
                        { "name": "before", "in": "query", "required": false, "schema": { "type": "string" },
                          "description": "The `older` value of the previous page: this page holds the calls after it. Left out: the newest calls." },
                        { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 500, "default": 100 },
                          "description": "Calls per page." }
                    ],
                    "responses": {
                    "200": { "description": "`calls`: ended calls with start, answer and end (Unix seconds), caller, callee, dialed number, trunk, cause, side that hung up, and each trunk or contact attempt with its result; `older`: send it as `before` for the next page, null on the last page",
                        "content": { "application/json": { "schema": { "type": "object", "properties": {
                            "calls": { "type": "array", "items": { "type": "object" } },
                            "older": { "type": ["string", "null"] } } } } } },
                    "400": error_response("A malformed query string"),
                    "422": error_response("`limit` or `before` cannot be read; `field` names it") } }
            },
            "/api/v1/calls/live": {
                "get": { "summary": "The calls in progress", "responses": {
                    "200": { "description": "id (for DELETE /api/v1/calls/live/{id}), caller, callee, dialed number, state (ringing or answered), trunk, start and answer times",
                        "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object" } } } } } } }
            },
            "/api/v1/calls/unmatched": {
                "get": { "summary": "Calls from trunks to DIDs no incoming call answers (refused with 404), newest first", "responses": {
                    "200": { "description": "When (Unix seconds), trunk, the number received and why it matched nothing",
                        "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object" } } } } } } }
            },
            "/api/v1/lines": {
                "get": { "summary": "Where every user's SIP line is registered: contacts, user agent, source address, seconds left", "responses": {
                    "200": { "description": "One entry per user, with `user_id`, `line_username` and `contacts` (`contact`, `user_agent`, `source`, `transport`, `expires_in`)",
                        "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object" } } } } } } }
            }
        }
    });
    let mut paths = Map::new();
    Resource {
        path: "/api/v1/trunks",
        key: "id",
        key_type: "integer",
        one: "SIP trunk",
        many: "SIP trunks",
        input: "TrunkInput",
        view: "TrunkView",
        saved: "TrunkView",
    }
    .paths(&mut paths);
    calls::paths(&mut paths);
    security::paths(&mut paths);
    nat::paths(&mut paths);
    if let Some(listed) = doc["paths"].as_object_mut() {
        listed.extend(paths);
    }
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        schemas.extend(calls::schemas());
        schemas.extend(security::schemas());
        schemas.extend(nat::schemas());
    }
    doc
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
