//! The `ssokit` command line: a thin layer over the `ssokit` crate. It parses
//! arguments, calls the core, prints the result, and maps errors to the AWS CLI's
//! exit codes. No protocol or configuration logic lives here.

mod cli;
mod commands;
mod exit;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => return exit::usage_error(err),
    };
    let result = match args.command {
        cli::Command::Profile(a) => commands::profile::run(&a),
        cli::Command::Profiles(a) => commands::profile::list(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => exit::report(&err),
    }
}
