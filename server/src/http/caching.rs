//! How what the console serves travels: compressed (Brotli or gzip, as
//! the client accepts) and with a `Cache-Control` saying how long a
//! browser may keep it. The bundle's files carry their content's hash in
//! their names (cargo-leptos `hash-files`), so a browser keeps them a year
//! without asking; everything else — pages, JSON, unhashed files — is
//! revalidated on each use, so an upgraded server is never paired with a
//! page or script from the old one. Must not buffer the live event
//! streams: they reach the browser event by event.

use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::CompressionLayer;

/// For a file whose name changes whenever its content does.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else: keep it, but ask the server (ETag / Last-Modified) before each use.
pub const REVALIDATE: &str = "no-cache";

/// Brotli or gzip (the features this crate enables) for every answer
/// worth it, Brotli at quality 4 as NGINX compresses on the fly. The
/// default predicate skips `text/event-stream` (an encoder would hold
/// events back until its block fills), images and answers of a few
/// bytes. Static files built with `--precompress` go out as their stored
/// `.br`/`.gz` twins instead (leptos_axum's file handler), which this
/// layer leaves alone since they already carry a `Content-Encoding`.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new()
}

/// Sets `Cache-Control` on every answer that has none.
pub async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    if !response.headers().contains_key(CACHE_CONTROL) {
        let policy = if hashed && response.status().is_success() {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// Length of cargo-leptos's hashes: an MD5, base64url without padding.
const HASH_LEN: usize = 22;

/// `/pkg/<stem>.<hash>.<ext>`, the names cargo-leptos's `hash-files`
/// gives the bundle (`trunkline.<hash>.wasm`, `.js`, `.css`).
pub fn is_hashed_asset(path: &str) -> bool {
    let Some(file) = path.strip_prefix("/pkg/") else {
        return false;
    };
    if file.contains('/') {
        return false;
    }
    let mut parts = file.rsplitn(3, '.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(ext), Some(hash), Some(stem)) => {
            !ext.is_empty()
                && !stem.is_empty()
                && hash.len() == HASH_LEN
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn only_the_bundles_hashed_names_count_as_immutable() {
        for hashed in [
            "/pkg/trunkline.Xk3_9aZ-0bQ1cD2eF3gH4i.wasm",
            "/pkg/trunkline.Xk3_9aZ-0bQ1cD2eF3gH4i.js",
            "/pkg/trunkline.Xk3_9aZ-0bQ1cD2eF3gH4i.css",
        ] {
            assert!(is_hashed_asset(hashed), "{hashed}");
        }
        for plain in [
            "/pkg/trunkline.wasm",
            "/pkg/trunkline_bg.wasm",
            "/favicon.svg",
            "/ipbx/trunks",
            "/pkg/trunkline.short.js",
            "/pkg/snippets/x/Xk3_9aZ-0bQ1cD2eF3gH4i.js",
            "/pkg/.Xk3_9aZ-0bQ1cD2eF3gH4i.js",
            "/api/v1/Xk3_9aZ-0bQ1cD2eF3gH4i.pkg.json",
            "/pkg/trunkline.Xk3_9aZ+0bQ1cD2eF3gH4i.js",
        ] {
            assert!(!is_hashed_asset(plain), "{plain}");
        }
    }
}
