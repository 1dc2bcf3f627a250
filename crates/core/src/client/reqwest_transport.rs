//! The default transport: a `reqwest` client built from [`HttpSettings`].

use reqwest::Certificate;
use reqwest::header::HeaderValue;

use super::cause::{innermost, is_tls_failure};
use super::error::ServiceError;
use super::settings::HttpSettings;
use crate::read_limited::{Kind, MIB, ReadError, read_limited, show_limit};
use crate::transport::{
    BodyChunks, ChunkFuture, HttpTransport, Request, Response, ResponseBody, SendError,
    SendErrorKind, SendFuture,
};

/// The largest CA bundle read: 8 MiB (the whole Mozilla bundle is about 220 KiB).
const MAX_CA_BUNDLE_BYTES: u64 = 8 * MIB;

/// One `reqwest::Client`: connection pool, TLS trust, proxy and timeouts. Cheap to
/// clone; clones share the pool.
#[derive(Debug, Clone)]
pub(crate) struct ReqwestTransport {
    inner: reqwest::Client,
}

impl ReqwestTransport {
    /// Builds the client: rustls with the system roots plus the CA bundle if any,
    /// the HTTPS proxy of the environment (`HTTPS_PROXY`/`ALL_PROXY`, minus
    /// `NO_PROXY`; an unusable value is an error), the timeouts, and no redirects (a
    /// redirect could carry the bearer header to another host).
    ///
    /// Plain-HTTP requests (allowed only to loopback endpoints) never go through a
    /// proxy: `HTTP_PROXY` would otherwise carry tokens in clear text off the machine.
    pub(crate) fn new(settings: &HttpSettings) -> Result<Self, ServiceError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();
        if let Some(proxy) = super::proxy::https_proxy(|name| std::env::var(name).ok())? {
            builder = builder.proxy(proxy);
        }
        if let Ok(agent) = HeaderValue::from_str(&settings.user_agent) {
            builder = builder.user_agent(agent);
        }
        if let Some(path) = &settings.ca_bundle {
            builder = builder.tls_certs_merge(read_ca_bundle(path)?);
        }
        let inner = builder.build().map_err(|e| match &settings.ca_bundle {
            Some(path) => ServiceError::CaBundle {
                path: path.clone(),
                reason: format!("rejected by the TLS library: {}", innermost(&e)),
            },
            None => ServiceError::HttpClient {
                reason: innermost(&e),
            },
        })?;
        Ok(Self { inner })
    }
}

impl HttpTransport for ReqwestTransport {
    fn send(&self, request: Request) -> SendFuture {
        let client = self.inner.clone();
        Box::pin(async move {
            let (method, url, headers, body) = request.into_parts();
            let mut builder = client.request(method, url).headers(headers);
            if !body.is_empty() {
                builder = builder.body(body);
            }
            let request = builder.build().map_err(send_error)?;
            let response = client.execute(request).await.map_err(send_error)?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            Ok(Response::new(
                status,
                headers,
                ResponseBody::from_chunks(ReqwestBody(response)),
            ))
        })
    }
}

/// A reqwest response's body, chunk by chunk.
struct ReqwestBody(reqwest::Response);

impl BodyChunks for ReqwestBody {
    fn next_chunk(&mut self) -> ChunkFuture<'_> {
        Box::pin(async move {
            match self.0.chunk().await {
                Ok(chunk) => Ok(chunk.map(|c| c.to_vec())),
                Err(e) => Err(send_error(e)),
            }
        })
    }
}

/// A reqwest error as the seam's error, without the URL (its query could be shown).
fn send_error(error: reqwest::Error) -> SendError {
    let kind = if is_tls_failure(&error) {
        SendErrorKind::TlsRefused
    } else if error.is_timeout() {
        SendErrorKind::Timeout
    } else if error.is_connect() {
        SendErrorKind::Connect
    } else if error.is_request() || error.is_body() {
        SendErrorKind::Interrupted
    } else {
        SendErrorKind::Other
    };
    SendError::new(kind, error.without_url())
}

/// Reads every certificate of a PEM bundle.
fn read_ca_bundle(path: &std::path::Path) -> Result<Vec<Certificate>, ServiceError> {
    let fail = |reason: String| ServiceError::CaBundle {
        path: path.to_owned(),
        reason,
    };
    let pem = match read_limited(path, MAX_CA_BUNDLE_BYTES, Kind::RegularOnly) {
        Ok(pem) => pem,
        Err(ReadError::Io(e)) => return Err(fail(format!("cannot read it: {e}"))),
        Err(ReadError::NotRegular(found)) => {
            return Err(fail(format!("it is {found}, not a regular file")));
        }
        Err(ReadError::TooLarge) => {
            return Err(fail(format!(
                "it is larger than the {} limit for CA bundles",
                show_limit(MAX_CA_BUNDLE_BYTES)
            )));
        }
    };
    let certs = Certificate::from_pem_bundle(&pem)
        .map_err(|e| fail(format!("not a PEM certificate bundle: {}", innermost(&e))))?;
    if certs.is_empty() {
        return Err(fail("no PEM certificate in it".to_owned()));
    }
    Ok(certs)
}
