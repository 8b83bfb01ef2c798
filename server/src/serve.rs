//! `trunkline serve`: binds the console's port and runs until Ctrl-C.

use crate::cli::{CliError, ServeArgs};
use app::ssr::state::{AppState, Core};
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;

/// The options Leptos renders with. Built here rather than read from
/// cargo-leptos's variables, so the binary runs the same wherever it is
/// started.
pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("trunkline")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// Serves the console until the process is asked to stop.
///
/// # Errors
/// When the port cannot be bound.
pub async fn serve(core: Core, args: ServeArgs) -> Result<(), CliError> {
    let state = AppState::new(leptos_options(&args.site_root, args.http), core);
    let router = crate::http::router(state);
    let listener = tokio::net::TcpListener::bind(args.http).await?;
    let local = listener.local_addr()?;
    tracing::info!("console on http://{local}");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
    .await?;
    Ok(())
}
