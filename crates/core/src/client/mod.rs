//! The IAM Identity Center HTTP client: SSO OIDC ([`OidcClient`]) and the SSO portal
//! ([`PortalClient`]), compatible with what the AWS CLI sends.
//!
//! - Requests are unsigned JSON over HTTPS; plain `http://` is refused unless the host
//!   is loopback, so a token never travels in clear text.
//! - Requests go through the [transport seam](crate::transport): by default one
//!   `reqwest` transport per process for each distinct connect timeout, CA bundle and
//!   proxy environment, shared by every client, built at the first request (rustls
//!   trusting Mozilla's roots, compiled in, plus `AWS_CA_BUNDLE` / `ca_bundle`, read
//!   at the first `https` request; the HTTPS proxy of the environment; no
//!   redirects), or the transport given to a builder (`http_transport`, or with the
//!   `sdk-config` feature an `SdkConfig`'s HTTP client through `configure`).
//! - Transient failures (HTTP 5xx, HTTP 429, connection failures and timeouts) are
//!   retried with exponential backoff and full jitter ([`RetryPolicy`]); other 4xx
//!   responses are final.
//! - Every failure is a [`ServiceError`] naming the operation and status and saying
//!   what to do: the service's answer ([`ResponseError`], with its [`ErrorCode`]), no
//!   answer ([`TransportError`]), or a local failure. Secrets travel in types whose
//!   `Debug` is redacted, and no token, secret, device code or request body reaches an
//!   error or a log line.
//! - The client returns the services' own shapes ([`RegisterClientResponse`],
//!   [`RoleCredentials`], ...); turning them into cache entries is the `auth` layer's
//!   job, so this module uses nothing from the caches.

mod cause;
mod error;
mod http;
mod oidc;
mod portal;
mod proxy;
mod reqwest_transport;
mod response;
mod retry;
#[cfg(feature = "sdk-config")]
mod sdk;
#[cfg(test)]
mod seam_tests;
mod settings;
mod setup;
#[cfg(feature = "extras")]
mod signin;
#[cfg(feature = "extras")]
mod sts;

pub use error::{ErrorCode, ResponseError, ServiceError, TransportError};
pub(crate) use http::HttpClient;
#[cfg(feature = "login")]
pub(crate) use http::is_loopback;
pub use oidc::{
    AuthorizationCode, CodeVerifier, CreateTokenRequest, DEFAULT_POLL_INTERVAL,
    DeviceAuthorization, DeviceCode, Grant, OidcClient, RegisterClientRequest,
    RegisterClientResponse, TokenResponse,
};
pub use portal::{AccountInfo, PortalClient, RoleCredentials, RoleInfo};
pub(crate) use setup::{HttpSetup, TransportChoice};
#[cfg(feature = "extras")]
pub use signin::SigninClient;
#[cfg(feature = "extras")]
pub use sts::{
    AssumeRoleError, AssumeRoleRequest, AssumedRole, SourceCredentials, StsClient, StsErrorCode,
    StsFailure,
};

pub use settings::{
    DEFAULT_BASE_DELAY, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_DELAY,
    DEFAULT_MAX_ELAPSED, DEFAULT_REQUEST_TIMEOUT, HttpSettings, RetryPolicy,
};
