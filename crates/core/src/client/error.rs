//! The errors of the Identity Center client: [`ServiceError`], the service's answer
//! ([`ResponseError`] with its [`ErrorCode`]) and no answer ([`TransportError`]).
//!
//! How a failed response becomes a [`ResponseError`] is in `response.rs`; which
//! failures are retried is in `retry.rs`.

use std::error::Error as StdError;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// A call to IAM Identity Center (SSO OIDC or the SSO portal) failed.
///
/// Three sorts of failure:
/// - [`Response`](Self::Response): the service answered with an error status; the
///   [`ResponseError`] holds its [`ErrorCode`], the operation, the HTTP status, the
///   service's message and the number of attempts.
/// - [`Transport`](Self::Transport): no answer (connection refused or reset, DNS, TLS,
///   proxy, timeout); see [`TransportError`].
/// - The local failures: a response that cannot be read or holds an impossible expiry,
///   a value that cannot be sent, and the settings (endpoint, CA bundle, proxy, the
///   HTTP client itself).
///
/// Messages name the operation and, for service errors, the HTTP status, and say what
/// to do. They carry the service's own explanation (`error_description` or `message`)
/// where it sent one, but never a token, secret, device code or request body.
///
/// The accessors read any sort without a match:
///
/// ```
/// use ssokit::client::{ErrorCode, ServiceError};
///
/// fn explain(err: &ServiceError) -> &'static str {
///     match err.code() {
///         Some(ErrorCode::TooManyRequests) => "throttled: try again in a minute",
///         Some(code) if code.requires_login() => "log in again",
///         Some(_) => "Identity Center refused the request",
///         None if err.is_retryable() => "Identity Center could not be reached",
///         None => "check the settings",
///     }
/// }
/// # let _ = explain;
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// The service answered with an error status.
    #[error(transparent)]
    Response(ResponseError),
    /// No response: the connection failed (refused, reset, DNS, TLS, proxy) or timed
    /// out, on every attempt.
    #[error(transparent)]
    Transport(TransportError),
    /// A successful response that is not what the service model says.
    #[error(
        "{operation}: the response could not be read ({reason}): check that the endpoint is IAM Identity Center"
    )]
    MalformedResponse {
        /// The operation that failed.
        operation: &'static str,
        /// What is wrong, by field name only.
        reason: String,
    },
    /// A successful response with an expiry that cannot be right: zero, in the past,
    /// beyond what the service allows, or after the year 9999 (which the AWS CLI and
    /// botocore cannot read). Nothing from the response was saved.
    #[error(
        "{operation}: IAM Identity Center sent `{field}` = {sent}, {problem}: nothing was saved and the cached values were kept; check the endpoint (and this machine's clock), then try again"
    )]
    ImplausibleExpiry {
        /// The operation.
        operation: &'static str,
        /// The response member (`expiresIn`, `roleCredentials.expiration`, ...).
        field: &'static str,
        /// The value the server sent, with its unit.
        sent: String,
        /// What is wrong with it, and the limit it broke.
        problem: String,
    },
    /// A value cannot be sent as given (it is never shown).
    #[error("{operation}: the request cannot be sent: {reason}: log in again")]
    InvalidInput {
        /// The operation.
        operation: &'static str,
        /// What is wrong, without the value.
        reason: &'static str,
    },
    /// A plain-http endpoint that is not loopback.
    #[error(
        "refusing the endpoint {endpoint}: over plain http:// a token would travel in clear text; use https:// (http:// is allowed only for 127.0.0.1, ::1 and localhost)"
    )]
    InsecureEndpoint {
        /// The endpoint, without credentials or query.
        endpoint: String,
    },
    /// The endpoint is not an http(s) URL with a host.
    #[error("the endpoint `{endpoint}` is not usable ({reason}): set an https:// URL")]
    InvalidEndpoint {
        /// The endpoint as given (without credentials where it parsed).
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The CA bundle cannot be read or holds no usable certificate.
    #[error("cannot use the CA bundle {} ({reason}): fix the file, or unset AWS_CA_BUNDLE / ca_bundle", path.display())]
    CaBundle {
        /// The bundle file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The proxy named by the environment is not a usable proxy URL.
    #[error(
        "the proxy setting {variable}={value} is not usable ({reason}): set it to a URL such as http://proxy.example.com:3128, or unset it"
    )]
    InvalidProxy {
        /// The environment variable (`HTTPS_PROXY`, `ALL_PROXY`, ...).
        variable: &'static str,
        /// Its value, with any user and password replaced by `***`.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("could not set up the HTTP client ({reason})")]
    HttpClient {
        /// Why.
        reason: String,
    },
}

