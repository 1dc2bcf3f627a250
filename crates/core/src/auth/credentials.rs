//! The role-credentials provider: AWS credentials from GetRoleCredentials with the
//! SSO token, cached in memory and in the AWS CLI's `~/.aws/cli/cache` until 15
//! minutes before they expire.
//!
//! Plug it into `aws-config`:
//!
//! ```no_run
//! # async fn f() -> Result<(), ssokit::Error> {
//! let provider = ssokit::auth::credentials::SsoCredentialsProvider::builder()
//!     .profile_name("dev")
//!     .build()?;
//! // aws_config::defaults(BehaviorVersion::latest()).credentials_provider(provider)
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, future};

use super::token::SsoTokenProvider;
use super::{AuthError, LoginTarget, blocking};
use crate::Error;
use crate::cache::{
    CacheDirs, CachedRoleCredentials, REFRESH_WINDOW, RoleCacheScope, RoleCredentialsCache,
};
use crate::client::{HttpSettings, OidcClient, PortalClient, ServiceError};
use crate::config::SsoProfile;
use crate::env::Env;
use crate::profile::{ProfileQuery, resolve_profile};
use crate::time::{SharedClock, SystemClock};

/// The provider name set on the credentials it returns.
pub const PROVIDER_NAME: &str = "ssokit";

/// Serves AWS credentials for one account and role of an SSO profile.
///
/// Cheap to clone; clones share the cached credentials. Concurrent callers on a cold
/// provider wait for one GetRoleCredentials call.
#[derive(Clone)]
pub struct SsoCredentialsProvider {
    inner: Arc<Inner>,
}

struct Inner {
    token: SsoTokenProvider,
    portal: PortalClient,
    account_id: String,
    role_name: String,
    role_cache: Option<RoleCredentialsCache>,
    clock: SharedClock,
    memory: RwLock<Option<Credentials>>,
    fetching: tokio::sync::Mutex<()>,
}

impl fmt::Debug for SsoCredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoCredentialsProvider")
            .field("account_id", &self.inner.account_id)
            .field("role_name", &self.inner.role_name)
            .field("token", &self.inner.token)
            .finish_non_exhaustive()
    }
}

fn is_fresh(expiry: Option<SystemTime>, now: SystemTime) -> bool {
    expiry.is_some_and(|e| {
        e.duration_since(now)
            .is_ok_and(|left| left > REFRESH_WINDOW)
    })
}

impl SsoCredentialsProvider {
    /// A builder that resolves the profile from the AWS config.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A provider from its parts. `role_cache` (the AWS CLI's `~/.aws/cli/cache`) is
    /// read before calling the portal and written after; `None` keeps credentials in
    /// memory only.
    pub fn new(
        token: SsoTokenProvider,
        portal: PortalClient,
        account_id: impl Into<String>,
        role_name: impl Into<String>,
        role_cache: Option<RoleCredentialsCache>,
        clock: SharedClock,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                token,
                portal,
                account_id: account_id.into(),
                role_name: role_name.into(),
                role_cache,
                clock,
                memory: RwLock::new(None),
                fetching: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The token provider behind this provider.
    pub fn token_provider(&self) -> &SsoTokenProvider {
        &self.inner.token
    }

    fn memorised(&self, now: SystemTime) -> Option<Credentials> {
        let memory = self.inner.memory.read().unwrap_or_else(|e| e.into_inner());
        memory
            .as_ref()
            .filter(|c| is_fresh(c.expiry(), now))
            .cloned()
    }

    fn remember(&self, credentials: Option<Credentials>) {
        *self.inner.memory.write().unwrap_or_else(|e| e.into_inner()) = credentials;
    }

    /// Credentials with more than 15 minutes left: from memory, else from the AWS CLI's
    /// cache file, else from GetRoleCredentials with the (refreshed) SSO token.
    pub async fn credentials(&self) -> Result<Credentials, Error> {
        if let Some(c) = self.memorised(self.inner.clock.now()) {
            return Ok(c);
        }
        let _one_at_a_time = self.inner.fetching.lock().await;
        let now = self.inner.clock.now();
        if let Some(c) = self.memorised(now) {
            return Ok(c);
        }
        if let Some(cached) = self.load_cached(now).await {
            let c = self.to_credentials(&cached);
            self.remember(Some(c.clone()));
            return Ok(c);
        }
        let token = self.inner.token.token().await?;
        let inner = &self.inner;
        match inner
            .portal
            .get_role_credentials(&token.access_token, &inner.account_id, &inner.role_name)
            .await
        {
            Ok(role) => {
                let cached = CachedRoleCredentials {
                    access_key_id: role.access_key_id,
                    secret_access_key: role.secret_access_key,
                    session_token: role.session_token,
                    expiration: role.expiration,
                    account_id: Some(inner.account_id.clone()),
                    extra: Default::default(),
                };
                self.store_cached(&cached).await;
                let c = self.to_credentials(&cached);
                self.remember(Some(c.clone()));
                Ok(c)
            }
            Err(ServiceError::Unauthorized { .. }) => {
                inner.token.invalidate().await;
                self.remember(None);
                Err(AuthError::SessionEnded {
                    target: inner.token.target().clone(),
                    reason: "the SSO portal rejected the token (HTTP 401): it expired, was revoked, or you logged out elsewhere".into(),
                }
                .into())
            }
            Err(other) => Err(other.into()),
        }
    }

    fn scope(&self) -> RoleCacheScope<'_> {
        let session = self.inner.token.session();
        match &session.name {
            Some(name) => RoleCacheScope::Session(name),
            None => RoleCacheScope::StartUrl(&session.start_url),
        }
    }

