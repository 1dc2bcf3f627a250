//! The container-credentials server: what `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN` point at, so that an AWS SDK (botocore, the JS
//! SDK, aws-config) in a container or a long-running tool gets fresh role credentials
//! with no file and no restart.
//!
//! [`CredentialsServer`] listens on 127.0.0.1 only (any free port by default), makes a
//! random token, and answers every request that carries it in `Authorization`
//! (compared in constant time) with the container-credentials JSON
//! (`AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`), from an
//! [`SsoCredentialsProvider`]: its memory and the AWS CLI's cache, its 15-minute
//! refresh window, one GetRoleCredentials for any number of concurrent callers.
//! A request without the token, or with another, gets HTTP 401 and
//! `{"code": "Unauthorized", "message": ...}`; a failure to get credentials (not
//! logged in, the session ended) gets another status (403 for a login to do) and
//! `{"code": <the error kind>, "message": <what to do>}`. Nothing secret is logged.
//!
//! ```no_run
//! # async fn f() -> Result<(), ssokit::Error> {
//! use ssokit::serve::CredentialsServer;
//!
//! let provider = ssokit::SsoCredentialsProvider::builder().profile_name("dev").build()?;
//! let server = CredentialsServer::bind(provider, 0).await?;
//! for (name, value) in server.env_vars() {
//!     // hand these to the container or tool
//!     # let _ = (name, value);
//! }
//! server.serve(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```
//!
//! Needs the `extras` cargo feature (on by default).

pub mod error;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;

pub use self::error::ServeError;
use crate::auth::credentials::SsoCredentialsProvider;
use crate::secret::AuthorizationToken;
use crate::{Error, ErrorKind};

/// The path the credentials are served on.
pub const CREDENTIALS_PATH: &str = "/credentials";

/// The variable that holds the server's URL.
pub const FULL_URI_VAR: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";

/// The variable that holds the server's authorization token.
pub const AUTHORIZATION_TOKEN_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// How many random bytes the authorization token carries (256 bits).
const TOKEN_BYTES: usize = 32;

/// Turns a failure into the `message` of the JSON error answer; a front-end gives
/// its own (the remedy in its words), the default is the error's `Display`.
pub type ErrorMessage = Arc<dyn Fn(&Error) -> String + Send + Sync>;

type RandomSource = fn(&mut [u8]) -> Result<(), getrandom::Error>;

/// A bound container-credentials server: its URL and token are known, and it answers
/// once [`serve`](Self::serve) runs.
///
/// `Debug` never shows the token.
pub struct CredentialsServer {
    listener: tokio::net::TcpListener,
    port: u16,
    token: AuthorizationToken,
    provider: SsoCredentialsProvider,
    message: ErrorMessage,
}

impl fmt::Debug for CredentialsServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsServer")
            .field("url", &self.url())
            .field("token", &self.token)
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

impl CredentialsServer {
    /// Listens on `127.0.0.1:port` (0: any free port) with a new random token, for
    /// the credentials of `provider`. Fails when the port cannot be bound or the
    /// system's random source fails.
    pub async fn bind(provider: SsoCredentialsProvider, port: u16) -> Result<Self, Error> {
        let token = new_token(getrandom::fill)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| ServeError::Bind {
                port,
                reason: e.to_string(),
            })?;
        let bound = listener
            .local_addr()
            .map_err(|e| ServeError::Bind {
                port,
                reason: e.to_string(),
            })?
            .port();
        Ok(Self {
            listener,
            port: bound,
            token,
            provider,
            message: Arc::new(Error::to_string),
        })
    }

    /// Says failures in the front-end's words: `render` makes the `message` of the
    /// JSON error answer (default: the error's `Display`, with a neutral remedy).
    pub fn with_error_message(
        mut self,
        render: impl Fn(&Error) -> String + Send + Sync + 'static,
    ) -> Self {
        self.message = Arc::new(render);
        self
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL for `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}{CREDENTIALS_PATH}", self.port)
    }

    /// The token for `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    pub fn authorization_token(&self) -> &AuthorizationToken {
        &self.token
    }

    /// The two variables a client needs, [`FULL_URI_VAR`] then
    /// [`AUTHORIZATION_TOKEN_VAR`], with their values (the token's exposed).
    pub fn env_vars(&self) -> [(&'static str, String); 2] {
        [
            (FULL_URI_VAR, self.url()),
            (
                AUTHORIZATION_TOKEN_VAR,
                self.token.expose_secret().to_owned(),
            ),
        ]
    }

    /// Serves until `shutdown` resolves, then stops accepting and finishes the
    /// requests in flight.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let port = self.port;
        let state = AppState {
            provider: self.provider,
            token: Arc::new(self.token),
            message: self.message,
        };
        let app = axum::Router::new().fallback(answer).with_state(state);
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| {
                ServeError::Serve {
                    port,
                    reason: e.to_string(),
                }
                .into()
            })
    }
}

