//! The SSO token provider: serves the token of an sso-session (or legacy start URL)
//! from the AWS CLI's cache and refreshes it before it expires.
//!
//! Refresh policy (the same everywhere in ssokit):
//! - a token with less than [`REFRESH_WINDOW`](crate::cache::REFRESH_WINDOW) (15 minutes) left is refreshed, if the
//!   file has a refresh token and an unexpired client registration;
//! - the refresh happens under the token's cross-process lock, after re-reading the
//!   file, so when many processes find the token expiring at once exactly one calls
//!   the service and the others use its result;
//! - at most one attempt per 30 s per provider; a failed refresh
//!   keeps serving a still-valid token;
//! - an expired token that cannot be refreshed, or a refresh refused with
//!   `invalid_grant`, is [`AuthError::SessionEnded`] with the command to log in again.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Token;
use aws_credential_types::provider::error::TokenError;
use aws_credential_types::provider::future;
use aws_credential_types::provider::token::ProvideToken;

#[cfg(feature = "login")]
use super::login::{DeviceLogin, LoginOptions, LoginPrompt};
use super::{AuthError, LoginTarget};
use crate::Error;
use crate::cache::{
    CacheError, CachedToken, DEFAULT_LOCK_TIMEOUT, MAX_SHARED_BACKOFF, SharedFailure, TokenCache,
};
use crate::client::{
    CreateTokenRequest, ErrorCode, HttpSetup, OidcClient, ServiceError, TransportChoice,
};
use crate::config::SsoSession;
use crate::rt::blocking;
use crate::secret::RefreshToken;
use crate::time::SharedClock;

/// At most one refresh attempt per this interval and provider.
pub(crate) const REFRESH_RETRY_INTERVAL: Duration = Duration::from_secs(30);

/// What to do with a token read from the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Serve it as it is.
    Use,
    /// Refresh it (under the lock, after re-reading the file).
    Refresh,
    /// It cannot be served: the session has ended, for this reason.
    Ended(&'static str),
}

/// Decides what to do with `token` at `now`, given when this provider last tried to
/// refresh. Pure: no I/O, no clock.
pub(crate) fn decide(
    token: &CachedToken,
    now: SystemTime,
    last_attempt: Option<SystemTime>,
) -> Decision {
    if !token.needs_refresh(now) {
        return Decision::Use;
    }
    let expired = token.is_expired(now);
    if !token.can_refresh(now) {
        return if !expired {
            Decision::Use
        } else if token.refresh_token.is_none() {
            Decision::Ended("the token expired and has no refresh token")
        } else {
            Decision::Ended("the token expired and its client registration has expired")
        };
    }
    let throttled = last_attempt.is_some_and(|t| {
        now.duration_since(t)
            .map_or(true, |since| since < REFRESH_RETRY_INTERVAL)
    });
    // Throttled, a token that still works is served; an expired one goes to the lock,
    // where the last attempt's recorded failure (if recent) answers without a call.
    if throttled && !expired {
        Decision::Use
    } else {
        Decision::Refresh
    }
}

/// Serves and refreshes the SSO token of one sso-session or legacy start URL.
///
/// Cheap to clone; clones share the in-memory token, so concurrent callers wait for
/// one load or refresh. Implements [`ProvideToken`] for `aws-config`'s bearer-token
/// clients.
#[derive(Clone)]
pub struct SsoTokenProvider {
    inner: Arc<Inner>,
}

struct Inner {
    session: SsoSession,
    target: LoginTarget,
    tokens: TokenCache,
    oidc: OidcClient,
    clock: SharedClock,
    #[cfg(feature = "login")]
    auto_login: Option<AutoLogin>,
    state: tokio::sync::Mutex<State>,
}

/// Logs in automatically when the provider has no usable token (opt-in).
///
/// Needs the `login` cargo feature (on by default).
#[cfg(feature = "login")]
#[derive(Clone)]
pub struct AutoLogin {
    login: DeviceLogin,
    prompt: Arc<dyn LoginPrompt>,
    options: LoginOptions,
}

