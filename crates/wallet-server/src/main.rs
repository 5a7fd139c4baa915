//! `wallet-server`: the reference wallet backend of Balance Checkout.
//!
//! `wallet-server serve --config server.toml` runs it for real; `wallet-server demo`
//! runs it with the fixed demo values of DESIGN.md *Demo mode*; `wallet-server listen
//! --forward-to <url>` forwards a merchant's test events to a developer's own server.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use wallet_server::config::{Cli, Config, Mode};

#[derive(Parser)]
#[command(
    name = "wallet-server",
    version,
    about = "Balance Checkout reference wallet backend"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the backend from a configuration file and environment variables.
    Serve(Cli),
    /// Run the demo: fixed merchant, shopper and keys, the demo shop on a second origin, sandbox on.
    Demo(Cli),
    /// Forward a merchant's test events (GET /v1/events) to a local URL, signed with a
    /// secret printed at start (as `stripe listen`): no webhook endpoint is registered.
    Listen(wallet_server::webhooks::listen::ListenArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    wallet_server::telemetry::logs::init();
    let (mode, cli, preset) = match args.command {
        Command::Serve(cli) => (Mode::Serve, cli, None),
        Command::Demo(cli) => (Mode::Demo, cli, Some(wallet_server::demo::preset())),
        Command::Listen(listen) => return forward_events(listen),
    };
    let config = match Config::load(mode, &cli, preset) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("wallet-server: {}", with_causes(&e));
            return ExitCode::from(2);
        }
    };
    let Some(runtime) = runtime(tokio::runtime::Builder::new_multi_thread()) else {
        return ExitCode::FAILURE;
    };
    match runtime.block_on(wallet_server::startup::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wallet-server: {}", with_causes(&e));
            ExitCode::FAILURE
        }
    }
}

/// `wallet-server listen`: runs until interrupted.
fn forward_events(args: wallet_server::webhooks::listen::ListenArgs) -> ExitCode {
    let Some(runtime) = runtime(tokio::runtime::Builder::new_current_thread()) else {
        return ExitCode::FAILURE;
    };
    match runtime.block_on(wallet_server::webhooks::listen::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wallet-server listen: {e}");
            ExitCode::from(2)
        }
    }
}

/// The async runtime, or `None` after saying why it could not start.
fn runtime(mut builder: tokio::runtime::Builder) -> Option<tokio::runtime::Runtime> {
    match builder.enable_all().build() {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("wallet-server: cannot start the async runtime: {e}");
            None
        }
    }
}

/// The error and each of its causes, `: `-separated: the whole story on one line.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
