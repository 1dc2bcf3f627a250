//! The `ssokit` command line: a thin layer over the `ssokit` crate. It parses
//! arguments, calls the core, prints the result, and maps errors to the AWS CLI's
//! exit codes. No protocol or configuration logic lives here.

mod cli;
mod commands;
mod exit;
mod output;
mod ui;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => return exit::usage_error(err),
    };
    if args.verbose {
        ui::init_debug_logs();
    }
    ui::install_warnings();
    let result = match args.command {
        cli::Command::Profile(a) => commands::profile::run(&a),
        cli::Command::Profiles(a) => commands::profile::list(&a),
        cli::Command::Completions(a) => commands::completions::run(&a),
        // The credentials fast path answers without starting a runtime.
        cli::Command::Credentials(a) => commands::credentials::run(&a),
        cli::Command::Status(a) => commands::status::run(&a),
        command => match runtime() {
            Ok(rt) => rt.block_on(async move {
                match command {
                    cli::Command::Login(a) => commands::login::run(&a).await,
                    cli::Command::Logout(a) => commands::logout::run(&a).await,
                    cli::Command::Exec(a) => commands::exec::run(&a).await,
                    cli::Command::Serve(a) => commands::serve::run(&a).await,
                    cli::Command::Console(a) => commands::console::run(&a).await,
                    cli::Command::Accounts(a) => commands::accounts::accounts(&a).await,
                    cli::Command::Roles(a) => commands::accounts::roles(&a).await,
                    cli::Command::Configure(cli::ConfigureCommand::Populate(a)) => {
                        commands::populate::run(&a).await
                    }
                    cli::Command::Demo => commands::demo::run().await,
                    _ => Ok(exit::Outcome::Success),
                }
            }),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(outcome) => outcome.code(),
        Err(err) => exit::report(&err),
    }
}

/// A runtime on the calling thread, with no worker pool: for a command that makes one
/// request on its slow path (`credentials` without cached role credentials), where
/// starting threads would cost more than the request.
pub(crate) fn single_thread_runtime() -> Result<tokio::runtime::Runtime, ssokit::Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ssokit::Error::Internal(format!("cannot start the async runtime: {e}")))
}

/// A small runtime: the CLI does a few requests at a time.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, ssokit::Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ssokit::Error::Internal(format!("cannot start the async runtime: {e}")))
}