#[cfg(feature = "login")]
impl AutoLogin {
    /// Logs in with `login`, showing the code through `prompt`. `options.force` is
    /// ignored: an automatic login happens only when no usable token exists (or the
    /// portal rejected it).
    pub fn new(login: DeviceLogin, prompt: Arc<dyn LoginPrompt>, options: LoginOptions) -> Self {
        Self {
            login,
            prompt,
            options,
        }
    }
}

#[cfg(feature = "login")]
impl fmt::Debug for AutoLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutoLogin")
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct State {
    token: Option<CachedToken>,
    last_refresh_attempt: Option<SystemTime>,
    /// A refresh token the service refused (`invalid_grant`): never sent again; the
    /// token it came with is served until it expires, then the session has ended.
    refused: Option<RefreshToken>,
}

impl State {
    /// `token` as far as refreshing goes: without its refresh token if that one was
    /// refused before.
    fn refreshable_view(&self, token: &CachedToken) -> CachedToken {
        let mut view = token.clone();
        if view.refresh_token.is_some() && view.refresh_token == self.refused {
            view.refresh_token = None;
        }
        view
    }
}

impl fmt::Debug for SsoTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoTokenProvider")
            .field("session", &self.inner.session.token_cache_key_source())
            .field("target", &self.inner.target)
            .field("cache", &self.inner.tokens)
            .finish_non_exhaustive()
    }
}

