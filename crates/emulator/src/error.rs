//! The services' error responses (exactly as Identity Center sends them) and the
//! library's own errors.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::config::ConfigError;

/// The header naming the error of a failed response.
pub(crate) const ERROR_TYPE_HEADER: &str = "x-amzn-ErrorType";
const OIDC_NAMESPACE: &str = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";
const PORTAL_NAMESPACE: &str = "http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/";

/// The error code of a failed response, kept in the response's extensions for the
/// request log.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoggedError(pub(crate) &'static str);

/// An SSO OIDC error: `{"error", "error_description"}` with the exception name in
/// `x-amzn-ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OidcErrorKind {
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
    /// Injected throttling (the service model has no OIDC 429 error; this is the
    /// generic AWS throttling name, which SDKs retry).
    Throttling,
}

impl OidcErrorKind {
    /// The exception name, the OAuth code and the HTTP status.
    fn parts(self) -> (&'static str, &'static str, StatusCode) {
        use OidcErrorKind as K;
        let bad = StatusCode::BAD_REQUEST;
        match self {
            K::AuthorizationPending => (
                "AuthorizationPendingException",
                "authorization_pending",
                bad,
            ),
            K::SlowDown => ("SlowDownException", "slow_down", bad),
            K::ExpiredToken => ("ExpiredTokenException", "expired_token", bad),
            K::AccessDenied => ("AccessDeniedException", "access_denied", bad),
            K::InvalidGrant => ("InvalidGrantException", "invalid_grant", bad),
            K::InvalidClient => (
                "InvalidClientException",
                "invalid_client",
                StatusCode::UNAUTHORIZED,
            ),
            K::InvalidRequest => ("InvalidRequestException", "invalid_request", bad),
            K::InvalidScope => ("InvalidScopeException", "invalid_scope", bad),
            K::UnauthorizedClient => ("UnauthorizedClientException", "unauthorized_client", bad),
            K::UnsupportedGrantType => (
                "UnsupportedGrantTypeException",
                "unsupported_grant_type",
                bad,
            ),
            K::InvalidClientMetadata => (
                "InvalidClientMetadataException",
                "invalid_client_metadata",
                bad,
            ),
            K::InvalidRedirectUri => ("InvalidRedirectUriException", "invalid_redirect_uri", bad),
            K::InternalServer => (
                "InternalServerException",
                "server_error",
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
            K::Throttling => (
                "ThrottlingException",
                "slow_down",
                StatusCode::TOO_MANY_REQUESTS,
            ),
        }
    }
}

/// An SSO OIDC error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OidcError {
    pub(crate) kind: OidcErrorKind,
    pub(crate) description: String,
    /// Overrides the kind's status (injected faults).
    pub(crate) status: Option<StatusCode>,
}

impl OidcError {
    pub(crate) fn new(kind: OidcErrorKind, description: impl Into<String>) -> Self {
        Self {
            kind,
            description: description.into(),
            status: None,
        }
    }

    pub(crate) fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(OidcErrorKind::InvalidRequest, description)
    }

    pub(crate) fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(OidcErrorKind::InvalidGrant, description)
    }

    pub(crate) fn invalid_client() -> Self {
        Self::new(
            OidcErrorKind::InvalidClient,
            "Invalid client: the client is unknown, its secret is wrong, or its registration expired",
        )
    }

    /// The error an injected failure with `status` produces.
    pub(crate) fn for_status(status: StatusCode) -> Self {
        let kind = match status.as_u16() {
            401 => OidcErrorKind::InvalidClient,
            429 => OidcErrorKind::Throttling,
            400..=499 => OidcErrorKind::InvalidRequest,
            _ => OidcErrorKind::InternalServer,
        };
        Self {
            status: Some(status),
            ..Self::new(kind, format!("Injected fault (HTTP {})", status.as_u16()))
        }
    }
}

impl IntoResponse for OidcError {
    fn into_response(self) -> Response {
        let (name, code, status) = self.kind.parts();
        let body = json!({"error": code, "error_description": self.description});
        error_response(self.status.unwrap_or(status), name, OIDC_NAMESPACE, body)
    }
}

