//! The security headers every response carries: a Content-Security-Policy
//! that lets the console's own scripts and WebAssembly run and nothing
//! else, no framing (clickjacking), no MIME sniffing, and no address
//! leaked to other sites in `Referer`.

use axum::extract::Request;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The policy for a page whose inline scripts carry `nonce` (Leptos puts
/// one on its hydration and streaming scripts), or for any other
/// response. `'wasm-unsafe-eval'` lets the page compile the console's
/// WebAssembly; it allows no `eval` of JavaScript.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Run inside a page's rendering (after Leptos made the nonce): the page
/// gets a policy naming its nonce.
pub fn provide_page_policy() {
    use leptos::prelude::use_context;
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce();
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(nonce.as_deref())) {
        response.insert_header(CONTENT_SECURITY_POLICY, policy);
    }
}

/// Adds the headers to every response; a page's own policy (with its
/// nonce) is kept.
pub async fn add(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        if let Ok(policy) = HeaderValue::from_str(&content_security_policy(None)) {
            headers.insert(CONTENT_SECURITY_POLICY, policy);
        }
    }
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}
