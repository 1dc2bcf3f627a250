//! `ssokit console`: the core makes the console sign-in URL of the profile's role;
//! this opens it in the browser (`BROWSER` honoured) or, with `--print`, prints it
//! alone on stdout. When no browser can be started the URL is printed instead.

use std::io::Write as _;

use ssokit::Sso;
use ssokit::browser::Opened;
use ssokit::env::Env;

use crate::cli::{ConsoleArgs, TargetArgs};
use crate::commands::selector;
use crate::exit::{CmdResult, Outcome};
use crate::output::print;

pub(crate) async fn run(args: &ConsoleArgs) -> CmdResult {
    let env = Env::process();
    let target = TargetArgs {
        profile: args.profile.clone(),
        sso_session: None,
        config_file: args.config_file.clone(),
    };
    let sso = Sso::resolve(&selector(&target), &env)?;
    let url = ssokit::console::console_url(&sso, args.destination.as_deref(), &env).await?;
    if args.print {
        print(&format!("{}\n", url.expose_secret()));
        return Ok(Outcome::Success);
    }
    let mut stderr = std::io::stderr().lock();
    match ssokit::browser::open(url.expose_secret(), &env) {
        Opened::Started(_) => {
            let _ = writeln!(
                stderr,
                "Opened the AWS console in your browser as {}.",
                sso.target()
            );
        }
        Opened::NotOpened(reason) | Opened::Refused(ssokit::browser::RefusedUrl { reason, .. }) => {
            let _ = writeln!(
                stderr,
                "ssokit: no browser could be started ({}); open this URL (it signs in whoever opens it, for 15 minutes):",
                ssokit::browser::printable(&reason)
            );
            drop(stderr);
            print(&format!("{}\n", url.expose_secret()));
        }
    }
    Ok(Outcome::Success)
}
