//! What keeps another site from acting with the administrator's session
//! (cross-site request forgery), and the shape a request to a server
//! function must have:
//!
//! - a change (any method but GET/HEAD/OPTIONS) made with the session
//!   cookie must come from the console's own origin (`Origin`, or
//!   `Referer` when a browser sends no `Origin`) and carry the session's
//!   CSRF token in `X-CSRF-Token` (see `app::api::client`) or, for a
//!   form posted before the WASM runs (which cannot set a header), in its
//!   hidden `csrf_token` field; the login forms and functions, before any
//!   session, need the origin only;
//! - a server function takes only the `Content-Type` it decodes;
//! - request bodies are bounded ([`BODY_LIMIT`], else 413).
//!
//! REST clients with a bearer token are not a browser's ambient
//! credentials and need none of this.

use app::components::posted::CSRF_FIELD;
use app::ssr::auth::{csrf_token_matches, CSRF_HEADER};
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// The largest request body the console and the API read: many times
/// the largest form, small enough that nobody can make the server hold
/// much.
pub const BODY_LIMIT: usize = 256 * 1024;

/// True for requests that may change something.
pub fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// True for the REST API, whose clients read errors as JSON.
pub fn is_rest(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/v1/")
}

/// A refusal in the format the path's clients read: the API's JSON error
/// for REST, plain text for the console.
pub fn refuse(path: &str, status: StatusCode, message: impl Into<String>) -> Response {
    let message = message.into();
    if is_rest(path) {
        crate::rest::ApiError::new(status, None, message).into_response()
    } else {
        (status, message).into_response()
    }
}

/// The 403 for a change whose `Origin` (or `Referer`) is not the
/// console's own address, as the browser reached it (`Host`).
pub fn cross_site(request: &Request) -> Option<Response> {
    let path = request.uri().path();
    let headers = request.headers();
    // An `Origin: null` (sandboxed frame, cross-site redirect) is refused
    // as any other foreign origin, not excused by a Referer.
    let sent_by =
        header_text(headers, header::ORIGIN).or_else(|| header_text(headers, header::REFERER));
    let Some(sent_by) = sent_by else {
        return Some(refuse(
            path,
            StatusCode::FORBIDDEN,
            "Refused: the request does not say which page sent it (no Origin or Referer header). \
             The console's pages always do; scripts use a bearer token (`trunkline token create`).",
        ));
    };
    let host = header_text(headers, header::HOST)
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.as_str().to_owned()))
        .unwrap_or_default();
    match Origin::parse(sent_by) {
        Some(origin) if origin.is_host(&host) => None,
        _ => {
            tracing::warn!(%path, from = %sent_by, %host, "cross-site request refused");
            Some(refuse(
                path,
                StatusCode::FORBIDDEN,
                format!(
                    "Refused: this request comes from {}, not from this console ({host}); \
                     another site cannot act with the administrator's session.",
                    Origin::parse(sent_by)
                        .map(|o| o.to_string())
                        .unwrap_or_else(|| "an unreadable address".into())
                ),
            ))
        }
    }
}

/// The 403 for a change made with the session cookie that does not
/// carry the session's CSRF token, in the header or (`in_form`) in the
/// posted form's hidden field.
pub fn without_session_token(
    request: &Request,
    session: &str,
    in_form: Option<&str>,
) -> Option<Response> {
    let given = header_text(request.headers(), CSRF_HEADER);
    if [given, in_form]
        .into_iter()
        .flatten()
        .any(|token| csrf_token_matches(session, token))
    {
        return None;
    }
    let path = request.uri().path();
    tracing::warn!(%path, "change without the session's CSRF token refused");
    Some(refuse(
        path,
        StatusCode::FORBIDDEN,
        "Refused: the request lacks this session's CSRF token (X-CSRF-Token header). \
         Reload the console; scripts use a bearer token (`trunkline token create`).",
    ))
}

/// The CSRF token in a form-encoded body's `csrf_token` field, and the
/// request with its body put back. Other bodies are left unread. The
/// body was bounded by [`limit_body`] already.
pub async fn form_token(request: Request) -> (Request, Option<String>) {
    if !is_form_encoded(request.headers()) {
        return (request, None);
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let token = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    (Request::from_parts(parts, Body::from(bytes)), token)
}

/// Reads a change's body up to [`BODY_LIMIT`]: a longer one is answered
/// 413 before any handler (server functions read bodies whole, unbounded;
/// a form posted to a page is read whole to find its CSRF token).
pub async fn limit_body(request: Request, next: Next) -> Response {
    if !changes_state(request.method()) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    let (parts, body) = request.into_parts();
    // `Bytes` honours `DefaultBodyLimit` (set to BODY_LIMIT on the router)
    // and says 413 when the body is longer.
    match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => refuse(
            &path,
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The request body is larger than {} KiB, more than any form or API call needs.",
                BODY_LIMIT / 1024
            ),
        ),
        Err(rejection) => refuse(&path, rejection.status(), rejection.body_text()),
    }
}

