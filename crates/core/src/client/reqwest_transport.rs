//! The default transport: `reqwest`, shared by the whole process.
//!
//! Building an HTTP client is not free, and the certificate work in it (reading a CA
//! bundle, building the verifier) is most of the cost of a process that makes one
//! request. So:
//! - [`ReqwestTransport::new`] builds nothing: it finds (or registers) the process's
//!   transport for its settings — one per distinct connect timeout, CA bundle and
//!   proxy environment — which every `OidcClient`, `PortalClient`, `Sso` and provider
//!   with those settings then shares, the bindings' included;
//! - a `reqwest::Client` is built on the first request, one per tokio runtime (a
//!   pooled connection belongs to the runtime that opened it) and per scheme: a
//!   plain-HTTP request (loopback only) never touches a certificate;
//! - the trusted roots are Mozilla's, compiled in (as botocore trusts certifi's), plus
//!   the CA bundle (`AWS_CA_BUNDLE` or `ca_bundle`), read on the first `https` request
//!   and then kept for the life of the process. A broken bundle is reported then, and
//!   read again on the next request (a fixed file is picked up without a restart).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use super::cause::{innermost, is_tls_failure};
use super::error::ServiceError;
use super::proxy::{NO_PROXY_VARIABLES, PROXY_VARIABLES};
use super::settings::HttpSettings;
use crate::read_limited::{Kind, MIB, ReadError, read_limited, show_limit};
use crate::transport::{
    BodyChunks, ChunkFuture, HttpTransport, Request, Response, ResponseBody, SendError,
    SendErrorKind, SendFuture,
};

/// The largest CA bundle read: 8 MiB (the whole Mozilla bundle is about 220 KiB).
const MAX_CA_BUNDLE_BYTES: u64 = 8 * MIB;

/// How many `reqwest::Client`s one transport keeps (per runtime and scheme); the
/// least recently used goes first. A process has one runtime or a few; a test binary
/// makes one per test, and their clients should not pile up.
const MAX_CLIENTS: usize = 8;

/// The default transport: a handle on the process's shared transport for one set of
/// settings. Cheap to clone; clones share everything.
#[derive(Clone)]
pub(crate) struct ReqwestTransport {
    shared: Arc<Shared>,
}

/// Shows the settings without the proxy variables' values (a proxy URL can hold a
/// password; reqwest's own `Debug` of a proxy shows it).
impl std::fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("connect_timeout", &self.shared.key.connect_timeout)
            .field("ca_bundle", &self.shared.key.ca_bundle)
            .field(
                "https_proxy",
                &self
                    .shared
                    .key
                    .proxy_env
                    .iter()
                    .take(PROXY_VARIABLES.len())
                    .flatten()
                    .find(|v| !v.trim().is_empty())
                    .map(|v| super::proxy::redact(v)),
            )
            .field("clients", &lock(&self.shared.clients).len())
            .finish()
    }
}

/// What makes two transports different: everything the `reqwest::Client` is built
/// from. (Retries, the request deadline and the `User-Agent` are the
/// [`HttpClient`](super::http::HttpClient)'s, above the seam.) Not `Debug`: the proxy
/// variables can hold a password.
#[derive(Clone, PartialEq, Eq)]
struct Key {
    connect_timeout: Duration,
    ca_bundle: Option<PathBuf>,
    /// The proxy variables' values, in [`PROXY_VARIABLES`] then [`NO_PROXY_VARIABLES`]
    /// order.
    proxy_env: Vec<Option<String>>,
}

/// One transport of the process. Not `Debug` (see [`Key`]).
struct Shared {
    key: Key,
    /// The HTTPS proxy, checked when the transport was first asked for.
    proxy: Option<reqwest::Proxy>,
    /// The clients built so far, most recently used last.
    clients: Mutex<Vec<Slot>>,
}

struct Slot {
    runtime: Option<tokio::runtime::Id>,
    https: bool,
    client: reqwest::Client,
}

