//! The device-code login (RFC 8628), as `aws sso login --use-device-code` does it,
//! with single-flight across threads and processes.
//!
//! A login takes the token's cross-process lock, re-reads the cache, and starts a
//! device authorization only if the token is still missing or unusable (or the caller
//! forces a new one and no other process has just logged in): twenty processes that
//! need a login at once show one code and one browser window; the other nineteen wait
//! for the lock and use the token it wrote.
//!
//! Needs the `login` cargo feature (on by default).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use super::{AuthError, LoginTarget, SharedSleeper, blocking};
use crate::Error;
use crate::browser::{AllowedHosts, Opened, RefusedUrl, check_url, open_checked, printable};
use crate::cache::{CacheDirs, CachedToken, ClientRegistration, GrantFlow, RegistrationKey};
use crate::client::{
    CreateTokenRequest, DeviceAuthorization, ErrorCode, OidcClient, RegisterClientRequest,
    ServiceError, TokenResponse,
};
use crate::config::SsoSession;
use crate::env::Env;
use crate::time::SharedClock;

/// How much `slow_down` adds to the polling interval, for the rest of the login.
pub const SLOW_DOWN_INCREMENT: Duration = Duration::from_secs(5);

/// The longest pause between two polls, whatever the server's `interval` says.
pub const MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);

/// How long a login waits for another process's login to finish before giving up.
pub const LOGIN_LOCK_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// What the user must see to approve a device login. The texts come from the server
/// with their control characters removed ([`crate::browser::printable`]): safe to
/// print. They are still not safe to hand to a browser: open [`DevicePrompt::page`]
/// with [`crate::browser::open_checked`] and [`DevicePrompt::allowed_hosts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePrompt {
    /// The page where the user enters the code.
    pub verification_uri: String,
    /// The same page with the code filled in, to open in a browser.
    pub verification_uri_complete: Option<String>,
    /// The code to enter (not a secret: it is shown to the user, and useless without
    /// the device code).
    pub user_code: String,
    /// When the code expires.
    pub expires_at: SystemTime,
    /// The hosts a browser may be sent to for this login.
    pub allowed_hosts: AllowedHosts,
}

impl DevicePrompt {
    /// The page to open: `verificationUriComplete`, else `verificationUri`.
    pub fn page(&self) -> &str {
        self.verification_uri_complete
            .as_deref()
            .unwrap_or(&self.verification_uri)
    }

    /// Opens [`DevicePrompt::page`] in a browser if [`check_url`] allows it.
    pub fn open_page(&self, env: &Env) -> Opened {
        open_checked(self.page(), &self.allowed_hosts, env)
    }

    /// Why [`DevicePrompt::page`] would not be opened, if it would not.
    pub fn refusal(&self) -> Option<RefusedUrl> {
        check_url(self.page(), &self.allowed_hosts).err()
    }
}

/// Shows the verification URL and code to the user (the CLI prints them and opens a
/// browser; the bindings call the caller's function).
pub trait LoginPrompt: Send + Sync {
    /// Called once per device authorization.
    fn show(&self, prompt: &DevicePrompt);
}

impl<F: Fn(&DevicePrompt) + Send + Sync> LoginPrompt for F {
    fn show(&self, prompt: &DevicePrompt) {
        self(prompt)
    }
}

/// Cancels a login in progress from another task or thread.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    inner: Arc<CancelInner>,
}

#[derive(Debug, Default)]
struct CancelInner {
    cancelled: AtomicBool,
    notify: tokio::sync::Notify,
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every login that watches this token.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    /// True once [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    pub(crate) async fn cancelled(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// How a login behaves. Built from [`LoginOptions::default`] with the `with_*`
/// setters (new options may be added).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LoginOptions {
    /// Get a new token even when a valid one is cached (what `aws sso login` does).
    /// A token that another process wrote while this one waited for the lock is
    /// still used: it is new.
    pub force: bool,
    /// Stop waiting for approval after this long (and in any case when the device
    /// code expires).
    pub timeout: Option<Duration>,
    /// Cancels the login.
    pub cancel: Option<CancelToken>,
    /// The OIDC client name shown on the approval page; default `ssokit-<session>`.
    pub client_name: Option<String>,
}