impl SsoTokenProvider {
    /// A builder: the provider of a profile's (or an sso-session's) token, from the
    /// AWS config (see [`Builder`]).
    ///
    /// ```no_run
    /// let provider = ssokit::SsoTokenProvider::builder().profile_name("dev").build()?;
    /// # Ok::<(), ssokit::Error>(())
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A provider for `session`, reading and writing `tokens`, refreshing through
    /// `oidc`. `target` names what a user logs in to in error messages.
    pub fn new(
        session: SsoSession,
        target: LoginTarget,
        tokens: TokenCache,
        oidc: OidcClient,
        clock: SharedClock,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                session,
                target,
                tokens,
                oidc,
                clock,
                #[cfg(feature = "login")]
                auto_login: None,
                state: tokio::sync::Mutex::new(State::default()),
            }),
        }
    }

    /// Turns on automatic login: when there is no usable token (never logged in,
    /// logged out, session ended), [`SsoTokenProvider::token`] runs `auto_login`
    /// instead of failing. Off by default: a login starts only when asked for.
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub fn with_auto_login(self, auto_login: AutoLogin) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                session: inner.session.clone(),
                target: inner.target.clone(),
                tokens: inner.tokens.clone(),
                oidc: inner.oidc.clone(),
                clock: Arc::clone(&inner.clock),
                auto_login: Some(auto_login),
                state: tokio::sync::Mutex::new(State::default()),
            }),
        }
    }

    /// True when automatic login is on (never without the `login` feature).
    pub fn auto_login_enabled(&self) -> bool {
        #[cfg(feature = "login")]
        let enabled = self.inner.auto_login.is_some();
        #[cfg(not(feature = "login"))]
        let enabled = false;
        enabled
    }

    /// After the portal rejected the token: with automatic login, logs in again (one
    /// login however many callers and processes ask) and returns the new token;
    /// without it, the "session ended" error with the command to run.
    pub async fn login_again(&self, reason: &str) -> Result<CachedToken, Error> {
        let mut state = self.inner.state.lock().await;
        state.token = None;
        #[cfg(feature = "login")]
        if let Some(auto) = &self.inner.auto_login {
            let options = LoginOptions {
                force: true,
                ..auto.options.clone()
            };
            let token = auto.login.login(auto.prompt.as_ref(), &options).await?;
            state.token = Some(token.clone());
            return Ok(token);
        }
        Err(self.ended(reason))
    }

    /// The session this provider serves.
    pub fn session(&self) -> &SsoSession {
        &self.inner.session
    }

    /// What a user logs in to for this provider.
    pub fn target(&self) -> &LoginTarget {
        &self.inner.target
    }

    /// The SSO OIDC client this provider refreshes through.
    pub fn oidc(&self) -> &OidcClient {
        &self.inner.oidc
    }

    /// The token cache this provider reads.
    pub fn cache(&self) -> &TokenCache {
        &self.inner.tokens
    }

    /// A usable token: from memory, else from the cache file, refreshed when less
    /// than 15 minutes remain (see the module documentation).
    pub async fn token(&self) -> Result<CachedToken, Error> {
        let mut state = self.inner.state.lock().await;
        let result = self.token_locked(&mut state).await;
        #[cfg(feature = "login")]
        if let (
            Err(Error::Auth(AuthError::NotLoggedIn { .. } | AuthError::SessionEnded { .. })),
            Some(auto),
        ) = (&result, &self.inner.auto_login)
        {
            let options = LoginOptions {
                force: false,
                ..auto.options.clone()
            };
            let token = auto.login.login(auto.prompt.as_ref(), &options).await?;
            state.token = Some(token.clone());
            return Ok(token);
        }
        result
    }

    async fn token_locked(&self, state: &mut State) -> Result<CachedToken, Error> {
        let inner = &self.inner;
        let now = inner.clock.now();
        if let Some(token) = state.token.as_ref().filter(|t| !t.needs_refresh(now)) {
            return Ok(token.clone());
        }
        let disk = self.load().await?;
        match decide(
            &state.refreshable_view(&disk),
            now,
            state.last_refresh_attempt,
        ) {
            Decision::Use => {
                state.token = Some(disk.clone());
                Ok(disk)
            }
            Decision::Ended(reason) => {
                state.token = None;
                Err(self.ended(reason))
            }
            Decision::Refresh => self.refresh(state, disk).await,
        }
    }

    fn failure_error(&self, failure: SharedFailure) -> Error {
        AuthError::RecentFailure {
            operation: format!("refresh the SSO token of {}", self.inner.target),
            failure: Box::new(failure),
        }
        .into()
    }

    /// Forgets the in-memory token (after the portal rejected it with HTTP 401); the
    /// file stays, and the next login replaces it.
    pub async fn invalidate(&self) {
        self.inner.state.lock().await.token = None;
    }

    fn ended(&self, reason: &str) -> Error {
        AuthError::SessionEnded {
            target: self.inner.target.clone(),
            reason: reason.to_owned(),
        }
        .into()
    }

    async fn load(&self) -> Result<CachedToken, Error> {
        let tokens = self.inner.tokens.clone();
        let key = self.inner.session.token_cache_key_source().to_owned();
        let target = self.inner.target.clone();
        blocking(move || match tokens.load(&key) {
            Ok(token) => Ok(token),
            Err(cause) if cause.is_not_logged_in() => {
                Err(AuthError::NotLoggedIn { target, cause }.into())
            }
            Err(e) => Err(e.into()),
        })
        .await
    }

    async fn refresh(&self, state: &mut State, disk: CachedToken) -> Result<CachedToken, Error> {
        let inner = &self.inner;
        let key = inner.session.token_cache_key_source().to_owned();
        // A token that has not expired never waits for the lock: while another process
        // refreshes (or logs in), this one serves the token it has.
        let still_valid = !disk.is_expired(inner.clock.now());
        let tokens = inner.tokens.clone();
        let lock_key = key.clone();
        let lock = blocking(move || {
            Ok(if still_valid {
                tokens.try_lock(&lock_key)?
            } else {
                Some(tokens.lock(&lock_key, DEFAULT_LOCK_TIMEOUT)?)
            })
        })
        .await;
        let mut lock = match lock {
            Ok(Some(lock)) => lock,
            Ok(None) => return Ok(self.serve_meanwhile(state, disk)),
            // Held for long (a login in progress) while the token expired meanwhile: a
            // token that is still good now is served all the same.
            Err(Error::Cache(CacheError::LockTimeout { .. }))
                if !disk.is_expired(inner.clock.now()) =>
            {
                return Ok(self.serve_meanwhile(state, disk));
            }
            Err(e) => return Err(e),
        };

        // Another process may have refreshed while this one waited for the lock.
        let now = inner.clock.now();
        let current = self.load().await?;
        let shared = lock.shared_failure().cloned();
        // A refresh token that another process saw refused is never sent again.
        if let (Some(failure), Some(refresh_token)) = (&shared, &current.refresh_token)
            && failure.refused_refresh_token.as_deref() == Some(&fingerprint(refresh_token))
        {
            state.refused = Some(refresh_token.clone());
        }
        match decide(&state.refreshable_view(&current), now, None) {
            Decision::Use => {
                state.token = Some(current.clone());
                return Ok(current);
            }
            Decision::Ended(reason) => {
                state.token = None;
                return Err(self.ended(reason));
            }
            Decision::Refresh => {}
        }
        // The last holder failed and its back-off has not passed: no new attempt.
        if let Some(failure) = shared.filter(|f| f.blocks_retry(now)) {
            state.last_refresh_attempt = Some(now);
            if !current.is_expired(now) {
                state.token = Some(current.clone());
                return Ok(current);
            }
            state.token = None;
            return Err(self.failure_error(failure));
        }
        state.last_refresh_attempt = Some(now);

        let (Some(client_id), Some(client_secret), Some(refresh_token)) = (
            current.client_id.clone(),
            current.client_secret.clone(),
            current.refresh_token.clone(),
        ) else {
            return Err(self.ended("the token cannot be refreshed"));
        };
        let request = CreateTokenRequest::refresh_token(client_id, client_secret, refresh_token);
        match inner.oidc.create_token(&request).await {
            Ok(response) => {
                let mut fresh = current;
                fresh.expires_at = response.expires_at(inner.clock.now());
                fresh.access_token = response.access_token;
                if let Some(refresh_token) = response.refresh_token {
                    fresh.refresh_token = Some(refresh_token);
                }
                let tokens = inner.tokens.clone();
                let to_store = fresh.clone();
                let store_key = key.clone();
                blocking(move || Ok(tokens.store(&store_key, &to_store)?)).await?;
                lock.set_shared_failure(None);
                tracing::debug!(session = %key, "refreshed the SSO token");
                state.token = Some(fresh.clone());
                Ok(fresh)
            }
            Err(err) => {
                let refused = err.code() == Some(&ErrorCode::InvalidGrant);
                if refused {
                    state.refused = current.refresh_token.clone();
                }
                // This process's own set-up failing (a broken CA bundle) says nothing
                // about the service: other processes must not wait for it.
                let failure = (!err.is_local_setup()).then(|| {
                    shared_failure(
                        &err,
                        inner.clock.now(),
                        REFRESH_RETRY_INTERVAL,
                        current.refresh_token.as_ref().filter(|_| refused),
                    )
                });
                lock.set_shared_failure(failure);
                let still_valid = !current.is_expired(inner.clock.now());
                tracing::warn!(session = %key, error = %err, still_valid, "SSO token refresh failed");
                if still_valid {
                    state.token = Some(current.clone());
                    return Ok(current);
                }
                state.token = None;
                if refused {
                    Err(self.ended(
                        "the refresh token was refused (invalid_grant): the Identity Center session ended or was revoked",
                    ))
                } else {
                    Err(err.into())
                }
            }
        }
    }

    /// Serves a token that has not expired while another process holds the lock, and
    /// waits [`REFRESH_RETRY_INTERVAL`] before trying to refresh it again.
    fn serve_meanwhile(&self, state: &mut State, token: CachedToken) -> CachedToken {
        state.last_refresh_attempt = Some(self.inner.clock.now());
        state.token = Some(token.clone());
        token
    }
}

