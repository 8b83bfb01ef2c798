//! How the browser calls the server functions: the browser's `fetch`, plus
//! the session's CSRF token in a header. The server refuses a change that
//! lacks the token (server/src/http/guard.rs), so every `#[server]`
//! function names this client: `client = ConsoleClient`.
//!
//! The token travels in a cookie the page's own script can read
//! (`trunkline_csrf`); another site can make the browser send the cookie,
//! but cannot read it nor add a header to a cross-site request.

use leptos::server_fn::client::browser::BrowserClient;
use leptos::server_fn::client::Client;
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::request::browser::BrowserRequest;
use leptos::server_fn::response::browser::BrowserResponse;
use leptos::server_fn::Bytes;
use std::future::Future;

/// The cookie that carries the session's CSRF token to the page's script.
pub const CSRF_COOKIE: &str = "trunkline_csrf";
/// The header the token must come back in with every change.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// `fetch`, with the CSRF token added.
pub struct ConsoleClient;

impl<E, IS, OS> Client<E, IS, OS> for ConsoleClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        #[cfg(feature = "hydrate")]
        if let Some(token) = browser_cookie(CSRF_COOKIE) {
            req.headers().set(CSRF_HEADER, &token);
        }
        <BrowserClient as Client<E, IS, OS>>::send(req)
    }

    #[allow(clippy::type_complexity)]
    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl futures::Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future);
    }
}

/// A cookie of the page's own origin, read from `document.cookie`.
#[cfg(feature = "hydrate")]
fn browser_cookie(name: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window()?.document()?;
    let cookies = document
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()?
        .cookie()
        .ok()?;
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}
