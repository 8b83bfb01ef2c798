//! The OpenAPI 3.1 description of `/api/v1`, written out by hand: the API
//! is small, and a document checked by a test beats a generator's guess.

mod calls;
mod nat;
mod resource;
mod security;

use app::model::trunk::TrunkInput;
use axum::Json;
use resource::{paged_list, shape, Resource};
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

fn trunk_input_properties() -> Value {
    let text = json!({ "type": "string" });
    let number_or_text = json!({ "type": ["integer", "string"] });
    json!({
        "name": { "type": "string", "description": "Unique; letters, digits, - _ ." },
        "auth_username": text,
        "secret": { "type": "string", "writeOnly": true, "description": "Blank on update keeps the stored password." },
        "caller_id": text,
        "connection_type": { "enum": ["user", "peer", "friend"] },
        "host_type": { "enum": ["dynamic", "static", ""], "description": "Left out of a POST (or blank): static when host is given, else dynamic." },
        "host": { "type": "string", "description": "Host name, IPv4 or IPv6; required when host_type is static. `host:port` is split when port is left out (or blank) or says the same port, and refused naming the Port field otherwise." },
        "port": { "type": ["integer", "string"], "description": "1-65535; blank: 5060, or the port written in host." },
        "context": { "type": "string", "description": "An incoming-call context, e.g. from-extern." },
        "nat": { "enum": ["no", "force_rport", "comedia", "both"] },
        "call_limit": number_or_text,
        "language": text,
        "register": { "type": "boolean" },
        "reg_transport": { "enum": ["udp", "tcp"] },
        "reg_username": text,
        "reg_secret": { "type": "string", "writeOnly": true },
        "reg_server": text,
        "reg_port": { "type": ["integer", "string"], "description": "Left out of a POST, or blank: the General port." },
        "reg_expiry": { "type": ["integer", "string"], "description": "60-3600 s, default 120." },
        "reg_callback": text,
        "outbound_proxy": text,
        "from_user": text,
        "from_domain": text,
        "codecs": { "type": "array", "items": { "enum": ["ulaw", "alaw", "g722", "opus", "g729"] } },
        "dtmf_mode": { "enum": ["rfc2833", "info"], "description": "rfc2833 offers telephone-event (RFC 4733) to the provider; info leaves it out of the offer. Asterisk's inband is refused: it needs tones detected and generated in the audio, which Trunkline does not do." },
        "direct_media": { "type": "boolean", "description": "Asterisk's directmedia: when the user's line allows it too, the calls' SDP passes unchanged and audio flows between the provider and the phone. Default false: Trunkline relays the audio (anchoring), as a PBX behind NAT needs." },
        "rtp_timeout": { "type": ["integer", "string"], "description": "Asterisk's rtptimeout: an anchored call whose side sends no RTP for this many seconds is hung up (BYE on both legs, cause MediaTimeout in the call log). 0 never, else 5-3600; default 60." },
        "rtp_hold_timeout": { "type": ["integer", "string"], "description": "Asterisk's rtpholdtimeout: the same while the call is on hold. 0 never, else 5-3600; default 300." },
        "monitoring": { "type": ["integer", "string"], "description": "no, yes (2000 ms) or 500-4000 ms." },
        "qualify_freq": { "type": ["integer", "string"], "description": "10-300 s, default 60." },
        "disabled": { "type": "boolean" }
    })
}