/// How many transports the process keeps: a process uses one or a few sets of
/// settings; one that keeps making new ones (a changing proxy variable, many connect
/// timeouts) drops the least recently used, whose clients then close when their last
/// user is gone.
const MAX_TRANSPORTS: usize = 16;

/// Every transport of the process, most recently used last.
static TRANSPORTS: Mutex<Vec<Arc<Shared>>> = Mutex::new(Vec::new());

/// Locks, ignoring poison: every value behind these locks is valid at all times.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl ReqwestTransport {
    /// The process's transport for `settings`: its connect timeout, its CA bundle and
    /// the HTTPS proxy of the environment (`HTTPS_PROXY`/`ALL_PROXY`, minus
    /// `NO_PROXY`; an unusable value is an error now). Redirects are never followed
    /// (a redirect could carry the bearer header to another host).
    ///
    /// Plain-HTTP requests (allowed only to loopback endpoints) never go through a
    /// proxy: `HTTP_PROXY` would otherwise carry tokens in clear text off the machine.
    pub(crate) fn new(settings: &HttpSettings) -> Result<Self, ServiceError> {
        Self::with_env(settings, |name| std::env::var(name).ok())
    }

    /// [`new`](Self::new) with the proxy variables read through `lookup`.
    fn with_env(
        settings: &HttpSettings,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ServiceError> {
        let key = Key {
            connect_timeout: settings.connect_timeout,
            ca_bundle: settings.ca_bundle.clone(),
            proxy_env: PROXY_VARIABLES
                .iter()
                .chain(NO_PROXY_VARIABLES.iter())
                .map(|name| lookup(name))
                .collect(),
        };
        let mut transports = lock(&TRANSPORTS);
        if let Some(i) = transports.iter().position(|s| s.key == key) {
            let shared = transports.remove(i);
            transports.push(Arc::clone(&shared));
            return Ok(Self { shared });
        }
        let proxy = super::proxy::https_proxy(lookup)?;
        let shared = Arc::new(Shared {
            key,
            proxy,
            clients: Mutex::new(Vec::new()),
        });
        if transports.len() >= MAX_TRANSPORTS {
            transports.remove(0);
        }
        transports.push(Arc::clone(&shared));
        Ok(Self { shared })
    }

    /// The client for a request on the current runtime, built if there is none yet.
    fn client(&self, https: bool) -> Result<reqwest::Client, SetupFailure> {
        let runtime = tokio::runtime::Handle::try_current().ok().map(|h| h.id());
        {
            let mut clients = lock(&self.shared.clients);
            if let Some(i) = clients
                .iter()
                .position(|s| s.runtime == runtime && s.https == https)
            {
                let slot = clients.remove(i);
                let client = slot.client.clone();
                clients.push(slot);
                return Ok(client);
            }
        }
        // Built outside the lock: reading a CA bundle must not hold up other runtimes.
        let client = self.shared.build(https)?;
        let mut clients = lock(&self.shared.clients);
        if let Some(slot) = clients
            .iter()
            .find(|s| s.runtime == runtime && s.https == https)
        {
            // Another thread of this runtime built one meanwhile: use the same.
            return Ok(slot.client.clone());
        }
        if clients.len() >= MAX_CLIENTS {
            clients.remove(0);
        }
        clients.push(Slot {
            runtime,
            https,
            client: client.clone(),
        });
        Ok(client)
    }
}

