//! Starting and stopping the server, in-process or on a background thread.

use std::fmt;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::{Account, EmulatorConfig};
use crate::control::EmulatorControl;
use crate::error::{EmulatorError, unknown_operation};
use crate::faults::Faults;
use crate::log::{ADMIN_PREFIX, RequestLog};
use crate::store::Store;
use crate::tls::TlsListener;
use crate::{admin, federation, lock, log, oidc, pages, portal, sts, vanity};

/// How long [`RunningEmulator::shutdown`] waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The state every handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: EmulatorConfig,
    pub(crate) base_url: String,
    pub(crate) clock: Clock,
    store: Mutex<Store>,
    pub(crate) faults: Faults,
    pub(crate) log: RequestLog,
    /// The role credentials issued and the sign-in tokens made from them.
    pub(crate) federation: federation::Federation,
}

impl Shared {
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub(crate) fn verification_uri(&self) -> String {
        format!("{}{}", self.base_url, pages::DEVICE_PATH)
    }
}

/// The routes of both services, the pages and the admin endpoint.
fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", post(sts::handle))
        .route("/client/register", post(oidc::register_client))
        .route(
            "/device_authorization",
            post(oidc::start_device_authorization),
        )
        .route("/token", post(oidc::create_token))
        .route(
            pages::DEVICE_PATH,
            get(pages::device_page).post(pages::device_decision),
        )
        .route(
            "/authorize",
            get(pages::authorize).post(pages::authorize_decision),
        )
        .route("/federation/credentials", get(portal::get_role_credentials))
        .route(federation::FEDERATION_PATH, get(federation::federation))
        .route("/assignment/accounts", get(portal::list_accounts))
        .route("/assignment/roles", get(portal::list_account_roles))
        .route("/logout", post(portal::logout))
        .route(
            &format!("{}/{{target}}", vanity::VANITY_PATH),
            get(vanity::start_url),
        )
        .nest(ADMIN_PREFIX, admin::router())
        .fallback(|| async { unknown_operation(StatusCode::NOT_FOUND) })
        .method_not_allowed_fallback(|| async { unknown_operation(StatusCode::METHOD_NOT_ALLOWED) })
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            log::record,
        ))
        .layer(DefaultBodyLimit::max(shared.config.max_body_bytes))
        .with_state(shared)
}

/// A local IAM Identity Center, not started yet. `Send`, so it can be built on one
/// thread and started on another.
#[derive(Debug, Clone)]
pub struct Emulator {
    config: EmulatorConfig,
}

impl Emulator {
    /// An emulator with this configuration.
    pub fn new(config: EmulatorConfig) -> Self {
        Self { config }
    }

    /// A builder starting from [`EmulatorConfig::default`].
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The configuration.
    pub fn config(&self) -> &EmulatorConfig {
        &self.config
    }