/// The whole document.
pub fn spec() -> Value {
    let id_param =
        json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }]);
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "Trunkline REST API", "version": "1" },
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "A token from `trunkline token create`." },
                "session": { "type": "apiKey", "in": "cookie", "name": "trunkline_session", "description": "The console's session. A POST, PUT, PATCH or DELETE made with it must come from the console's own origin (`Origin`, or `Referer` without it, matching `Host`) and carry the `trunkline_csrf` cookie's value in `X-CSRF-Token`; otherwise 403. Bearer tokens need neither." }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "additionalProperties": false,
                    "properties": {
                        "error": { "type": "object", "required": ["field", "message"], "additionalProperties": false, "properties": {
                            "field": { "type": ["string", "null"], "description": "The field at fault (`extens.0.pattern` inside arrays), or null." },
                            "message": { "type": "string", "description": "A sentence an administrator can act on." },
                            "current_version": { "type": "integer", "description": "On a 409 for a stale `version`: the version stored now, to read again and retry from." } } },
                        "errors": { "type": "array", "description": "Every field error, when there are several.", "items": {
                            "type": "object", "required": ["field", "message"], "additionalProperties": false,
                            "properties": { "field": { "type": "string" }, "message": { "type": "string" } } } }
                    }
                },
                "RegistryEntry": {
                    "type": "object",
                    "properties": {
                        "trunk_id": { "type": "integer" }, "trunk": { "type": "string" },
                        "host": { "type": "string" }, "username": { "type": "string" },
                        "refresh": { "type": "integer", "description": "Seconds between REGISTERs, as chan_sip's Refresh column: the requested expiry until the registrar answers, then the granted expiry less 15 s." },
                        "granted_expiry": { "type": ["integer", "null"], "description": "The expiry the registrar granted in its last 200, in seconds." },
                        "state": { "enum": ["Unregistered", "Request Sent", "Auth. Sent", "Registered", "Rejected", "No Authentication", "Failed", "Timeout"] },
                        "reg_time": { "type": ["integer", "null"] }, "last_response": { "type": ["string", "null"] },
                        "attempts": { "type": "integer" }, "next_register_at": { "type": ["integer", "null"] }
                    }
                },
                "Trunk": shape(
                    "A SIP trunk: the fields of its form. Passwords are write-only: never shown (has_secret and has_reg_secret say whether one is stored) and kept when a PUT leaves them out.",
                    trunk_input_properties(),
                    json!({ "id": { "type": "integer" }, "has_secret": { "type": "boolean" }, "has_reg_secret": { "type": "boolean" } })
                )
            }
        },
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": {
            "/api/v1/registry": {
                "get": paged_list(
                    "registry rows (Status → SIP registry: one per trunk that registers or is monitored, by trunk name)",
                    "the trunk's name, host, username, state or last response",
                    json!({ "type": "array", "items": { "$ref": "#/components/schemas/RegistryEntry" } })
                )
            },
            "/api/v1/registry/stream": {
                "get": { "summary": "The same rows as server-sent events: every row at once (`event: registry`), then after each change only the rows that changed (`event: registry-delta`, `{\"rows\": [...], \"removed\": [trunk ids]}`); every row again if the client fell far behind. With `q`, `limit` and `offset` (as the list takes them) it follows the rows of that page, and rows that appear later, match `q` and sort within it", "responses": {
                    "200": { "description": "text/event-stream" },
                    "422": error_response("`q`, `limit` or `offset` cannot be read; `field` names it") } }
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
                    "200": { "description": "`calls`: ended calls with start, answer and end (Unix seconds), caller, callee, dialed number, trunk, cause, side that hung up, each trunk or contact attempt with its result, and `quality` (an anchored call's audio figures at its end, else null: per leg `caller`/`callee` the RTP `rx_packets`/`rx_bytes` received from that side, `tx_packets`/`tx_bytes` sent to it, `expected` and `lost` by sequence number, `jitter_us` (RFC 3550), `mos_centi` (E-model MOS × 100), `reported_lost`/`reported_jitter_us` (what the side's own RTCP reports say, null without reports), `dropped` (packets from any other source on that side's relay ports, counted and dropped), and `one_way`: `caller` or `callee` when only that side was heard for more than 5 s); `older`: send it as `before` for the next page, null on the last page; `total`: how many calls the search matches in the whole log",
                        "content": { "application/json": { "schema": { "type": "object", "properties": {
                            "calls": { "type": "array", "items": { "type": "object" } },
                            "older": { "type": ["string", "null"] },
                            "total": { "type": "integer", "minimum": 0 } } } } } },
                    "400": error_response("A malformed query string"),
                    "422": error_response("`limit` or `before` cannot be read; `field` names it") } }
            },
            "/api/v1/calls/live": {
                "get": { "summary": "The calls in progress", "responses": {
                    "200": { "description": "id (for DELETE /api/v1/calls/live/{id}), caller, callee, dialed number, state (ringing or answered), trunk, start and answer times, and `quality`: an anchored call's audio figures so far (as the call log's, `one_way` meaning one-way now)",
                        "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object" } } } } } } }
            },
            "/api/v1/calls/unmatched": {
                "get": { "summary": "Calls from trunks to DIDs no incoming call answers (refused with 404), newest first", "responses": {
                    "200": { "description": "`calls`: when (Unix seconds), trunk, the number received and why it matched nothing; `not_kept`: how many older ones were deleted, as only the newest 10,000 are kept",
                        "content": { "application/json": { "schema": { "type": "object", "required": ["calls", "not_kept"], "properties": {
                            "calls": { "type": "array", "items": { "type": "object" } },
                            "not_kept": { "type": "integer", "minimum": 0 } } } } } } } }
            },
            "/api/v1/openapi.json": {
                "get": { "summary": "This document", "responses": {
                    "200": json_body("The OpenAPI 3.1 description of /api/v1", json!({ "type": "object", "required": ["openapi", "paths"] })) } }
            },
            "/api/v1/lines": {
                "get": { "summary": "Where every user's SIP line is registered: contacts, user agent, source address, seconds left", "responses": {
                    "200": { "description": "One entry per user, with `user_id`, `line_username` and `contacts` (`contact`, `user_agent`, `source`, `transport`, `expires_in`)",
                        "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object" } } } } } } }
            },
            "/api/v1/needs_repair": {
                "get": { "summary": "Stored rows that cannot be read (hand-edited, or written by an older release): left out of the lists and of what calls use until saved again", "responses": {
                    "200": { "description": "One entry per row: `kind` (trunk, user, context, outcall, incall, nat), `key` (the id, or the context's name), `version` (for the PUT that repairs it), `name`, `problem` and the `stored` text",
                        "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object" } } } } } } }
            }
        }
    });
    let mut paths = Map::new();
    Resource::of::<TrunkInput>(
        "/api/v1/trunks",
        "id",
        "integer",
        "SIP trunk",
        "SIP trunks",
        "Trunk",
        "Trunk",
    )
    .paged("the name, host (`dynamic` for a dynamic trunk), context or register server")
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
    // Whatever else goes wrong (401 without credentials, 400 for a
    // malformed path) is answered in the one error format.
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut().filter(|o| o["responses"].is_object()) {
                operation["responses"]["default"] =
                    error_response("Any other error, in the same format");
            }
        }
    }
    doc
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

