//! `ssokit exec -- CMD ARGS...`: runs a command with the profile's credentials in its
//! environment and passes its exit status through (128 + N when a signal N ended it).
//! SIGTERM and SIGHUP sent to ssokit are passed on to the child (on Unix); Ctrl-C
//! reaches the child from the terminal (they share a process group) and ssokit
//! ignores it. ssokit waits for the child and exits as it did.

use std::process::Stdio;

use ssokit::env::Env;
use ssokit::export::{credential_vars, from_sdk_credentials};
use ssokit::sso::resolve_cached;
use ssokit::time::{Clock, SystemClock};
use ssokit::{Selector, Sso};

use crate::cli::ExecArgs;
use crate::exit::{CmdResult, Outcome};

pub(crate) async fn run(args: &ExecArgs) -> CmdResult {
    let env = Env::process();
    let selector = Selector {
        profile: args.profile.clone(),
        sso_session: None,
        config_file: args.config_file.clone(),
    };
    // The fast path first: the AWS CLI's cache, no network, no HTTP client.
    let (profile, caches, cached) = resolve_cached(&selector, &env, SystemClock.now())?;
    let region = profile.region.clone();
    let credentials = match cached {
        Some(cached) => cached,
        None => {
            let sso = Sso::for_profile(profile, caches)?;
            from_sdk_credentials(&sso.credentials_provider()?.credentials().await?)
        }
    };
    let Some((program, rest)) = args.command.split_first() else {
        return Ok(Outcome::Code(crate::exit::USAGE));
    };
    let mut command = tokio::process::Command::new(program);
    command
        .args(rest)
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit());
    for (name, value) in credential_vars(&credentials) {
        command.env(name, value);
    }
    if let Some(region) = region.as_deref() {
        command
            .env("AWS_REGION", region)
            .env("AWS_DEFAULT_REGION", region);
    }
    // The credentials are in the environment: the child must not re-resolve a profile.
    command.env_remove("AWS_PROFILE");
    let mut child = command.spawn().map_err(|e| {
        ssokit::Error::Internal(format!("cannot run {}: {e}", program.to_string_lossy()))
    })?;
    // SIGTERM and SIGHUP go on to the child; Ctrl-C reaches it from the terminal.
    // ssokit keeps waiting for the child's status either way.
    let forwarding = forward_signals(child.id());
    let status = child
        .wait()
        .await
        .map_err(|e| ssokit::Error::Internal(format!("waiting for the command failed: {e}")))?;
    forwarding.abort();
    if let Some(code) = status.code() {
        return Ok(Outcome::Code(u8::try_from(code & 0xff).unwrap_or(1)));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return Ok(Outcome::Code(u8::try_from(128 + signal).unwrap_or(255)));
        }
    }
    Ok(Outcome::Code(1))
}

/// Passes SIGTERM and SIGHUP on to the child, and ignores SIGINT (the terminal
/// delivers it to the child too), until aborted.
#[cfg(unix)]
fn forward_signals(child: Option<u32>) -> tokio::task::JoinHandle<()> {
    use rustix::process::{Pid, Signal, kill_process};
    use tokio::signal::unix::{SignalKind, signal};
    tokio::spawn(async move {
        let pid = child
            .and_then(|id| i32::try_from(id).ok())
            .and_then(Pid::from_raw);
        let (Ok(mut int), Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        loop {
            let sig = tokio::select! {
                _ = int.recv() => continue,
                _ = term.recv() => Signal::TERM,
                _ = hup.recv() => Signal::HUP,
            };
            if let Some(pid) = pid {
                let _ = kill_process(pid, sig);
            }
        }
    })
}

/// Elsewhere: Ctrl-C is ignored by ssokit while the child runs.
#[cfg(not(unix))]
fn forward_signals(_child: Option<u32>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async { while tokio::signal::ctrl_c().await.is_ok() {} })
}
