//! SIP (NAT) in the OpenAPI document.

use super::resource::{closed, names, patch, required, updated};
use super::{error_response, json_body, schema};
use crate::rest::nat::NatBody;
use serde_json::{json, Map, Value};

pub fn paths(paths: &mut Map<String, Value>) {
    let update = json!({ "type": "object", "required": required::<NatBody>(), "additionalProperties": false, "properties": {
        "version": { "type": "integer", "description": "The version you read." },
        "external_address": { "type": ["string", "null"], "description": "Host name or IP, with :port when the router forwards another port, written in Via and Contact toward destinations outside local_networks (Asterisk's externaddr). Empty or null: use what the provider reports seeing (received/rport). The server's --sip-external-address flag, when given, takes precedence." },
        "local_networks": {
            "oneOf": [
                { "type": "array", "items": { "type": "string" } },
                { "type": "string", "description": "One network per line (commas and spaces also separate)." }
            ],
            "description": "Networks as address/prefix (a bare address is one host); destinations in them get this PBX's own address (Asterisk's localnet). At most 64; duplicates are dropped and each is reduced to its network address."
        },
        "bind_address": { "type": ["string", "null"], "description": "IP address of this machine (0.0.0.0 or :: for all) with :port when not 5060, where SIP listens on UDP and TCP (chan_sip's udpbindaddr). Read when Trunkline starts, so a change takes effect at the next start; the server's --sip flag, when given, takes precedence. Empty or null: 0.0.0.0:5060." },
        "rtp_start": { "type": ["integer", "string", "null"], "description": "First port of the range the RTP relay takes an RTP/RTCP pair per call leg from (Asterisk's rtpstart), 1024-65535. Optional; empty, null or absent: 10000." },
        "rtp_end": { "type": ["integer", "string", "null"], "description": "Last port of that range (Asterisk's rtpend), at least 3 above rtp_start. Optional; empty, null or absent: 20000. A new range applies to calls that start after it is saved." }
    } });
    let missing = error_response("Not found");
    paths.insert("/api/v1/nat".into(), json!({
        "get": { "summary": "SIP behind NAT: the External address, Local networks and SIP bind (Services → IPBX → General settings → SIP (NAT))", "responses": {
            "200": json_body("The settings and their version: exactly what PUT takes", schema("SipNat")) } },
        "put": { "summary": "Replace them (every field); the next SIP message the PBX sends carries the new addresses",
            "requestBody": { "required": true, "content": { "application/json": { "schema": update } } },
            "responses": updated("SipNat", &missing) },
        "patch": patch("SIP (NAT) settings", &names::<NatBody>(), "SipNat", &missing)
    }));
}

pub fn schemas() -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(
        "SipNat".into(),
        closed("The SIP (NAT) settings", json!({
            "version": { "type": "integer" },
            "external_address": { "type": "string", "description": "Empty when none is set." },
            "local_networks": { "type": "array", "items": { "type": "string" }, "description": "address/prefix, in the administrator's order." },
            "bind_address": { "type": "string", "description": "address:port SIP binds at start-up, for example 0.0.0.0:5060." },
            "rtp_start": { "type": "integer", "description": "First port of the RTP relay's range." },
            "rtp_end": { "type": "integer", "description": "Last port of the RTP relay's range." } })),
    );
    map
}
