//! Forms posted without the WASM (see `components::posted`): a browser
//! that has not loaded the bundle sends each form as
//! `application/x-www-form-urlencoded` to the page it is on. This decodes
//! the fields into the form's input type, calls the same service function
//! the server function and REST call, and says what to answer: where to
//! go after a save, or the page again with what was typed (secrets
//! blanked) and the errors. No HTTP here; the server crate sends it.
//!
//! The CSRF token and the origin are checked in front of this, by the
//! same guard as every other change.

use crate::components::form::Banner;
use crate::components::posted::Resubmitted;
use crate::model::admin::AdminInput;
use crate::model::context::ContextInput;
use crate::model::incall::IncallInput;
use crate::model::list::ListQuery;
use crate::model::nat::SipNatInput;
use crate::model::outcall::OutcallInput;
use crate::model::security::SipSecurityInput;
use crate::model::trunk::TrunkInput;
use crate::model::user::UserInput;
use crate::model::FieldErrors;
use crate::ssr::auth::{csrf_cookie, session_cookie};
use crate::ssr::service::{self, ServiceError};
use crate::ssr::state::AppState;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::net::IpAddr;

/// Fields never written back into a page: what was typed in them is
/// asked again after a refusal.
const SECRETS: &[&str] = &[
    "secret",
    "reg_secret",
    "line_password",
    "password",
    "confirm",
];

/// What to answer a posted form.
#[derive(Debug)]
pub enum Reply {
    /// 303 See Other to `to`, setting these cookies (a login).
    Redirect { to: String, cookies: Vec<String> },
    /// The same page, opened on this post.
    Again(Resubmitted),
}

/// A post that is not a form of that page, or whose fields do not decode.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("No form on this page takes a post.")]
    NoForm,
    #[error("The form's fields could not be read: {0}")]
    Fields(String),
}

/// A form post: the page it was sent to, the body, and who sent it.
pub struct Post<'a> {
    pub path: &'a str,
    /// The page's query string: a list's filter and page, kept after a delete.
    pub query: Option<&'a str>,
    pub body: &'a [u8],
    pub from: IpAddr,
}

/// The fields a page's forms carry beside the input itself.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Meta {
    /// The version the edit form was opened at.
    version: Option<String>,
    /// Which of a page's forms was sent (the login screen has two).
    form: Option<String>,
    /// A list's "Yes, delete": the row's key.
    delete: Option<String>,
    /// The security screen's "Lift block": the address.
    lift: Option<String>,
}

