//! The crate-wide error type, its [`ErrorKind`] and its [`Remedy`]: one classification
//! and one structured next step, so that every front-end (the CLI, Python, Node, a Rust
//! service) answers the same failure the same way, in its own words.

use std::fmt;

use crate::auth::error::{AuthError, LoginTarget};
use crate::cache::CacheError;
#[cfg(feature = "extras")]
use crate::client::{AssumeRoleError, StsErrorCode, StsFailure};
use crate::client::{ErrorCode, ResponseError, ServiceError, TransportError};
use crate::config::ConfigError;
#[cfg(feature = "extras")]
use crate::console::error::ConsoleError;
use crate::export::ExportError;
#[cfg(feature = "extras")]
use crate::serve::error::ServeError;
#[cfg(feature = "login")]
use crate::start_url::StartUrlError;

/// Any error ssokit reports. Each variant wraps the error of the module that failed.
///
/// [`Display`](fmt::Display) is the module's message, which says what went wrong, then
/// `; ` and the [`Remedy`] in neutral words. A front-end that names its own command shows
/// [`summary`](Self::summary) followed by its rendering of [`remedy`](Self::remedy)
/// instead, and classifies the error by [`kind`](Self::kind) alone.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The AWS config or credentials file, or the environment, is wrong.
    Config(ConfigError),
    /// A cache file is missing, unreadable, or could not be written or locked.
    Cache(CacheError),
    /// A call to IAM Identity Center (SSO OIDC or the SSO portal) failed.
    Client(ServiceError),
    /// Not signed in, the session ended, or a login did not complete.
    Auth(AuthError),
    /// Credentials that the requested output format cannot print safely.
    Export(ExportError),
    /// A custom start URL did not lead to an AWS access portal (feature `login`).
    #[cfg(feature = "login")]
    StartUrl(StartUrlError),
    /// The container-credentials server could not start (feature `extras`).
    #[cfg(feature = "extras")]
    Serve(ServeError),
    /// A console sign-in URL could not be made as asked (feature `extras`).
    #[cfg(feature = "extras")]
    Console(ConsoleError),
    /// An STS `AssumeRole` of a role chain failed (feature `extras`).
    #[cfg(feature = "extras")]
    AssumeRole(Box<AssumeRoleError>),
    /// A bug or an unexpected runtime failure in ssokit itself.
    Internal(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_with(Remedy::to_string))
    }
}

/// As `#[error(transparent)]` would: the message already holds the wrapped error's
/// own text, so the chain continues with *its* source, never repeating it.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Config(e) => e.source(),
            Self::Cache(e) => e.source(),
            Self::Client(e) => e.source(),
            Self::Auth(e) => e.source(),
            Self::Export(e) => e.source(),
            #[cfg(feature = "login")]
            Self::StartUrl(e) => e.source(),
            #[cfg(feature = "extras")]
            Self::Serve(e) => e.source(),
            #[cfg(feature = "extras")]
            Self::Console(e) => e.source(),
            #[cfg(feature = "extras")]
            Self::AssumeRole(e) => e.source(),
            Self::Internal(_) => None,
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

impl From<CacheError> for Error {
    fn from(e: CacheError) -> Self {
        Self::Cache(e)
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Self::Client(e)
    }
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        Self::Auth(e)
    }
}

impl From<ExportError> for Error {
    fn from(e: ExportError) -> Self {
        Self::Export(e)
    }
}

#[cfg(feature = "login")]
impl From<StartUrlError> for Error {
    fn from(e: StartUrlError) -> Self {
        Self::StartUrl(e)
    }
}

#[cfg(feature = "extras")]
impl From<ServeError> for Error {
    fn from(e: ServeError) -> Self {
        Self::Serve(e)
    }
}

#[cfg(feature = "extras")]
impl From<AssumeRoleError> for Error {
    fn from(e: AssumeRoleError) -> Self {
        Self::AssumeRole(Box::new(e))
    }
}

#[cfg(feature = "extras")]
impl From<ConsoleError> for Error {
    fn from(e: ConsoleError) -> Self {
        Self::Console(e)
    }
}

