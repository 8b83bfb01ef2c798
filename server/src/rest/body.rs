//! One JSON shape per resource, shared by every verb: GET answers with the
//! fields PUT takes (write-only secrets left out), POST and PUT refuse a
//! field they do not know, PUT refuses a body that leaves out a required
//! field, and PATCH is a JSON Merge Patch (RFC 7396) of what GET shows,
//! then judged as that PUT would be. Only the body's shape is judged here;
//! the values are the model's to judge, as the console's forms are.

use super::ApiError;
use app::model::FieldErrors;
use app::ssr::service::ServiceError;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// The media type of a JSON Merge Patch (RFC 7396 §4).
pub const MERGE_PATCH: &str = "application/merge-patch+json";

/// A resource's input as REST carries it: the form's fields (the model's
/// `*Input`), plus what GET adds around them.
pub trait Body: Serialize + DeserializeOwned + Default {
    /// "a trunk", "the SIP security settings": what sentences call it.
    const ONE: &'static str;
    /// Fields a PUT may leave out (or a PATCH remove with `null`): blank is
    /// their "none", so leaving them out cannot change what the PBX does
    /// behind the administrator's back.
    const OPTIONAL: &'static [&'static str] = &[];
    /// Secrets: never shown; left out of a PUT, the stored one is kept.
    const WRITE_ONLY: &'static [&'static str] = &[];
    /// Shown by GET (or by the answer to a save) and ignored on input, so
    /// that what was read can be sent back as it is.
    const READ_ONLY: &'static [&'static str] = &["id"];
    /// Names other PBXs give our fields (Asterisk's sip.conf, XiVO's
    /// forms and API), with the field to use instead.
    const ALIASES: &'static [(&'static str, &'static str)] = &[];

    /// Array fields whose items are objects, with those items' fields.
    fn items() -> Vec<(&'static str, Vec<String>)> {
        Vec::new()
    }

    /// Fills, in a POST, what was left out and whose form default would
    /// be the wrong guess for an API client.
    fn complete(_body: &mut Map<String, Value>) {}
}

/// The fields of `T` as it serialises, in the model's order.
pub fn fields<T: Serialize + Default>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(Value::Object(map)) => map.into_iter().map(|(k, _)| k).collect(),
        _ => Vec::new(),
    }
}

/// Fields a PUT must carry (besides `version`).
pub fn required<T: Body>() -> Vec<String> {
    fields::<T>()
        .into_iter()
        .filter(|f| !T::OPTIONAL.contains(&f.as_str()) && !T::WRITE_ONLY.contains(&f.as_str()))
        .collect()
}

/// What GET shows of `input`: its fields without the secrets, its
/// `version`, and the read-only `extra` (id, has_secret…).
pub fn represent<T: Body>(
    input: &T,
    version: i64,
    extra: impl IntoIterator<Item = (&'static str, Value)>,
) -> Value {
    let mut map = match serde_json::to_value(input) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for secret in T::WRITE_ONLY {
        map.remove(*secret);
    }
    map.insert("version".into(), version.into());
    for (key, value) in extra {
        map.insert(key.into(), value);
    }
    Value::Object(map)
}

/// A POST body: fields left out (or null) take the form's defaults.
///
/// # Errors
/// 400 or 415 for a body that is not JSON; 422 naming an unknown field or
/// one of the wrong type.
pub fn create<T: Body>(body: Result<Json<Value>, JsonRejection>) -> Result<T, ApiError> {
    let Json(body) = body?;
    let mut body = object(body)?;
    refuse_unknown::<T>(&body)?;
    strip::<T>(&mut body);
    body.remove("version");
    // null is "left out": the form's default.
    body.retain(|_, v| !v.is_null());
    T::complete(&mut body);
    decode(body)
}

/// A PUT body, which replaces the resource: the version it was based on,
/// and the input.
///
/// # Errors
/// As [`create`], and 422 naming `version` or a required field left out.
pub fn replace<T: Body>(body: Result<Json<Value>, JsonRejection>) -> Result<(i64, T), ApiError> {
    let Json(body) = body?;
    judge(body, Verb::Put)
}

/// A PATCH: `patch` merged (RFC 7396) into `current`, what GET shows now,
/// then judged as a PUT of the result; the patch must carry `version`.
///
/// # Errors
/// 415 unless the body is `application/merge-patch+json`; 400 when it is
/// not a JSON object; 422 as for [`replace`], or naming a required field
/// the patch removed.
pub fn patched<T: Body>(
    current: Value,
    headers: &HeaderMap,
    patch: &Bytes,
) -> Result<(i64, T), ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media.as_deref() != Some(MERGE_PATCH) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
            format!("A PATCH is a JSON Merge Patch: send it with `Content-Type: {MERGE_PATCH}` (RFC 7396)."),
        ));
    }
    let patch: Value = serde_json::from_slice(patch).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            None,
            format!("The patch is not JSON: {e}."),
        )
    })?;
    let patch = object(patch)?;
    refuse_unknown::<T>(&patch)?;
    if !patch.get("version").is_some_and(Value::is_i64) {
        return Err(version_required());
    }
    let mut merged = current;
    merge(&mut merged, &Value::Object(patch));
    judge(merged, Verb::Patch)
}

