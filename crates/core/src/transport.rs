//! The HTTP seam: one request in, one response out.
//!
//! Every call ssokit makes to SSO OIDC and the SSO portal goes through an
//! [`HttpTransport`]. By default that is a `reqwest` client built from
//! [`HttpSettings`](crate::client::HttpSettings) (CA bundle, HTTPS proxy, timeouts);
//! a service can hand ssokit its own transport with the builders'
//! `http_transport(..)`, or, with the `sdk-config` feature, the HTTP client of its
//! `aws_types::SdkConfig` with `configure(&sdk_config)`.
//!
//! A transport sends one request and returns the response's status, headers and
//! body, or a [`SendError`] when there is no response. Everything else stays in
//! ssokit, above the seam, whatever the transport:
//!
//! - **Retries**: the retry loop, backoff, `Retry-After`, the time budget and which
//!   failures are retried ([`RetryPolicy`](crate::client::RetryPolicy)); the waits
//!   go through the injected sleep. A transport must not retry on its own.
//! - **Deadline**: one whole attempt (sending, the response and its body) ends at
//!   the settings' request timeout, so a server that sends headers and then stalls
//!   the body times out (and is retried) whatever the transport's own timeouts.
//! - **Endpoints**: `https://` only, or `http://` to a loopback host.
//! - **Response size**: ssokit reads the body itself, chunk by chunk through
//!   [`ResponseBody`], and stops past 1 MiB (it refuses a larger `Content-Length`
//!   before reading anything). A transport that streams ([`ResponseBody::from_chunks`])
//!   never buffers more than that; one that hands over a whole buffer is still checked.
//! - **Redirects**: ssokit never follows one, and a `3xx` answer is a final error, so
//!   the bearer header cannot travel to another host through ssokit. A transport
//!   must not follow redirects itself (the built-in reqwest transport has them off;
//!   the `aws-smithy` HTTP clients never follow them).
//! - **Secrets**: the portal's bearer header is marked sensitive
//!   ([`http::HeaderValue::set_sensitive`]) before the request reaches the transport,
//!   and [`Request`]'s `Debug` shows neither it, the body (which can hold a client
//!   secret or a refresh token) nor the values of the query (the console sign-in's
//!   `getSigninToken` carries role credentials there). A transport must not log header
//!   values, bodies or URLs with their query.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::{HeaderMap, Method};

/// What [`HttpTransport::send`] returns: a boxed future, `Send` and `'static`.
pub type SendFuture = Pin<Box<dyn Future<Output = Result<Response, SendError>> + Send>>;

/// Sends one HTTP request and returns the response: the seam under every ssokit call.
///
/// See the [module documentation](self) for what ssokit does above it and what a
/// transport must not do (retry, follow redirects, log secrets).
pub trait HttpTransport: Send + Sync + fmt::Debug {
    /// Sends `request` once. `Err` means no (complete) response; any status, `4xx`
    /// and `5xx` included, is `Ok`.
    fn send(&self, request: Request) -> SendFuture;
}

/// A shareable [`HttpTransport`].
pub type SharedHttpTransport = Arc<dyn HttpTransport>;

/// One HTTP request: method, URL, headers and body.
///
/// Its `Debug` shows the method, the URL and the headers (sensitive ones, like the
/// bearer token, redacted), and only the length of the body.
#[derive(Clone)]
pub struct Request {
    method: Method,
    url: url::Url,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Request {
    /// A request; only ssokit builds them.
    pub(crate) fn new(method: Method, url: url::Url, headers: HeaderMap, body: Vec<u8>) -> Self {
        Self {
            method,
            url,
            headers,
            body,
        }
    }

    /// The method (`GET` or `POST`).
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL, query included.
    pub fn url(&self) -> &url::Url {
        &self.url
    }

    /// The headers. The bearer token's value is marked sensitive.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body (empty for a `GET`). It can hold secrets: never log it.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The parts, to build the transport's own request.
    pub fn into_parts(self) -> (Method, url::Url, HeaderMap, Vec<u8>) {
        (self.method, self.url, self.headers, self.body)
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &RedactedQuery(&self.url))
            .field("headers", &self.headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// A URL shown with the values of its query replaced by `***`.
struct RedactedQuery<'a>(&'a url::Url);

impl fmt::Debug for RedactedQuery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        if shown.query().is_some() {
            let keys: Vec<String> = shown.query_pairs().map(|(k, _)| k.into_owned()).collect();
            shown
                .query_pairs_mut()
                .clear()
                .extend_pairs(keys.iter().map(|k| (k.as_str(), "***")));
        }
        shown.set_fragment(None);
        write!(f, "{:?}", shown.as_str())
    }
}

/// One HTTP response: status, headers and a body that ssokit reads itself.
#[derive(Debug)]
pub struct Response {
    status: u16,
    headers: HeaderMap,
    body: ResponseBody,
}

impl Response {
    /// A response with `status`, `headers` and `body` (a `Vec<u8>` or a
    /// [`ResponseBody::from_chunks`] stream).
    pub fn new(status: u16, headers: HeaderMap, body: impl Into<ResponseBody>) -> Self {
        Self {
            status,
            headers,
            body: body.into(),
        }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub(crate) fn into_body(self) -> ResponseBody {
        self.body
    }
}

/// A future returned by [`BodyChunks::next_chunk`].
pub type ChunkFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<Vec<u8>>, SendError>> + Send + 'a>>;

/// A response body read chunk by chunk, so that ssokit can stop at its size limit.
pub trait BodyChunks: Send {
    /// The next chunk; `Ok(None)` at the end of the body.
    fn next_chunk(&mut self) -> ChunkFuture<'_>;
}

/// A response body: a whole buffer, or a stream of chunks.
pub struct ResponseBody(BodyInner);

enum BodyInner {
    Full(Vec<u8>),
    Chunks(Box<dyn BodyChunks>),
}

impl ResponseBody {
    /// A body read lazily from `chunks`.
    pub fn from_chunks(chunks: impl BodyChunks + 'static) -> Self {
        Self(BodyInner::Chunks(Box::new(chunks)))
    }

