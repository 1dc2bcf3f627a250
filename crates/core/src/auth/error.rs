use std::fmt;
use std::time::Duration;

use crate::cache::CacheError;

/// What a user logs in to: what [`crate::Remedy::Login`] names, and what each front-end
/// turns into its own login call.
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
    /// The profile's name, for a profile.
    pub fn profile(&self) -> Option<&str> {
        match self {
            Self::Profile(p) => Some(p),
            Self::Session(_) | Self::StartUrl(_) => None,
        }
    }

    /// The sso-session's name, for a session.
    pub fn sso_session(&self) -> Option<&str> {
        match self {
            Self::Session(s) => Some(s),
            Self::Profile(_) | Self::StartUrl(_) => None,
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
    #[error("not logged in for {target} ({cause})")]
    NotLoggedIn {
        /// What to log in to.
        target: LoginTarget,
        /// Why the token could not be used (in the message; not repeated as the
        /// error's source).
        cause: CacheError,
    },
    /// The token expired and cannot be refreshed, or the service refused the
    /// refresh token (`invalid_grant`), or rejected the token (HTTP 401).
    #[error("the SSO session for {target} has ended ({reason})")]
    SessionEnded {
        /// What to log in to.
        target: LoginTarget,
        /// Why, in words (never a token).
        reason: String,
    },
    /// The user declined the authorization request.
    #[error("the login for {target} was denied in the browser")]
    AccessDenied {
        /// What the login was for.
        target: LoginTarget,
    },
    /// The device code expired before the user approved it.
    #[error(
        "the login code for {target} expired before it was approved (approve it within the time shown)"
    )]
    DeviceCodeExpired {
        /// What the login was for.
        target: LoginTarget,
    },
    /// The login was not approved within the allowed time.
    #[error("gave up waiting {}s for the login of {target} to be approved", after.as_secs())]
    LoginTimeout {
        /// What the login was for.
        target: LoginTarget,
        /// How long ssokit waited.
        after: Duration,
    },
    /// The authorize page sent the browser back with an OAuth error other than
    /// `access_denied`.
    #[error("the browser login for {target} failed ({error})")]
    AuthorizeFailed {
        /// What the login was for.
        target: LoginTarget,
        /// The OAuth `error` code (for example `invalid_scope`).
        error: String,
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
    #[error(
        "a login is needed for {target}, but there is no terminal to show the login code on (standard error is not a terminal, as under credential_process, and there is no controlling terminal)"
    )]
    NoTerminalForLogin {
        /// What to log in to.
        target: LoginTarget,
    },
    /// The operating system gave no random bytes for a PKCE login's code verifier and
    /// `state`. These must be unpredictable, so there is no weaker fallback.
    #[error(
        "cannot get random bytes from the operating system for the PKCE verifier and state of the login ({reason}); ssokit does not fall back to a weaker generator for them: fix the system's random source (getrandom, /dev/urandom) or log in with the device-code flow"
    )]
    NoRandomness {
        /// The operating system's error, in words.
        reason: String,
    },
}

impl AuthError {
    /// The profile, sso-session or start URL the error is about.
    pub fn target(&self) -> Option<&LoginTarget> {
        match self {
            Self::NotLoggedIn { target, .. }
            | Self::SessionEnded { target, .. }
            | Self::AccessDenied { target }
            | Self::DeviceCodeExpired { target }
            | Self::LoginTimeout { target, .. }
            | Self::AuthorizeFailed { target, .. }
            | Self::Cancelled { target }
            | Self::NoTerminalForLogin { target } => Some(target),
            Self::RecentFailure { .. } | Self::NoRandomness { .. } => None,
        }
    }
}