/// An SSO portal error kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortalErrorKind {
    InvalidRequest,
    Unauthorized,
    ResourceNotFound,
    TooManyRequests,
    InternalServer,
}

/// An SSO portal error response: `{"message"}` with the name in `x-amzn-ErrorType`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PortalError {
    pub(crate) kind: PortalErrorKind,
    pub(crate) message: String,
    pub(crate) status: Option<StatusCode>,
}

impl PortalError {
    pub(crate) fn new(kind: PortalErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            status: None,
        }
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(PortalErrorKind::InvalidRequest, message)
    }

    pub(crate) fn unauthorized() -> Self {
        Self::new(
            PortalErrorKind::Unauthorized,
            "Session token not found or invalid",
        )
    }

    pub(crate) fn not_found() -> Self {
        Self::new(PortalErrorKind::ResourceNotFound, "No access")
    }

    /// The error an injected failure with `status` produces.
    pub(crate) fn for_status(status: StatusCode) -> Self {
        let kind = match status.as_u16() {
            401 | 403 => PortalErrorKind::Unauthorized,
            404 => PortalErrorKind::ResourceNotFound,
            429 => PortalErrorKind::TooManyRequests,
            400..=499 => PortalErrorKind::InvalidRequest,
            _ => PortalErrorKind::InternalServer,
        };
        Self {
            status: Some(status),
            ..Self::new(kind, format!("Injected fault (HTTP {})", status.as_u16()))
        }
    }
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        let (name, status) = match self.kind {
            PortalErrorKind::InvalidRequest => ("InvalidRequestException", StatusCode::BAD_REQUEST),
            PortalErrorKind::Unauthorized => ("UnauthorizedException", StatusCode::UNAUTHORIZED),
            PortalErrorKind::ResourceNotFound => {
                ("ResourceNotFoundException", StatusCode::NOT_FOUND)
            }
            PortalErrorKind::TooManyRequests => {
                ("TooManyRequestsException", StatusCode::TOO_MANY_REQUESTS)
            }
            PortalErrorKind::InternalServer => {
                ("InternalServerException", StatusCode::INTERNAL_SERVER_ERROR)
            }
        };
        let body = json!({"message": self.message});
        error_response(self.status.unwrap_or(status), name, PORTAL_NAMESPACE, body)
    }
}

/// A request for a path the emulator does not serve.
pub(crate) fn unknown_operation(status: StatusCode) -> Response {
    error_response(
        status,
        "UnknownOperationException",
        OIDC_NAMESPACE,
        json!({"message": "No operation is served at this method and path"}),
    )
}

fn error_response(
    status: StatusCode,
    name: &'static str,
    namespace: &str,
    body: serde_json::Value,
) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("{name}:{namespace}")) {
        response.headers_mut().insert(ERROR_TYPE_HEADER, value);
    }
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response.extensions_mut().insert(LoggedError(name));
    response
}

/// The emulator could not start or stop.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The configuration is not valid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The listening socket could not be opened.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address.
        address: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The TLS certificate or key cannot be used.
    #[error("cannot serve HTTPS: {0}")]
    Tls(String),
    /// The background thread or its runtime could not be started.
    #[error("cannot start the emulator's background runtime: {0}")]
    Runtime(String),
    /// The server stopped with an error.
    #[error("the emulator's server failed: {0}")]
    Server(String),
}

/// A control call (approve, deny, revoke) named something that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ControlError {
    /// No pending device authorization has this user code.
    #[error("no pending device authorization has the user code {0}")]
    UnknownUserCode(String),
    /// The device authorization expired.
    #[error("the device authorization with user code {0} has expired")]
    Expired(String),
    /// The device authorization was already approved, denied or used.
    #[error("the device authorization with user code {0} was already decided")]
    AlreadyDecided(String),
    /// A fault's values are out of range.
    #[error("invalid fault: {0}")]
    InvalidFault(String),
}
