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
use std::time::{Duration, SystemTime};

use super::context::LoginContext;
pub use super::context::{CancelToken, LoginOptions};
use super::{AuthError, LoginTarget, SharedSleeper};
use crate::Error;
use crate::browser::{AllowedHosts, Opened, RefusedUrl, check_url, open_checked, printable};
use crate::cache::{CacheDirs, CachedToken, ClientRegistration, GrantFlow};
use crate::client::{
    CreateTokenRequest, DeviceAuthorization, ErrorCode, OidcClient, ServiceError, TokenResponse,
};
use crate::config::SsoSession;
use crate::env::Env;
use crate::start_url::PortalHosts;
use crate::time::SharedClock;

/// How much `slow_down` adds to the polling interval, for the rest of the login.
pub(crate) const SLOW_DOWN_INCREMENT: Duration = Duration::from_secs(5);

/// The longest pause between two polls, whatever the server's `interval` says.
pub const MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);

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

/// What one poll's answer means.
#[derive(Debug)]
pub(crate) enum PollStep {
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
pub(crate) fn poll_step(
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
    portal_hosts: PortalHosts,
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
            portal_hosts: PortalHosts::aws(),
        }
    }

    /// The allow-list a custom start URL's redirect must lead into (default:
    /// [`PortalHosts::aws`]); see [`crate::start_url`].
    pub fn with_portal_hosts(mut self, hosts: PortalHosts) -> Self {
        self.portal_hosts = hosts;
        self
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
            let portal = ctx.resolve_start_url().await?;
            let registration = ctx
                .registration(
                    GrantFlow::DeviceCode,
                    options.client_name.as_deref(),
                    &portal,
                )
                .await?;
            let authorization = self
                .oidc
                .start_device_authorization(
                    &registration.client_id,
                    &registration.client_secret,
                    &portal.portal_url,
                )
                .await?;
            let token = self
                .wait_for_approval(&registration, &authorization, prompt, options)
                .await?;
            ctx.store_token(&registration, token, &portal).await
        })
        .await
    }

    fn context(&self) -> LoginContext<'_> {
        LoginContext {
            session: &self.session,
            caches: &self.caches,
            oidc: &self.oidc,
            clock: &self.clock,
            portal_hosts: &self.portal_hosts,
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
pub(crate) fn poll_backoff(
    interval: Duration,
    failures: u32,
    retry_after: Option<Duration>,
) -> Duration {
    let interval = interval.max(Duration::from_secs(1));
    let doubled = interval
        .checked_mul(1u32.checked_shl(failures.min(16)).unwrap_or(u32::MAX))
        .unwrap_or(MAX_POLL_INTERVAL);
    doubled
        .max(retry_after.unwrap_or_default())
        .max(interval)
        .min(MAX_POLL_INTERVAL)
}