    async fn load_cached(&self, now: SystemTime) -> Option<CachedRoleCredentials> {
        let cache = self.inner.role_cache.clone()?;
        let path = cache.path(&self.inner.account_id, &self.inner.role_name, self.scope());
        let loaded = blocking(move || {
            Ok(crate::cache::read_json_object(&path)
                .and_then(|map| CachedRoleCredentials::from_json(map, &path))
                .ok())
        })
        .await
        .ok()
        .flatten();
        loaded.filter(|c| c.is_fresh(now))
    }

    async fn store_cached(&self, credentials: &CachedRoleCredentials) {
        let Some(cache) = self.inner.role_cache.clone() else {
            return;
        };
        let path = cache.path(&self.inner.account_id, &self.inner.role_name, self.scope());
        let json = credentials.to_json();
        let result = blocking(move || Ok(crate::cache::write_json_object(&path, json, &[])?)).await;
        if let Err(e) = result {
            // The credentials are still good; only the sharing with other processes failed.
            tracing::warn!(error = %e, "could not write the role-credentials cache");
        }
    }

    fn to_credentials(&self, c: &CachedRoleCredentials) -> Credentials {
        let mut builder = Credentials::builder()
            .access_key_id(&c.access_key_id)
            .secret_access_key(c.secret_access_key.expose_secret())
            .session_token(c.session_token.expose_secret())
            .expiry(c.expiration)
            .provider_name(PROVIDER_NAME);
        if let Some(account) = &c.account_id {
            builder = builder.account_id(account.as_str());
        }
        builder.build()
    }
}

impl ProvideCredentials for SsoCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.credentials().await.map_err(|e| match e {
                Error::Auth(e @ AuthError::NotLoggedIn { .. }) => CredentialsError::not_loaded(e),
                Error::Config(e) => CredentialsError::invalid_configuration(e),
                other => CredentialsError::provider_error(other),
            })
        })
    }
}

/// Builds an [`SsoCredentialsProvider`] from a profile of the AWS config.
#[derive(Debug, Default)]
pub struct Builder {
    profile_name: Option<String>,
    env: Option<Env>,
    clock: Option<SharedClock>,
    http: Option<HttpSettings>,
    role_cache: Option<bool>,
}

impl Builder {
    /// The profile (default: `AWS_PROFILE`, else `default`).
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The environment to read (default: the process's). Also sets the home directory
    /// and so the cache location.
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// The clock (default: the system clock).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// HTTP timeouts and retries (default: [`HttpSettings::for_session`]).
    pub fn http_settings(mut self, settings: HttpSettings) -> Self {
        self.http = Some(settings);
        self
    }

    /// Whether to share credentials through the AWS CLI's `~/.aws/cli/cache`
    /// (default: yes).
    pub fn role_cache(mut self, enabled: bool) -> Self {
        self.role_cache = Some(enabled);
        self
    }

    /// Resolves the profile and builds the provider. Fails with a configuration error
    /// for a missing or invalid profile, or a token-only profile.
    pub fn build(self) -> Result<SsoCredentialsProvider, Error> {
        let env = self.env.unwrap_or_else(Env::process);
        let query = ProfileQuery {
            profile: self.profile_name,
            config_file: None,
        };
        let profile = resolve_profile(&query, &env)?;
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let caches = CacheDirs::from_env(&env)?;
        let http = self
            .http
            .unwrap_or_else(|| HttpSettings::for_session(&profile.session));
        from_profile(
            &profile,
            &caches,
            &http,
            clock,
            self.role_cache.unwrap_or(true),
        )
    }
}

/// Builds the providers of a resolved profile.
pub fn from_profile(
    profile: &SsoProfile,
    caches: &CacheDirs,
    http: &HttpSettings,
    clock: SharedClock,
    role_cache: bool,
) -> Result<SsoCredentialsProvider, Error> {
    let (Some(account_id), Some(role_name)) = (&profile.account_id, &profile.role_name) else {
        return Err(crate::config::ConfigError::TokenOnlyProfile {
            profile: profile.name.clone(),
        }
        .into());
    };
    let target = LoginTarget::Profile(profile.name.clone());
    let oidc = OidcClient::new(&profile.session.endpoints.oidc, http)?;
    let portal = PortalClient::new(&profile.session.endpoints.portal, http)?;
    let token = SsoTokenProvider::new(
        profile.session.clone(),
        target,
        caches.tokens(),
        oidc,
        Arc::clone(&clock),
    );
    Ok(SsoCredentialsProvider::new(
        token,
        portal,
        account_id.clone(),
        role_name.clone(),
        role_cache.then(|| caches.role_credentials()),
        clock,
    ))
}