/// What kind of failure an [`Error`] is: the one classification that every front-end
/// maps to its own form (an exception class, an `err.code`, an exit status).
///
/// Deliberately exhaustive: a new kind must fail to compile in every front-end's
/// table until that front-end maps it. For a Rust user that match on it, a new kind
/// is therefore a breaking change, made only in a new minor version before 1.0 (a
/// major one after).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// There is no usable token: never logged in, logged out, or the token file is
    /// missing or unreadable. Logging in fixes it.
    NotLoggedIn,
    /// The SSO session ended: the token expired and cannot be refreshed, the service
    /// refused the refresh token, or rejected the token (HTTP 401,
    /// `UnauthorizedException`). Logging in again fixes it.
    SessionExpired,
    /// The login was declined in the browser, or is not allowed.
    AccessDenied,
    /// The login was not approved in time: the wait ran out or the code expired.
    LoginTimeout,
    /// The caller cancelled the login (Ctrl-C, an abort signal, a cancel handle).
    Cancelled,
    /// The AWS config or credentials file, a profile in them, or the environment is
    /// wrong; the message names the file, line, profile or key.
    Config,
    /// A cache file could not be read, written or locked (I/O, permissions, a lock
    /// held too long, an unsafe lock file).
    Cache,
    /// IAM Identity Center answered with an error (4xx other than a 401, 5xx, a
    /// throttle, a malformed answer); [`Error::service_code`] and
    /// [`Error::http_status`] say which.
    Service,
    /// IAM Identity Center could not be reached: connection, DNS, TLS or a timeout.
    Network,
    /// What was asked cannot be done as asked, for example credentials that the
    /// chosen output format cannot print safely; choose another option.
    Usage,
    /// A bug or an unexpected failure in ssokit itself.
    Internal,
}

impl ErrorKind {
    /// Every kind, in declaration order (for front-end tests that cover each).
    pub const ALL: [ErrorKind; 11] = [
        Self::NotLoggedIn,
        Self::SessionExpired,
        Self::AccessDenied,
        Self::LoginTimeout,
        Self::Cancelled,
        Self::Config,
        Self::Cache,
        Self::Service,
        Self::Network,
        Self::Usage,
        Self::Internal,
    ];

    /// The kind's name in snake_case (`not_logged_in`, `session_expired`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotLoggedIn => "not_logged_in",
            Self::SessionExpired => "session_expired",
            Self::AccessDenied => "access_denied",
            Self::LoginTimeout => "login_timeout",
            Self::Cancelled => "cancelled",
            Self::Config => "config",
            Self::Cache => "cache",
            Self::Service => "service",
            Self::Network => "network",
            Self::Usage => "usage",
            Self::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The next step that fixes an error, as data: each front-end says it in its own
/// words (the CLI `ssokit login --profile dev`, Python `ssokit.login("dev")`, Node
/// `await login({ profile: 'dev' })`). Core's own messages name no front-end's
/// command or flag.
///
/// Exhaustive on purpose, as [`ErrorKind`] is: a new remedy must be rendered by every
/// front-end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// Log in (again) to this profile, sso-session or start URL.
    Login(LoginTarget),
    /// Choose another profile: the one asked for does not exist. `candidates` are
    /// existing profiles with a similar name (possibly none).
    ChooseProfile {
        /// Existing profile names close to the one asked for.
        candidates: Vec<String>,
    },
}

impl fmt::Display for Remedy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Login(target) => write!(f, "log in to {target} again"),
            // The message already names the candidates ("did you mean ...").
            Self::ChooseProfile { .. } => f.write_str("or choose another profile"),
        }
    }
}

