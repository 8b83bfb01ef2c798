use clap::Parser;
use std::process::ExitCode;

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