/// The error code of a failed response: the service's exception (or OAuth `error`)
/// that ssokit knows, or [`Other`](Self::Other).
///
/// [`as_str`](Self::as_str) gives the exception name (`InvalidGrantException`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `authorization_pending`: the user has not approved the device login yet; keep
    /// polling at the current interval.
    AuthorizationPending,
    /// `slow_down`: polling (or registering) too fast; add 5 s to the poll interval.
    SlowDown,
    /// `expired_token`: the device code expired before the user approved it.
    ExpiredToken,
    /// `access_denied`: the user declined the login, or it is not allowed.
    AccessDenied,
    /// `invalid_grant`: the refresh token (or code) is no good: the Identity Center
    /// session has ended.
    InvalidGrant,
    /// `invalid_client`: the client registration is unknown or expired.
    InvalidClient,
    /// `invalid_request` (OIDC) or `InvalidRequestException` (portal): a parameter is
    /// missing or wrong.
    InvalidRequest,
    /// `invalid_scope`: a requested scope is not allowed.
    InvalidScope,
    /// `unauthorized_client`: the client may not use this grant.
    UnauthorizedClient,
    /// `unsupported_grant_type`: the grant type is unknown to the service.
    UnsupportedGrantType,
    /// `invalid_client_metadata`: the registration request was rejected.
    InvalidClientMetadata,
    /// `invalid_redirect_uri`: the redirect URI was rejected.
    InvalidRedirectUri,
    /// `server_error`: the service failed.
    InternalServer,
    /// The portal rejected the access token: expired, revoked, or logged out
    /// elsewhere (any HTTP 401 from the portal).
    Unauthorized,
    /// The portal has no such account or role assignment for this user.
    ResourceNotFound,
    /// Throttled (`TooManyRequestsException`, or HTTP 429 without a code).
    TooManyRequests,
    /// Any other unsuccessful response, with the service's error code if it sent one.
    Other(Option<String>),
}

impl ErrorCode {
    /// Every code ssokit knows, that is all but [`Other`](Self::Other).
    pub(crate) const KNOWN: [ErrorCode; 16] = [
        Self::AuthorizationPending,
        Self::SlowDown,
        Self::ExpiredToken,
        Self::AccessDenied,
        Self::InvalidGrant,
        Self::InvalidClient,
        Self::InvalidRequest,
        Self::InvalidScope,
        Self::UnauthorizedClient,
        Self::UnsupportedGrantType,
        Self::InvalidClientMetadata,
        Self::InvalidRedirectUri,
        Self::InternalServer,
        Self::Unauthorized,
        Self::ResourceNotFound,
        Self::TooManyRequests,
    ];

    /// The service's name for the code: the exception name
    /// (`AuthorizationPendingException`, `UnauthorizedException`, ...) of a known
    /// code, the code the service sent for [`Other`](Self::Other), if any.
    pub fn as_str(&self) -> Option<&str> {
        Some(match self {
            Self::AuthorizationPending => "AuthorizationPendingException",
            Self::SlowDown => "SlowDownException",
            Self::ExpiredToken => "ExpiredTokenException",
            Self::AccessDenied => "AccessDeniedException",
            Self::InvalidGrant => "InvalidGrantException",
            Self::InvalidClient => "InvalidClientException",
            Self::InvalidRequest => "InvalidRequestException",
            Self::InvalidScope => "InvalidScopeException",
            Self::UnauthorizedClient => "UnauthorizedClientException",
            Self::UnsupportedGrantType => "UnsupportedGrantTypeException",
            Self::InvalidClientMetadata => "InvalidClientMetadataException",
            Self::InvalidRedirectUri => "InvalidRedirectUriException",
            Self::InternalServer => "InternalServerException",
            Self::Unauthorized => "UnauthorizedException",
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::TooManyRequests => "TooManyRequestsException",
            Self::Other(code) => return code.as_deref(),
        })
    }

