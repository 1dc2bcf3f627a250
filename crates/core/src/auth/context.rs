//! What the device-code and PKCE logins share: their options ([`LoginOptions`],
//! [`CancelToken`]), the single-flight protocol around the token lock, the client
//! registration (with the PKCE client's redirect URI and default scope) and writing
//! the token. `login` and `pkce` both build on it; neither uses the other.
//!
//! Needs the `login` cargo feature (on by default).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use crate::Error;
use crate::cache::{CacheDirs, CachedToken, ClientRegistration, GrantFlow, RegistrationKey};
use crate::client::{OidcClient, RegisterClientRequest, TokenResponse};
use crate::config::SsoSession;
use crate::rt::blocking;
use crate::start_url::{PortalHosts, ResolvedStartUrl};
use crate::time::SharedClock;

/// How long a login waits for another process's login to finish before giving up.
pub(crate) const LOGIN_LOCK_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The redirect URI registered for PKCE clients (no port: any loopback port matches).
pub(crate) const REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";
/// The scope registered when `sso_registration_scopes` is not configured.
pub(crate) const DEFAULT_SCOPE: &str = "sso:account:access";

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

/// What both login flows share: the single-flight protocol around the token lock,
/// the client registration, and writing the token.
pub(crate) struct LoginContext<'a> {
    pub(crate) session: &'a SsoSession,
    pub(crate) caches: &'a CacheDirs,
    pub(crate) oidc: &'a OidcClient,
    pub(crate) clock: &'a SharedClock,
    /// The allow-list a custom start URL's redirect is checked against.
    pub(crate) portal_hosts: &'a PortalHosts,
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
    /// Where the start URL leads: itself on an AWS portal host, else the portal its
    /// one redirect names ([`crate::start_url`]). Asked once per login, after the
    /// cache was found wanting.
    pub(crate) async fn resolve_start_url(&self) -> Result<ResolvedStartUrl, Error> {
        Ok(crate::start_url::resolve(
            &self.session.start_url,
            Some(&self.session.region),
            self.portal_hosts,
            self.oidc.http_client(),
        )
        .await?)
    }

    pub(crate) async fn registration(
        &self,
        flow: GrantFlow,
        client_name: Option<&str>,
        portal: &ResolvedStartUrl,
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
                Some(configured.unwrap_or_else(|| vec![DEFAULT_SCOPE.to_owned()])),
            )
            .grant_types(vec!["authorization_code".into(), "refresh_token".into()])
            .redirect_uris(vec![REDIRECT_URI.to_owned()])
            .issuer_url(portal.portal_url.clone()),
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
        portal: &ResolvedStartUrl,
    ) -> Result<CachedToken, Error> {
        let expires_at = token.expires_at(self.clock.now());
        let cached = CachedToken {
            start_url: Some(self.session.start_url.clone()),
            region: Some(portal.region.clone()),
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