impl Error {
    /// The kind of failure, which decides the exception class, `err.code` or exit
    /// status of every front-end. A 401 from the portal (`UnauthorizedException`) is
    /// [`ErrorKind::SessionExpired`] on every path.
    pub fn kind(&self) -> ErrorKind {
        match self {
            // Two choices where one is allowed: how the call was made, not the config.
            Self::Config(ConfigError::ProfileAndSession { .. }) => ErrorKind::Usage,
            Self::Config(_) => ErrorKind::Config,
            Self::Cache(e) => cache_kind(e),
            Self::Client(e) => service_kind(e),
            Self::Auth(e) => auth_kind(e),
            Self::Export(e) => match e {
                // The endpoint sent a value no real credential holds.
                ExportError::ControlCharacter { .. } => ErrorKind::Service,
                ExportError::UnsafeForCmd { .. } => ErrorKind::Usage,
            },
            // No answer is the network's doing; a wrong answer, the start URL's.
            #[cfg(feature = "login")]
            Self::StartUrl(e) => match e {
                StartUrlError::Unreachable { .. } => ErrorKind::Network,
                _ => ErrorKind::Config,
            },
            // A port in use is the caller's choice to change; the rest is ssokit's.
            #[cfg(feature = "extras")]
            Self::Serve(e) => match e {
                ServeError::Bind { .. } => ErrorKind::Usage,
                _ => ErrorKind::Internal,
            },
            // A destination the caller gave.
            #[cfg(feature = "extras")]
            Self::Console(_) => ErrorKind::Usage,
            #[cfg(feature = "extras")]
            Self::AssumeRole(e) => assume_role_kind(&e.failure),
            Self::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The next step that fixes the error, when there is one beyond what the message
    /// says.
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            Self::Config(ConfigError::ProfileNotFound { suggestions, .. }) => {
                Some(Remedy::ChooseProfile {
                    candidates: suggestions.clone(),
                })
            }
            Self::Auth(e) => e.target().map(|t| Remedy::Login(t.clone())).filter(|_| {
                // Cancelling or a failure shared by another process is not fixed by
                // logging in.
                !matches!(
                    e,
                    AuthError::Cancelled { .. } | AuthError::RecentFailure { .. }
                )
            }),
            _ => None,
        }
    }

    /// The message without the remedy, for a front-end that adds the remedy in its
    /// own words.
    pub fn summary(&self) -> String {
        match self {
            Self::Config(e) => e.to_string(),
            Self::Cache(e) => e.to_string(),
            Self::Client(e) => e.to_string(),
            Self::Auth(e) => e.to_string(),
            Self::Export(e) => e.to_string(),
            #[cfg(feature = "login")]
            Self::StartUrl(e) => e.to_string(),
            #[cfg(feature = "extras")]
            Self::Serve(e) => e.to_string(),
            #[cfg(feature = "extras")]
            Self::Console(e) => e.to_string(),
            #[cfg(feature = "extras")]
            Self::AssumeRole(e) => e.to_string(),
            Self::Internal(what) => format!("internal error in ssokit: {what} (please report it)"),
        }
    }

    /// The message with the remedy in a front-end's own words: the
    /// [`summary`](Self::summary), then `; ` and `render(remedy)` when there is one.
    pub fn message_with(&self, render: impl FnOnce(&Remedy) -> String) -> String {
        match self.remedy() {
            Some(remedy) => format!("{}; {}", self.summary(), render(&remedy)),
            None => self.summary(),
        }
    }

    /// The service's error code (`InvalidGrantException`, `TooManyRequestsException`,
    /// the OAuth `error` of a failed authorize page, ...), when the service sent one.
    pub fn service_code(&self) -> Option<&str> {
        match self {
            Self::Client(e) => e.service_code(),
            Self::Auth(AuthError::AuthorizeFailed { error, .. }) => Some(error),
            Self::Auth(AuthError::RecentFailure { failure, .. }) => failure.code.as_deref(),
            #[cfg(feature = "extras")]
            Self::AssumeRole(e) => match &e.failure {
                StsFailure::Rejected { code, .. } => code.as_str(),
                StsFailure::Service(s) => s.service_code(),
                _ => None,
            },
            _ => None,
        }
    }

    /// The HTTP status of the service's answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Client(e) => e.status(),
            Self::Auth(AuthError::RecentFailure { failure, .. }) => failure.status,
            #[cfg(feature = "extras")]
            Self::AssumeRole(e) => match &e.failure {
                StsFailure::Rejected { status, .. } => Some(*status),
                StsFailure::Service(s) => s.status(),
                _ => None,
            },
            _ => None,
        }
    }

    /// The profile, sso-session or start URL that the error is about, when it is one
    /// that logging in would fix or that a login was for.
    pub fn login_target(&self) -> Option<&LoginTarget> {
        match self {
            Self::Auth(e) => e.target(),
            _ => None,
        }
    }

    /// The same error for a caller that cannot show a login code (no terminal, as
    /// under `credential_process`): "not logged in" and "session ended" become
    /// [`AuthError::NoTerminalForLogin`]; anything else is returned unchanged.
    pub fn without_terminal_for_login(self) -> Self {
        match self {
            Self::Auth(
                AuthError::NotLoggedIn { target, .. } | AuthError::SessionEnded { target, .. },
            ) => AuthError::NoTerminalForLogin { target }.into(),
            other => other,
        }
    }
}