/// The 415 for a server-function call whose `Content-Type` is not the
/// one that function decodes (a cross-site `text/plain` form, a JSON body
/// to a URL-encoded function).
pub fn unexpected_content_type(request: &Request) -> Option<Response> {
    if !changes_state(request.method()) {
        return None;
    }
    let path = request.uri().path();
    let given = header_text(request.headers(), header::CONTENT_TYPE)
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .unwrap_or_default();
    // No body at all carries nothing to decode (a function without
    // arguments called bare); `limit_body` made the size known.
    if given.is_empty() && request.body().size_hint().exact() == Some(0) {
        return None;
    }
    let accepted = match app::api::input_content_type(path) {
        Some(expected) => given == expected,
        // A function the table does not list yet (a test flags it): one
        // of the two encodings server functions use.
        None => matches!(
            given.as_str(),
            "application/json" | "application/x-www-form-urlencoded"
        ),
    };
    if accepted {
        return None;
    }
    let expected = app::api::input_content_type(path)
        .unwrap_or("application/json or application/x-www-form-urlencoded");
    let given = if given.is_empty() { "none" } else { &given };
    Some(refuse(
        path,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("{path} takes a body of type {expected}, not {given}."),
    ))
}

/// A server function that could not decode its arguments answers 500;
/// that is the caller's mistake, so it becomes 400 (the body, which says
/// what was wrong, is kept).
pub async fn bad_arguments_are_400(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "The answer could not be read.",
        )
            .into_response();
    };
    let caller_error = ["Args|", "Deserialization|", "MissingArg|"]
        .iter()
        .any(|kind| bytes.starts_with(kind.as_bytes()));
    if caller_error {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// True when the body is an HTML form's (`application/x-www-form-urlencoded`).
pub fn is_form_encoded(headers: &HeaderMap) -> bool {
    header_text(headers, header::CONTENT_TYPE)
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn header_text(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    headers.get(name)?.to_str().ok()
}

/// The scheme, host and port of an `Origin` or `Referer`.
#[derive(Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    fn parse(url: &str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let authority = rest.split(['/', '?', '#']).next()?;
        if authority.contains('@') {
            return None;
        }
        let (host, port) = split_host_port(authority, default_port)?;
        Some(Self { scheme, host, port })
    }

    /// True when this origin names `host` (a `Host` header: no scheme, so
    /// a missing port is this origin's scheme's default).
    fn is_host(&self, host: &str) -> bool {
        let default_port = if self.scheme == "https" { 443 } else { 80 };
        split_host_port(host, default_port)
            .is_some_and(|(name, port)| name == self.host && port == self.port)
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

/// `example.com`, `example.com:8080`, `[::1]:3000` → (lower-case host, port).
fn split_host_port(authority: &str, default_port: u16) -> Option<(String, u16)> {
    let authority = authority.trim().to_ascii_lowercase();
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = after.strip_prefix(':');
        if port.is_none() && !after.is_empty() {
            return None;
        }
        (format!("[{inside}]"), port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host.to_owned(), Some(port)),
            None => (authority.clone(), None),
        }
    };
    let port = match port {
        Some(text) => text.parse().ok()?,
        None => default_port,
    };
    (!host.is_empty()).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_match_the_host_they_name() {
        let origin = |url: &str| Origin::parse(url).expect(url);
        assert!(origin("http://127.0.0.1:3000").is_host("127.0.0.1:3000"));
        assert!(origin("http://PBX.example.com").is_host("pbx.example.com:80"));
        assert!(origin("https://pbx.example.com/ipbx/users?x=1").is_host("pbx.example.com"));
        assert!(origin("http://[::1]:3000").is_host("[::1]:3000"));
        // Another port, a sibling subdomain, another scheme's default port.
        assert!(!origin("http://127.0.0.1:8080").is_host("127.0.0.1:3000"));
        assert!(!origin("http://evil.pbx.example.com").is_host("pbx.example.com"));
        assert!(!origin("https://pbx.example.com").is_host("pbx.example.com:80"));
        assert!(!origin("http://127.0.0.1:3000").is_host(""));
        assert_eq!(Origin::parse("null"), None);
        assert_eq!(Origin::parse("http://user@pbx.example.com"), None);
        assert_eq!(Origin::parse("file:///etc/passwd"), None);
    }
}
