use clap::Parser;
use std::process::ExitCode;

// The SIP engine allocates and frees many small strings per message;
// glibc's allocator spent a fifth of the engine's CPU under call load
// (BENCHMARKS.md), mimalloc's thread-local free lists far less.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Before the runtime and its threads allocate anything.
    trunkline::memory::small_pages();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("trunkline: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let cli = trunkline::cli::Cli::parse();
        trunkline::cli::init_logging(&cli.log);
        match trunkline::cli::run(cli).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("trunkline: {error}");
                ExitCode::FAILURE
            }
        }
    })
}
