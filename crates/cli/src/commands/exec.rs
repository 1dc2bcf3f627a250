//! `ssokit exec -- CMD ARGS...`: runs a command with the profile's credentials in its
//! environment and passes its exit status through (128 + N when a signal N ended it).
//! SIGTERM and SIGHUP sent to ssokit are passed on to the child (on Unix); Ctrl-C
//! reaches the child from the terminal (they share a process group) and ssokit
//! ignores it. ssokit waits for the child and exits as it did.

use std::io::Write as _;
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
    let selector = Selector::default()
        .with_profile(args.profile.clone())
        .with_sso_session(None)
        .with_config_file(args.config_file.clone());
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
    command
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE");
    // The handlers are in place before the child exists, so a signal that arrives as
    // soon as it runs is passed on too, never taken by ssokit's default disposition.
    let signals = listen_for_signals();
    let mut child = match command.spawn() {
        Ok(child) => child,
        // As a shell: 127 when the command is not found, 126 when it cannot run; a
        // mistyped command is not a bug of ssokit.
        Err(e) => {
            let program = ssokit::browser::printable(&program.to_string_lossy());
            let _ = writeln!(
                std::io::stderr().lock(),
                "ssokit: cannot run {program}: {e}"
            );
            let code = if e.kind() == std::io::ErrorKind::NotFound {
                127
            } else {
                126
            };
            return Ok(Outcome::Code(code));
        }
    };
    // SIGTERM and SIGHUP go on to the child; Ctrl-C reaches it from the terminal.
    // ssokit keeps waiting for the child's status either way.
    let forwarding = forward_signals(signals, child.id());
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

/// The signals ssokit handles while the child runs: SIGINT, SIGTERM and SIGHUP.
#[cfg(unix)]
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

/// Installs the handlers now (whatever disposition ssokit inherited); `None` if the
/// runtime cannot, in which case signals keep their default effect.
#[cfg(unix)]
fn listen_for_signals() -> Option<Signals> {
    use tokio::signal::unix::{SignalKind, signal};
    Some(Signals {
        int: signal(SignalKind::interrupt()).ok()?,
        term: signal(SignalKind::terminate()).ok()?,
        hup: signal(SignalKind::hangup()).ok()?,
    })
}

/// Passes SIGTERM and SIGHUP on to the child, and ignores SIGINT (the terminal
/// delivers it to the child too), until aborted.
#[cfg(unix)]
fn forward_signals(signals: Option<Signals>, child: Option<u32>) -> tokio::task::JoinHandle<()> {
    use rustix::process::{Pid, Signal, kill_process};
    tokio::spawn(async move {
        let pid = child
            .and_then(|id| i32::try_from(id).ok())
            .and_then(Pid::from_raw);
        let Some(mut signals) = signals else {
            return;
        };
        loop {
            let sig = tokio::select! {
                _ = signals.int.recv() => continue,
                _ = signals.term.recv() => Signal::TERM,
                _ = signals.hup.recv() => Signal::HUP,
            };
            if let Some(pid) = pid {
                let _ = kill_process(pid, sig);
            }
        }
    })
}

/// Elsewhere: nothing to install ahead of the child.
#[cfg(not(unix))]
fn listen_for_signals() {}

/// Elsewhere: Ctrl-C is ignored by ssokit while the child runs.
#[cfg(not(unix))]
fn forward_signals(_signals: (), _child: Option<u32>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async { while tokio::signal::ctrl_c().await.is_ok() {} })
}