    /// Whether the token, refresh token or client registration is no longer usable,
    /// so the user must log in again: `invalid_grant`, `invalid_client`,
    /// `expired_token` or the portal's `UnauthorizedException`.
    pub fn requires_login(&self) -> bool {
        matches!(
            self,
            Self::InvalidGrant | Self::InvalidClient | Self::ExpiredToken | Self::Unauthorized
        )
    }
}

/// IAM Identity Center answered an operation with an error status.
///
/// The message says what the [`code`](Self::code) means and what to do, with the
/// operation, the HTTP status and the service's own explanation.
#[derive(Debug)]
#[non_exhaustive]
pub struct ResponseError {
    /// What the service said went wrong.
    pub code: ErrorCode,
    /// The operation that failed (`CreateToken`, `GetRoleCredentials`, ...).
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The service's explanation, cleaned of control characters and bounded in length.
    pub message: Option<String>,
    /// How many attempts were made (more than one only for a retried 5xx or 429).
    pub attempts: u32,
    /// The server's `Retry-After` on the last attempt, when it sent one in seconds, for
    /// a server error, a throttle or an unknown code.
    pub retry_after: Option<Duration>,
}

impl ResponseError {
    /// An error response to `operation` with no message, after one attempt.
    pub(crate) fn new(operation: &'static str, status: u16, code: ErrorCode) -> Self {
        Self {
            code,
            operation,
            status,
            message: None,
            attempts: 1,
            retry_after: None,
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            operation: op,
            status,
            ..
        } = self;
        let detail = detail(&self.message);
        let (what, next) = match &self.code {
            ErrorCode::AuthorizationPending => (
                "the login has not been approved in the browser yet",
                "keep waiting",
            ),
            ErrorCode::SlowDown => (
                "IAM Identity Center asked ssokit to slow down",
                "wait longer between requests",
            ),
            ErrorCode::ExpiredToken => (
                "the login request expired before it was approved",
                "log in again and approve it in the browser sooner",
            ),
            ErrorCode::AccessDenied => (
                "access denied: the login was declined or is not allowed",
                "log in again and approve the request, or ask your administrator",
            ),
            ErrorCode::InvalidGrant => (
                "the SSO session has ended or the refresh token was revoked",
                "log in again",
            ),
            ErrorCode::InvalidClient => (
                "the registered OIDC client was rejected, it may have expired",
                "log in again to register a new client",
            ),
            ErrorCode::InvalidRequest => (
                "IAM Identity Center rejected the request as invalid",
                "check the start URL, region, account id and role name",
            ),
            ErrorCode::InvalidScope => (
                "the requested scopes are not allowed",
                "check sso_registration_scopes",
            ),
            ErrorCode::UnauthorizedClient => (
                "the registered OIDC client may not use this kind of login",
                "log in again to register a new client",
            ),
            ErrorCode::UnsupportedGrantType => (
                "IAM Identity Center does not support this grant type",
                "log in again, or use the device code flow",
            ),
            ErrorCode::InvalidClientMetadata => (
                "the client registration was rejected",
                "check the start URL and scopes",
            ),
            ErrorCode::InvalidRedirectUri => (
                "the redirect URI was rejected",
                "use the device code flow instead",
            ),
            ErrorCode::Unauthorized => (
                "the SSO token was rejected (expired, revoked or logged out elsewhere)",
                "log in again",
            ),
            ErrorCode::ResourceNotFound => (
                "no such account or role assignment for this user",
                "check sso_account_id and sso_role_name, and that you are assigned to them",
            ),
            // Retried: how many times is part of the message.
            ErrorCode::InternalServer => {
                return write!(
                    f,
                    "{op}: IAM Identity Center had an internal error (HTTP {status}){detail}, {}: try again later",
                    gave_up(self.attempts)
                );
            }
            ErrorCode::TooManyRequests => {
                return write!(
                    f,
                    "{op}: throttled by IAM Identity Center (HTTP {status}){detail}, {}: wait a minute and try again",
                    gave_up(self.attempts)
                );
            }
            ErrorCode::Other(code) => {
                let code = code
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default();
                return write!(
                    f,
                    "{op}: IAM Identity Center answered HTTP {status}{code}{detail}{}: check the endpoint and try again",
                    retried(self.attempts)
                );
            }
        };
        write!(f, "{op}: {what} (HTTP {status}){detail}: {next}")
    }
}

