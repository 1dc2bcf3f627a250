//! Exit codes as the AWS CLI uses them, and one-line error reports.

use std::io::Write;
use std::process::ExitCode;

use ssokit::auth::LoginTarget;
use ssokit::{Error, ErrorKind, Remedy};

/// A usage error (bad arguments).
pub(crate) const USAGE: u8 = 252;
/// A configuration error: a missing or invalid profile.
pub(crate) const CONFIG: u8 = 253;
/// An error from the service.
pub(crate) const SERVICE: u8 = 254;
/// Anything else, including "not logged in" and "session ended".
pub(crate) const OTHER: u8 = 255;
/// Interrupted (Ctrl-C), the shell convention.
pub(crate) const INTERRUPTED: u8 = 130;

/// How a successful command ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Exit 0.
    Success,
    /// Exit with this code (a child's status, for `exec`).
    Code(u8),
}

impl Outcome {
    pub(crate) fn code(self) -> ExitCode {
        match self {
            Self::Success => ExitCode::SUCCESS,
            Self::Code(c) => ExitCode::from(c),
        }
    }
}

/// The command's result.
pub(crate) type CmdResult = Result<Outcome, Error>;

/// Prints clap's message (help and version go to stdout with status 0).
pub(crate) fn usage_error(err: clap::Error) -> ExitCode {
    let code = if err.use_stderr() { USAGE } else { 0 };
    let _ = err.print();
    ExitCode::from(code)
}

/// The exit code of each kind of error: the CLI's one table. Exhaustive on purpose,
/// so a new kind must be given its code here.
pub(crate) fn code_of(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Config => CONFIG,
        ErrorKind::Service => SERVICE,
        ErrorKind::Usage => USAGE,
        ErrorKind::Cancelled => INTERRUPTED,
        // As the AWS CLI: not being logged in, a login that did not complete, an
        // unreachable endpoint and local failures are "other" errors.
        ErrorKind::NotLoggedIn
        | ErrorKind::SessionExpired
        | ErrorKind::AccessDenied
        | ErrorKind::LoginTimeout
        | ErrorKind::Cache
        | ErrorKind::Network
        | ErrorKind::Internal => OTHER,
    }
}

/// The remedy in the CLI's own words: the command or option that fixes it.
pub(crate) fn remedy_text(remedy: &Remedy) -> String {
    match remedy {
        Remedy::Login(LoginTarget::Profile(p)) => format!("run `ssokit login --profile {p}`"),
        Remedy::Login(LoginTarget::Session(s)) => {
            format!("run `ssokit login --sso-session {s}`")
        }
        Remedy::Login(LoginTarget::StartUrl(u)) => {
            format!("run `ssokit login --profile <a profile with sso_start_url = {u}>`")
        }
        Remedy::ChooseProfile { .. } => {
            "or choose another profile with --profile or AWS_PROFILE".to_owned()
        }
    }
}

/// The error's message with its remedy in the CLI's words, on one line.
pub(crate) fn message(err: &Error) -> String {
    let message = err.message_with(remedy_text);
    // One line, and nothing a server sent can drive the terminal.
    ssokit::browser::printable(&message.replace('\n', " "))
}

/// Reports an error on one line of stderr and returns its exit code.
pub(crate) fn report(err: &Error) -> ExitCode {
    let _ = writeln!(std::io::stderr().lock(), "ssokit: {}", message(err));
    ExitCode::from(code_of(err.kind()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_exit_code() {
        let expected = |kind| match kind {
            ErrorKind::NotLoggedIn => 255,
            ErrorKind::SessionExpired => 255,
            ErrorKind::AccessDenied => 255,
            ErrorKind::LoginTimeout => 255,
            ErrorKind::Cancelled => 130,
            ErrorKind::Config => 253,
            ErrorKind::Cache => 255,
            ErrorKind::Service => 254,
            ErrorKind::Network => 255,
            ErrorKind::Usage => 252,
            ErrorKind::Internal => 255,
        };
        for kind in ErrorKind::ALL {
            assert_eq!(
                code_of(Error::example_of(kind).kind()),
                expected(kind),
                "{kind}"
            );
        }
    }

    #[test]
    fn remedies_name_the_cli_command() {
        let not_logged_in = message(&Error::example_of(ErrorKind::NotLoggedIn));
        assert!(
            not_logged_in.ends_with("; run `ssokit login --profile dev`"),
            "{not_logged_in}"
        );
        let session = Remedy::Login(LoginTarget::Session("corp".into()));
        assert_eq!(
            remedy_text(&session),
            "run `ssokit login --sso-session corp`"
        );
        let missing = message(&Error::example_of(ErrorKind::Config));
        assert!(
            missing.ends_with("(did you mean \"dev\"?); add a [profile devv] section there; or choose another profile with --profile or AWS_PROFILE"),
            "{missing}"
        );
        // No remedy, no suffix.
        let cache = Error::example_of(ErrorKind::Cache);
        assert_eq!(message(&cache), cache.to_string());
    }
}
