//! The paths and schemas of a resource with list, create, get, replace,
//! patch and delete, drawn from its [`Body`]: the fields a PUT requires and
//! the names a PATCH may use are the ones the server checks, so the
//! document cannot drift from the behaviour.

use super::{error_response, json_body, schema};
use crate::rest::body::{self, Body, MERGE_PATCH};
use app::model::list::{LIMIT_MAX as LIST_LIMIT_MAX, SEARCH_MAX as LIST_SEARCH_MAX};
use serde_json::{json, Map, Value};

/// A resource such as `/api/v1/trunks`.
pub struct Resource<'a> {
    /// `/api/v1/trunks`.
    pub path: &'a str,
    /// `{id}` or `{name}`, and its schema type.
    pub key: &'a str,
    pub key_type: &'a str,
    /// "SIP trunk", "SIP trunks".
    pub one: &'a str,
    pub many: &'a str,
    /// The one shape GET shows and POST, PUT and PATCH take (`Trunk`).
    pub schema: &'a str,
    /// What create and update answer: the shape, or the shape and more.
    pub saved: &'a str,
    /// Fields a PUT must carry, `version` first.
    pub required: Vec<String>,
    /// Every name a body may use.
    pub names: Vec<String>,
    /// What the list's `q` filter looks in; `None` for a list read whole.
    pub searched: Option<&'a str>,
}

impl<'a> Resource<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn of<T: Body>(
        path: &'a str,
        key: &'a str,
        key_type: &'a str,
        one: &'a str,
        many: &'a str,
        schema: &'a str,
        saved: &'a str,
    ) -> Self {
        Self {
            path,
            key,
            key_type,
            one,
            many,
            schema,
            saved,
            required: required::<T>(),
            names: names::<T>(),
            searched: None,
        }
    }

    /// A list filtered by `q` (in what `searched` says) and paged by
    /// `limit` and `offset`, with its total in `X-Total-Count`.
    pub fn paged(self, searched: &'a str) -> Self {
        Self {
            searched: Some(searched),
            ..self
        }
    }

    /// The collection's and the item's path entries.
    pub fn paths(&self, paths: &mut Map<String, Value>) {
        let (one, many) = (self.one, self.many);
        let input = json!({ "required": true, "content": { "application/json": { "schema": schema(self.schema) } } });
        let list = json!({ "type": "array", "items": schema(self.schema) });
        let missing = error_response(&format!("No such {one}"));
        let get = match self.searched {
            None => json!({ "summary": format!("List {many}"), "responses": {
                "200": json_body(&format!("Every {one}, as GET of each shows it"), list),
                "401": error_response("Not logged in") } }),
            Some(searched) => paged_list(many, searched, list),
        };
        paths.insert(
            self.path.to_owned(),
            json!({
                "get": get,
                "post": { "summary": format!("Create a {one}; fields left out take the console form's defaults"), "requestBody": input, "responses": {
                    "201": json_body("Created; `Location` gives its address", schema(self.saved)),
                    "400": error_response("Body is not JSON"),
                    "415": error_response("Body is not sent as application/json"),
                    "422": invalid() } }
            }),
        );
        let put = json!({ "required": true, "content": { "application/json": { "schema": {
            "allOf": [schema(self.schema), { "required": self.required }] } } } });
        paths.insert(format!("{}/{{{}}}", self.path, self.key), json!({
            "parameters": [{ "name": self.key, "in": "path", "required": true, "schema": { "type": self.key_type } }],
            "get": { "summary": format!("One {one}: exactly the fields PUT takes, secrets left out"), "responses": {
                "200": json_body(&format!("The {one}"), schema(self.schema)),
                "404": missing } },
            "put": {
                "summary": format!("Replace a {one}: send every field GET returns with the `version` you read; write-only secrets left out are kept, optional fields left out are blank"),
                "requestBody": put, "responses": updated(self.saved, &missing) },
            "patch": patch(one, &self.names, self.saved, &missing),
            "delete": { "summary": format!("Delete a {one}"), "responses": {
                "204": { "description": "Deleted" },
                "404": missing,
                "409": error_response("Still in use; the message names who uses it") } }
        }));
    }
}