impl StdError for ResponseError {}

/// No response from IAM Identity Center: the connection failed (refused, reset, DNS,
/// TLS, proxy) or no complete response came within the connect or request timeout.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// The operation that failed.
    pub operation: &'static str,
    /// The endpoint, without credentials or query.
    pub endpoint: String,
    /// How many attempts were made.
    pub attempts: u32,
    /// Whether the last attempt ran out of time (rather than failing to connect).
    pub timed_out: bool,
    /// The innermost cause, e.g. "Connection refused (os error 111)".
    pub reason: String,
    /// The HTTP library's error, when there is one.
    pub source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            operation,
            endpoint,
            reason,
            ..
        } = self;
        let gave_up = gave_up(self.attempts);
        let tls_refused = self
            .source
            .as_deref()
            .is_some_and(|source| super::cause::is_tls_failure(source));
        if self.timed_out {
            write!(
                f,
                "{operation}: {endpoint} did not answer in time, {gave_up}: check the network and proxy, or try again"
            )
        } else if tls_refused {
            write!(
                f,
                "{operation}: could not reach {endpoint} ({reason}), {gave_up}: its certificate is not trusted; ssokit trusts Mozilla's root certificates plus the CA bundle (AWS_CA_BUNDLE / ca_bundle): for a private CA or a TLS-inspecting proxy, put its certificate in that bundle, else check the endpoint and proxy"
            )
        } else {
            write!(
                f,
                "{operation}: could not reach {endpoint} ({reason}), {gave_up}: check the network, proxy (HTTPS_PROXY, NO_PROXY), CA bundle and endpoint"
            )
        }
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

impl From<ResponseError> for ServiceError {
    fn from(e: ResponseError) -> Self {
        Self::Response(e)
    }
}

impl From<TransportError> for ServiceError {
    fn from(e: TransportError) -> Self {
        Self::Transport(e)
    }
}

impl ServiceError {
    /// The service's answer, when it answered with an error status.
    pub fn response(&self) -> Option<&ResponseError> {
        match self {
            Self::Response(e) => Some(e),
            _ => None,
        }
    }

    /// The error code of the service's answer, when it answered with an error status.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.response().map(|e| &e.code)
    }

    /// The service's error code as a string: the exception name
    /// (`InvalidGrantException`, `UnauthorizedException`, ...) of a known code, the
    /// code it sent for [`ErrorCode::Other`], and `None` when there was no service
    /// response or it sent no code.
    pub fn service_code(&self) -> Option<&str> {
        self.code().and_then(ErrorCode::as_str)
    }

    /// The HTTP status of the service's response, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.response().map(|e| e.status)
    }

    /// Whether the failure is this process's own set-up (its CA bundle, proxy, endpoint
    /// or HTTP client), not the service's answer or the network: another process
    /// sharing the caches, with other settings, would not fail the same way, so it is
    /// never recorded for them as a shared failure.
    pub(crate) fn is_local_setup(&self) -> bool {
        matches!(
            self,
            Self::InsecureEndpoint { .. }
                | Self::InvalidEndpoint { .. }
                | Self::CaBundle { .. }
                | Self::InvalidProxy { .. }
                | Self::HttpClient { .. }
        )
    }

    /// The operation that failed, when the error is about one call (not the settings).
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Self::Response(ResponseError { operation, .. })
            | Self::Transport(TransportError { operation, .. })
            | Self::MalformedResponse { operation, .. }
            | Self::ImplausibleExpiry { operation, .. }
            | Self::InvalidInput { operation, .. } => Some(*operation),
            Self::InsecureEndpoint { .. }
            | Self::InvalidEndpoint { .. }
            | Self::CaBundle { .. }
            | Self::InvalidProxy { .. }
            | Self::HttpClient { .. } => None,
        }
    }

    /// How many attempts were made, for a service answer or a failed connection.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Self::Response(e) => Some(e.attempts),
            Self::Transport(e) => Some(e.attempts),
            _ => None,
        }
    }

    /// Whether the token, refresh token or client registration is no longer usable,
    /// so the user must log in again: see [`ErrorCode::requires_login`].
    pub fn requires_login(&self) -> bool {
        self.code().is_some_and(ErrorCode::requires_login)
    }

    /// The server's `Retry-After` hint on the last attempt of a 5xx or 429 answer (or
    /// one with an unknown code), when it sent one in seconds.
    pub fn retry_after(&self) -> Option<Duration> {
        self.response().and_then(|e| e.retry_after)
    }
}

