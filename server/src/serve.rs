//! `trunkline serve`: starts the SIP engine and the console, and runs
//! until Ctrl-C or SIGTERM.

use crate::cli::{CliError, ServeArgs};
use crate::engine::{self, EngineOptions};
use crate::http::listener::HttpLimits;
use app::ssr::state::{AppState, Core};
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::path::Path;

/// The options Leptos renders with. Built here rather than read from
/// cargo-leptos's variables, so the binary runs the same wherever it is
/// started. A site built with hashed file names has their list in
/// `<site root>/hash.txt` (where Cargo.toml's `hash-file-name` puts it):
/// the pages then link the hashed names. Leptos joins the name to the
/// binary's folder, so it is given as an absolute path.
pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    let hashes = std::path::absolute(Path::new(site_root).join(HASH_FILE))
        .ok()
        .filter(|path| path.is_file());
    let builder = LeptosOptions::builder()
        .output_name("trunkline")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr);
    match hashes {
        Some(path) => builder
            .hash_files(true)
            .hash_file(path.to_string_lossy().into())
            .build(),
        None => builder.build(),
    }
}

/// The list of the bundle's hashed names, in the site root.
const HASH_FILE: &str = "hash.txt";

/// Serves SIP and the console until the process is asked to stop.
///
/// # Errors
/// When a port cannot be bound.
pub async fn serve(core: Core, database: &Path, args: ServeArgs) -> Result<(), CliError> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // An unreadable stored bind is on the repair list (logged when the
    // configuration was read, shown on the Overview): listen on the default.
    let stored = core
        .config
        .borrow()
        .nat
        .bind()
        .unwrap_or(app::model::nat::SipNat::DEFAULT_BIND);
    let nofile = crate::fdlimit::raise();
    let default = crate::sip::runtime::TcpLimits::default();
    let options = EngineOptions {
        sip_bind: args.sip.unwrap_or(stored),
        external_address: args.sip_external_address.clone(),
        sip_tcp: crate::sip::runtime::TcpLimits {
            max: crate::fdlimit::sip_tcp_max(nofile, default.max),
            ..default
        },
        caps: caps(&args),
    };
    let restored = app::ssr::service::lines::load(&core.pool)
        .await
        .unwrap_or_else(|error| {
            tracing::error!(%error, "stored line bindings unreadable; phones will register again");
            Vec::new()
        });
    let (call_log, ended_calls) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(app::ssr::service::calls::persist(
        core.pool.clone(),
        ended_calls,
    ));
    let (unmatched, unmatched_calls) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(app::ssr::service::calls::persist_unmatched(
        core.pool.clone(),
        unmatched_calls,
    ));
    let sip_bind = options.sip_bind;
    let (_, engine) = engine::start(
        options,
        core.config.subscribe(),
        restored,
        call_log,
        unmatched,
        stopped,
    )
    .await
    .map_err(|source| {
        let from = if args.sip.is_some() {
            "--sip"
        } else {
            "the SIP bind saved under General settings → SIP (NAT); start with --sip to override it"
        };
        CliError::SipBind {
            address: sip_bind,
            from,
            source,
        }
    })?;
    tokio::spawn(app::ssr::service::lines::persist(
        core.pool.clone(),
        engine.lines.clone(),
    ));
    crate::control::write_token(&core, database).await?;
    let state = AppState::new(leptos_options(&args.site_root, args.http), core, engine);
    let router = crate::http::router(state);
    let listener = tokio::net::TcpListener::bind(args.http).await?;
    let local = listener.local_addr()?;
    tracing::info!("console on http://{local}");
    let http_default = HttpLimits::default();
    let limits = HttpLimits {
        max: args.http_max_connections.map_or_else(
            || crate::fdlimit::http_max(nofile, http_default.max),
            |max| usize::try_from(max).unwrap_or(usize::MAX),
        ),
        per_source: usize::try_from(args.http_connections_per_address).unwrap_or(usize::MAX),
    };
    crate::http::listener::serve(listener, router, limits, async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        let _ = stop.send(true);
    })
    .await?;
    Ok(())
}

/// Ctrl-C, or SIGTERM from a service manager.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The SIP caps the flags set, the endpoint's defaults for the others.
fn caps(args: &ServeArgs) -> crate::sip::proto::Caps {
    let defaults = crate::sip::proto::Caps::default();
    crate::sip::proto::Caps {
        max_server_transactions: args
            .sip_max_transactions
            .map_or(defaults.max_server_transactions, |n| n as usize),
        max_held_bytes: args
            .sip_max_retransmit_mb
            .map_or(defaults.max_held_bytes, |mb| (mb as usize) << 20),
        ..defaults
    }
}

#[cfg(test)]
mod tests {
    use super::caps;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn serve_args(flags: &[&str]) -> Result<crate::cli::ServeArgs, clap::Error> {
        let argv = ["trunkline", "serve"].iter().chain(flags);
        match Cli::try_parse_from(argv)?.command {
            Some(Command::Serve(args)) => Ok(args),
            other => panic!("not serve: {other:?}"),
        }
    }

    #[test]
    fn the_sip_caps_follow_the_flags_and_default_to_the_endpoints() {
        let set = serve_args(&[
            "--sip-max-transactions",
            "1000",
            "--sip-max-retransmit-mb",
            "4",
        ])
        .map(|args| caps(&args))
        .expect("valid flags");
        assert_eq!(set.max_server_transactions, 1000);
        assert_eq!(set.max_held_bytes, 4 << 20);
        let unset = serve_args(&[]).map(|args| caps(&args)).expect("no flags");
        assert_eq!(unset, crate::sip::proto::Caps::default());
        let zero = serve_args(&["--sip-max-transactions", "0"])
            .map(|_| ())
            .expect_err("zero refused");
        assert!(
            zero.to_string().contains("--sip-max-transactions"),
            "{zero}"
        );
    }
}
