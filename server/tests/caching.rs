//! Compression and caching through the real router (issue 19): pages and
//! JSON travel as Brotli or gzip when the client accepts it; pages are
//! revalidated on every visit; a site built with hashed file names
//! (cargo-leptos `hash-files`) is linked by those names from every page,
//! and its files are kept a year. The site here is a folder laid out as
//! cargo-leptos writes one; Playwright's bundle.spec.ts checks the real
//! release build the same way.

mod common;

use app::ssr::state::{AppState, Core, EngineLink};
use axum::body::Body;
use axum::http::{header, StatusCode};
use common::console::{request, Answer, Console};
use common::rest::admin_token;
use std::path::Path;

const WASM_HASH: &str = "Xk3_9aZ-0bQ1cD2eF3gH4i";
const JS_HASH: &str = "Ab1-Cd2_Ef3Gh4Ij5Kl6Mn";
const CSS_HASH: &str = "Zz9yY8xX7wW6vV5uU4tT3s";

/// A console serving the site in `root`.
async fn console_on(root: &Path) -> Console {
    let core = Core::new(app::ssr::db::open_in_memory().await.expect("db"))
        .await
        .expect("core");
    let options = trunkline::serve::leptos_options(
        root.to_str().expect("utf-8 path"),
        "127.0.0.1:0".parse().expect("addr"),
    );
    Console {
        router: trunkline::http::router(AppState::new(
            options,
            core.clone(),
            EngineLink::detached(),
        )),
        token: admin_token(&core).await,
        core,
    }
}

/// A site as `cargo leptos build` with `hash-files` leaves it.
fn hashed_site(root: &Path) {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg dir");
    // Compressible, as a real module is: repeated names and code.
    let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
        .iter()
        .copied()
        .chain(b"trunkline console module ".repeat(400))
        .collect();
    std::fs::write(pkg.join(format!("trunkline.{WASM_HASH}.wasm")), wasm).expect("wasm");
    std::fs::write(
        pkg.join(format!("trunkline.{JS_HASH}.js")),
        "export default function init() {}\n".repeat(50),
    )
    .expect("js");
    std::fs::write(
        pkg.join(format!("trunkline.{CSS_HASH}.css")),
        "body { margin: 0 }\n".repeat(50),
    )
    .expect("css");
    std::fs::write(
        root.join("hash.txt"),
        format!("js: {JS_HASH}\nwasm: {WASM_HASH}\ncss: {CSS_HASH}\n"),
    )
    .expect("hash.txt");
}

fn get(path: &str, encodings: Option<&str>) -> axum::http::Request<Body> {
    let mut builder = request("GET", path);
    if let Some(accepted) = encodings {
        builder = builder.header(header::ACCEPT_ENCODING, accepted);
    }
    builder.body(Body::empty()).expect("request")
}

fn header_of(answer: &Answer, name: header::HeaderName) -> Option<&str> {
    answer.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn pages_and_json_are_compressed_and_pages_revalidated() {
    let console = Console::new().await;
    let page = console.send(get("/login", Some("br, gzip"))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(header_of(&page, header::CONTENT_ENCODING), Some("br"));
    assert_eq!(header_of(&page, header::CACHE_CONTROL), Some("no-cache"));

    let json = console
        .send(
            request("GET", "/api/v1/openapi.json")
                .header(header::AUTHORIZATION, format!("Bearer {}", console.token))
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(header_of(&json, header::CONTENT_ENCODING), Some("gzip"));

    // A client that accepts no encoding gets the plain page.
    let plain = console.send(get("/login", None)).await;
    assert_eq!(header_of(&plain, header::CONTENT_ENCODING), None);
    assert!(plain.body.contains("<html"), "{}", plain.body);
}

#[tokio::test]
async fn a_hashed_site_is_linked_by_its_hashed_names_and_kept_a_year() {
    let root = std::env::temp_dir().join(format!("trunkline-caching-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    hashed_site(&root);
    let console = console_on(&root).await;

    let page = console.send(get("/login", None)).await;
    assert_eq!(page.status, StatusCode::OK);
    for linked in [
        format!("/pkg/trunkline.{WASM_HASH}.wasm"),
        format!("/pkg/trunkline.{JS_HASH}.js"),
        format!("/pkg/trunkline.{CSS_HASH}.css"),
    ] {
        assert!(page.body.contains(&linked), "{linked} in {}", page.body);
        let file = console.send(get(&linked, Some("br, gzip"))).await;
        assert_eq!(file.status, StatusCode::OK, "{linked}");
        assert_eq!(
            header_of(&file, header::CACHE_CONTROL),
            Some("public, max-age=31536000, immutable"),
            "{linked}"
        );
        assert_eq!(
            header_of(&file, header::CONTENT_ENCODING),
            Some("br"),
            "{linked}"
        );
    }
    // An unhashed name (an older build's) is not promised to last.
    let stale = console.send(get("/pkg/trunkline.wasm", None)).await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
    assert_eq!(header_of(&stale, header::CACHE_CONTROL), Some("no-cache"));
    let _ = std::fs::remove_dir_all(&root);
}