fn cache_kind(e: &CacheError) -> ErrorKind {
    match e {
        CacheError::NotFound { .. }
        | CacheError::Unreadable { .. }
        | CacheError::MissingField { .. }
        | CacheError::InvalidField { .. } => ErrorKind::NotLoggedIn,
        CacheError::Io { .. }
        | CacheError::LockTimeout { .. }
        | CacheError::UnsafeLockFile { .. }
        | CacheError::NoHome => ErrorKind::Cache,
    }
}

fn auth_kind(e: &AuthError) -> ErrorKind {
    match e {
        AuthError::NotLoggedIn { .. } | AuthError::NoTerminalForLogin { .. } => {
            ErrorKind::NotLoggedIn
        }
        AuthError::SessionEnded { .. } => ErrorKind::SessionExpired,
        AuthError::AccessDenied { .. } => ErrorKind::AccessDenied,
        AuthError::DeviceCodeExpired { .. } | AuthError::LoginTimeout { .. } => {
            ErrorKind::LoginTimeout
        }
        // The authorize page answered with an OAuth error other than access_denied.
        AuthError::AuthorizeFailed { .. } => ErrorKind::Service,
        AuthError::Cancelled { .. } => ErrorKind::Cancelled,
        // The system's random source failed: not the user's doing, nor the service's.
        AuthError::NoRandomness { .. } => ErrorKind::Internal,
        // The failure another process (or this one) recorded moments ago: a service
        // answer when it had a status, else the network.
        AuthError::RecentFailure { failure, .. } => match failure.status {
            Some(401) => ErrorKind::SessionExpired,
            Some(_) => ErrorKind::Service,
            None => ErrorKind::Network,
        },
    }
}

fn service_kind(e: &ServiceError) -> ErrorKind {
    match e {
        ServiceError::Response(response) => response_kind(&response.code),
        ServiceError::Transport(_) => ErrorKind::Network,
        // A cached token that cannot go into a header: only a new login replaces it.
        ServiceError::InvalidInput { .. } => ErrorKind::NotLoggedIn,
        ServiceError::MalformedResponse { .. } | ServiceError::ImplausibleExpiry { .. } => {
            ErrorKind::Service
        }
        // Settings from the environment or the profile.
        ServiceError::InsecureEndpoint { .. }
        | ServiceError::InvalidEndpoint { .. }
        | ServiceError::CaBundle { .. }
        | ServiceError::InvalidProxy { .. } => ErrorKind::Config,
        ServiceError::HttpClient { .. } => ErrorKind::Internal,
    }
}

/// STS's answers: a role the chain may not assume is access denied; a parameter, a
/// region or a key STS does not know is the configuration's; the rest is the
/// service's or the network's.
#[cfg(feature = "extras")]
fn assume_role_kind(failure: &StsFailure) -> ErrorKind {
    match failure {
        StsFailure::Rejected { code, .. } => match code {
            StsErrorCode::AccessDenied => ErrorKind::AccessDenied,
            StsErrorCode::ValidationError
            | StsErrorCode::RegionDisabled
            | StsErrorCode::InvalidClientTokenId => ErrorKind::Config,
            StsErrorCode::ExpiredToken
            | StsErrorCode::SignatureDoesNotMatch
            | StsErrorCode::Throttling
            | StsErrorCode::Other(_) => ErrorKind::Service,
        },
        StsFailure::Malformed { .. } => ErrorKind::Service,
        StsFailure::Service(e) => service_kind(e),
    }
}

fn response_kind(code: &ErrorCode) -> ErrorKind {
    match code {
        ErrorCode::InvalidGrant | ErrorCode::InvalidClient | ErrorCode::Unauthorized => {
            ErrorKind::SessionExpired
        }
        ErrorCode::AccessDenied => ErrorKind::AccessDenied,
        ErrorCode::ExpiredToken => ErrorKind::LoginTimeout,
        ErrorCode::AuthorizationPending
        | ErrorCode::SlowDown
        | ErrorCode::InvalidRequest
        | ErrorCode::InvalidScope
        | ErrorCode::UnauthorizedClient
        | ErrorCode::UnsupportedGrantType
        | ErrorCode::InvalidClientMetadata
        | ErrorCode::InvalidRedirectUri
        | ErrorCode::InternalServer
        | ErrorCode::ResourceNotFound
        | ErrorCode::TooManyRequests
        | ErrorCode::Other(_) => ErrorKind::Service,
    }
}

