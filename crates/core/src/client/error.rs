//! The errors of the Identity Center client, and how a failed response is classified.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

/// The longest service message kept in an error, in characters.
const MAX_MESSAGE_CHARS: usize = 512;

/// A call to IAM Identity Center (SSO OIDC or the SSO portal) failed.
///
/// Messages name the operation and, for service errors, the HTTP status, and say what
/// to do. They carry the service's own explanation (`error_description` or `message`)
/// where it sent one, but never a token, secret, device code or request body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// `authorization_pending`: the user has not approved the device login yet; keep
    /// polling at the current interval.
    #[error("{operation}: the login has not been approved in the browser yet (HTTP {status}){}: keep waiting", detail(.message))]
    AuthorizationPending {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `slow_down`: polling (or registering) too fast; add 5 s to the poll interval.
    #[error("{operation}: IAM Identity Center asked ssokit to slow down (HTTP {status}){}: wait longer between requests", detail(.message))]
    SlowDown {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `expired_token`: the device code expired before the user approved it.
    #[error("{operation}: the login request expired before it was approved (HTTP {status}){}: log in again and approve it in the browser sooner", detail(.message))]
    ExpiredToken {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `access_denied`: the user declined the login, or it is not allowed.
    #[error("{operation}: access denied: the login was declined or is not allowed (HTTP {status}){}: log in again and approve the request, or ask your administrator", detail(.message))]
    AccessDenied {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `invalid_grant`: the refresh token (or code) is no good: the Identity Center
    /// session has ended.
    #[error("{operation}: the SSO session has ended or the refresh token was revoked (HTTP {status}){}: log in again", detail(.message))]
    InvalidGrant {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `invalid_client`: the client registration is unknown or expired.
    #[error("{operation}: the registered OIDC client was rejected, it may have expired (HTTP {status}){}: log in again to register a new client", detail(.message))]
    InvalidClient {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `invalid_request` (OIDC) or `InvalidRequestException` (portal): a parameter is
    /// missing or wrong.
    #[error("{operation}: IAM Identity Center rejected the request as invalid (HTTP {status}){}: check the start URL, region, account id and role name", detail(.message))]
    InvalidRequest {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `invalid_scope`: a requested scope is not allowed.
    #[error("{operation}: the requested scopes are not allowed (HTTP {status}){}: check sso_registration_scopes", detail(.message))]
    InvalidScope {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `unauthorized_client`: the client may not use this grant.
    #[error("{operation}: the registered OIDC client may not use this kind of login (HTTP {status}){}: log in again to register a new client", detail(.message))]
    UnauthorizedClient {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `unsupported_grant_type`: the grant type is unknown to the service.
    #[error("{operation}: IAM Identity Center does not support this grant type (HTTP {status}){}: log in again, or use the device code flow", detail(.message))]
    UnsupportedGrantType {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `invalid_client_metadata`: the registration request was rejected.
    #[error("{operation}: the client registration was rejected (HTTP {status}){}: check the start URL and scopes", detail(.message))]
    InvalidClientMetadata {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `invalid_redirect_uri`: the redirect URI was rejected.
    #[error("{operation}: the redirect URI was rejected (HTTP {status}){}: use the device code flow instead", detail(.message))]
    InvalidRedirectUri {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// `server_error`: the service failed, on every attempt.
    #[error("{operation}: IAM Identity Center had an internal error (HTTP {status}){}, {}: try again later", detail(.message), gave_up(*.attempts))]
    InternalServer {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
        /// How many attempts were made.
        attempts: u32,
        /// The server's `Retry-After` on the last attempt, if it sent one.
        retry_after: Option<Duration>,
    },
    /// The portal rejected the access token: expired, revoked, or logged out elsewhere.
    #[error("{operation}: the SSO token was rejected (expired, revoked or logged out elsewhere) (HTTP {status}){}: log in again", detail(.message))]
    Unauthorized {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// The portal has no such account or role assignment for this user.
    #[error("{operation}: no such account or role assignment for this user (HTTP {status}){}: check sso_account_id and sso_role_name, and that you are assigned to them", detail(.message))]
    ResourceNotFound {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
    },
    /// Throttled (HTTP 429) on every attempt.
    #[error("{operation}: throttled by IAM Identity Center (HTTP {status}){}, {}: wait a minute and try again", detail(.message), gave_up(*.attempts))]
    TooManyRequests {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's explanation.
        message: Option<String>,
        /// How many attempts were made.
        attempts: u32,
        /// The server's `Retry-After` on the last attempt, if it sent one.
        retry_after: Option<Duration>,
    },
    /// Any other unsuccessful response.
    #[error("{operation}: IAM Identity Center answered HTTP {status}{}{}{}: check the endpoint and try again", code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default(), detail(.message), retried(*.attempts))]
    Other {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The service's error code, if it sent one.
        code: Option<String>,
        /// The service's explanation.
        message: Option<String>,
        /// How many attempts were made.
        attempts: u32,
        /// The server's `Retry-After` on the last attempt, if it sent one.
        retry_after: Option<Duration>,
    },
    /// No response: the connection failed (refused, reset, DNS, TLS, proxy).
    #[error("{operation}: could not reach {endpoint} ({reason}), {}: check the network, proxy (HTTPS_PROXY, NO_PROXY), CA bundle and endpoint", gave_up(*.attempts))]
    Transport {
        /// The operation that failed.
        operation: &'static str,
        /// The endpoint, without credentials or query.
        endpoint: String,
        /// The innermost cause, e.g. "Connection refused (os error 111)".
        reason: String,
        /// How many attempts were made.
        attempts: u32,
        /// The HTTP library's error.
        #[source]
        source: crate::transport::SendError,
    },
    /// No complete response within the connect or request timeout.
    #[error("{operation}: {endpoint} did not answer in time, {}: check the network and proxy, or try again", gave_up(*.attempts))]
    Timeout {
        /// The operation that failed.
        operation: &'static str,
        /// The endpoint, without credentials or query.
        endpoint: String,
        /// How many attempts were made.
        attempts: u32,
    },
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

/// Which service answered: the meaning of a bare status differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// SSO OIDC.
    Oidc,
    /// The SSO portal.
    Portal,
}

/// The typed errors a service response can map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    AccessDenied,
    InvalidGrant,
    InvalidClient,
    InvalidRequest,
    InvalidScope,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidClientMetadata,
    InvalidRedirectUri,
    InternalServer,
    Unauthorized,
    ResourceNotFound,
    TooManyRequests,
}

/// Each kind's exception name and OAuth code.
const NAMES: [(Kind, &str, Option<&str>); 16] = [
    (
        Kind::AuthorizationPending,
        "AuthorizationPendingException",
        Some("authorization_pending"),
    ),
    (Kind::SlowDown, "SlowDownException", Some("slow_down")),
    (
        Kind::ExpiredToken,
        "ExpiredTokenException",
        Some("expired_token"),
    ),
    (
        Kind::AccessDenied,
        "AccessDeniedException",
        Some("access_denied"),
    ),
    (
        Kind::InvalidGrant,
        "InvalidGrantException",
        Some("invalid_grant"),
    ),
    (
        Kind::InvalidClient,
        "InvalidClientException",
        Some("invalid_client"),
    ),
    (
        Kind::InvalidRequest,
        "InvalidRequestException",
        Some("invalid_request"),
    ),
    (
        Kind::InvalidScope,
        "InvalidScopeException",
        Some("invalid_scope"),
    ),
    (
        Kind::UnauthorizedClient,
        "UnauthorizedClientException",
        Some("unauthorized_client"),
    ),
    (
        Kind::UnsupportedGrantType,
        "UnsupportedGrantTypeException",
        Some("unsupported_grant_type"),
    ),
    (
        Kind::InvalidClientMetadata,
        "InvalidClientMetadataException",
        Some("invalid_client_metadata"),
    ),
    (
        Kind::InvalidRedirectUri,
        "InvalidRedirectUriException",
        Some("invalid_redirect_uri"),
    ),
    (
        Kind::InternalServer,
        "InternalServerException",
        Some("server_error"),
    ),
    (Kind::Unauthorized, "UnauthorizedException", None),
    (Kind::ResourceNotFound, "ResourceNotFoundException", None),
    (Kind::TooManyRequests, "TooManyRequestsException", None),
];

impl Kind {
    /// The kind named by an exception name (with or without `Exception`) or an OAuth
    /// code.
    fn from_code(code: &str) -> Option<Self> {
        NAMES.iter().find_map(|(kind, name, oauth)| {
            let bare = name.trim_end_matches("Exception");
            (code == *name || code == bare || Some(code) == *oauth).then_some(*kind)
        })
    }

    fn name(self) -> &'static str {
        NAMES
            .iter()
            .find_map(|(kind, name, _)| (*kind == self).then_some(*name))
            .unwrap_or("UnknownException")
    }
}

/// Reduces `ns#Name:uri` (header form) or `ns#Name` (`__type` form) to `Name`.
pub(crate) fn bare_code(raw: &str) -> Option<&str> {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let name = before_colon
        .rsplit('#')
        .next()
        .unwrap_or(before_colon)
        .trim();
    // An error code is an identifier: anything else (terminal controls, a megabyte of
    // text) is not one, and is never printed or stored as one.
    let plausible = !name.is_empty()
        && name.len() <= MAX_CODE_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    plausible.then_some(name)
}

/// The longest error code taken from a response.
const MAX_CODE_CHARS: usize = 128;

/// The error code of a failed response: the `x-amzn-ErrorType` header, else the body's
/// `error` (OAuth code), else its `__type`, else its `code`.
pub(crate) fn error_code(header: Option<&str>, body: Option<&Value>) -> Option<String> {
    let from_body = |key: &str| {
        body.and_then(|b| b.get(key))
            .and_then(Value::as_str)
            .and_then(bare_code)
            .map(str::to_owned)
    };
    header
        .and_then(bare_code)
        .map(str::to_owned)
        .or_else(|| from_body("error"))
        .or_else(|| from_body("__type"))
        .or_else(|| from_body("code"))
}

/// The service's explanation: `error_description`, else `message` / `Message`, trimmed
/// to printable text of bounded length.
pub(crate) fn error_message(body: Option<&Value>) -> Option<String> {
    let body = body?;
    let text = ["error_description", "message", "Message"]
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_str))?;
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_MESSAGE_CHARS)
        .collect();
    let clean = clean.trim().to_owned();
    (!clean.is_empty()).then_some(clean)
}

/// Builds the error for an unsuccessful response.
pub(crate) fn from_response(
    service: Service,
    operation: &'static str,
    status: u16,
    header: Option<&str>,
    body: Option<&Value>,
    attempts: u32,
) -> ServiceError {
    let code = error_code(header, body);
    let message = error_message(body);
    // The portal answers only with its own exceptions (its model lists
    // UnauthorizedException, ResourceNotFoundException, TooManyRequestsException and
    // InvalidRequestException); an OIDC code from it is not what it seems.
    let from_code = code.as_deref().and_then(Kind::from_code).filter(|k| {
        service == Service::Oidc
            || matches!(
                k,
                Kind::Unauthorized
                    | Kind::ResourceNotFound
                    | Kind::TooManyRequests
                    | Kind::InvalidRequest
            )
    });
    let kind = match (service, status) {
        // A 401 from the portal is a rejected token, whatever the code says.
        (Service::Portal, 401) => Some(Kind::Unauthorized),
        // Without a code, the status alone is unambiguous for a few responses.
        _ => from_code.or(match (service, status) {
            (_, 429) => Some(Kind::TooManyRequests),
            (Service::Portal, 404) => Some(Kind::ResourceNotFound),
            _ => None,
        }),
    };
    let Some(kind) = kind else {
        return ServiceError::Other {
            operation,
            status,
            code,
            message,
            attempts,
            retry_after: None,
        };
    };
    use ServiceError as E;
    match kind {
        Kind::AuthorizationPending => E::AuthorizationPending {
            operation,
            status,
            message,
        },
        Kind::SlowDown => E::SlowDown {
            operation,
            status,
            message,
        },
        Kind::ExpiredToken => E::ExpiredToken {
            operation,
            status,
            message,
        },
        Kind::AccessDenied => E::AccessDenied {
            operation,
            status,
            message,
        },
        Kind::InvalidGrant => E::InvalidGrant {
            operation,
            status,
            message,
        },
        Kind::InvalidClient => E::InvalidClient {
            operation,
            status,
            message,
        },
        Kind::InvalidRequest => E::InvalidRequest {
            operation,
            status,
            message,
        },
        Kind::InvalidScope => E::InvalidScope {
            operation,
            status,
            message,
        },
        Kind::UnauthorizedClient => E::UnauthorizedClient {
            operation,
            status,
            message,
        },
        Kind::UnsupportedGrantType => E::UnsupportedGrantType {
            operation,
            status,
            message,
        },
        Kind::InvalidClientMetadata => E::InvalidClientMetadata {
            operation,
            status,
            message,
        },
        Kind::InvalidRedirectUri => E::InvalidRedirectUri {
            operation,
            status,
            message,
        },
        Kind::InternalServer => E::InternalServer {
            operation,
            status,
            message,
            attempts,
            retry_after: None,
        },
        Kind::Unauthorized => E::Unauthorized {
            operation,
            status,
            message,
        },
        Kind::ResourceNotFound => E::ResourceNotFound {
            operation,
            status,
            message,
        },
        Kind::TooManyRequests => E::TooManyRequests {
            operation,
            status,
            message,
            attempts,
            retry_after: None,
        },
    }
}

/// Whether an unsuccessful status is worth another attempt: 5xx and 429.
pub(crate) fn status_is_retryable(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

impl ServiceError {
    /// The service's error code: the exception name (`InvalidGrantException`,
    /// `UnauthorizedException`, ...) for a typed service error, the code it sent for
    /// [`Other`](Self::Other), and `None` when there was no service response.
    pub fn code(&self) -> Option<&str> {
        let kind = match self {
            Self::AuthorizationPending { .. } => Kind::AuthorizationPending,
            Self::SlowDown { .. } => Kind::SlowDown,
            Self::ExpiredToken { .. } => Kind::ExpiredToken,
            Self::AccessDenied { .. } => Kind::AccessDenied,
            Self::InvalidGrant { .. } => Kind::InvalidGrant,
            Self::InvalidClient { .. } => Kind::InvalidClient,
            Self::InvalidRequest { .. } => Kind::InvalidRequest,
            Self::InvalidScope { .. } => Kind::InvalidScope,
            Self::UnauthorizedClient { .. } => Kind::UnauthorizedClient,
            Self::UnsupportedGrantType { .. } => Kind::UnsupportedGrantType,
            Self::InvalidClientMetadata { .. } => Kind::InvalidClientMetadata,
            Self::InvalidRedirectUri { .. } => Kind::InvalidRedirectUri,
            Self::InternalServer { .. } => Kind::InternalServer,
            Self::Unauthorized { .. } => Kind::Unauthorized,
            Self::ResourceNotFound { .. } => Kind::ResourceNotFound,
            Self::TooManyRequests { .. } => Kind::TooManyRequests,
            Self::Other { code, .. } => return code.as_deref(),
            _ => return None,
        };
        Some(kind.name())
    }

    /// The HTTP status of the service's response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::AuthorizationPending { status, .. }
            | Self::SlowDown { status, .. }
            | Self::ExpiredToken { status, .. }
            | Self::AccessDenied { status, .. }
            | Self::InvalidGrant { status, .. }
            | Self::InvalidClient { status, .. }
            | Self::InvalidRequest { status, .. }
            | Self::InvalidScope { status, .. }
            | Self::UnauthorizedClient { status, .. }
            | Self::UnsupportedGrantType { status, .. }
            | Self::InvalidClientMetadata { status, .. }
            | Self::InvalidRedirectUri { status, .. }
            | Self::InternalServer { status, .. }
            | Self::Unauthorized { status, .. }
            | Self::ResourceNotFound { status, .. }
            | Self::TooManyRequests { status, .. }
            | Self::Other { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the failure is transient — a 5xx, a 429, a connection failure or a
    /// timeout — so the same request may succeed later. These are the failures the
    /// client itself retries; when one comes back, the retries ran out.
    ///
    /// The device-flow signals `authorization_pending` and `slow_down` are not
    /// "retryable" in this sense: the login's poll loop handles them.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::InternalServer { .. } | Self::TooManyRequests { .. } | Self::Timeout { .. } => {
                true
            }
            // A refused certificate or TLS handshake gets the same answer again.
            Self::Transport { source, .. } => !super::cause::is_tls_failure(source),
            Self::Other { status, .. } => status_is_retryable(*status),
            _ => false,
        }
    }

    /// Whether the token, refresh token or client registration is no longer usable,
    /// so the user must log in again: `invalid_grant`, `invalid_client`,
    /// `expired_token` or the portal's `UnauthorizedException`.
    pub fn requires_login(&self) -> bool {
        matches!(
            self,
            Self::InvalidGrant { .. }
                | Self::InvalidClient { .. }
                | Self::ExpiredToken { .. }
                | Self::Unauthorized { .. }
        )
    }

    /// The server's `Retry-After` hint on the last attempt of a 5xx or 429 answer,
    /// when it sent one in seconds.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::InternalServer { retry_after, .. }
            | Self::TooManyRequests { retry_after, .. }
            | Self::Other { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Records the server's `Retry-After` hint on the errors that can carry one.
    pub(crate) fn with_retry_after(mut self, hint: Option<Duration>) -> Self {
        if let Self::InternalServer { retry_after, .. }
        | Self::TooManyRequests { retry_after, .. }
        | Self::Other { retry_after, .. } = &mut self
        {
            *retry_after = hint;
        }
        self
    }

    /// The number of attempts behind a retryable failure, when it was counted.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Self::InternalServer { attempts, .. }
            | Self::TooManyRequests { attempts, .. }
            | Self::Other { attempts, .. }
            | Self::Transport { attempts, .. }
            | Self::Timeout { attempts, .. } => Some(*attempts),
            _ => None,
        }
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
    use serde_json::json;

    use super::*;

    #[test]
    fn bare_code_strips_namespace_and_uri() {
        let cases = [
            (
                "AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/",
                Some("AuthorizationPendingException"),
            ),
            (
                "com.amazonaws.sso#UnauthorizedException",
                Some("UnauthorizedException"),
            ),
            ("aws.proto#FooError:http://x/#y", Some("FooError")),
            ("TooManyRequestsException", Some("TooManyRequestsException")),
            ("", None),
            (":http://x", None),
            ("\u{1b}]52;c;aGk=\u{7}", None),
            ("Bad Code", None),
        ];
        assert_eq!(bare_code(&"E".repeat(129)), None);
        assert_eq!(bare_code(&"E".repeat(128)), Some("E".repeat(128).as_str()));
        for (raw, want) in cases {
            assert_eq!(bare_code(raw), want, "{raw}");
        }
    }

    #[test]
    fn header_wins_then_error_then_type() {
        let body = json!({"error": "slow_down", "__type": "x#InvalidGrantException"});
        assert_eq!(
            error_code(Some("ExpiredTokenException:uri"), Some(&body)).as_deref(),
            Some("ExpiredTokenException")
        );
        assert_eq!(error_code(None, Some(&body)).as_deref(), Some("slow_down"));
        let body = json!({"__type": "x#InvalidGrantException", "message": "m"});
        assert_eq!(
            error_code(None, Some(&body)).as_deref(),
            Some("InvalidGrantException")
        );
        assert_eq!(error_code(None, None), None);
        assert_eq!(error_code(Some(""), Some(&json!({"error": 3}))), None);
    }

    #[test]
    fn every_name_and_oauth_code_maps_to_its_variant() {
        for (kind, name, oauth) in NAMES {
            let via_name = from_response(
                Service::Oidc,
                "Op",
                400,
                Some(&format!("{name}:uri")),
                None,
                1,
            );
            assert_eq!(via_name.code(), Some(name), "{kind:?}");
            let bare = name.trim_end_matches("Exception");
            let via_bare = from_response(
                Service::Oidc,
                "Op",
                400,
                None,
                Some(&json!({"__type": bare})),
                1,
            );
            assert_eq!(via_bare.code(), Some(name), "{kind:?}");
            if let Some(oauth) = oauth {
                let via_oauth = from_response(
                    Service::Oidc,
                    "Op",
                    400,
                    None,
                    Some(&json!({"error": oauth})),
                    1,
                );
                assert_eq!(via_oauth.code(), Some(name), "{kind:?}");
            }
        }
    }

    #[test]
    fn unknown_codes_are_other_and_429_without_code_is_throttling() {
        let e = from_response(
            Service::Oidc,
            "ListAccounts",
            418,
            Some("TeapotException"),
            None,
            1,
        );
        assert!(matches!(e, ServiceError::Other { status: 418, .. }));
        assert_eq!(e.code(), Some("TeapotException"));
        assert!(!e.is_retryable());
        let e = from_response(Service::Portal, "ListAccounts", 429, None, None, 3);
        assert!(matches!(
            e,
            ServiceError::TooManyRequests { attempts: 3, .. }
        ));
        assert!(e.is_retryable());
        assert!(e.to_string().contains("gave up after 3 attempts"), "{e}");
        let e = from_response(Service::Oidc, "ListAccounts", 503, None, None, 4);
        assert!(e.is_retryable());
        assert!(e.to_string().contains("HTTP 503"), "{e}");
        assert!(e.to_string().contains("4 attempts"), "{e}");
        let e = from_response(Service::Portal, "Logout", 401, None, None, 1);
        assert!(matches!(e, ServiceError::Unauthorized { .. }), "{e:?}");
        // A portal 401 is a rejected token whatever code it carries, and OIDC codes
        // from the portal are not OIDC errors.
        for code in [
            "SomethingNewException",
            "ExpiredTokenException",
            "AccessDeniedException",
        ] {
            let e = from_response(Service::Portal, "ListAccounts", 401, Some(code), None, 1);
            assert!(
                matches!(e, ServiceError::Unauthorized { .. }),
                "{code}: {e:?}"
            );
        }
        let e = from_response(
            Service::Portal,
            "ListAccounts",
            403,
            Some("AccessDeniedException"),
            None,
            1,
        );
        assert!(matches!(e, ServiceError::Other { .. }), "{e:?}");
        let e = from_response(Service::Oidc, "CreateToken", 401, None, None, 1);
        assert!(matches!(e, ServiceError::Other { .. }), "{e:?}");
    }

    #[test]
    fn message_comes_from_description_or_message_and_is_cleaned() {
        let body = json!({"error_description": "  Authorization is\nstill pending "});
        assert_eq!(
            error_message(Some(&body)).as_deref(),
            Some("Authorization is still pending")
        );
        let body = json!({"message": "Session token not found or invalid"});
        assert_eq!(
            error_message(Some(&body)).as_deref(),
            Some("Session token not found or invalid")
        );
        let long = "x".repeat(5000);
        let got = error_message(Some(&json!({"message": long}))).unwrap_or_default();
        assert_eq!(got.chars().count(), MAX_MESSAGE_CHARS);
        assert_eq!(error_message(Some(&json!({"message": "  "}))), None);
    }

    #[test]
    fn messages_name_operation_status_and_what_to_do() {
        let e = from_response(
            Service::Oidc,
            "CreateToken",
            400,
            Some("InvalidGrantException"),
            None,
            1,
        );
        let text = e.to_string();
        assert!(text.starts_with("CreateToken: "), "{text}");
        assert!(text.contains("HTTP 400"), "{text}");
        assert!(text.contains("log in again"), "{text}");
        assert!(e.requires_login());
        let e = from_response(
            Service::Portal,
            "GetRoleCredentials",
            401,
            Some("UnauthorizedException"),
            Some(&json!({"message": "Session token not found or invalid"})),
            1,
        );
        let text = e.to_string();
        assert!(
            text.contains("expired, revoked or logged out elsewhere"),
            "{text}"
        );
        assert!(
            text.contains("Session token not found or invalid"),
            "{text}"
        );
        assert!(e.requires_login());
    }
}
