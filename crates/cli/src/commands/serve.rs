//! `ssokit serve`: the container-credentials server of the core on 127.0.0.1. Prints
//! the two `export` lines a client needs on stdout, then serves until SIGINT or
//! SIGTERM (handlers installed here: a background job may start with SIGINT
//! ignored). Failures to get credentials are answered with the remedy in the CLI's
//! words (`ssokit login --profile P`).

use std::io::Write as _;

use ssokit::Sso;
use ssokit::env::Env;
use ssokit::serve::CredentialsServer;

use crate::cli::ServeArgs;
use crate::commands::selector;
use crate::exit::{CmdResult, Outcome};
use crate::output::print;

pub(crate) async fn run(args: &ServeArgs) -> CmdResult {
    let target = crate::cli::TargetArgs {
        profile: args.profile.clone(),
        sso_session: None,
        config_file: args.config_file.clone(),
    };
    let sso = Sso::resolve(&selector(&target), &Env::process())?;
    let provider = sso.credentials_provider()?;
    // Before the lines are printed: a signal that comes as soon as a caller reads
    // them stops the server cleanly, whatever disposition ssokit inherited.
    let shutdown = shutdown_signal()?;
    let server = CredentialsServer::bind(provider, args.port)
        .await?
        .with_error_message(crate::exit::message);
    let lines: String = server
        .env_vars()
        .iter()
        .map(|(name, value)| format!("export {name}={value}\n"))
        .collect();
    print(&lines);
    let _ = writeln!(
        std::io::stderr().lock(),
        "ssokit: serving the credentials of {} on {} until interrupted",
        sso.target(),
        server.url()
    );
    server.serve(shutdown).await?;
    Ok(Outcome::Success)
}

/// Resolves at the first SIGINT or SIGTERM (Ctrl-C elsewhere).
#[cfg(unix)]
fn shutdown_signal() -> Result<impl Future<Output = ()> + Send + 'static, ssokit::Error> {
    use tokio::signal::unix::{SignalKind, signal};
    let install = |kind| {
        signal(kind).map_err(|e| {
            ssokit::Error::Internal(format!("cannot install the signal handlers: {e}"))
        })
    };
    let mut int = install(SignalKind::interrupt())?;
    let mut term = install(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    })
}

/// Resolves at Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl Future<Output = ()> + Send + 'static, ssokit::Error> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
