//! `ssokit completions SHELL`.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::{CmdResult, Outcome};

pub(crate) fn run(args: &CompletionsArgs) -> CmdResult {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "ssokit", &mut out);
    crate::output::print(&String::from_utf8_lossy(&out));
    Ok(Outcome::Success)
}
