//! SIP (NAT) in the OpenAPI document.

use super::{error_response, json_body, schema};
use serde_json::{json, Map, Value};

pub fn paths(paths: &mut Map<String, Value>) {
    let update = json!({ "type": "object", "required": ["version", "external_address", "local_networks", "bind_address"], "properties": {
        "version": { "type": "integer", "description": "The version you read." },
        "external_address": { "type": ["string", "null"], "description": "Host name or IP, with :port when the router forwards another port, written in Via and Contact toward destinations outside local_networks (Asterisk's externaddr). Empty or null: use what the provider reports seeing (received/rport). The server's --sip-external-address flag, when given, takes precedence." },
        "local_networks": {
            "oneOf": [
                { "type": "array", "items": { "type": "string" } },
                { "type": "string", "description": "One network per line (commas and spaces also separate)." }
            ],
            "description": "Networks as address/prefix (a bare address is one host); destinations in them get this PBX's own address (Asterisk's localnet). At most 64; duplicates are dropped and each is reduced to its network address."
        },
        "bind_address": { "type": ["string", "null"], "description": "IP address of this machine (0.0.0.0 or :: for all) with :port when not 5060, where SIP listens on UDP and TCP (chan_sip's udpbindaddr). Read when Trunkline starts, so a change takes effect at the next start; the server's --sip flag, when given, takes precedence. Empty or null: 0.0.0.0:5060." }
    } });
    paths.insert("/api/v1/nat".into(), json!({
        "get": { "summary": "SIP behind NAT: the External address, Local networks and SIP bind (Services → IPBX → General settings → SIP (NAT))", "responses": {
            "200": json_body("The settings and their version", schema("SipNat")) } },
        "put": { "summary": "Change them; the next SIP message the PBX sends carries the new addresses",
            "requestBody": { "required": true, "content": { "application/json": { "schema": update } } },
            "responses": {
                "200": json_body("Saved, as normalised", schema("SipNat")),
                "400": error_response("Body is not JSON, or a field is missing or of the wrong type"),
                "409": error_response("Changed by someone else since you read it"),
                "422": error_response("The external address, a network or the SIP bind does not parse; `field` names it") } }
    }));
}

pub fn schemas() -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(
        "SipNat".into(),
        json!({ "type": "object", "properties": {
            "version": { "type": "integer" },
            "external_address": { "type": "string", "description": "Empty when none is set." },
            "local_networks": { "type": "array", "items": { "type": "string" }, "description": "address/prefix, in the administrator's order." },
            "bind_address": { "type": "string", "description": "address:port SIP binds at start-up, for example 0.0.0.0:5060." } } }),
    );
    map
}
