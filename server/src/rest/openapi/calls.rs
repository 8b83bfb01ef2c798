//! Call management in the OpenAPI document: contexts, users, outgoing and
//! incoming calls, and the route tester.

use super::{error_response, json_body, schema, Resource};
use serde_json::{json, Map, Value};

/// Contexts, users, outgoing and incoming calls, and `/api/v1/route`.
pub fn paths(paths: &mut Map<String, Value>) {
    for r in [
        Resource {
            path: "/api/v1/contexts",
            key: "name",
            key_type: "string",
            one: "context",
            many: "contexts",
            input: "ContextInput",
            view: "ContextView",
            saved: "ContextView",
        },
        Resource {
            path: "/api/v1/users",
            key: "id",
            key_type: "integer",
            one: "user with a SIP line",
            many: "users",
            input: "UserInput",
            view: "UserView",
            saved: "UserSaved",
        },
        Resource {
            path: "/api/v1/outcalls",
            key: "id",
            key_type: "integer",
            one: "outgoing call",
            many: "outgoing calls",
            input: "OutcallInput",
            view: "OutcallView",
            saved: "OutcallSaved",
        },
        Resource {
            path: "/api/v1/incalls",
            key: "id",
            key_type: "integer",
            one: "incoming call",
            many: "incoming calls",
            input: "IncallInput",
            view: "IncallView",
            saved: "IncallView",
        },
    ] {
        r.paths(paths);
    }
    let query = |name: &str, description: &str| json!({ "name": name, "in": "query", "required": false, "schema": { "type": "string" }, "description": description });
    paths.insert("/api/v1/route".into(), json!({
        "get": {
            "summary": "Where a call would go now: ask caller and number (outgoing) or trunk and did (incoming)",
            "parameters": [
                query("caller", "Extension or line username placing the call (1000)."),
                query("number", "The number dialed (4185551234)."),
                query("trunk", "Name of the trunk an incoming call arrives on (provider_username)."),
                query("did", "The number an incoming call is for (4185550000 or +4185550000).")
            ],
            "responses": {
                "200": json_body("The resolution, with the reasons when nothing matches",
                    json!({ "oneOf": [schema("OutgoingResolution"), schema("IncomingResolution")] })),
                "400": error_response("Both questions asked at once, or a malformed query string"),
                "422": error_response("A parameter is missing or invalid; `field` names it (caller, number, trunk or did)")
            }
        }
    }));
}

/// The schemas the call-management paths refer to.
pub fn schemas() -> Map<String, Value> {
    let mut schemas = Map::new();
    schemas.extend(context_schemas());
    schemas.extend(user_schemas());
    schemas.extend(outcall_schemas());
    schemas.extend(incall_schemas());
    schemas.extend(route_schemas());
    schemas
}

fn object(description: &str, properties: Value) -> Value {
    json!({ "type": "object", "description": description, "properties": properties })
}

/// A stored item: its id and version, and the item under `key`.
fn view(description: &str, key: &str, item: Value) -> Value {
    let mut properties = Map::new();
    properties.insert("id".into(), json!({ "type": "integer" }));
    properties.insert(
        "version".into(),
        json!({ "type": "integer", "description": "Send it back with an update." }),
    );
    properties.insert(key.into(), item);
    object(description, Value::Object(properties))
}

fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn context_schemas() -> Map<String, Value> {
    let text = json!({ "type": "string" });
    let ranges = json!({ "type": "array", "items": schema("NumberRange") });
    let names = json!({ "type": "array", "items": text });
    let kind =
        json!({ "enum": ["internal", "incall", "outcall"], "description": "Fixed once created." });
    into_map(json!({
        "NumberRange": object("Numbers from first to last, both included, of one length; last blank on input means one number",
            json!({ "first": text, "last": text })),
        "ContextInput": object("A dial-plan context as typed", json!({
            "name": { "type": "string", "description": "Letters, digits, - and _; fixed once created (on update it may be left out)." },
            "label": { "type": "string", "description": "Required; what lists show." },
            "kind": kind,
            "user_ranges": { "type": "array", "items": schema("NumberRange"), "description": "Internal contexts: where users' extensions may be numbered." },
            "did_ranges": { "type": "array", "items": schema("NumberRange"), "description": "Incoming-call contexts: the DIDs answered." },
            "did_length": { "type": ["integer", "string"], "description": "Incoming-call contexts: compare only this many last digits." },
            "number_lengths": { "type": "string", "description": "Outgoing-call contexts: lengths of numbers dialed out, as \"10, 11\"." },
            "includes": { "type": "array", "items": text, "description": "Contexts searched after this one, in order." }
        })),
        "ContextView": object("A stored context; contexts are named by `context.name`", json!({
            "version": { "type": "integer", "description": "Send it back with an update." },
            "context": object("The context", json!({
                "name": text, "label": text, "kind": kind, "user_ranges": ranges, "did_ranges": ranges,
                "did_length": { "type": ["integer", "null"] },
                "number_lengths": { "type": "array", "items": { "type": "integer" } },
                "includes": names
            }))
        }))
    }))
}