/// Answers a form posted to `post.path`.
///
/// # Errors
/// When no form of that page takes a post, or its fields do not decode.
pub async fn answer(state: &AppState, post: Post<'_>) -> Result<Reply, Refusal> {
    let core = &state.core;
    let meta: Meta = decode(post.body)?;
    let segments: Vec<&str> = post.path.trim_matches('/').split('/').collect();
    let id = |text: &str| text.parse::<i64>().map_err(|_| Refusal::NoForm);
    match segments.as_slice() {
        ["login"] if meta.form.as_deref() == Some("create_admin") => {
            let input: AdminInput = decode(post.body)?;
            let created = service::auth::create_first_admin(core, &input).await;
            let token = match created {
                Ok(_) => login(state, post.from, &input.username, &input.password).await,
                Err(e) => Err(e),
            };
            Ok(entered("create_admin", &input, token))
        }
        ["login"] => {
            let input: LoginInput = decode(post.body)?;
            let token = login(state, post.from, &input.username, &input.password).await;
            Ok(entered("login", &input, token))
        }
        ["ipbx", "trunks"] => {
            let row = id(meta.delete.as_deref().unwrap_or_default())?;
            Ok(deleted(
                &kept(post.query, "/ipbx/trunks"),
                service::trunks::delete(core, row).await,
            ))
        }
        ["ipbx", "trunks", rest @ ..] => {
            let input: TrunkInput = decode(post.body)?;
            let result = match editing(rest, &meta)? {
                Some((row, version)) => {
                    service::trunks::update(core, id(row)?, version, &input).await
                }
                None => service::trunks::create(core, &input).await,
            };
            Ok(saved("trunk", &input, result, |_| to("/ipbx/trunks")))
        }
        ["ipbx", "users"] => {
            let row = id(meta.delete.as_deref().unwrap_or_default())?;
            Ok(deleted(
                &kept(post.query, "/ipbx/users"),
                service::users::delete(core, row).await,
            ))
        }
        ["ipbx", "users", rest @ ..] => {
            let input: UserInput = decode(post.body)?;
            let result = match editing(rest, &meta)? {
                Some((row, version)) => {
                    service::users::update(core, id(row)?, version, &input).await
                }
                None => service::users::create(core, &input).await,
            };
            let shown = without_secrets(&input);
            Ok(saved("user", &input, result, |saved| {
                match saved.generated_password {
                    // Shown once, on the page itself (never in a URL).
                    Some(password) => Reply::Again(Resubmitted {
                        form: "user".into(),
                        input: shown,
                        done: Some(serde_json::json!([saved.view.user.exten, password])),
                        ..Resubmitted::default()
                    }),
                    None => to("/ipbx/users"),
                }
            }))
        }
        ["ipbx", "contexts"] => {
            let name = meta.delete.clone().unwrap_or_default();
            Ok(deleted(
                &kept(post.query, "/ipbx/contexts"),
                service::contexts::delete(core, &name).await,
            ))
        }
        ["ipbx", "contexts", rest @ ..] => {
            let input: ContextInput = decode(post.body)?;
            let result = match editing(rest, &meta)? {
                Some((name, version)) => {
                    service::contexts::update(core, name, version, &input).await
                }
                None => service::contexts::create(core, &input).await,
            };
            Ok(saved("context", &input, result, |_| to("/ipbx/contexts")))
        }
        ["ipbx", "outcalls"] => {
            let row = id(meta.delete.as_deref().unwrap_or_default())?;
            Ok(deleted(
                &kept(post.query, "/ipbx/outcalls"),
                service::outcalls::delete(core, row).await,
            ))
        }
        ["ipbx", "outcalls", rest @ ..] => {
            let input: OutcallInput = decode(post.body)?;
            let result = match editing(rest, &meta)? {
                Some((row, version)) => {
                    service::outcalls::update(core, id(row)?, version, &input).await
                }
                None => service::outcalls::create(core, &input).await,
            };
            Ok(saved("outcall", &input, result, |_| to("/ipbx/outcalls")))
        }
        ["ipbx", "incalls"] => {
            let row = id(meta.delete.as_deref().unwrap_or_default())?;
            Ok(deleted(
                &kept(post.query, "/ipbx/incalls"),
                service::incalls::delete(core, row).await,
            ))
        }
        ["ipbx", "incalls", rest @ ..] => {
            // "— choose a user —" posts `user_id=`: no user, not a number.
            let input: IncallInput = decode(&without_empty(post.body, "user_id"))?;
            let result = match editing(rest, &meta)? {
                Some((row, version)) => {
                    service::incalls::update(core, id(row)?, version, &input).await
                }
                None => service::incalls::create(core, &input).await,
            };
            Ok(saved("incall", &input, result, |_| to("/ipbx/incalls")))
        }
        ["ipbx", "security"] if meta.lift.is_some() => {
            let address = meta.lift.clone().unwrap_or_default();
            let lifted = service::security::lift_block(&state.engine, &address);
            Ok(deleted(&kept(post.query, "/ipbx/security"), lifted))
        }
        ["ipbx", "security"] => {
            let input: SipSecurityInput = decode(post.body)?;
            let version = version(&meta)?;
            let result = service::security::update(core, version, &input).await;
            Ok(saved("security", &input, result, |saved| {
                notice(
                    "security",
                    &saved.settings.to_input(),
                    crate::pages::security::SAVED,
                )
            }))
        }
        ["ipbx", "nat"] => {
            let input: SipNatInput = decode(post.body)?;
            let version = version(&meta)?;
            let result = service::nat::update(core, version, &input).await;
            Ok(saved("nat", &input, result, |saved| {
                notice("nat", &saved.settings.to_input(), crate::pages::nat::SAVED)
            }))
        }
        _ => Err(Refusal::NoForm),
    }
}

/// The login form's fields.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct LoginInput {
    username: String,
    password: String,
}

async fn login(
    state: &AppState,
    from: IpAddr,
    username: &str,
    password: &str,
) -> Result<String, ServiceError> {
    service::auth::login(&state.core, &state.login_limiter, from, username, password).await
}

/// A login (or the first administrator) opened a session: into the
/// console with its cookies; else the form again, password blank.
fn entered<I: Serialize>(form: &str, input: &I, token: Result<String, ServiceError>) -> Reply {
    match token {
        Ok(token) => Reply::Redirect {
            to: "/".into(),
            cookies: vec![session_cookie(&token), csrf_cookie(&token)],
        },
        Err(e) => Reply::Again(refused(form, input, e)),
    }
}

/// After a save: `done` with what was saved, or the form again.
fn saved<I: Serialize, V>(
    form: &str,
    input: &I,
    result: Result<V, ServiceError>,
    done: impl FnOnce(V) -> Reply,
) -> Reply {
    match result {
        Ok(value) => done(value),
        Err(e) => Reply::Again(refused(form, input, e)),
    }
}

/// The list at `path` on the filter and page of `query` (what a list's
/// delete form was posted with), so the administrator stays where they
/// were; anything else in `query` is dropped.
fn kept(query: Option<&str>, path: &str) -> String {
    let list: ListQuery = query
        .and_then(|q| serde_qs::from_str(q).ok())
        .unwrap_or_default();
    let page = list.page.trim().parse().unwrap_or(1);
    let query = list.href(page);
    if query == "?" {
        path.to_owned()
    } else {
        format!("{path}{query}")
    }
}

