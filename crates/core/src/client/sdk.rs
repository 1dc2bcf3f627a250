//! The transport over an AWS SDK HTTP client (`aws-smithy-runtime-api`'s
//! [`SharedHttpClient`], what an `SdkConfig` holds): the `sdk-config` feature.
//!
//! ssokit calls the client's connector directly, one request in and one response
//! out, as the seam wants: `http_connector(settings, components)` then `call`. The
//! orchestrator (`aws-smithy-runtime`'s `Operation`, which aws-config's IMDS and ECS
//! providers use) is not needed: it would bring its own retries, timeouts and body
//! buffering above ssokit's, and the `aws-smithy-runtime` crate. The connector is
//! handed minimal [`RuntimeComponents`]: the time source and sleep it may use for its
//! timeouts, and, because the type requires them, placeholders for the endpoint,
//! auth, identity and retry components, which only the orchestrator uses and which
//! fail if anything ever calls them.

use std::fmt;
use std::pin::Pin;

use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_async::time::SharedTimeSource;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::auth::static_resolver::StaticAuthSchemeOptionResolver;
use aws_smithy_runtime_api::client::auth::{
    AuthScheme, AuthSchemeEndpointConfig, AuthSchemeId, Sign,
};
use aws_smithy_runtime_api::client::endpoint::{
    EndpointFuture, EndpointResolverParams, ResolveEndpoint,
};
use aws_smithy_runtime_api::client::http::{
    HttpClient as _, HttpConnector as _, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::identity::{
    Identity, IdentityFuture, ResolveCachedIdentity, ResolveIdentity, SharedIdentityResolver,
};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::retries::{RetryStrategy, ShouldAttempt};
use aws_smithy_runtime_api::client::runtime_components::{
    GetIdentityResolver, RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::ErrorKind as RetryErrorKind;

use super::error::ServiceError;
use super::settings::HttpSettings;
use crate::transport::{
    BodyChunks, ChunkFuture, HttpTransport, Request, Response, ResponseBody, SendError,
    SendErrorKind, SendFuture,
};

/// ssokit's requests through an AWS SDK HTTP client.
#[derive(Clone)]
pub(crate) struct SdkTransport {
    connector: SharedHttpConnector,
}

impl fmt::Debug for SdkTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SdkTransport").finish_non_exhaustive()
    }
}

impl SdkTransport {
    /// The connector of `client` with the connect and request timeouts of `settings`
    /// (as the SDK's connect and read timeouts), timing them with `time_source` and
    /// `sleep`. The client's own TLS and proxy settings apply; the CA bundle of
    /// `settings` does not.
    pub(crate) fn new(
        client: &SharedHttpClient,
        settings: &HttpSettings,
        time_source: SharedTimeSource,
        sleep: SharedAsyncSleep,
    ) -> Result<Self, ServiceError> {
        let connector_settings = HttpConnectorSettings::builder()
            .connect_timeout(settings.connect_timeout)
            .read_timeout(settings.request_timeout)
            .build();
        let components = components(client, time_source, sleep)?;
        Ok(Self {
            connector: client.http_connector(&connector_settings, &components),
        })
    }
}

/// The runtime components a connector gets: the client, the time source and the
/// sleep, and placeholders for what only the orchestrator uses.
fn components(
    client: &SharedHttpClient,
    time_source: SharedTimeSource,
    sleep: SharedAsyncSleep,
) -> Result<RuntimeComponents, ServiceError> {
    RuntimeComponentsBuilder::new("ssokit")
        .with_http_client(Some(client.clone()))
        .with_time_source(Some(time_source))
        .with_sleep_impl(Some(sleep))
        .with_auth_scheme_option_resolver(Some(StaticAuthSchemeOptionResolver::new(Vec::new())))
        .with_endpoint_resolver(Some(Unused))
        .with_auth_scheme(Unused)
        .with_identity_cache(Some(Unused))
        .with_identity_resolver(UNUSED_SCHEME, Unused)
        .with_retry_strategy(Some(Unused))
        .build()
        .map_err(|e| ServiceError::HttpClient {
            reason: format!("the SDK HTTP client cannot be set up: {e}"),
        })
}

impl HttpTransport for SdkTransport {
    fn send(&self, request: Request) -> SendFuture {
        let connector = self.connector.clone();
        Box::pin(async move {
            let request = to_sdk(request)?;
            let response = connector.call(request).await.map_err(from_connector)?;
            let status = response.status().as_u16();
            let mut headers = http::HeaderMap::new();
            for (name, value) in response.headers() {
                if let (Ok(name), Ok(value)) = (
                    http::HeaderName::from_bytes(name.as_bytes()),
                    http::HeaderValue::from_str(value),
                ) {
                    headers.append(name, value);
                }
            }
            Ok(Response::new(
                status,
                headers,
                ResponseBody::from_chunks(SdkChunks(response.into_body())),
            ))
        })
    }
}

/// The seam's request as the SDK's. Header values keep their `sensitive` mark (the
/// SDK's `Headers` wrap `http` 1.x values, so hyper never indexes the bearer header in
/// HTTP/2). The SDK's own `Debug` of `Headers` redacts by a fixed list of names that
/// does not hold `x-amz-sso_bearer_token`: ssokit never formats the SDK's request, and
/// the SDK's HTTP clients do not log requests.
fn to_sdk(request: Request) -> Result<HttpRequest, SendError> {
    let (method, url, headers, body) = request.into_parts();
    let mut builder = http::Request::builder().method(method).uri(url.as_str());
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    let request = builder
        .body(SdkBody::from(body))
        .map_err(|e| SendError::new(SendErrorKind::Other, e))?;
    HttpRequest::try_from(request).map_err(|e| SendError::new(SendErrorKind::Other, e))
}