#[cfg(test)]
mod tests {
    use super::resource::names;
    use super::spec;
    use crate::rest::body::Body;
    use crate::rest::nat::NatBody;
    use app::model::context::ContextInput;
    use app::model::incall::IncallInput;
    use app::model::outcall::OutcallInput;
    use app::model::security::SipSecurityInput;
    use app::model::trunk::TrunkInput;
    use app::model::user::UserInput;

    fn documented(schema: &str) -> Vec<String> {
        let doc = spec();
        let mut names: Vec<String> = doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    fn accepted<T: Body>() -> Vec<String> {
        let mut names = names::<T>();
        names.sort();
        names
    }

    /// The document lists exactly the fields the server takes and shows.
    #[test]
    fn every_shape_documents_the_fields_the_server_knows() {
        assert_eq!(documented("Trunk"), accepted::<TrunkInput>());
        assert_eq!(documented("UserSaved"), accepted::<UserInput>());
        assert_eq!(documented("Context"), accepted::<ContextInput>());
        assert_eq!(documented("OutcallSaved"), accepted::<OutcallInput>());
        assert_eq!(documented("Incall"), accepted::<IncallInput>());
        assert_eq!(documented("SipNat"), accepted::<NatBody>());
        assert_eq!(documented("SipSecurity"), accepted::<SipSecurityInput>());
    }
}