/// The longest error message left in a lock file: with the other fields, far below
/// what a reader of the lock file reads.
pub(crate) const MAX_SHARED_MESSAGE_CHARS: usize = 2048;

/// A failed service call as it is left in a lock file for other processes: no new
/// attempt before `backoff` (or the service's `Retry-After`, if longer) has passed.
pub(crate) fn shared_failure(
    err: &ServiceError,
    now: SystemTime,
    backoff: Duration,
    refused: Option<&RefreshToken>,
) -> SharedFailure {
    let backoff = err
        .retry_after()
        .map_or(backoff, |after| after.max(backoff))
        .min(MAX_SHARED_BACKOFF);
    let failed_at = crate::time::unix_seconds(now);
    SharedFailure {
        pid: std::process::id(),
        failed_at,
        retry_at: failed_at.saturating_add(backoff.as_secs().max(1)),
        message: crate::browser::printable(&err.to_string())
            .chars()
            .take(MAX_SHARED_MESSAGE_CHARS)
            .collect(),
        code: err.service_code().map(str::to_owned),
        status: err.status(),
        refused_refresh_token: refused.map(fingerprint),
    }
}

/// Names a refresh token in a lock file without writing it there: its SHA-1, in hex.
fn fingerprint(token: &RefreshToken) -> String {
    crate::cache::sha1_hex(token.expose_secret().as_bytes())
}