impl LoginOptions {
    /// The defaults: no forced login, the code's lifetime as the timeout, no cancel
    /// token, the default client name.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to get a new token even when a valid one is cached.
    pub fn with_force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// How long to wait for approval at the most, or `None` for the code's lifetime.
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// What cancels the login, if anything.
    pub fn with_cancel(mut self, cancel: Option<CancelToken>) -> Self {
        self.cancel = cancel;
        self
    }

    /// The OIDC client name shown on the approval page, or `None` for the default.
    pub fn with_client_name(mut self, client_name: Option<String>) -> Self {
        self.client_name = client_name;
        self
    }
}

/// What one poll's answer means.
#[derive(Debug)]
pub enum PollStep {
    /// Approved: the token.
    Done(TokenResponse),
    /// Not yet: poll again after this interval (grown after `slow_down`).
    Wait(Duration),
    /// A transient failure (a 5xx, a 429, no connection) that outlasted the HTTP
    /// client's own retries: poll again after a back-off, at least this long (the
    /// server's `Retry-After`, if it sent one), without changing the interval.
    Backoff(Option<Duration>),
    /// Stop with this error.
    Fail(Error),
}

/// Decides what a CreateToken answer means while polling. Pure.
///
/// Only an answer that ends the device authorization ends the login: approval,
/// `expired_token`, `access_denied`, and the other OIDC errors that say the request
/// can never succeed. A transient failure is [`PollStep::Backoff`]: the device code
/// is still good until it expires.
pub fn poll_step(
    result: Result<TokenResponse, ServiceError>,
    interval: Duration,
    target: &LoginTarget,
) -> PollStep {
    match result {
        Ok(token) => PollStep::Done(token),
        Err(e) if e.is_retryable() => PollStep::Backoff(e.retry_after()),
        Err(e) => match e.code() {
            Some(ErrorCode::AuthorizationPending) => PollStep::Wait(interval),
            Some(ErrorCode::SlowDown) => PollStep::Wait(interval + SLOW_DOWN_INCREMENT),
            Some(ErrorCode::ExpiredToken) => PollStep::Fail(
                AuthError::DeviceCodeExpired {
                    target: target.clone(),
                }
                .into(),
            ),
            Some(ErrorCode::AccessDenied) => PollStep::Fail(
                AuthError::AccessDenied {
                    target: target.clone(),
                }
                .into(),
            ),
            _ => PollStep::Fail(e.into()),
        },
    }
}

/// Logs users in to one sso-session (or legacy start URL) with the device flow.
#[derive(Clone)]
pub struct DeviceLogin {
    session: SsoSession,
    target: LoginTarget,
    caches: CacheDirs,
    oidc: OidcClient,
    clock: SharedClock,
    sleeper: SharedSleeper,
}