/// `: <message>` or nothing.
fn detail(message: &Option<String>) -> String {
    message
        .as_deref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

/// "gave up after 1 attempt" / "gave up after 4 attempts".
fn gave_up(attempts: u32) -> String {
    if attempts == 1 {
        "gave up after 1 attempt".to_owned()
    } else {
        format!("gave up after {attempts} attempts")
    }
}

/// ", after N attempts" when there were retries.
fn retried(attempts: u32) -> String {
    if attempts > 1 {
        format!(", {}", gave_up(attempts))
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(code: ErrorCode, message: Option<&str>, attempts: u32) -> ServiceError {
        ResponseError {
            message: message.map(str::to_owned),
            attempts,
            ..ResponseError::new("CreateToken", 400, code)
        }
        .into()
    }

    #[test]
    fn each_code_says_what_happened_and_what_to_do() {
        let cases = [
            (
                ErrorCode::AuthorizationPending,
                "CreateToken: the login has not been approved in the browser yet (HTTP 400): keep waiting",
            ),
            (
                ErrorCode::SlowDown,
                "CreateToken: IAM Identity Center asked ssokit to slow down (HTTP 400): wait longer between requests",
            ),
            (
                ErrorCode::ExpiredToken,
                "CreateToken: the login request expired before it was approved (HTTP 400): log in again and approve it in the browser sooner",
            ),
            (
                ErrorCode::AccessDenied,
                "CreateToken: access denied: the login was declined or is not allowed (HTTP 400): log in again and approve the request, or ask your administrator",
            ),
            (
                ErrorCode::InvalidGrant,
                "CreateToken: the SSO session has ended or the refresh token was revoked (HTTP 400): log in again",
            ),
            (
                ErrorCode::InvalidClient,
                "CreateToken: the registered OIDC client was rejected, it may have expired (HTTP 400): log in again to register a new client",
            ),
            (
                ErrorCode::InvalidRequest,
                "CreateToken: IAM Identity Center rejected the request as invalid (HTTP 400): check the start URL, region, account id and role name",
            ),
            (
                ErrorCode::InvalidScope,
                "CreateToken: the requested scopes are not allowed (HTTP 400): check sso_registration_scopes",
            ),
            (
                ErrorCode::UnauthorizedClient,
                "CreateToken: the registered OIDC client may not use this kind of login (HTTP 400): log in again to register a new client",
            ),
            (
                ErrorCode::UnsupportedGrantType,
                "CreateToken: IAM Identity Center does not support this grant type (HTTP 400): log in again, or use the device code flow",
            ),
            (
                ErrorCode::InvalidClientMetadata,
                "CreateToken: the client registration was rejected (HTTP 400): check the start URL and scopes",
            ),
            (
                ErrorCode::InvalidRedirectUri,
                "CreateToken: the redirect URI was rejected (HTTP 400): use the device code flow instead",
            ),
            (
                ErrorCode::InternalServer,
                "CreateToken: IAM Identity Center had an internal error (HTTP 400), gave up after 1 attempt: try again later",
            ),
            (
                ErrorCode::Unauthorized,
                "CreateToken: the SSO token was rejected (expired, revoked or logged out elsewhere) (HTTP 400): log in again",
            ),
            (
                ErrorCode::ResourceNotFound,
                "CreateToken: no such account or role assignment for this user (HTTP 400): check sso_account_id and sso_role_name, and that you are assigned to them",
            ),
            (
                ErrorCode::TooManyRequests,
                "CreateToken: throttled by IAM Identity Center (HTTP 400), gave up after 1 attempt: wait a minute and try again",
            ),
            (
                ErrorCode::Other(Some("TeapotException".into())),
                "CreateToken: IAM Identity Center answered HTTP 400 (TeapotException): check the endpoint and try again",
            ),
            (
                ErrorCode::Other(None),
                "CreateToken: IAM Identity Center answered HTTP 400: check the endpoint and try again",
            ),
        ];
        assert_eq!(cases.len(), ErrorCode::KNOWN.len() + 2);
        for (code, want) in cases {
            assert_eq!(response(code.clone(), None, 1).to_string(), want);
            // The service's explanation goes after the status.
            let with_message = response(code.clone(), Some("the reason"), 1).to_string();
            assert!(
                with_message.contains("HTTP 400") && with_message.contains(": the reason"),
                "{with_message}"
            );
            let e = response(code.clone(), None, 1);
            assert_eq!(e.code(), Some(&code));
            assert_eq!(e.status(), Some(400));
            assert_eq!(e.operation(), Some("CreateToken"));
            assert_eq!(e.attempts(), Some(1));
            assert_eq!(e.service_code(), code.as_str());
        }
    }

    #[test]
    fn retried_answers_say_how_often() {
        let e = response(ErrorCode::InternalServer, Some("boom"), 4);
        assert_eq!(
            e.to_string(),
            "CreateToken: IAM Identity Center had an internal error (HTTP 400): boom, gave up after 4 attempts: try again later"
        );
        let e = response(ErrorCode::Other(None), Some("boom"), 3);
        assert_eq!(
            e.to_string(),
            "CreateToken: IAM Identity Center answered HTTP 400: boom, gave up after 3 attempts: check the endpoint and try again"
        );
        // A final answer is not said to be retried.
        let e = response(ErrorCode::InvalidGrant, None, 1);
        assert!(!e.to_string().contains("attempt"), "{e}");
    }

    #[test]
    fn requires_login_for_the_codes_a_login_fixes() {
        for code in ErrorCode::KNOWN {
            let want = matches!(
                code,
                ErrorCode::InvalidGrant
                    | ErrorCode::InvalidClient
                    | ErrorCode::ExpiredToken
                    | ErrorCode::Unauthorized
            );
            assert_eq!(code.requires_login(), want, "{code:?}");
            assert_eq!(response(code.clone(), None, 1).requires_login(), want);
        }
        assert!(!ErrorCode::Other(Some("InvalidGrant".into())).requires_login());
    }

    fn transport(timed_out: bool) -> TransportError {
        TransportError {
            operation: "GetRoleCredentials",
            endpoint: "https://portal.sso.us-east-1.amazonaws.com/".into(),
            attempts: 2,
            timed_out,
            reason: "Connection refused (os error 111)".into(),
            source: (!timed_out).then(|| {
                Box::new(std::io::Error::new(
                    std::io::ErrorKind::ConnectionRefused,
                    "Connection refused (os error 111)",
                )) as _
            }),
        }
    }

    #[test]
    fn no_answer_says_where_and_what_to_check() {
        let e = ServiceError::from(transport(false));
        assert_eq!(
            e.to_string(),
            "GetRoleCredentials: could not reach https://portal.sso.us-east-1.amazonaws.com/ (Connection refused (os error 111)), gave up after 2 attempts: check the network, proxy (HTTPS_PROXY, NO_PROXY), CA bundle and endpoint"
        );
        assert!(std::error::Error::source(&e).is_some());
        let e = ServiceError::from(transport(true));
        assert_eq!(
            e.to_string(),
            "GetRoleCredentials: https://portal.sso.us-east-1.amazonaws.com/ did not answer in time, gave up after 2 attempts: check the network and proxy, or try again"
        );
        assert!(std::error::Error::source(&e).is_none());
        assert_eq!((e.code(), e.status(), e.service_code()), (None, None, None));
        assert_eq!(e.attempts(), Some(2));
        assert_eq!(e.operation(), Some("GetRoleCredentials"));
        assert!(!e.requires_login());
    }

    #[test]
    fn local_failures_have_no_status_or_code() {
        let errors = [
            ServiceError::MalformedResponse {
                operation: "ListAccounts",
                reason: "`accountList` is not a list".into(),
            },
            ServiceError::InvalidInput {
                operation: "GetRoleCredentials",
                reason: "the access token holds characters not allowed in an HTTP header",
            },
            ServiceError::InsecureEndpoint {
                endpoint: "http://example.com/".into(),
            },
            ServiceError::HttpClient {
                reason: "no TLS backend".into(),
            },
        ];
        for e in errors {
            assert_eq!(
                (e.code(), e.status(), e.attempts(), e.retry_after()),
                (None, None, None, None),
                "{e}"
            );
            assert!(!e.requires_login() && !e.is_retryable(), "{e}");
        }
    }
}
