//! Call management in the OpenAPI document: contexts, users, outgoing and
//! incoming calls, and the route tester.

use super::resource::{closed, saved, shape, Resource};
use super::{error_response, json_body, schema};
use app::model::context::ContextInput;
use app::model::incall::IncallInput;
use app::model::outcall::OutcallInput;
use app::model::user::UserInput;
use serde_json::{json, Map, Value};

/// Contexts, users, outgoing and incoming calls, and `/api/v1/route`.
pub fn paths(paths: &mut Map<String, Value>) {
    Resource::of::<ContextInput>(
        "/api/v1/contexts",
        "name",
        "string",
        "context",
        "contexts",
        "Context",
        "Context",
    )
    .paths(paths);
    Resource::of::<UserInput>(
        "/api/v1/users",
        "id",
        "integer",
        "user with a SIP line",
        "users",
        "User",
        "UserSaved",
    )
    .paged("the name, extension, context, line username or outgoing caller ID number")
    .paths(paths);
    Resource::of::<OutcallInput>(
        "/api/v1/outcalls",
        "id",
        "integer",
        "outgoing call",
        "outgoing calls",
        "Outcall",
        "OutcallSaved",
    )
    .paged("the name, context or the name of one of its trunks")
    .paths(paths);
    Resource::of::<IncallInput>(
        "/api/v1/incalls",
        "id",
        "integer",
        "incoming call",
        "incoming calls",
        "Incall",
        "Incall",
    )
    .paged("the DID, context, or the name or extension of the user it rings")
    .paths(paths);
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

fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn id() -> Value {
    json!({ "id": { "type": "integer" } })
}

fn context_schemas() -> Map<String, Value> {
    let text = json!({ "type": "string" });
    into_map(json!({
        "NumberRange": closed("Numbers from first to last, both included, of one length; last blank means one number",
            json!({ "first": text, "last": text })),
        "Context": shape("A dial-plan context, named by its name", json!({
            "name": { "type": "string", "description": "Letters, digits, - and _; fixed once created (a PUT may leave it out: the path gives it)." },
            "label": { "type": "string", "description": "Required; what lists show." },
            "kind": { "enum": ["internal", "incall", "outcall"], "description": "Fixed once created." },
            "user_ranges": { "type": "array", "items": schema("NumberRange"), "description": "Internal contexts: where users' extensions may be numbered." },
            "did_ranges": { "type": "array", "items": schema("NumberRange"), "description": "Incoming-call contexts: the DIDs answered." },
            "did_length": { "type": ["integer", "string"], "description": "Incoming-call contexts: compare only this many last digits; blank: the whole DID." },
            "number_lengths": { "type": "string", "description": "Outgoing-call contexts: lengths of numbers dialed out, as \"10, 11\"." },
            "includes": { "type": "array", "items": text, "description": "Contexts searched after this one, in order." }
        }), json!({}))
    }))
}

fn user_schemas() -> Map<String, Value> {
    let text = json!({ "type": "string" });
    let user = shape(
        "A user and their SIP line; the line password is write-only",
        json!({
            "firstname": text,
            "lastname": { "type": "string", "description": "A first or a last name is required." },
            "exten": { "type": "string", "description": "Within the context's user ranges; unique in the context." },
            "context": { "type": "string", "description": "An internal context; default `default`." },
            "line_username": { "type": "string", "description": "What the phone authenticates as; blank means the extension." },
            "line_password": { "type": "string", "writeOnly": true,
                "description": "At least 8 characters. Blank on creation: generated and returned once as generated_password. Left out (or blank) on update: kept." },
            "caller_id_mode": { "enum": ["default", "anonymous", "custom"] },
            "caller_id_number": { "type": "string", "description": "With caller_id_mode custom." },
            "ringtime": { "type": ["integer", "string"], "description": "5-300 s, default 30." },
            "direct_media": { "type": "boolean", "description": "Asterisk's directmedia for the line: when the other end allows it too (the other line, or every trunk of the call), the SDP passes unchanged and audio flows straight between the phone and that end; no audio when they cannot reach each other (across NAT). Default false: Trunkline relays the audio (anchoring)." }
        }),
        id(),
    );
    let answer = saved(
        &user,
        "generated_password",
        json!({ "type": "string", "readOnly": true,
        "description": "Only when the server generated the line password: shown once, never again." }),
    );
    into_map(json!({ "User": user, "UserSaved": answer }))
}

fn outcall_schemas() -> Map<String, Value> {
    let text = json!({ "type": "string" });
    let outcall = shape(
        "An outgoing call",
        json!({
            "name": { "type": "string", "description": "Unique." },
            "context": { "type": "string", "description": "An outgoing-call context; default `to-extern`." },
            "trunks": { "type": "array", "items": { "type": "integer" }, "description": "Trunk ids, tried in this order." },
            "ringtime": { "type": ["integer", "string"], "description": "0-300 s; 0 (the default) is no limit." },
            "internal": { "type": "boolean", "description": "Keep the caller's own caller ID." },
            "extens": { "type": "array", "items": closed("One pattern row; errors name `extens.N.pattern` and the like", json!({
                "pattern": { "type": "string", "description": "`418.` or `_418.`, X Z N [1-5] . !; shown without the `_`." },
                "strip": { "type": ["integer", "string"], "description": "Leading digits removed, 0-20." },
                "prefix": { "type": "string", "description": "Put in front of what is left." },
                "caller_id": text })) }
        }),
        id(),
    );
    let answer = saved(
        &outcall,
        "warnings",
        json!({ "type": "array", "items": text, "readOnly": true,
        "description": "What the patterns raise (shadowed, catch-all, unreachable); they never block the save." }),
    );
    into_map(json!({ "Outcall": outcall, "OutcallSaved": answer }))
}

fn incall_schemas() -> Map<String, Value> {
    let text = json!({ "type": "string" });
    into_map(json!({
        "Incall": shape("An incoming call", json!({
            "did": { "type": ["string", "integer"], "description": "The public number; a leading + is dropped." },
            "context": { "type": "string", "description": "An incoming-call context; default `from-extern`." },
            "destination": { "enum": ["user", "hangup"] },
            "user_id": { "type": ["integer", "null"], "description": "With destination user." },
            "caller_id_mode": { "enum": ["none", "prepend", "overwrite", "append"] },
            "caller_id_text": text
        }), id())
    }))
}

fn route_schemas() -> Map<String, Value> {
    let text = json!({ "type": "string" });
    let texts = json!({ "type": "array", "items": text });
    let kind = |k: &str| json!({ "const": k });
    into_map(json!({
        "OutgoingResolution": required(&["caller", "dialed", "route"], object("Where an outgoing or internal call goes", json!({
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
        }))),
        "IncomingResolution": required(&["did", "route"], object("Where an incoming call goes", json!({
            "did": { "type": "string", "description": "As looked up, without +." },
            "context": text,
            "route": { "oneOf": [
                object("Rings a user", json!({ "kind": kind("user"), "incall_id": { "type": "integer" },
                    "user_id": { "type": "integer" }, "user": text, "context": text, "exten": text, "caller_id_name": text })),
                object("Refused", json!({ "kind": kind("hangup"), "incall_id": { "type": "integer" } })),
                object("No incoming call for this DID", json!({ "kind": kind("no_match"), "reason": text }))
            ] }
        })))
    }))
}

/// `schema` with these fields required: what tells one `oneOf` branch
/// from another.
fn required(fields: &[&str], mut schema: Value) -> Value {
    schema["required"] = json!(fields);
    schema
}