/// The GET of a list filtered by `q` and paged by `limit` and `offset`.
pub fn paged_list(many: &str, searched: &str, list: Value) -> Value {
    let mut ok = json_body(
        &format!("The {many} the filter matches, from `offset`, as GET of each shows them: a bare array, as before paging existed"),
        list,
    );
    ok["headers"] = json!({ "X-Total-Count": {
        "description": "How many rows the filter matches in all; page with `offset` until you have them",
        "schema": { "type": "integer", "minimum": 0 } } });
    json!({
        "summary": format!("List {many}, filtered and paged"),
        "parameters": [
            { "name": "q", "in": "query", "required": false, "schema": { "type": "string", "maxLength": LIST_SEARCH_MAX },
              "description": format!("Part of {searched}, in any case. Left out: every row.") },
            { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": LIST_LIMIT_MAX },
              "description": "Rows to return. Left out: every row from `offset`." },
            { "name": "offset", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0, "default": 0 },
              "description": "Rows to skip. Past the end: an empty array, with the total." }
        ],
        "responses": {
            "200": ok,
            "400": error_response("A malformed query string"),
            "401": error_response("Not logged in"),
            "422": error_response("`q`, `limit` or `offset` cannot be read; `field` names it") }
    })
}

/// The PATCH operation of `one`, whose bodies may use `names`.
pub fn patch(one: &str, names: &[String], saved: &str, missing: &Value) -> Value {
    json!({
        "summary": format!("Change some fields of the {one}: a JSON Merge Patch (RFC 7396) of what GET shows, with the `version` you read; null removes an optional field (blank) or keeps a secret; arrays are replaced whole. The result is judged as a PUT of it"),
        "requestBody": { "required": true, "content": { (MERGE_PATCH): { "schema": {
            "type": "object", "required": ["version"], "propertyNames": { "enum": names } } } } },
        "responses": updated(saved, missing)
    })
}

/// What PUT and PATCH answer.
pub fn updated(saved: &str, missing: &Value) -> Value {
    json!({
        "200": json_body("Saved", schema(saved)),
        "400": error_response("Body is not a JSON object"),
        "404": missing,
        "409": error_response("Changed by someone else since you read it"),
        "415": error_response("Wrong Content-Type: application/json for PUT, application/merge-patch+json for PATCH"),
        "422": invalid()
    })
}

fn invalid() -> Value {
    error_response(
        "A field is invalid, unknown (the message names the field to use instead) or required; `field` names it, `errors` lists every one when there are several",
    )
}

/// Fields a PUT of `T` must carry, `version` first.
pub fn required<T: Body>() -> Vec<String> {
    let mut required = vec!["version".to_owned()];
    required.extend(body::required::<T>());
    required
}

/// Every name a body of `T` may use.
pub fn names<T: Body>() -> Vec<String> {
    let mut names = body::fields::<T>();
    names.push("version".into());
    names.extend(T::READ_ONLY.iter().map(|f| (*f).to_owned()));
    names
}

/// The one shape of a resource: the form's `properties`, its `version`
/// and the `read_only` ones GET adds; no other field is allowed.
pub fn shape(description: &str, properties: Value, read_only: Value) -> Value {
    let mut all = match properties {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    all.insert(
        "version".into(),
        json!({ "type": "integer", "description": "Bumped by every save; send back the one you read." }),
    );
    if let Value::Object(read_only) = read_only {
        for (name, mut property) in read_only {
            property["readOnly"] = true.into();
            all.insert(name, property);
        }
    }
    closed(description, Value::Object(all))
}

/// An object with these `properties` and no others.
pub fn closed(description: &str, properties: Value) -> Value {
    json!({ "type": "object", "description": description, "properties": properties, "additionalProperties": false })
}

/// `shape` plus what a save answers besides (`generated_password`, `warnings`).
pub fn saved(shape: &Value, name: &str, property: Value) -> Value {
    let mut saved = shape.clone();
    saved["properties"][name] = property;
    saved
}
