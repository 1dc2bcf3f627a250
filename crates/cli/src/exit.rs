//! Exit codes as the AWS CLI uses them, and one-line error reports.

use std::io::Write;
use std::process::ExitCode;

use ssokit::Error;
use ssokit::auth::AuthError;

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

/// The exit code of an error.
pub(crate) fn code_of(err: &Error) -> u8 {
    match err {
        Error::Config(_) => CONFIG,
        Error::Client(_) => SERVICE,
        // The same service call failed moments ago (in this or another process).
        Error::Auth(AuthError::RecentFailure { .. }) => SERVICE,
        Error::Auth(AuthError::Cancelled { .. }) => INTERRUPTED,
        _ => OTHER,
    }
}

/// Reports an error on one line of stderr and returns its exit code.
pub(crate) fn report(err: &Error) -> ExitCode {
    // One line, and nothing a server sent can drive the terminal.
    let message = ssokit::browser::printable(&err.to_string().replace('\n', " "));
    let _ = writeln!(std::io::stderr().lock(), "ssokit: {message}");
    ExitCode::from(code_of(err))
}
