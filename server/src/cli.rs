//! The command line: `serve` (the default) and the administrator's
//! commands. Every flag can also be set by an environment variable.

use app::model::admin::AdminInput;
use app::ssr::service::{self, ServiceError};
use app::ssr::state::Core;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "trunkline",
    version,
    about = "An IP-PBX for small offices: SIP engine and web console in one program"
)]
pub struct Cli {
    /// SQLite database file (created and migrated on start).
    #[arg(
        long,
        global = true,
        env = "TRUNKLINE_DATABASE",
        default_value = "data/trunkline.db"
    )]
    pub database: PathBuf,

    /// Log filter, as in RUST_LOG (e.g. info, trunkline=debug).
    #[arg(long, global = true, env = "TRUNKLINE_LOG", default_value = "info")]
    pub log: String,

    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the PBX and its web console (the default).
    Serve(ServeArgs),
    /// Manage the console's administrator.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage REST API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Asterisk-style console commands, answered by the running server.
    #[command(subcommand)]
    Sip(SipCommand),
}

#[derive(Debug, Subcommand)]
pub enum SipCommand {
    /// `sip show ...`
    #[command(subcommand)]
    Show(SipShow),
}

#[derive(Debug, Subcommand)]
pub enum SipShow {
    /// Outbound registrations, as Asterisk's `sip show registry`.
    Registry(ServerArgs),
    /// Trunks and their monitoring status, as `sip show peers`.
    Peers(ServerArgs),
    /// The SIP engine's counters since it started: messages, retransmissions,
    /// what was not SIP, blocked addresses, requests turned away.
    Stats(ServerArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// The running server's console address.
    #[arg(long, env = "TRUNKLINE_HTTP", default_value = "127.0.0.1:3000")]
    pub http: SocketAddr,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address of the web console and REST API.
    #[arg(long, env = "TRUNKLINE_HTTP", default_value = "127.0.0.1:3000")]
    pub http: SocketAddr,

    /// Address of the SIP listener, UDP and TCP on the same port. Without
    /// it, the SIP bind saved under General settings → SIP (NAT), which is
    /// 0.0.0.0:5060 until changed there.
    #[arg(long, env = "TRUNKLINE_SIP")]
    pub sip: Option<SocketAddr>,

    /// Address written in SIP Contact and Via, when providers must reach
    /// this server at another address than the one it binds (NAT). Without
    /// it, the address a provider reports back (rport) is used.
    #[arg(long, env = "TRUNKLINE_SIP_EXTERNAL_ADDRESS")]
    pub sip_external_address: Option<String>,

    /// Most SIP transactions peers can open at once (each answered one is
    /// kept 32 s for retransmissions); past it the oldest answered ones are
    /// dropped first. Default 50,000.
    #[arg(long, env = "TRUNKLINE_SIP_MAX_TRANSACTIONS", value_parser = clap::value_parser!(u32).range(1..))]
    pub sip_max_transactions: Option<u32>,

    /// Most megabytes of SIP responses kept for retransmission; past it the
    /// oldest answered transactions are dropped first. Default 32.
    #[arg(long, env = "TRUNKLINE_SIP_MAX_RETRANSMIT_MB", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub sip_max_retransmit_mb: Option<u32>,

    /// Folder of the built console (wasm, css), as cargo-leptos writes it.
    #[arg(long, env = "TRUNKLINE_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Most console and REST connections open at once; past it a new one is
    /// closed at once. Without it, 1,024, or a quarter of the open-file
    /// limit when that is low.
    #[arg(long, env = "TRUNKLINE_HTTP_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..))]
    pub http_max_connections: Option<u32>,

    /// Most console and REST connections open at once from one IP address.
    #[arg(long, env = "TRUNKLINE_HTTP_CONNECTIONS_PER_ADDRESS", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    pub http_connections_per_address: u32,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create the administrator or replace its password.
    SetPassword {
        /// The administrator's username.
        #[arg(long, env = "TRUNKLINE_ADMIN_USERNAME", default_value = "admin")]
        username: String,
        /// Read the password from this variable instead of asking (for scripts).
        #[arg(long, env = "TRUNKLINE_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a bearer token for the REST API; it is printed once.
    Create {
        /// What the token is for (shown in logs).
        #[arg(long, env = "TRUNKLINE_TOKEN_LABEL", default_value = "api")]
        label: String,
    },
}

pub fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only on a terminal: a log written to a file or to journald would otherwise hold
    // escape codes around every level and field name.
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .try_init();
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot open the database {path}: {source}")]
    Database { path: String, source: sqlx::Error },
    #[error("{0}")]
    Service(#[from] ServiceError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Control(String),
    #[error("cannot listen for SIP on {address} (from {from}): {source}")]
    SipBind {
        address: SocketAddr,
        from: &'static str,
        source: std::io::Error,
    },
}

async fn open_core(path: &std::path::Path) -> Result<Core, CliError> {
    let pool = app::ssr::db::open(path)
        .await
        .map_err(|source| CliError::Database {
            path: path.display().to_string(),
            source,
        })?;
    Ok(Core::new(pool).await?)
}

/// Runs the chosen command to completion.
///
/// # Errors
/// When the database cannot be opened, a port cannot be bound, or the
/// command's input is refused.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let core = open_core(&cli.database).await?;
    match cli.command {
        None => crate::serve::serve(core, &cli.database, cli.serve).await,
        Some(Command::Serve(args)) => crate::serve::serve(core, &cli.database, args).await,
        Some(Command::Sip(SipCommand::Show(show))) => {
            let (args, path) = match show {
                SipShow::Registry(a) => (a, "/api/v1/cli/sip/show/registry"),
                SipShow::Peers(a) => (a, "/api/v1/cli/sip/show/peers"),
                SipShow::Stats(a) => (a, "/api/v1/cli/sip/show/stats"),
            };
            print!(
                "{}",
                crate::control::fetch(args.http, &cli.database, path).await?
            );
            Ok(())
        }
        Some(Command::Admin(AdminCommand::SetPassword { username, password })) => {
            let password = match password {
                Some(p) => p,
                None => rpassword::prompt_password(format!("New password for {username}: "))?,
            };
            let input = AdminInput {
                username,
                confirm: password.clone(),
                password,
            };
            let username = service::auth::set_password(&core, &input).await?;
            println!("Password set for administrator {username}.");
            Ok(())
        }
        Some(Command::Token(TokenCommand::Create { label })) => {
            let token = service::auth::create_token(&core, &label).await?;
            println!("{token}");
            eprintln!("Send it as `Authorization: Bearer <token>`; it is not shown again.");
            Ok(())
        }
    }
}
