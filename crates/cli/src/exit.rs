//! Exit codes as the AWS CLI uses them, and one-line error reports.

use std::io::Write;
use std::process::ExitCode;

/// A usage error (bad arguments).
pub(crate) const USAGE: u8 = 252;
/// A configuration error: a missing or invalid profile.
pub(crate) const CONFIG: u8 = 253;
/// Anything else.
pub(crate) const OTHER: u8 = 255;

/// Prints clap's message (help and version go to stdout with status 0).
pub(crate) fn usage_error(err: clap::Error) -> ExitCode {
    let code = if err.use_stderr() { USAGE } else { 0 };
    let _ = err.print();
    ExitCode::from(code)
}

/// Reports an error on one line of stderr and returns its exit code.
pub(crate) fn report(err: &ssokit::Error) -> ExitCode {
    let code = match err {
        ssokit::Error::Config(_) => CONFIG,
        _ => OTHER,
    };
    let _ = writeln!(std::io::stderr().lock(), "ssokit: {err}");
    ExitCode::from(code)
}