/// The SDK's connector error as the seam's: its timeout and I/O kinds (an I/O error
/// before any response is a refused connection or a broken one), and what the SDK
/// marks transient (hyper's incomplete message: a pooled connection closed just as the
/// request went out), which its own retry classifier retries too.
fn from_connector(error: ConnectorError) -> SendError {
    let kind = if error.is_timeout() {
        SendErrorKind::Timeout
    } else if error.is_io() || error.as_other() == Some(RetryErrorKind::TransientError) {
        SendErrorKind::Interrupted
    } else {
        SendErrorKind::Other
    };
    SendError::new(kind, error)
}

/// An SDK body, frame by frame.
struct SdkChunks(SdkBody);

impl BodyChunks for SdkChunks {
    fn next_chunk(&mut self) -> ChunkFuture<'_> {
        Box::pin(async move {
            loop {
                let frame = std::future::poll_fn(|cx| {
                    http_body::Body::poll_frame(Pin::new(&mut self.0), cx)
                })
                .await;
                match frame {
                    None => return Ok(None),
                    Some(Err(e)) => return Err(SendError::new(SendErrorKind::Interrupted, e)),
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            return Ok(Some(data.to_vec()));
                        }
                        // Trailers: no data, read on.
                    }
                }
            }
        })
    }
}

/// The auth scheme of the placeholder components.
const UNUSED_SCHEME: AuthSchemeId = AuthSchemeId::new("ssokit-unused");

/// The placeholder for the components only the orchestrator uses: ssokit calls the
/// connector directly, so none of these runs; each fails if called.
#[derive(Debug, Clone, Copy)]
struct Unused;

fn unused() -> BoxError {
    "ssokit calls the HTTP connector directly; this runtime component is not used".into()
}

impl ResolveEndpoint for Unused {
    fn resolve_endpoint<'a>(&'a self, _params: &'a EndpointResolverParams) -> EndpointFuture<'a> {
        EndpointFuture::ready(Err(unused()))
    }
}

impl AuthScheme for Unused {
    fn scheme_id(&self) -> AuthSchemeId {
        UNUSED_SCHEME
    }

    fn identity_resolver(
        &self,
        identity_resolvers: &dyn GetIdentityResolver,
    ) -> Option<SharedIdentityResolver> {
        identity_resolvers.identity_resolver(UNUSED_SCHEME)
    }

    fn signer(&self) -> &dyn Sign {
        self
    }
}

impl Sign for Unused {
    fn sign_http_request(
        &self,
        _request: &mut HttpRequest,
        _identity: &Identity,
        _auth_scheme_endpoint_config: AuthSchemeEndpointConfig<'_>,
        _runtime_components: &RuntimeComponents,
        _config_bag: &ConfigBag,
    ) -> Result<(), BoxError> {
        Err(unused())
    }
}

impl ResolveCachedIdentity for Unused {
    fn resolve_cached_identity<'a>(
        &'a self,
        _resolver: SharedIdentityResolver,
        _runtime_components: &'a RuntimeComponents,
        _config_bag: &'a ConfigBag,
    ) -> IdentityFuture<'a> {
        IdentityFuture::ready(Err(unused()))
    }
}

impl ResolveIdentity for Unused {
    fn resolve_identity<'a>(
        &'a self,
        _runtime_components: &'a RuntimeComponents,
        _config_bag: &'a ConfigBag,
    ) -> IdentityFuture<'a> {
        IdentityFuture::ready(Err(unused()))
    }
}

impl RetryStrategy for Unused {
    fn should_attempt_initial_request(
        &self,
        _runtime_components: &RuntimeComponents,
        _cfg: &ConfigBag,
    ) -> Result<ShouldAttempt, BoxError> {
        Ok(ShouldAttempt::Yes)
    }

    fn should_attempt_retry(
        &self,
        _context: &InterceptorContext,
        _runtime_components: &RuntimeComponents,
        _cfg: &ConfigBag,
    ) -> Result<ShouldAttempt, BoxError> {
        Ok(ShouldAttempt::No)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(error: ConnectorError) -> SendErrorKind {
        from_connector(error).kind()
    }

    #[test]
    fn connector_errors_keep_what_makes_them_worth_another_attempt() {
        let cause = || Box::new(std::io::Error::other("closed")) as BoxError;
        assert_eq!(
            kind_of(ConnectorError::timeout(cause())),
            SendErrorKind::Timeout
        );
        assert_eq!(
            kind_of(ConnectorError::io(cause())),
            SendErrorKind::Interrupted
        );
        assert_eq!(
            kind_of(ConnectorError::other(
                cause(),
                Some(RetryErrorKind::TransientError)
            )),
            SendErrorKind::Interrupted
        );
        assert_eq!(
            kind_of(ConnectorError::other(cause(), None)),
            SendErrorKind::Other
        );
        assert_eq!(
            kind_of(ConnectorError::other(
                cause(),
                Some(RetryErrorKind::ClientError)
            )),
            SendErrorKind::Other
        );
    }
}