impl fmt::Debug for DeviceLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceLogin")
            .field("session", &self.session.token_cache_key_source())
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl DeviceLogin {
    /// A login for `session`, writing to `caches`, through `oidc`.
    pub fn new(
        session: SsoSession,
        target: LoginTarget,
        caches: CacheDirs,
        oidc: OidcClient,
        clock: SharedClock,
        sleeper: SharedSleeper,
    ) -> Self {
        Self {
            session,
            target,
            caches,
            oidc,
            clock,
            sleeper,
        }
    }

    /// Logs in (see the module documentation) and returns the token it wrote, or the
    /// one another process wrote meanwhile.
    pub async fn login(
        &self,
        prompt: &dyn LoginPrompt,
        options: &LoginOptions,
    ) -> Result<CachedToken, Error> {
        let ctx = self.context();
        ctx.single_flight(options.force, || async {
            let registration = ctx
                .registration(GrantFlow::DeviceCode, options.client_name.as_deref())
                .await?;
            let authorization = self
                .oidc
                .start_device_authorization(
                    &registration.client_id,
                    &registration.client_secret,
                    &self.session.start_url,
                )
                .await?;
            let token = self
                .wait_for_approval(&registration, &authorization, prompt, options)
                .await?;
            ctx.store_token(&registration, token).await
        })
        .await
    }

    fn context(&self) -> LoginContext<'_> {
        LoginContext {
            session: &self.session,
            caches: &self.caches,
            oidc: &self.oidc,
            clock: &self.clock,
        }
    }

    async fn wait_for_approval(
        &self,
        registration: &ClientRegistration,
        authorization: &DeviceAuthorization,
        prompt: &dyn LoginPrompt,
        options: &LoginOptions,
    ) -> Result<TokenResponse, Error> {
        let started = self.clock.now();
        // Overflowing values from a server (or a caller) mean "no limit" here, not a panic.
        let far = started + Duration::from_secs(100 * 365 * 86_400);
        let code_expires = started.checked_add(authorization.expires_in).unwrap_or(far);
        let deadline = match options.timeout {
            Some(t) if started.checked_add(t).is_some_and(|d| d < code_expires) => {
                started.checked_add(t)
            }
            _ => None,
        };
        // Server text, shown on terminals and pages: without control characters.
        prompt.show(&DevicePrompt {
            verification_uri: printable(&authorization.verification_uri),
            verification_uri_complete: authorization
                .verification_uri_complete
                .as_deref()
                .map(printable),
            user_code: printable(&authorization.user_code),
            expires_at: code_expires,
            allowed_hosts: AllowedHosts::for_session(&self.session),
        });
        let request = CreateTokenRequest::device_code(
            registration.client_id.clone(),
            registration.client_secret.clone(),
            authorization.device_code.clone(),
        );
        let mut interval = authorization.interval.min(MAX_POLL_INTERVAL);
        // The wait before the next poll: the interval, or a back-off after
        // transient failures.
        let mut next_wait = interval;
        let mut failures: u32 = 0;
        loop {
            // Never sleep past the deadline or the code's expiry.
            let stop = deadline.map_or(code_expires, |d| d.min(code_expires));
            let nap = next_wait.min(stop.duration_since(self.clock.now()).unwrap_or_default());
            let cancelled = match &options.cancel {
                Some(cancel) => {
                    tokio::select! {
                        () = self.sleeper.sleep(nap) => false,
                        () = cancel.cancelled() => true,
                    }
                }
                None => {
                    self.sleeper.sleep(nap).await;
                    false
                }
            };
            if cancelled {
                return Err(AuthError::Cancelled {
                    target: self.target.clone(),
                }
                .into());
            }
            let now = self.clock.now();
            if deadline.is_some_and(|deadline| now >= deadline) {
                return Err(AuthError::LoginTimeout {
                    target: self.target.clone(),
                    after: now.duration_since(started).unwrap_or_default(),
                }
                .into());
            }
            if now >= code_expires {
                return Err(AuthError::DeviceCodeExpired {
                    target: self.target.clone(),
                }
                .into());
            }
            let result = self.oidc.create_token(&request).await;
            match poll_step(result, interval, &self.target) {
                PollStep::Done(token) => return Ok(token),
                PollStep::Wait(next) => {
                    interval = next.min(MAX_POLL_INTERVAL);
                    next_wait = interval;
                    failures = 0;
                }
                PollStep::Backoff(retry_after) => {
                    failures = failures.saturating_add(1);
                    next_wait = poll_backoff(interval, failures, retry_after);
                    tracing::debug!(
                        failures,
                        wait_ms = next_wait.as_millis() as u64,
                        "polling for the token failed for now; polling again after a back-off"
                    );
                }
                PollStep::Fail(err) => return Err(err),
            }
        }
    }
}

/// The wait before the next poll after `failures` transient failures in a row: the
/// interval doubled per failure, or the server's `Retry-After` when it asks for
/// longer, never less than the interval and never more than [`MAX_POLL_INTERVAL`].
pub fn poll_backoff(interval: Duration, failures: u32, retry_after: Option<Duration>) -> Duration {
    let interval = interval.max(Duration::from_secs(1));
    let doubled = interval
        .checked_mul(1u32.checked_shl(failures.min(16)).unwrap_or(u32::MAX))
        .unwrap_or(MAX_POLL_INTERVAL);
    doubled
        .max(retry_after.unwrap_or_default())
        .max(interval)
        .min(MAX_POLL_INTERVAL)
}

/// What both login flows share: the single-flight protocol around the token lock,
/// the client registration, and writing the token.
pub(crate) struct LoginContext<'a> {
    pub(crate) session: &'a SsoSession,
    pub(crate) caches: &'a CacheDirs,
    pub(crate) oidc: &'a OidcClient,
    pub(crate) clock: &'a SharedClock,
}