/// A new authorization token: 32 random bytes, base64url without padding.
fn new_token(fill: RandomSource) -> Result<AuthorizationToken, ServeError> {
    let mut bytes = zeroize::Zeroizing::new([0u8; TOKEN_BYTES]);
    fill(bytes.as_mut()).map_err(|e| ServeError::NoRandomness {
        reason: e.to_string(),
    })?;
    Ok(AuthorizationToken::new(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes.as_ref()),
    ))
}

/// Whether two byte strings are equal, in time that depends on their length only.
fn same_bytes(presented: &[u8], expected: &[u8]) -> bool {
    if presented.len() != expected.len() {
        return false;
    }
    let difference = presented
        .iter()
        .zip(expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    std::hint::black_box(difference) == 0
}

#[derive(Clone)]
struct AppState {
    provider: SsoCredentialsProvider,
    token: Arc<AuthorizationToken>,
    message: ErrorMessage,
}

/// Every request: the token first, then the path and method, then the credentials.
async fn answer(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    match headers.get(header::AUTHORIZATION) {
        None => {
            return json_error(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                &format!(
                    "the request has no Authorization header: send the value of {AUTHORIZATION_TOKEN_VAR}"
                ),
            );
        }
        Some(presented)
            if !same_bytes(presented.as_bytes(), state.token.expose_secret().as_bytes()) =>
        {
            return json_error(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                &format!(
                    "the Authorization header is not this server's token: send the value of {AUTHORIZATION_TOKEN_VAR} that the server printed"
                ),
            );
        }
        Some(_) => {}
    }
    if uri.path() != CREDENTIALS_PATH {
        return json_error(
            StatusCode::NOT_FOUND,
            "NotFound",
            &format!("credentials are served on {CREDENTIALS_PATH} only"),
        );
    }
    if method != Method::GET {
        return json_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "credentials are served to GET requests only",
        );
    }
    match state.provider.credentials().await {
        Ok(credentials) => credentials_response(&credentials),
        Err(err) => {
            let kind = err.kind();
            tracing::debug!(kind = %kind, "the container-credentials server could not get credentials");
            json_error(status_of(kind), kind.as_str(), &(state.message)(&err))
        }
    }
}

/// The HTTP status of a failure to get credentials: 403 when a login fixes it (never
/// the 401 of a wrong token), 502 for the service or the network, 500 otherwise.
fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::NotLoggedIn
        | ErrorKind::SessionExpired
        | ErrorKind::AccessDenied
        | ErrorKind::LoginTimeout => StatusCode::FORBIDDEN,
        ErrorKind::Service | ErrorKind::Network => StatusCode::BAD_GATEWAY,
        ErrorKind::Cancelled
        | ErrorKind::Config
        | ErrorKind::Cache
        | ErrorKind::Usage
        | ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn credentials_response(c: &aws_credential_types::Credentials) -> Response {
    let mut body = serde_json::json!({
        "AccessKeyId": c.access_key_id(),
        "SecretAccessKey": c.secret_access_key(),
        "Token": c.session_token().unwrap_or_default(),
        "Expiration": crate::time::format_timestamp(c.expiry().unwrap_or(std::time::UNIX_EPOCH)),
    });
    if let (Some(account), Some(map)) = (c.account_id(), body.as_object_mut()) {
        map.insert("AccountId".into(), account.as_str().into());
    }
    json_response(StatusCode::OK, body.to_string())
}

fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "code": code, "message": message });
    json_response(status, body.to_string())
}

fn json_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_url_safe_and_long() {
        let a = new_token(getrandom::fill).unwrap_or_else(|e| panic!("{e}"));
        let b = new_token(getrandom::fill).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(a, b);
        assert_eq!(a.expose_secret().len(), 43);
        assert!(
            a.expose_secret()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert!(!format!("{a:?}").contains(a.expose_secret()));
    }

    #[test]
    fn a_broken_random_source_is_an_internal_error() {
        fn broken(_: &mut [u8]) -> Result<(), getrandom::Error> {
            Err(getrandom::Error::UNSUPPORTED)
        }
        let err = Error::from(
            new_token(broken)
                .err()
                .unwrap_or_else(|| panic!("no error")),
        );
        assert_eq!(err.kind(), ErrorKind::Internal);
        assert!(err.to_string().contains("random source"), "{err}");
    }

    #[test]
    fn comparison_needs_every_byte() {
        assert!(same_bytes(b"abcdef", b"abcdef"));
        assert!(!same_bytes(b"abcdeg", b"abcdef"));
        assert!(!same_bytes(b"abcde", b"abcdef"));
        assert!(!same_bytes(b"", b"abcdef"));
    }

    #[test]
    fn a_login_to_do_is_never_the_401_of_a_wrong_token() {
        for kind in ErrorKind::ALL {
            assert_ne!(status_of(kind), StatusCode::UNAUTHORIZED, "{kind}");
            assert!(!status_of(kind).is_success(), "{kind}");
        }
        assert_eq!(status_of(ErrorKind::SessionExpired), StatusCode::FORBIDDEN);
    }
}