impl Shared {
    /// A `reqwest::Client` for plain-HTTP (loopback) or `https` requests.
    fn build(&self, https: bool) -> Result<reqwest::Client, SetupFailure> {
        let tls = if https {
            tls_config(self.key.ca_bundle.as_deref())?
        } else {
            // Never used for a handshake, and costs no file.
            mozilla_config()?
        };
        let mut builder = reqwest::Client::builder()
            .connect_timeout(self.key.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .tls_backend_preconfigured(rustls::ClientConfig::clone(&tls));
        if https && let Some(proxy) = &self.proxy {
            builder = builder.proxy(proxy.clone());
        }
        builder.build().map_err(|e| SetupFailure::Client {
            reason: innermost(&e),
        })
    }
}

/// A transport that could not be set up, carried to the HTTP client inside a
/// [`SendError`] of kind [`SendErrorKind::Other`] (final) and reported as the
/// [`ServiceError`] it stands for.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum SetupFailure {
    /// The CA bundle cannot be used.
    #[error("cannot use the CA bundle {}: {reason}", path.display())]
    CaBundle {
        /// The bundle file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP library refused to build a client.
    #[error("cannot build the HTTP client: {reason}")]
    Client {
        /// Why.
        reason: String,
    },
}

impl From<SetupFailure> for ServiceError {
    fn from(failure: SetupFailure) -> Self {
        match failure {
            SetupFailure::CaBundle { path, reason } => Self::CaBundle { path, reason },
            SetupFailure::Client { reason } => Self::HttpClient { reason },
        }
    }
}

/// The set-up failure a transport error carries, if it is one.
pub(crate) fn setup_failure(error: &SendError) -> Option<ServiceError> {
    std::error::Error::source(error)
        .and_then(|source| source.downcast_ref::<SetupFailure>())
        .map(|failure| failure.clone().into())
}

/// The crypto provider: the process default if the application installed one, else
/// ring. (Not aws-lc-rs: it seeds its random generator from CPU jitter, which costs
/// ~30 ms of CPU in every process at its first TLS connection.)
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()))
}

