use std::fmt;
use std::time::Duration;

use crate::cache::CacheError;

/// What a user logs in to, and so which command logs them in again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginTarget {
    /// A profile of the config file.
    Profile(String),
    /// An `[sso-session]` of the config file.
    Session(String),
    /// A start URL given explicitly, with no profile or session to name.
    StartUrl(String),
}

impl LoginTarget {
    /// The command that logs this target in.
    pub fn login_command(&self) -> String {
        match self {
            Self::Profile(p) => format!("ssokit login --profile {p}"),
            Self::Session(s) => format!("ssokit login --sso-session {s}"),
            Self::StartUrl(u) => {
                format!("ssokit login --profile <a profile with sso_start_url = {u}>")
            }
        }
    }
}

impl fmt::Display for LoginTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Profile(p) => write!(f, "profile \"{p}\""),
            Self::Session(s) => write!(f, "sso-session \"{s}\""),
            Self::StartUrl(u) => write!(f, "start URL {u}"),
        }
    }
}

/// The user is not (or no longer) signed in, or a login did not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// There is no usable token: never logged in, logged out, or the cache file is
    /// unreadable.
    #[error("not logged in for {target}: run `{}` ({cause})", target.login_command())]
    NotLoggedIn {
        /// What to log in to.
        target: LoginTarget,
        /// Why the token could not be used.
        #[source]
        cause: CacheError,
    },
    /// The token expired and cannot be refreshed, or the service refused the
    /// refresh token (`invalid_grant`), or rejected the token (HTTP 401).
    #[error("the SSO session for {target} has ended ({reason}): run `{}`", target.login_command())]
    SessionEnded {
        /// What to log in to.
        target: LoginTarget,
        /// Why, in words (never a token).
        reason: String,
    },
    /// The user declined the authorization request.
    #[error("the login for {target} was denied in the browser: run `{}` to try again", target.login_command())]
    AccessDenied {
        /// What the login was for.
        target: LoginTarget,
    },
    /// The device code expired before the user approved it.
    #[error("the login code for {target} expired before it was approved: run `{}` and approve it within the time shown", target.login_command())]
    DeviceCodeExpired {
        /// What the login was for.
        target: LoginTarget,
    },
    /// The login was not approved within the allowed time.
    #[error("gave up waiting {}s for the login of {target} to be approved: run `{}` again", after.as_secs(), target.login_command())]
    LoginTimeout {
        /// What the login was for.
        target: LoginTarget,
        /// How long ssokit waited.
        after: Duration,
    },
    /// The authorize page sent the browser back with an OAuth error other than
    /// `access_denied`.
    #[error("the browser login for {target} failed ({error}): run `{}` again", target.login_command())]
    AuthorizeFailed {
        /// What the login was for.
        target: LoginTarget,
        /// The OAuth `error` code (for example `invalid_scope`).
        error: String,
    },
    /// The browser came back with a `state` that is not this login's: the callback
    /// was not the answer to this request (a stale tab, or a forged request).
    ///
    /// The PKCE login no longer ends with this error: such a request is answered 400
    /// and ignored, and the login keeps waiting. Kept for API compatibility.
    #[error("the login for {target} was rejected: the browser's answer did not match this login (wrong state); run `{}` again", target.login_command())]
    StateMismatch {
        /// What the login was for.
        target: LoginTarget,
    },
    /// The login was cancelled by the caller.
    #[error("the login for {target} was cancelled")]
    Cancelled {
        /// What the login was for.
        target: LoginTarget,
    },
    /// The same call failed moments ago (in this process or another sharing the
    /// cache) and its back-off has not passed: the service is not asked again before
    /// then. The failure is the one the lock holder recorded.
    #[error(
        "could not {operation}: the last attempt, by process {}, failed ({}); ssokit tries again after {}",
        failure.pid,
        failure.message,
        crate::time::format_timestamp(crate::time::from_unix_seconds(failure.retry_at))
    )]
    RecentFailure {
        /// What failed, in words ("refresh the SSO token of profile \"dev\"").
        operation: String,
        /// The failure as its holder recorded it.
        failure: Box<crate::cache::SharedFailure>,
    },
    /// A login is needed but there is nobody to show the code to: standard error is
    /// captured (as under `credential_process`) and there is no terminal.
    #[error("a login is needed for {target}, but there is no terminal to show the login code on (standard error is not a terminal, as under credential_process, and there is no controlling terminal): run `{}` in a terminal first", target.login_command())]
    NoTerminalForLogin {
        /// What to log in to.
        target: LoginTarget,
    },
}