/// RFC 7396 §2: objects merge member by member, `null` removes a member,
/// anything else (arrays included) replaces what was there.
pub fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Verb {
    Put,
    Patch,
}

fn judge<T: Body>(body: Value, verb: Verb) -> Result<(i64, T), ApiError> {
    let mut body = object(body)?;
    refuse_unknown::<T>(&body)?;
    let version = match body.remove("version") {
        Some(Value::Number(n)) => n.as_i64(),
        _ => None,
    }
    .ok_or_else(version_required)?;
    // An optional field sent as null is left out: blank.
    body.retain(|k, v| !(v.is_null() && T::OPTIONAL.contains(&k.as_str())));
    if let Some(missing) = required::<T>().into_iter().find(|f| !body.contains_key(f)) {
        let message = match verb {
            Verb::Put => format!(
                "{missing} is required: a PUT replaces every field of {}, so send each one GET returns, or change only some with PATCH.",
                T::ONE
            ),
            Verb::Patch => format!(
                "{missing} cannot be removed: {} needs it (null in a PATCH removes only an optional field).",
                T::ONE
            ),
        };
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&missing),
            message,
        ));
    }
    strip::<T>(&mut body);
    Ok((version, decode(body)?))
}

fn version_required() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("version"),
        "version is required: send the version you read, so a change made since is not overwritten.",
    )
}

fn object(body: Value) -> Result<Map<String, Value>, ApiError> {
    match body {
        Value::Object(map) => Ok(map),
        other => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            None,
            format!(
                "The body must be a JSON object of fields, such as GET returns; this one is {}.",
                kind(&other)
            ),
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn strip<T: Body>(body: &mut Map<String, Value>) {
    for field in T::READ_ONLY {
        body.remove(*field);
    }
}

/// 422 naming every field `T` does not have, at the top level or in the
/// items of an array of objects (`extens.0.exten`), the first in `field`.
fn refuse_unknown<T: Body>(body: &Map<String, Value>) -> Result<(), ApiError> {
    let known = fields::<T>();
    let is_known =
        |k: &str| known.iter().any(|f| f == k) || k == "version" || T::READ_ONLY.contains(&k);
    let mut errors = FieldErrors::new();
    for key in body.keys().filter(|k| !is_known(k)) {
        errors.push(key, unknown::<T>(key, &known));
    }
    for (array, item_fields) in T::items() {
        let Some(Value::Array(items)) = body.get(array) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let Value::Object(item) = item else { continue };
            for key in item.keys().filter(|k| !item_fields.contains(k)) {
                errors.push(
                    &format!("{array}.{i}.{key}"),
                    unknown::<T>(key, &item_fields),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Invalid(errors).into())
    }
}

fn unknown<T: Body>(key: &str, known: &[String]) -> String {
    match T::ALIASES.iter().find(|(alias, _)| *alias == key) {
        Some((_, instead)) => format!("{key} is not a field of {}: use {instead}.", T::ONE),
        None => format!(
            "{key} is not a field of {}; its fields are {}.",
            T::ONE,
            known.join(", ")
        ),
    }
}

/// The input, or 422 naming the field whose JSON type is wrong.
fn decode<T: DeserializeOwned>(body: Map<String, Value>) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(Value::Object(body)).map_err(|e| {
        let path = e.path().to_string();
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&path),
            format!("{path} has the wrong JSON type: {}.", e.inner()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::merge;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396_appendix_a() {
        for (target, patch, want) in [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (
                json!({"a": "b", "b": "c"}),
                json!({"a": null}),
                json!({"b": "c"}),
            ),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!([1, 2]),
                json!({"a": "b", "c": null}),
                json!({"a": "b"}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ] {
            let mut merged = target.clone();
            merge(&mut merged, &patch);
            assert_eq!(merged, want, "{target} + {patch}");
        }
    }
}
