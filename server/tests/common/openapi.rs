//! Every REST answer a test receives, checked against what the OpenAPI
//! document (`trunkline::rest::openapi::spec`) says the operation answers
//! with that status: the document is tested by every REST test.

use serde_json::Value;
use std::sync::OnceLock;

fn doc() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(trunkline::rest::openapi::spec)
}

/// The document's path entry for `path`: the literal one, else the
/// template whose segments match (`/api/v1/trunks/{id}`).
fn path_item(path: &str) -> Option<(&'static str, &'static Value)> {
    let paths = doc()["paths"].as_object()?;
    if let Some((template, item)) = paths.get_key_value(path) {
        return Some((template.as_str(), item));
    }
    let segments: Vec<&str> = path.split('/').collect();
    paths.iter().find_map(|(template, item)| {
        let pattern: Vec<&str> = template.split('/').collect();
        let fits = pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()));
        fits.then_some((template.as_str(), item))
    })
}

/// Panics unless `body`, answered with `status` to `method uri`, is what
/// the document promises; answers outside `/api/v1` are not REST's.
pub fn check(method: &str, uri: &str, status: u16, body: &str) {
    let path = uri.split('?').next().unwrap_or(uri);
    if !path.starts_with("/api/v1/") {
        return;
    }
    let schema = match path_item(path) {
        Some((template, item)) => {
            let operation = &item[method.to_ascii_lowercase()];
            if operation.is_null() {
                // axum's own 405 for a method the route does not have.
                assert_eq!(status, 405, "{method} {template} is not documented");
                return;
            }
            let responses = &operation["responses"];
            let response = match &responses[status.to_string()] {
                Value::Null => &responses["default"],
                listed => listed,
            };
            assert!(
                !response.is_null() && (status >= 400 || !responses[status.to_string()].is_null()),
                "{method} {template} answered {status}, which the document does not list"
            );
            match response["content"]["application/json"]["schema"].clone() {
                Value::Null => return,
                schema => schema,
            }
        }
        None => {
            assert_eq!(status, 404, "{method} {path} is not in the document");
            serde_json::json!({ "$ref": "#/components/schemas/Error" })
        }
    };
    let instance: Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("{method} {uri} ({status}) is documented as JSON: {e}: {body}"));
    let mut root = schema;
    root["components"] = doc()["components"].clone();
    let validator = jsonschema::draft202012::new(&root)
        .unwrap_or_else(|e| panic!("the schema of {method} {path} {status} compiles: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {uri} answered {status} outside its schema:\n{}\n{body}",
        errors.join("\n")
    );
}