/// After a delete (or lifting a block): back to the list, or the list
/// with the refusal in its banner.
fn deleted<V>(list: &str, result: Result<V, ServiceError>) -> Reply {
    match result {
        Ok(_) => to(list),
        Err(e) => Reply::Again(Resubmitted {
            form: "delete".into(),
            banner: Some(Banner::Error(e.public_message())),
            ..Resubmitted::default()
        }),
    }
}

/// A settings screen after a save: the same page, on the settings as
/// stored, with what the save did.
fn notice<I: Serialize>(form: &str, stored: &I, text: &str) -> Reply {
    Reply::Again(Resubmitted {
        form: form.into(),
        input: without_secrets(stored),
        banner: Some(Banner::Notice(text.into())),
        ..Resubmitted::default()
    })
}

/// The form again after a refusal: field errors under their fields,
/// anything else in the banner.
fn refused<I: Serialize>(form: &str, input: &I, error: ServiceError) -> Resubmitted {
    let (errors, banner) = match error {
        ServiceError::Invalid(errors) => (errors, None),
        other => (
            FieldErrors::new(),
            Some(Banner::Error(other.public_message())),
        ),
    };
    Resubmitted {
        form: form.into(),
        input: without_secrets(input),
        errors,
        banner,
        done: None,
    }
}

fn to(path: &str) -> Reply {
    Reply::Redirect {
        to: path.into(),
        cookies: Vec::new(),
    }
}

/// `new` (nothing to edit) or `edit/KEY` with the version the form was
/// opened at.
fn editing<'a>(rest: &[&'a str], meta: &Meta) -> Result<Option<(&'a str, i64)>, Refusal> {
    match rest {
        ["new"] => Ok(None),
        ["edit", key] => Ok(Some((key, version(meta)?))),
        _ => Err(Refusal::NoForm),
    }
}

fn version(meta: &Meta) -> Result<i64, Refusal> {
    meta.version
        .as_deref()
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| Refusal::Fields("the form's version is missing".into()))
}

/// A form body into the form's input type. Lists come as `name[0]`,
/// `name[0][field]` (brackets percent-encoded, as browsers send them).
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_qs::Config::new(5, false)
        .deserialize_bytes(body)
        .map_err(|e| Refusal::Fields(e.to_string()))
}

/// The body without an empty `field=` (an optional number left unchosen).
fn without_empty(body: &[u8], field: &str) -> Vec<u8> {
    let empty = format!("{field}=");
    body.split(|b| *b == b'&')
        .filter(|pair| *pair != empty.as_bytes())
        .collect::<Vec<_>>()
        .join(&b'&')
}

/// The input as JSON, its secrets blanked.
fn without_secrets<I: Serialize>(input: &I) -> serde_json::Value {
    let mut value = serde_json::to_value(input).unwrap_or_default();
    if let Some(fields) = value.as_object_mut() {
        for secret in SECRETS {
            if let Some(field) = fields.get_mut(*secret) {
                *field = serde_json::Value::String(String::new());
            }
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trunk_form_decodes_with_its_lists_and_checkboxes() {
        let body = b"csrf_token=x&name=provider&host_type=static&host=voip.example.com&port=5060\
&register=true&codecs%5B0%5D=alaw&codecs%5B1%5D=ulaw&secret=s3cret&version=4";
        let input: TrunkInput = decode(body).expect("decodes");
        assert_eq!(input.name, "provider");
        assert!(input.register);
        assert!(!input.disabled, "an unticked checkbox is absent");
        assert_eq!(input.codecs, ["alaw", "ulaw"]);
        let meta: Meta = decode(body).expect("meta");
        assert_eq!(version(&meta).expect("version"), 4);
        let shown = without_secrets(&input);
        assert_eq!(shown["secret"], "");
        assert_eq!(shown["name"], "provider");
    }

    #[test]
    fn a_user_form_decodes_its_direct_media_checkbox() {
        let body = b"csrf_token=x&firstname=Front&exten=1000&ringtime=30&direct_media=true";
        let input: UserInput = decode(body).expect("decodes");
        assert!(input.direct_media);
        let input: UserInput = decode(b"firstname=Front&exten=1000").expect("decodes");
        assert!(!input.direct_media, "an unticked checkbox is absent: off");
    }

    #[test]
    fn an_unchosen_user_is_none() {
        let body = without_empty(b"did=4185550000&user_id=&destination=hangup", "user_id");
        let input: IncallInput = decode(&body).expect("decodes");
        assert_eq!(input.user_id, None);
        assert_eq!(input.destination, "hangup");
        let input: IncallInput = decode(b"did=1&user_id=7").expect("decodes");
        assert_eq!(input.user_id, Some(7));
    }

    #[test]
    fn nested_rows_decode() {
        let body = b"name=sales&kind=internal&user_ranges%5B0%5D%5Bfirst%5D=1000\
&user_ranges%5B0%5D%5Blast%5D=1099&includes%5B0%5D=to-extern";
        let input: ContextInput = decode(body).expect("decodes");
        assert_eq!(input.user_ranges.len(), 1);
        assert_eq!(input.user_ranges[0].first, "1000");
        assert_eq!(input.includes, ["to-extern"]);
    }
}