impl Error {
    /// A typical error of each kind, for front-ends' tests of their one mapping table
    /// (each kind must reach its exception class, `err.code` or exit status).
    #[doc(hidden)]
    pub fn example_of(kind: ErrorKind) -> Self {
        use std::path::PathBuf;
        use std::time::Duration;
        let dev = || LoginTarget::Profile("dev".into());
        let token_file = || PathBuf::from("/home/me/.aws/sso/cache/example.json");
        match kind {
            ErrorKind::NotLoggedIn => AuthError::NotLoggedIn {
                target: dev(),
                cause: CacheError::NotFound { path: token_file() },
            }
            .into(),
            ErrorKind::SessionExpired => AuthError::SessionEnded {
                target: dev(),
                reason: "the token expired and there is no refresh token".into(),
            }
            .into(),
            ErrorKind::AccessDenied => AuthError::AccessDenied { target: dev() }.into(),
            ErrorKind::LoginTimeout => AuthError::LoginTimeout {
                target: dev(),
                after: Duration::from_secs(600),
            }
            .into(),
            ErrorKind::Cancelled => AuthError::Cancelled { target: dev() }.into(),
            ErrorKind::Config => ConfigError::ProfileNotFound {
                profile: "devv".into(),
                path: PathBuf::from("/home/me/.aws/config"),
                suggestions: vec!["dev".into()],
            }
            .into(),
            ErrorKind::Cache => CacheError::LockTimeout {
                path: token_file().with_extension("lock"),
                waited: Duration::from_secs(75),
                holder: Some(4242),
            }
            .into(),
            ErrorKind::Service => ServiceError::from(ResponseError {
                message: Some("Rate exceeded".into()),
                attempts: 3,
                ..ResponseError::new("GetRoleCredentials", 429, ErrorCode::TooManyRequests)
            })
            .into(),
            ErrorKind::Network => ServiceError::from(TransportError {
                operation: "GetRoleCredentials",
                endpoint: "https://portal.sso.us-east-1.amazonaws.com".into(),
                attempts: 3,
                timed_out: true,
                reason: "operation timed out".into(),
                source: None,
            })
            .into(),
            ErrorKind::Usage => ExportError::UnsafeForCmd {
                name: "AWS_SESSION_TOKEN",
                character: '%',
            }
            .into(),
            ErrorKind::Internal => Self::Internal("an example".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_an_example_of_that_kind() {
        for kind in ErrorKind::ALL {
            assert_eq!(Error::example_of(kind).kind(), kind);
        }
    }

    #[test]
    fn core_messages_name_no_command_or_flag() {
        for kind in ErrorKind::ALL {
            let message = Error::example_of(kind).to_string();
            for word in [
                "`ssokit",
                "ssokit login",
                "--profile",
                "--sso-session",
                "AWS_PROFILE",
            ] {
                assert!(!message.contains(word), "{kind}: {message}");
            }
        }
    }

    #[test]
    fn login_errors_carry_a_login_remedy_and_say_it_neutrally() {
        let dev = Remedy::Login(LoginTarget::Profile("dev".into()));
        for kind in [
            ErrorKind::NotLoggedIn,
            ErrorKind::SessionExpired,
            ErrorKind::AccessDenied,
            ErrorKind::LoginTimeout,
        ] {
            let err = Error::example_of(kind);
            assert_eq!(err.remedy().as_ref(), Some(&dev), "{kind}");
            assert_eq!(
                err.to_string(),
                format!("{}; log in to profile \"dev\" again", err.summary())
            );
        }
        // Cancelling is not fixed by logging in.
        assert_eq!(Error::example_of(ErrorKind::Cancelled).remedy(), None);
        let session = AuthError::SessionEnded {
            target: LoginTarget::Session("corp".into()),
            reason: "revoked".into(),
        };
        assert!(
            Error::from(session)
                .to_string()
                .ends_with("; log in to sso-session \"corp\" again")
        );
    }

    #[test]
    fn a_missing_profile_suggests_the_close_ones() {
        let err = Error::example_of(ErrorKind::Config);
        assert_eq!(
            err.remedy(),
            Some(Remedy::ChooseProfile {
                candidates: vec!["dev".into()]
            })
        );
        assert!(err.to_string().contains("(did you mean \"dev\"?)"), "{err}");
        assert!(
            err.to_string().ends_with("; or choose another profile"),
            "{err}"
        );
    }

    #[test]
    fn a_portal_401_is_a_session_expiry_on_every_path() {
        let unauthorized = ServiceError::from(ResponseError::new(
            "ListAccounts",
            401,
            ErrorCode::Unauthorized,
        ));
        assert_eq!(Error::from(unauthorized).kind(), ErrorKind::SessionExpired);
        let shared = |status| {
            Error::from(AuthError::RecentFailure {
                operation: "get role credentials".into(),
                failure: Box::new(crate::cache::SharedFailure {
                    pid: 1,
                    failed_at: 0,
                    retry_at: 10,
                    message: "failed".into(),
                    code: Some("UnauthorizedException".into()),
                    status,
                    refused_refresh_token: None,
                }),
            })
        };
        assert_eq!(shared(Some(401)).kind(), ErrorKind::SessionExpired);
        assert_eq!(shared(Some(500)).kind(), ErrorKind::Service);
        assert_eq!(shared(Some(500)).http_status(), Some(500));
        assert_eq!(
            shared(Some(500)).service_code(),
            Some("UnauthorizedException")
        );
        assert_eq!(shared(None).kind(), ErrorKind::Network);
    }

    #[test]
    fn the_source_chain_never_repeats_the_message() {
        use std::error::Error as _;
        for kind in ErrorKind::ALL {
            let err = Error::example_of(kind);
            let mut source = err.source();
            while let Some(e) = source {
                assert!(!err.summary().is_empty());
                assert_ne!(e.to_string(), err.summary(), "{kind}");
                source = e.source();
            }
        }
        // The not-logged-in error holds its cause in its message: not again as source.
        assert!(Error::example_of(ErrorKind::NotLoggedIn).source().is_none());
    }

    #[test]
    fn service_errors_expose_code_and_status() {
        let err = Error::example_of(ErrorKind::Service);
        assert_eq!(err.service_code(), Some("TooManyRequestsException"));
        assert_eq!(err.http_status(), Some(429));
        let net = Error::example_of(ErrorKind::Network);
        assert_eq!((net.service_code(), net.http_status()), (None, None));
    }

    #[test]
    fn each_service_answer_and_failure_has_its_kind() {
        let response =
            |code: ErrorCode| Error::from(ServiceError::from(ResponseError::new("Op", 400, code)));
        for code in ErrorCode::KNOWN {
            let want = match code {
                ErrorCode::InvalidGrant | ErrorCode::InvalidClient | ErrorCode::Unauthorized => {
                    ErrorKind::SessionExpired
                }
                ErrorCode::AccessDenied => ErrorKind::AccessDenied,
                ErrorCode::ExpiredToken => ErrorKind::LoginTimeout,
                _ => ErrorKind::Service,
            };
            let err = response(code.clone());
            assert_eq!(err.kind(), want, "{code:?}");
            assert_eq!(err.service_code(), code.as_str());
            assert_eq!(err.http_status(), Some(400));
        }
        let other = response(ErrorCode::Other(Some("NewException".into())));
        assert_eq!(other.kind(), ErrorKind::Service);
        assert_eq!(other.service_code(), Some("NewException"));
        let bare = response(ErrorCode::Other(None));
        assert_eq!(
            (bare.kind(), bare.service_code()),
            (ErrorKind::Service, None)
        );
        let refused = Error::from(ServiceError::from(TransportError {
            operation: "Op",
            endpoint: "https://example.com/".into(),
            attempts: 1,
            timed_out: false,
            reason: "Connection refused".into(),
            source: None,
        }));
        assert_eq!(refused.kind(), ErrorKind::Network);
        assert_eq!(
            (refused.service_code(), refused.http_status()),
            (None, None)
        );
    }

    #[test]
    fn without_a_terminal_a_needed_login_is_refused() {
        for kind in [ErrorKind::NotLoggedIn, ErrorKind::SessionExpired] {
            let err = Error::example_of(kind).without_terminal_for_login();
            assert!(
                matches!(err, Error::Auth(AuthError::NoTerminalForLogin { .. })),
                "{err:?}"
            );
            assert_eq!(err.kind(), ErrorKind::NotLoggedIn);
        }
        let other = Error::example_of(ErrorKind::Service).without_terminal_for_login();
        assert_eq!(other.kind(), ErrorKind::Service);
    }
}