fn user_schemas() -> Map<String, Value> {
    let text = json!({ "type": "string" });
    let user = object(
        "The user; the line password is never shown",
        json!({
            "firstname": text, "lastname": text, "exten": text, "context": text, "line_username": text,
            "outgoing_caller_id": { "type": "object", "properties": {
                "mode": { "enum": ["default", "anonymous", "custom"] }, "number": text } },
            "ringtime": { "type": "integer" }
        }),
    );
    let mut saved = view(
        "A saved user; generated_password only when the server generated the line password (shown once, never again)",
        "user",
        user.clone(),
    );
    saved["properties"]["generated_password"] = json!({ "type": "string" });
    into_map(json!({
        "UserInput": object("A user and their SIP line, as typed", json!({
            "firstname": text,
            "lastname": { "type": "string", "description": "A first or a last name is required." },
            "exten": { "type": "string", "description": "Within the context's user ranges; unique in the context." },
            "context": { "type": "string", "description": "An internal context; default `default`." },
            "line_username": { "type": "string", "description": "What the phone authenticates as; blank means the extension." },
            "line_password": { "type": "string", "writeOnly": true,
                "description": "At least 8 characters. Blank on creation: generated and returned once as generated_password. Blank on update: kept." },
            "caller_id_mode": { "enum": ["default", "anonymous", "custom"] },
            "caller_id_number": { "type": "string", "description": "With caller_id_mode custom." },
            "ringtime": { "type": ["integer", "string"], "description": "5-300 s, default 30." }
        })),
        "UserView": view("A stored user", "user", user),
        "UserSaved": saved
    }))
}

fn outcall_schemas() -> Map<String, Value> {
    let text = json!({ "type": "string" });
    let trunks = json!({ "type": "array", "items": { "type": "integer" }, "description": "Trunk ids, tried in this order." });
    let outcall = object(
        "The outgoing call",
        json!({
            "name": text, "context": text, "trunks": trunks,
            "ringtime": { "type": "integer" }, "internal": { "type": "boolean" },
            "extens": { "type": "array", "items": object("One pattern", json!({
                "pattern": { "type": "string", "description": "Asterisk's form, `_418.`." },
                "strip": { "type": "integer" }, "prefix": text, "caller_id": text })) }
        }),
    );
    let mut saved = view(
        "A saved outgoing call and the warnings its patterns raise (they never block the save)",
        "outcall",
        outcall.clone(),
    );
    saved["properties"]["warnings"] = json!({ "type": "array", "items": text });
    into_map(json!({
        "OutcallInput": object("An outgoing call as typed", json!({
            "name": { "type": "string", "description": "Unique." },
            "context": { "type": "string", "description": "An outgoing-call context; default `to-extern`." },
            "trunks": trunks,
            "ringtime": { "type": ["integer", "string"], "description": "0-300 s; 0 (the default) is no limit." },
            "internal": { "type": "boolean", "description": "Keep the caller's own caller ID." },
            "extens": { "type": "array", "items": object("One pattern row; errors name `extens.N.pattern` and the like", json!({
                "pattern": { "type": "string", "description": "`418.` or `_418.`, X Z N [1-5] . !" },
                "strip": { "type": ["integer", "string"], "description": "Leading digits removed, 0-20." },
                "prefix": { "type": "string", "description": "Put in front of what is left." },
                "caller_id": text })) }
        })),
        "OutcallView": view("A stored outgoing call", "outcall", outcall),
        "OutcallSaved": saved
    }))
}

fn incall_schemas() -> Map<String, Value> {
    let text = json!({ "type": "string" });
    let modes = json!({ "enum": ["none", "prepend", "overwrite", "append"] });
    into_map(json!({
        "IncallInput": object("An incoming call as typed", json!({
            "did": { "type": ["string", "integer"], "description": "The public number; a leading + is dropped." },
            "context": { "type": "string", "description": "An incoming-call context; default `from-extern`." },
            "destination": { "enum": ["user", "hangup"] },
            "user_id": { "type": ["integer", "null"], "description": "With destination user." },
            "caller_id_mode": modes,
            "caller_id_text": text
        })),
        "IncallView": view("A stored incoming call", "incall", object("The incoming call", json!({
            "did": text, "context": text,
            "destination": { "type": "object", "properties": {
                "kind": { "enum": ["user", "hangup"] }, "user_id": { "type": "integer" } } },
            "caller_id_mode": modes, "caller_id_text": text
        })))
    }))
}

fn route_schemas() -> Map<String, Value> {
    let text = json!({ "type": "string" });
    let texts = json!({ "type": "array", "items": text });
    let kind = |k: &str| json!({ "const": k });
    into_map(json!({
        "OutgoingResolution": object("Where an outgoing or internal call goes", json!({
            "caller": text, "dialed": text, "contexts": texts,
            "route": { "oneOf": [
                object("Another user's extension", json!({ "kind": kind("internal"),
                    "context": text, "user_id": { "type": "integer" }, "user": text, "exten": text })),
                object("Out through the trunks of an outgoing call, in order", json!({ "kind": kind("external"),
                    "context": text, "outcall_id": { "type": "integer" }, "outcall": text, "pattern": text,
                    "number": { "type": "string", "description": "What every trunk receives." },
                    "ringtime": { "type": "integer" },
                    "trunks": { "type": "array", "items": object("One trunk of the failover order", json!({
                        "trunk_id": { "type": "integer" }, "trunk": text, "number": text,
                        "caller_id": { "type": "object" }, "skipped": { "type": ["string", "null"] } })) } })),
                object("Nothing matched; one reason per pattern considered", json!({ "kind": kind("no_match"), "reasons": texts }))
            ] }
        })),
        "IncomingResolution": object("Where an incoming call goes", json!({
            "did": { "type": "string", "description": "As looked up, without +." },
            "context": text,
            "route": { "oneOf": [
                object("Rings a user", json!({ "kind": kind("user"), "incall_id": { "type": "integer" },
                    "user_id": { "type": "integer" }, "user": text, "context": text, "exten": text, "caller_id_name": text })),
                object("Refused", json!({ "kind": kind("hangup"), "incall_id": { "type": "integer" } })),
                object("No incoming call for this DID", json!({ "kind": kind("no_match"), "reason": text }))
            ] }
        }))
    }))
}