impl ProvideToken for SsoTokenProvider {
    fn provide_token<'a>(&'a self) -> future::ProvideToken<'a>
    where
        Self: 'a,
    {
        future::ProvideToken::new(async move {
            match self.token().await {
                Ok(token) => Ok(Token::new(
                    token.access_token.expose_secret(),
                    Some(token.expires_at),
                )),
                Err(Error::Auth(e @ AuthError::NotLoggedIn { .. })) => {
                    Err(TokenError::not_loaded(e))
                }
                Err(e) => Err(TokenError::provider_error(e)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::{AccessToken, ClientSecret, RefreshToken};
    use std::time::UNIX_EPOCH;

    const T0: u64 = 1_800_000_000;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn token(expires: u64, refreshable: bool, registration_expires: u64) -> CachedToken {
        let mut t = CachedToken::new(AccessToken::new("a"), at(expires));
        if refreshable {
            t.client_id = Some("c".into());
            t.client_secret = Some(ClientSecret::new("s"));
            t.refresh_token = Some(RefreshToken::new("r"));
            t.registration_expires_at = Some(at(registration_expires));
        }
        t
    }

    #[test]
    fn decision_table() {
        let far = T0 + 90 * 86_400;
        let cases: &[(&str, CachedToken, u64, Option<u64>, Decision)] = &[
            (
                "fresh",
                token(T0 + 3600, true, far),
                T0,
                None,
                Decision::Use,
            ),
            (
                "exactly 15 min left",
                token(T0 + 900, true, far),
                T0,
                None,
                Decision::Use,
            ),
            (
                "14:59 left",
                token(T0 + 899, true, far),
                T0,
                None,
                Decision::Refresh,
            ),
            (
                "expired, refreshable",
                token(T0 - 1, true, far),
                T0,
                None,
                Decision::Refresh,
            ),
            (
                "in window, legacy",
                token(T0 + 600, false, 0),
                T0,
                None,
                Decision::Use,
            ),
            (
                "expired, legacy",
                token(T0 - 1, false, 0),
                T0,
                None,
                Decision::Ended("the token expired and has no refresh token"),
            ),
            (
                "expired, registration expired",
                token(T0 - 1, true, T0 - 10),
                T0,
                None,
                Decision::Ended("the token expired and its client registration has expired"),
            ),
            (
                "in window, throttled",
                token(T0 + 600, true, far),
                T0,
                Some(T0 - 29),
                Decision::Use,
            ),
            (
                "in window, throttle over",
                token(T0 + 600, true, far),
                T0,
                Some(T0 - 30),
                Decision::Refresh,
            ),
            (
                "expired, throttled",
                token(T0 - 1, true, far),
                T0,
                Some(T0 - 5),
                Decision::Refresh,
            ),
        ];
        for (name, t, now, last, expected) in cases {
            assert_eq!(decide(t, at(*now), last.map(at)), *expected, "{name}");
        }
    }
}

/// The configuration error of an explicit setting that is missing: `key` is required
/// with an explicit start URL.
pub(crate) fn missing_explicit(key: &str) -> crate::config::ConfigError {
    crate::config::ConfigError::InvalidValue {
        key: key.to_owned(),
        value: String::new(),
        location: "the explicit SSO settings".to_owned(),
        reason: format!("{key} is required with an explicit start URL"),
    }
}

/// The session of explicit settings (a start URL and its region, and optionally the
/// sso-session name that keys the token cache), with the config file's endpoint
/// overrides, and what to log in to for it. Both providers' builders take these.
pub(crate) fn explicit_session(
    config: &crate::config::AwsConfig,
    start_url: &str,
    region: Option<&str>,
    session_name: Option<&str>,
    env: &crate::env::Env,
) -> Result<(SsoSession, LoginTarget), Error> {
    let region = region.ok_or_else(|| missing_explicit("sso_region"))?;
    let session = config.explicit_sso_session(session_name, start_url, region, None, env)?;
    let target = match session_name {
        Some(name) => LoginTarget::Session(name.to_owned()),
        None => LoginTarget::StartUrl(start_url.to_owned()),
    };
    Ok((session, target))
}

/// Builds an [`SsoTokenProvider`] (see [`SsoTokenProvider::builder`]) from a profile
/// or an sso-session of the AWS config: the settings of [`crate::SsoBuilder`] that a
/// token provider uses, each with a `x(value)` and a `set_x(Option<_>)` setter.
#[derive(Default, Clone)]
pub struct Builder {
    profile_name: Option<String>,
    sso_session: Option<String>,
    start_url: Option<String>,
    sso_region: Option<String>,
    session_name: Option<String>,
    config_file: Option<std::path::PathBuf>,
    env: Option<crate::env::Env>,
    setup: HttpSetup,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("profile_name", &self.profile_name)
            .field("sso_session", &self.sso_session)
            .field("start_url", &self.start_url)
            .field("sso_region", &self.sso_region)
            .field("session_name", &self.session_name)
            .field("config_file", &self.config_file)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// The profile (default: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
    /// `default`).
    pub fn profile_name(self, name: impl Into<String>) -> Self {
        self.set_profile_name(Some(name.into()))
    }

    /// The profile, or `None` for the default choice.
    pub fn set_profile_name(mut self, name: Option<String>) -> Self {
        self.profile_name = name;
        self
    }

    /// An sso-session by name instead of a profile.
    pub fn sso_session(self, name: impl Into<String>) -> Self {
        self.set_sso_session(Some(name.into()))
    }

    /// An sso-session by name, or `None` for a profile.
    pub fn set_sso_session(mut self, name: Option<String>) -> Self {
        self.sso_session = name;
        self
    }

    /// Explicit settings instead of a profile or a configured sso-session: the start
    /// URL (with [`Builder::sso_region`], and optionally [`Builder::session_name`]).
    /// The config file still supplies endpoint overrides.
    pub fn start_url(self, start_url: impl Into<String>) -> Self {
        self.set_start_url(Some(start_url.into()))
    }

    /// Sets or clears [`Builder::start_url`].
    pub fn set_start_url(mut self, start_url: Option<String>) -> Self {
        self.start_url = start_url;
        self
    }

    /// The region of the Identity Center instance (with [`Builder::start_url`]).
    pub fn sso_region(self, region: impl Into<String>) -> Self {
        self.set_sso_region(Some(region.into()))
    }

    /// Sets or clears [`Builder::sso_region`].
    pub fn set_sso_region(mut self, region: Option<String>) -> Self {
        self.sso_region = region;
        self
    }

    /// The sso-session name that keys the token cache (with [`Builder::start_url`]);
    /// without it the token is keyed by the start URL, as for legacy profiles.
    pub fn session_name(self, name: impl Into<String>) -> Self {
        self.set_session_name(Some(name.into()))
    }

    /// Sets or clears [`Builder::session_name`].
    pub fn set_session_name(mut self, name: Option<String>) -> Self {
        self.session_name = name;
        self
    }

    /// The config file (default: `AWS_CONFIG_FILE`, else `~/.aws/config`).
    pub fn config_file(self, path: impl Into<std::path::PathBuf>) -> Self {
        self.set_config_file(Some(path.into()))
    }

    /// The config file, or `None` for the default.
    pub fn set_config_file(mut self, path: Option<std::path::PathBuf>) -> Self {
        self.config_file = path;
        self
    }

    /// The environment to read (default: the process's).
    pub fn env(self, env: crate::env::Env) -> Self {
        self.set_env(Some(env))
    }

    /// The environment, or `None` for the process's.
    pub fn set_env(mut self, env: Option<crate::env::Env>) -> Self {
        self.env = env;
        self
    }

    /// The clock (default: the system clock).
    pub fn clock(self, clock: SharedClock) -> Self {
        self.set_clock(Some(clock))
    }

    /// The clock, or `None` for the system clock.
    pub fn set_clock(mut self, clock: Option<SharedClock>) -> Self {
        self.setup.clock = clock;
        self
    }

    /// How to wait between retries (default: tokio's sleep).
    pub fn sleep(self, sleeper: crate::time::SharedSleeper) -> Self {
        self.set_sleep(Some(sleeper))
    }

    /// How to wait, or `None` for tokio's sleep.
    pub fn set_sleep(mut self, sleeper: Option<crate::time::SharedSleeper>) -> Self {
        self.setup.sleeper = sleeper;
        self
    }

    /// HTTP timeouts and retries (default: [`crate::client::HttpSettings::for_session`]).
    pub fn http_settings(self, settings: crate::client::HttpSettings) -> Self {
        self.set_http_settings(Some(settings))
    }

    /// HTTP timeouts and retries, or `None` for the defaults.
    pub fn set_http_settings(mut self, settings: Option<crate::client::HttpSettings>) -> Self {
        self.setup.settings = settings;
        self
    }

    /// The transport that sends the requests (default: a reqwest client built from
    /// the HTTP settings); see [`crate::SsoBuilder::http_transport`].
    pub fn http_transport(self, transport: crate::transport::SharedHttpTransport) -> Self {
        self.set_http_transport(Some(transport))
    }

    /// The transport, or `None` for the default reqwest client.
    pub fn set_http_transport(
        mut self,
        transport: Option<crate::transport::SharedHttpTransport>,
    ) -> Self {
        self.setup.transport = transport.map(TransportChoice::Custom);
        self
    }

    /// Uses the HTTP client, time source and sleep of an AWS SDK configuration, each
    /// only if set (see [`crate::SsoBuilder::configure`]).
    ///
    /// Needs the `sdk-config` cargo feature.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), ssokit::Error> {
    /// let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    /// let tokens = ssokit::SsoTokenProvider::builder()
    ///     .profile_name("dev")
    ///     .configure(&sdk_config)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "sdk-config")]
    pub fn configure(mut self, sdk_config: &aws_types::SdkConfig) -> Self {
        self.setup.configure(sdk_config);
        self
    }

    /// Reads the config and builds the provider. Fails with a configuration error for
    /// a missing or invalid profile or session, or when both a profile and an
    /// sso-session are given.
    pub fn build(self) -> Result<SsoTokenProvider, Error> {
        let env = self.env.unwrap_or_else(crate::env::Env::process);
        if let (Some(profile), Some(sso_session)) = (&self.profile_name, &self.sso_session) {
            return Err(crate::config::ConfigError::ProfileAndSession {
                profile: profile.clone(),
                sso_session: sso_session.clone(),
            }
            .into());
        }
        let config = crate::config::load_config(self.config_file.as_deref(), &env)?;
        let (session, target) = match (&self.start_url, &self.sso_session) {
            (Some(start_url), _) => explicit_session(
                &config,
                start_url,
                self.sso_region.as_deref(),
                self.session_name.as_deref(),
                &env,
            )?,
            (None, Some(name)) => (
                config.resolve_sso_session(name, &env)?,
                LoginTarget::Session(name.clone()),
            ),
            (None, None) => {
                let name = crate::config::selected_profile_name(self.profile_name.as_deref(), &env);
                let profile = config.resolve_sso_profile(&name, &env)?;
                (profile.session, LoginTarget::Profile(profile.name))
            }
        };
        let caches = crate::cache::CacheDirs::from_env(&env)?;
        let http = self.setup.client(&self.setup.settings_for(&session))?;
        let oidc = OidcClient::with_http_client(&session.endpoints.oidc, &http)?;
        Ok(SsoTokenProvider::new(
            session,
            target,
            caches.tokens(),
            oidc,
            self.setup.clock(),
        ))
    }
}