    /// Validates the configuration, binds the port and serves on the current tokio
    /// runtime.
    pub async fn start(self) -> Result<RunningEmulator, EmulatorError> {
        self.config.validate()?;
        let address = SocketAddr::new(self.config.host, self.config.port);
        let bind_error = |source| EmulatorError::Bind {
            address: address.to_string(),
            source,
        };
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(bind_error)?;
        let mut local = listener.local_addr().map_err(bind_error)?;
        if local.ip().is_unspecified() {
            local.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let acceptor = match &self.config.tls {
            Some(identity) => Some(identity.acceptor().map_err(EmulatorError::Tls)?),
            None => None,
        };
        let scheme = if acceptor.is_some() { "https" } else { "http" };
        let auto_approve = self.config.auto_approve_after_polls;
        let shared = Arc::new(Shared {
            config: self.config,
            base_url: format!("{scheme}://{local}"),
            clock: Clock::default(),
            store: Mutex::new(Store::new(auto_approve)),
            faults: Faults::default(),
            log: RequestLog::default(),
            federation: federation::Federation::default(),
        });
        let app = router(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = match acceptor {
            None => tokio::spawn(async move {
                let listener = listener.tap_io(|tcp| {
                    let _ = tcp.set_nodelay(true);
                });
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
            }),
            Some(acceptor) => {
                let listener = TlsListener::new(listener, acceptor).map_err(bind_error)?;
                tokio::spawn(async move {
                    axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await
                })
            }
        };
        tracing::debug!(url = %shared.base_url, "emulator listening");
        Ok(RunningEmulator {
            control: EmulatorControl::new(shared),
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Starts the emulator on its own thread with its own tokio runtime, for callers
    /// without one (the Python and Node bindings, synchronous tests). Returns once
    /// it listens.
    pub fn start_in_background(self) -> Result<BackgroundEmulator, EmulatorError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("ssokit-emulator".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("ssokit-emulator-worker")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(EmulatorError::Runtime(e.to_string())));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match self.start().await {
                        Ok(running) => {
                            let _ = ready_tx.send(Ok(running.control().clone()));
                            let _ = stop_rx.await;
                            if let Err(e) = running.shutdown().await {
                                tracing::warn!(error = %e, "emulator shutdown");
                            }
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| EmulatorError::Runtime(e.to_string()))?;
        match ready_rx.recv() {
            Ok(Ok(control)) => Ok(BackgroundEmulator {
                control,
                stop: Some(stop_tx),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(EmulatorError::Runtime(
                    "the emulator thread ended before it listened".into(),
                ))
            }
        }
    }
}

/// Builds an [`Emulator`]; every setter has the default of [`EmulatorConfig`].
#[derive(Debug, Clone, Default)]
pub struct EmulatorBuilder {
    config: EmulatorConfig,
}

impl EmulatorBuilder {
    /// Replaces the whole configuration (e.g. from [`EmulatorConfig::from_file`]).
    pub fn config(mut self, config: EmulatorConfig) -> Self {
        self.config = config;
        self
    }

    /// The organisation's accounts.
    pub fn accounts(mut self, accounts: Vec<Account>) -> Self {
        self.config.accounts = accounts;
        self
    }

    /// Serves HTTPS with this certificate and key.
    pub fn tls(mut self, identity: crate::TlsIdentity) -> Self {
        self.config.tls = Some(identity);
        self
    }

    /// The port to listen on (0, the default, picks a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }

    /// The address to listen on (127.0.0.1 by default).
    pub fn host(mut self, host: std::net::IpAddr) -> Self {
        self.config.host = host;
        self
    }

    /// The access-token lifetime.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.token_lifetime = lifetime;
        self
    }

    /// The session lifetime (refresh works until it ends).
    pub fn session_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.session_lifetime = lifetime;
        self
    }

    /// The role-credentials lifetime.
    pub fn credentials_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.credentials_lifetime = lifetime;
        self
    }

    /// The client-registration lifetime.
    pub fn registration_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.registration_lifetime = lifetime;
        self
    }

    /// The device-code lifetime.
    pub fn device_code_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.device_code_lifetime = lifetime;
        self
    }

    /// The device-flow poll interval in seconds (at least 1).
    pub fn poll_interval_secs(mut self, secs: u64) -> Self {
        self.config.poll_interval_secs = secs;
        self
    }

    /// Auto-approve: device codes on poll `n+1`, PKCE requests at once.
    pub fn auto_approve_after_polls(mut self, n: u32) -> Self {
        self.config.auto_approve_after_polls = Some(n);
        self
    }

    /// The page size of the list operations without `max_result`.
    pub fn default_page_size(mut self, size: u32) -> Self {
        self.config.default_page_size = size;
        self
    }

    /// The largest request body accepted.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.config.max_body_bytes = bytes;
        self
    }

    /// The emulator, after checking the configuration.
    pub fn build(self) -> Result<Emulator, EmulatorError> {
        self.config.validate()?;
        Ok(Emulator::new(self.config))
    }

    /// Builds and starts it on the current tokio runtime.
    pub async fn start(self) -> Result<RunningEmulator, EmulatorError> {
        self.build()?.start().await
    }

    /// Builds and starts it on a background thread.
    pub fn start_in_background(self) -> Result<BackgroundEmulator, EmulatorError> {
        self.build()?.start_in_background()
    }
}

/// An emulator serving on the current tokio runtime. Dereferences to its
/// [`EmulatorControl`]. Dropping it stops the server too; [`shutdown`](Self::shutdown)
/// also waits for requests in flight.
pub struct RunningEmulator {
    control: EmulatorControl,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("url", &self.control.url())
            .finish_non_exhaustive()
    }
}

impl RunningEmulator {
    /// The controls (clone them to keep them past the emulator).
    pub fn control(&self) -> &EmulatorControl {
        &self.control
    }

    /// Stops accepting connections, lets requests in flight finish (up to five
    /// seconds) and closes the port.
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(EmulatorError::Server(e.to_string())),
            Ok(Err(e)) => Err(EmulatorError::Server(e.to_string())),
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }
}

impl Deref for RunningEmulator {
    type Target = EmulatorControl;

    fn deref(&self) -> &EmulatorControl {
        &self.control
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An emulator on its own thread and runtime. Dereferences to its
/// [`EmulatorControl`]; [`stop`](Self::stop) (or dropping it) shuts it down and
/// joins the thread.
pub struct BackgroundEmulator {
    control: EmulatorControl,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl fmt::Debug for BackgroundEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackgroundEmulator")
            .field("url", &self.control.url())
            .finish_non_exhaustive()
    }
}

impl BackgroundEmulator {
    /// The controls.
    pub fn control(&self) -> &EmulatorControl {
        &self.control
    }

    /// Shuts the server down and waits for its thread. Blocking.
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Deref for BackgroundEmulator {
    type Target = EmulatorControl;

    fn deref(&self) -> &EmulatorControl {
        &self.control
    }
}

impl Drop for BackgroundEmulator {
    fn drop(&mut self) {
        self.stop_now();
    }
}