impl LoginContext<'_> {
    /// Takes the token's cross-process lock, re-reads the cache, and runs `login`
    /// only if the token is still unusable — or, with `force`, unless another process
    /// wrote a new valid token while this one waited.
    pub(crate) async fn single_flight<F, Fut>(
        &self,
        force: bool,
        login: F,
    ) -> Result<CachedToken, Error>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<CachedToken, Error>>,
    {
        let key = self.session.token_cache_key_source().to_owned();
        let tokens = self.caches.tokens();
        let before = {
            let (tokens, key) = (tokens.clone(), key.clone());
            blocking(move || Ok(tokens.load(&key).ok())).await?
        };
        let _lock = {
            let (tokens, key) = (tokens.clone(), key.clone());
            blocking(move || Ok(tokens.lock(&key, LOGIN_LOCK_TIMEOUT)?)).await?
        };
        let current = blocking(move || Ok(tokens.load(&key).ok())).await?;
        if let Some(current) = current {
            let fresh = !current.needs_refresh(self.clock.now());
            let written_meanwhile = before.as_ref() != Some(&current);
            if fresh && (!force || written_meanwhile) {
                tracing::debug!("another login already produced a valid token");
                return Ok(current);
            }
        }
        login().await
    }

    /// A reusable cached registration for `flow`, or a new one (saved under the AWS
    /// CLI's key; a PKCE registration is told apart by its `grantTypes`).
    pub(crate) async fn registration(
        &self,
        flow: GrantFlow,
        client_name: Option<&str>,
    ) -> Result<ClientRegistration, Error> {
        let session = self.session.clone();
        let registrations = self.caches.registrations();
        let now = self.clock.now();
        let cached = {
            let (registrations, session) = (registrations.clone(), session.clone());
            blocking(move || {
                let key = RegistrationKey::for_session(&session);
                Ok(registrations.load_reusable(&key, flow, now))
            })
            .await?
        };
        if let Some(registration) = cached {
            return Ok(registration);
        }
        let client_name = client_name
            .map(str::to_owned)
            .unwrap_or_else(|| match &session.name {
                Some(name) => format!("ssokit-{name}"),
                None => format!("ssokit-{}", unix_seconds(now)),
            });
        let configured = session.scopes.clone().filter(|s| !s.is_empty());
        let request = match flow {
            GrantFlow::DeviceCode => RegisterClientRequest::public(client_name, configured),
            GrantFlow::AuthorizationCode => RegisterClientRequest::public(
                client_name,
                Some(configured.unwrap_or_else(|| vec![super::pkce::DEFAULT_SCOPE.to_owned()])),
            )
            .grant_types(vec!["authorization_code".into(), "refresh_token".into()])
            .redirect_uris(vec![super::pkce::REDIRECT_URI.to_owned()])
            .issuer_url(session.start_url.clone()),
        };
        let response = self.oidc.register_client(&request).await?;
        let registration = super::convert::client_registration(&response, &request);
        let to_store = registration.clone();
        blocking(move || {
            let key = RegistrationKey::for_session(&session);
            Ok(registrations.store(&key, &to_store)?)
        })
        .await?;
        Ok(registration)
    }

    /// Writes the token a login obtained, as the AWS CLI does.
    pub(crate) async fn store_token(
        &self,
        registration: &ClientRegistration,
        token: TokenResponse,
    ) -> Result<CachedToken, Error> {
        let expires_at = token.expires_at(self.clock.now());
        let cached = CachedToken {
            start_url: Some(self.session.start_url.clone()),
            region: Some(self.session.region.clone()),
            access_token: token.access_token,
            expires_at,
            client_id: Some(registration.client_id.clone()),
            client_secret: Some(registration.client_secret.clone()),
            registration_expires_at: Some(registration.expires_at),
            refresh_token: token.refresh_token,
            extra: Default::default(),
        };
        let (tokens, key) = (
            self.caches.tokens(),
            self.session.token_cache_key_source().to_owned(),
        );
        let to_store = cached.clone();
        blocking(move || Ok(tokens.store(&key, &to_store)?)).await?;
        Ok(cached)
    }
}

fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
