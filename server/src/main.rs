use clap::Parser;
use std::process::ExitCode;

// The SIP engine allocates and frees many small strings per message;
// glibc's allocator spent a fifth of the engine's CPU under call load
// (BENCHMARKS.md), mimalloc's thread-local free lists far less.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = trunkline::cli::Cli::parse();
    trunkline::cli::init_logging(&cli.log);
    match trunkline::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("trunkline: {error}");
            ExitCode::FAILURE
        }
    }
}