    /// Reads the whole body, or fails as soon as it is larger than `limit`.
    pub(crate) async fn read(self, limit: u64) -> Result<Vec<u8>, BodyError> {
        match self.0 {
            BodyInner::Full(bytes) if bytes.len() as u64 > limit => Err(BodyError::TooLarge),
            BodyInner::Full(bytes) => Ok(bytes),
            BodyInner::Chunks(mut chunks) => {
                let mut body = Vec::new();
                while let Some(chunk) = chunks.next_chunk().await.map_err(BodyError::Send)? {
                    if (body.len() + chunk.len()) as u64 > limit {
                        return Err(BodyError::TooLarge);
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(body)
            }
        }
    }
}

impl From<Vec<u8>> for ResponseBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self(BodyInner::Full(bytes))
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            BodyInner::Full(bytes) => write!(f, "ResponseBody(<{} bytes>)", bytes.len()),
            BodyInner::Chunks(_) => f.write_str("ResponseBody(<stream>)"),
        }
    }
}

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Larger than the limit.
    TooLarge,
    /// The transport failed while reading it.
    Send(SendError),
}

/// What kind of failure left a request without a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendErrorKind {
    /// No response within the transport's timeouts. Retried.
    Timeout,
    /// No connection (refused, unreachable, DNS). Retried.
    Connect,
    /// The TLS handshake refused the server (certificate, protocol): the same server
    /// gives the same answer again, so it is not retried.
    TlsRefused,
    /// The connection broke while sending the request or reading the response (its
    /// body included). Retried.
    Interrupted,
    /// Anything else, such as a request the transport cannot send. Not retried.
    Other,
}

impl fmt::Display for SendErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Timeout => "the request timed out",
            Self::Connect => "could not connect",
            Self::TlsRefused => "the TLS handshake failed",
            Self::Interrupted => "the connection broke",
            Self::Other => "the request failed",
        })
    }
}

/// A request got no (complete) response: its [`SendErrorKind`] and the transport's
/// error as the source.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct SendError {
    kind: SendErrorKind,
    #[source]
    source: Box<dyn StdError + Send + Sync>,
}

impl SendError {
    /// A failure of `kind` caused by `source`. The source must not hold secrets (no
    /// header values, no body).
    pub fn new(kind: SendErrorKind, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    /// What kind of failure.
    pub fn kind(&self) -> SendErrorKind {
        self.kind
    }

    /// Whether no response came within the transport's timeouts.
    pub fn is_timeout(&self) -> bool {
        self.kind == SendErrorKind::Timeout
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    struct Chunks(Vec<Vec<u8>>, usize);

    impl BodyChunks for Chunks {
        fn next_chunk(&mut self) -> ChunkFuture<'_> {
            let next = self.0.get(self.1).cloned();
            self.1 += 1;
            Box::pin(async move { Ok(next) })
        }
    }

    #[test]
    fn debug_shows_no_query_value() {
        let url = url::Url::parse(
            "https://signin.example.com/federation?Action=getSigninToken&Session=%7B%22sessionKey%22%3A%22s3cr3t%22%7D",
        )
        .unwrap();
        let shown = format!(
            "{:?}",
            Request::new(Method::GET, url, HeaderMap::new(), Vec::new())
        );
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains("getSigninToken"), "{shown}");
        assert!(
            shown.contains("Action=***") && shown.contains("Session=***"),
            "{shown}"
        );
    }

    #[tokio::test]
    async fn bodies_are_read_up_to_the_limit() {
        let body = ResponseBody::from(vec![1u8; 10]);
        assert_eq!(body.read(10).await.unwrap().len(), 10);
        let body = ResponseBody::from(vec![1u8; 11]);
        assert!(matches!(body.read(10).await, Err(BodyError::TooLarge)));
        let body = ResponseBody::from_chunks(Chunks(vec![vec![1; 4], vec![2; 4]], 0));
        assert_eq!(body.read(8).await.unwrap(), [1, 1, 1, 1, 2, 2, 2, 2]);
        // The reader stops at the chunk that crosses the limit: the rest is never read.
        let body = ResponseBody::from_chunks(Chunks(vec![vec![1; 4], vec![2; 4], vec![3]], 0));
        assert!(matches!(body.read(6).await, Err(BodyError::TooLarge)));
    }

    #[test]
    fn request_debug_hides_the_body_and_sensitive_headers() {
        let mut headers = HeaderMap::new();
        let mut value = http::HeaderValue::from_static("tok-secret");
        value.set_sensitive(true);
        headers.insert("x-amz-sso_bearer_token", value);
        let request = Request::new(
            Method::POST,
            url::Url::parse("https://example.com/token").unwrap(),
            headers,
            b"{\"refreshToken\":\"rt-secret\"}".to_vec(),
        );
        let shown = format!("{request:?}");
        assert!(
            !shown.contains("tok-secret") && !shown.contains("rt-secret"),
            "{shown}"
        );
        assert!(shown.contains("https://example.com/token"), "{shown}");
    }
}