/// A TLS configuration trusting `roots`.
fn config_with(roots: RootCertStore) -> Result<Arc<rustls::ClientConfig>, SetupFailure> {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| SetupFailure::Client {
            reason: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Mozilla's roots, compiled in: no file is read.
fn mozilla_roots() -> RootCertStore {
    RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}

/// The configuration trusting Mozilla's roots only, built once per process.
fn mozilla_config() -> Result<Arc<rustls::ClientConfig>, SetupFailure> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    if let Some(config) = CONFIG.get() {
        return Ok(Arc::clone(config));
    }
    let config = config_with(mozilla_roots())?;
    Ok(Arc::clone(CONFIG.get_or_init(|| config)))
}

/// The configuration for `ca_bundle` (Mozilla's roots plus the bundle's), read once
/// per process for each bundle; a failure is not kept, so the next call reads again.
fn tls_config(ca_bundle: Option<&Path>) -> Result<Arc<rustls::ClientConfig>, SetupFailure> {
    let Some(path) = ca_bundle else {
        return mozilla_config();
    };
    // Bounded like the transports: a process names one bundle or a few.
    static WITH_BUNDLE: Mutex<Vec<(PathBuf, Arc<rustls::ClientConfig>)>> = Mutex::new(Vec::new());
    if let Some((_, config)) = lock(&WITH_BUNDLE).iter().find(|(p, _)| p == path) {
        return Ok(Arc::clone(config));
    }
    let mut roots = mozilla_roots();
    for cert in read_ca_bundle(path)? {
        roots.add(cert).map_err(|e| SetupFailure::CaBundle {
            path: path.to_owned(),
            reason: format!("rejected by the TLS library: {e}"),
        })?;
    }
    let config = config_with(roots)?;
    let mut cached = lock(&WITH_BUNDLE);
    if let Some((_, config)) = cached.iter().find(|(p, _)| p == path) {
        return Ok(Arc::clone(config));
    }
    if cached.len() >= MAX_TRANSPORTS {
        cached.remove(0);
    }
    cached.push((path.to_owned(), Arc::clone(&config)));
    Ok(config)
}

impl HttpTransport for ReqwestTransport {
    fn send(&self, request: Request) -> SendFuture {
        let client = self.client(request.url().scheme() == "https");
        Box::pin(async move {
            let client = client.map_err(|e| SendError::new(SendErrorKind::Other, e))?;
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
fn read_ca_bundle(path: &Path) -> Result<Vec<CertificateDer<'static>>, SetupFailure> {
    let fail = |reason: String| SetupFailure::CaBundle {
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
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(format!("not a PEM certificate bundle: {e}")))?;
    if certs.is_empty() {
        return Err(fail("no PEM certificate in it".to_owned()));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn settings(connect_ms: u64) -> HttpSettings {
        // A connect timeout no other test uses keeps this test's transports its own.
        HttpSettings::default().timeouts(Duration::from_millis(connect_ms), Duration::from_secs(30))
    }

    fn slots(t: &ReqwestTransport) -> usize {
        lock(&t.shared.clients).len()
    }

    #[test]
    fn one_transport_per_process_for_each_set_of_settings() {
        let a = ReqwestTransport::new(&settings(4_001)).unwrap();
        let b = ReqwestTransport::new(&settings(4_001)).unwrap();
        assert!(Arc::ptr_eq(&a.shared, &b.shared));
        // Retries, the request deadline and the User-Agent are above the seam.
        let mut other = settings(4_001);
        other.retry = crate::client::RetryPolicy::never();
        other.request_timeout = Duration::from_secs(1);
        other.user_agent = "someone-else/1".into();
        assert!(Arc::ptr_eq(
            &a.shared,
            &ReqwestTransport::new(&other).unwrap().shared
        ));
        // A different connect timeout or CA bundle is another transport.
        let c = ReqwestTransport::new(&settings(4_002)).unwrap();
        assert!(!Arc::ptr_eq(&a.shared, &c.shared));
        let d = ReqwestTransport::new(&settings(4_001).ca_bundle("/nonexistent/ca.pem")).unwrap();
        assert!(!Arc::ptr_eq(&a.shared, &d.shared));
    }

    #[test]
    fn debug_shows_no_proxy_password() {
        let t = ReqwestTransport::with_env(&settings(4_005), |name| {
            (name == "ALL_PROXY").then(|| "http://user:hunter2@proxy.example:3128".to_owned())
        });
        let shown = format!("{:?}", t.unwrap());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("proxy.example:3128"), "{shown}");
    }

    #[test]
    fn the_registry_keeps_the_most_recently_used_transports() {
        let first = ReqwestTransport::new(&settings(5_000)).unwrap();
        for ms in 5_001..5_001 + MAX_TRANSPORTS as u64 {
            ReqwestTransport::new(&settings(ms)).unwrap();
        }
        assert!(lock(&TRANSPORTS).len() <= MAX_TRANSPORTS);
        // The first was dropped from the registry: asking again makes a new one.
        let again = ReqwestTransport::new(&settings(5_000)).unwrap();
        assert!(!Arc::ptr_eq(&first.shared, &again.shared));
    }

    #[test]
    fn a_client_per_runtime_and_scheme_built_at_first_use_and_then_reused() {
        let t = ReqwestTransport::new(&settings(4_003)).unwrap();
        assert_eq!(slots(&t), 0, "nothing is built before the first request");
        let first = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        first.block_on(async {
            t.client(false).unwrap();
            t.client(false).unwrap();
        });
        assert_eq!(slots(&t), 1);
        first.block_on(async { t.client(true).unwrap() });
        assert_eq!(slots(&t), 2, "https has its own client");
        // Another runtime gets its own: a pooled connection belongs to the runtime
        // that opened it.
        let second = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        second.block_on(async { t.client(false).unwrap() });
        assert_eq!(slots(&t), 3);
        // The oldest goes when there are too many.
        for _ in 0..MAX_CLIENTS + 2 {
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            rt.block_on(async { t.client(false).unwrap() });
        }
        assert_eq!(slots(&t), MAX_CLIENTS);
    }

    #[test]
    fn the_ca_bundle_is_read_at_the_first_https_request_only() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let t = ReqwestTransport::new(&settings(4_004).ca_bundle(&missing)).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            t.client(false).unwrap();
            let e = ServiceError::from(t.client(true).unwrap_err());
            assert!(matches!(e, ServiceError::CaBundle { .. }), "{e:?}");
            assert!(e.to_string().contains("missing.pem"), "{e}");
        });
        assert_eq!(slots(&t), 1, "a failure is not kept");
    }
}
