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

#[cfg(feature = "login")]
use super::login::{DeviceLogin, LoginOptions, LoginPrompt};
#[cfg(feature = "login")]
use super::token::AutoLogin;
use super::token::{SsoTokenProvider, explicit_session, missing_explicit, shared_failure};
use super::{AuthError, LoginTarget};
use crate::Error;
use crate::cache::{CacheDirs, CachedRoleCredentials, DEFAULT_LOCK_TIMEOUT, RoleCredentialsCache};
use crate::client::{
    ErrorCode, HttpSettings, HttpSetup, OidcClient, PortalClient, ServiceError, TransportChoice,
};
use crate::config::SsoProfile;
use crate::config::{load_config, resolve_profile};
use crate::env::Env;
use crate::rt::blocking;
use crate::time::{SharedClock, SharedSleeper};
use crate::transport::SharedHttpTransport;

/// Why a 401 from the portal ends the session.
pub(crate) const REJECTED: &str = "the SSO portal rejected the token (HTTP 401): it expired, was revoked, or you logged out elsewhere";

/// After a failed GetRoleCredentials, no process sharing the cache calls it again for
/// this long: they get the failure at once (see [`crate::cache::SharedFailure`]).
pub const ROLE_RETRY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

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
    /// The roles assumed after the SSO role's credentials (role chaining).
    #[cfg(feature = "extras")]
    chain: Option<Arc<super::chain::ChainedRoles>>,
}

impl fmt::Debug for SsoCredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("SsoCredentialsProvider");
        d.field("account_id", &self.inner.account_id)
            .field("role_name", &self.inner.role_name)
            .field("token", &self.inner.token);
        #[cfg(feature = "extras")]
        d.field(
            "chain",
            &self.inner.chain.as_ref().map(|c| c.chain().describe()),
        );
        d.finish_non_exhaustive()
    }
}

/// Whether the portal rejected the token (HTTP 401, `UnauthorizedException`).
fn rejected(err: &ServiceError) -> bool {
    err.code() == Some(&ErrorCode::Unauthorized)
}

fn is_fresh(expiry: Option<SystemTime>, now: SystemTime) -> bool {
    expiry.is_some_and(|e| crate::cache::is_fresh(e, now))
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
                #[cfg(feature = "extras")]
                chain: None,
            }),
        }
    }

    /// The same provider serving the last role of `chain` instead of the SSO role
    /// (whose credentials start the chain). Memory starts empty.
    #[cfg(feature = "extras")]
    pub(crate) fn with_chain(self, chain: Option<Arc<super::chain::ChainedRoles>>) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                token: inner.token.clone(),
                portal: inner.portal.clone(),
                account_id: inner.account_id.clone(),
                role_name: inner.role_name.clone(),
                role_cache: inner.role_cache.clone(),
                clock: Arc::clone(&inner.clock),
                memory: RwLock::new(None),
                fetching: tokio::sync::Mutex::new(()),
                chain,
            }),
        }
    }

    /// The role chain this provider assumes after the SSO role, if any.
    #[cfg(feature = "extras")]
    pub fn role_chain(&self) -> Option<&crate::config::RoleChain> {
        self.inner.chain.as_ref().map(|c| c.chain())
    }

    /// The same provider with automatic login turned on (see
    /// [`SsoTokenProvider::with_auto_login`]); the login writes to `caches`.
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub fn with_auto_login(
        self,
        caches: &CacheDirs,
        prompt: Arc<dyn LoginPrompt>,
        options: LoginOptions,
    ) -> Self {
        let inner = &self.inner;
        let token = &inner.token;
        let login = DeviceLogin::new(
            token.session().clone(),
            token.target().clone(),
            caches.clone(),
            token.oidc().clone(),
            Arc::clone(&inner.clock),
            // The sleep given to the builder (or the SdkConfig's) paces the polls too.
            Arc::clone(token.oidc().sleeper()),
        );
        let token = token
            .clone()
            .with_auto_login(AutoLogin::new(login, prompt, options));
        let provider = Self::new(
            token,
            inner.portal.clone(),
            inner.account_id.clone(),
            inner.role_name.clone(),
            inner.role_cache.clone(),
            Arc::clone(&inner.clock),
        );
        #[cfg(feature = "extras")]
        let provider = provider.with_chain(inner.chain.clone());
        provider
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

    /// The credentials in memory if they have more than 15 minutes left — a
    /// synchronous, allocation-light check for callers (the bindings) that want to
    /// answer a memoized call without going through a future.
    pub fn cached(&self) -> Option<Credentials> {
        self.memorised(self.inner.clock.now())
    }

    /// Credentials with more than 15 minutes left: from memory, else from the AWS CLI's
    /// cache file, else from GetRoleCredentials with the (refreshed) SSO token. For a
    /// role chain, the last role's: from its cache entry, else through STS AssumeRole
    /// from the SSO role's credentials, hop by hop.
    pub async fn credentials(&self) -> Result<Credentials, Error> {
        if let Some(c) = self.memorised(self.inner.clock.now()) {
            return Ok(c);
        }
        let _one_at_a_time = self.inner.fetching.lock().await;
        if let Some(c) = self.memorised(self.inner.clock.now()) {
            return Ok(c);
        }
        #[cfg(feature = "extras")]
        if let Some(chain) = &self.inner.chain {
            let c = chain.credentials(|| self.root_credentials()).await?;
            self.remember(Some(c.clone()));
            return Ok(c);
        }
        let c = self.root_credentials().await?;
        self.remember(Some(c.clone()));
        Ok(c)
    }

    /// The SSO role's credentials with more than 15 minutes left, from the AWS CLI's
    /// cache file, else from GetRoleCredentials (not from nor into memory).
    pub(crate) async fn root_credentials(&self) -> Result<Credentials, Error> {
        let now = self.inner.clock.now();
        if let Some(cached) = self.load_cached(now).await {
            return Ok(self.to_credentials(&cached));
        }
        // The token first (a refresh, or an automatic login, can take long and has its
        // own lock), then the entry's lock: other processes sharing the AWS CLI's cache
        // wait for this one's call and use its result.
        let token = self.inner.token.token().await?;
        let mut lock = self.lock_cached().await?;
        if lock.is_some()
            && let Some(cached) = self.load_cached(self.inner.clock.now()).await
        {
            return Ok(self.to_credentials(&cached));
        }
        // The last holder's call failed and its back-off has not passed: its error, at
        // once, rather than one more call from every waiting process.
        let now = self.inner.clock.now();
        if let Some(failure) = lock
            .as_ref()
            .and_then(|l| l.shared_failure())
            .filter(|f| f.blocks_retry(now))
        {
            return Err(AuthError::RecentFailure {
                operation: self.operation(),
                failure: Box::new(failure.clone()),
            }
            .into());
        }
        let role = match self.get_role_credentials(&token).await {
            Err(err) if rejected(&err) => {
                self.remember(None);
                // Logs in again when auto-login is on; else the "session ended" error.
                let token = self.inner.token.login_again(REJECTED).await?;
                self.get_role_credentials(&token).await
            }
            other => other,
        };
        if let Some(lock) = lock.as_mut() {
            lock.set_shared_failure(match &role {
                // Not this process's own set-up failing (a broken CA bundle): other
                // processes must not wait for it.
                Err(err) if err.is_local_setup() => None,
                Err(err) if !rejected(err) => Some(shared_failure(
                    err,
                    self.inner.clock.now(),
                    ROLE_RETRY_INTERVAL,
                    None,
                )),
                _ => None,
            });
        }
        match role {
            Ok(role) => {
                let cached = super::convert::cached_role_credentials(&role, &self.inner.account_id);
                self.store_cached(&cached).await;
                Ok(self.to_credentials(&cached))
            }
            Err(err) if rejected(&err) => Err(AuthError::SessionEnded {
                target: self.inner.token.target().clone(),
                reason: REJECTED.into(),
            }
            .into()),
            Err(other) => Err(other.into()),
        }
    }

    /// What [`AuthError::RecentFailure`] says could not be done.
    fn operation(&self) -> String {
        format!(
            "get the credentials of role {} in account {}",
            self.inner.role_name, self.inner.account_id
        )
    }

    async fn get_role_credentials(
        &self,
        token: &crate::cache::CachedToken,
    ) -> Result<crate::client::RoleCredentials, ServiceError> {
        let inner = &self.inner;
        let role = inner
            .portal
            .get_role_credentials(&token.access_token, &inner.account_id, &inner.role_name)
            .await?;
        // Never cached nor handed out: an expiry no SDK or cache reader can use.
        role.check_expiration(inner.clock.now())?;
        Ok(role)
    }

    async fn lock_cached(&self) -> Result<Option<crate::cache::CacheLock>, Error> {
        let Some(cache) = self.inner.role_cache.clone() else {
            return Ok(None);
        };
        let (account, role) = (self.inner.account_id.clone(), self.inner.role_name.clone());
        let session = self.inner.token.session().clone();
        blocking(move || {
            let scope = crate::cache::RoleCacheScope::for_session(&session);
            Ok(Some(cache.lock(
                &account,
                &role,
                scope,
                DEFAULT_LOCK_TIMEOUT,
            )?))
        })
        .await
    }

    async fn load_cached(&self, now: SystemTime) -> Option<CachedRoleCredentials> {
        let cache = self.inner.role_cache.clone()?;
        let (account, role) = (self.inner.account_id.clone(), self.inner.role_name.clone());
        let session = self.inner.token.session().clone();
        blocking(move || {
            Ok(cache
                .load(
                    &account,
                    &role,
                    crate::cache::RoleCacheScope::for_session(&session),
                )
                .ok())
        })
        .await
        .ok()
        .flatten()
        .filter(|c| c.is_fresh(now))
    }

    async fn store_cached(&self, credentials: &CachedRoleCredentials) {
        let Some(cache) = self.inner.role_cache.clone() else {
            return;
        };
        let (account, role) = (self.inner.account_id.clone(), self.inner.role_name.clone());
        let session = self.inner.token.session().clone();
        let credentials = credentials.clone();
        let result = blocking(move || {
            Ok(cache.store(
                &account,
                &role,
                crate::cache::RoleCacheScope::for_session(&session),
                &credentials,
            )?)
        })
        .await;
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
        // Credentials in memory answer at once, without boxing the refresh future.
        if let Some(c) = self.cached() {
            return future::ProvideCredentials::ready(Ok(c));
        }
        future::ProvideCredentials::new(async move {
            self.credentials().await.map_err(|e| match e {
                Error::Auth(e @ AuthError::NotLoggedIn { .. }) => CredentialsError::not_loaded(e),
                Error::Config(e) => CredentialsError::invalid_configuration(e),
                other => CredentialsError::provider_error(other),
            })
        })
    }
}

/// Builds an [`SsoCredentialsProvider`] from a profile of the AWS config, or from
/// explicit settings.
#[derive(Default)]
pub struct Builder {
    profile_name: Option<String>,
    start_url: Option<String>,
    sso_region: Option<String>,
    session_name: Option<String>,
    account_id: Option<String>,
    role_name: Option<String>,
    config_file: Option<std::path::PathBuf>,
    env: Option<Env>,
    setup: HttpSetup,
    role_cache: Option<bool>,
    #[cfg(feature = "login")]
    auto_login: Option<(Arc<dyn LoginPrompt>, LoginOptions)>,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Builder");
        d.field("profile_name", &self.profile_name)
            .field("start_url", &self.start_url)
            .field("session_name", &self.session_name)
            .field("account_id", &self.account_id)
            .field("role_name", &self.role_name);
        #[cfg(feature = "login")]
        d.field("auto_login", &self.auto_login.is_some());
        d.finish_non_exhaustive()
    }
}

impl Builder {
    /// The profile (default: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
    /// `default`). Ignored when a start
    /// URL is given.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// Sets or clears [`Builder::profile_name`].
    pub fn set_profile_name(mut self, name: Option<String>) -> Self {
        self.profile_name = name;
        self
    }

    /// Explicit settings instead of a profile: the start URL (with
    /// [`Builder::sso_region`], [`Builder::account_id`], [`Builder::role_name`], and
    /// optionally [`Builder::session_name`]).
    pub fn start_url(mut self, start_url: impl Into<String>) -> Self {
        self.start_url = Some(start_url.into());
        self
    }

    /// Sets or clears [`Builder::start_url`].
    pub fn set_start_url(mut self, start_url: Option<String>) -> Self {
        self.start_url = start_url;
        self
    }

    /// The region of the Identity Center instance (with [`Builder::start_url`]).
    pub fn sso_region(mut self, region: impl Into<String>) -> Self {
        self.sso_region = Some(region.into());
        self
    }

    /// Sets or clears [`Builder::sso_region`].
    pub fn set_sso_region(mut self, region: Option<String>) -> Self {
        self.sso_region = region;
        self
    }

    /// The sso-session name that keys the token cache (with [`Builder::start_url`]);
    /// without it the token is keyed by the start URL, as for legacy profiles.
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// Sets or clears [`Builder::session_name`].
    pub fn set_session_name(mut self, name: Option<String>) -> Self {
        self.session_name = name;
        self
    }

    /// The account (with [`Builder::start_url`]).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Sets or clears [`Builder::account_id`].
    pub fn set_account_id(mut self, account_id: Option<String>) -> Self {
        self.account_id = account_id;
        self
    }

    /// The role (with [`Builder::start_url`]).
    pub fn role_name(mut self, role_name: impl Into<String>) -> Self {
        self.role_name = Some(role_name.into());
        self
    }

    /// Sets or clears [`Builder::role_name`].
    pub fn set_role_name(mut self, role_name: Option<String>) -> Self {
        self.role_name = role_name;
        self
    }

    /// The config file (default: `AWS_CONFIG_FILE`, else `~/.aws/config`).
    pub fn config_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// Sets or clears [`Builder::config_file`].
    pub fn set_config_file(mut self, path: Option<std::path::PathBuf>) -> Self {
        self.config_file = path;
        self
    }

    /// The environment to read (default: the process's). Also sets the home directory
    /// and so the cache location.
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Sets or clears [`Builder::env`].
    pub fn set_env(mut self, env: Option<Env>) -> Self {
        self.env = env;
        self
    }

    /// The clock (default: the system clock).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.setup.clock = Some(clock);
        self
    }

    /// Sets or clears [`Builder::clock`].
    pub fn set_clock(mut self, clock: Option<SharedClock>) -> Self {
        self.setup.clock = clock;
        self
    }

    /// How to wait between retries (default: tokio's sleep).
    pub fn sleep(mut self, sleeper: SharedSleeper) -> Self {
        self.setup.sleeper = Some(sleeper);
        self
    }

    /// Sets or clears [`Builder::sleep`].
    pub fn set_sleep(mut self, sleeper: Option<SharedSleeper>) -> Self {
        self.setup.sleeper = sleeper;
        self
    }

    /// HTTP timeouts and retries (default: [`HttpSettings::for_session`]).
    pub fn http_settings(mut self, settings: HttpSettings) -> Self {
        self.setup.settings = Some(settings);
        self
    }

    /// Sets or clears [`Builder::http_settings`].
    pub fn set_http_settings(mut self, settings: Option<HttpSettings>) -> Self {
        self.setup.settings = settings;
        self
    }

    /// The transport that sends the requests (default: a reqwest client built from
    /// the HTTP settings); see [`crate::SsoBuilder::http_transport`].
    pub fn http_transport(self, transport: SharedHttpTransport) -> Self {
        self.set_http_transport(Some(transport))
    }

    /// Sets or clears [`Builder::http_transport`].
    pub fn set_http_transport(mut self, transport: Option<SharedHttpTransport>) -> Self {
        self.setup.transport = transport.map(TransportChoice::Custom);
        self
    }

    /// Uses the HTTP client, time source and sleep of an AWS SDK configuration, each
    /// only if set (see [`crate::SsoBuilder::configure`]): the service's own
    /// plumbing, as aws-config's providers take it through `ProviderConfig`.
    ///
    /// Needs the `sdk-config` cargo feature.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
    /// use aws_config::BehaviorVersion;
    ///
    /// let sdk_config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    /// let provider = ssokit::SsoCredentialsProvider::builder()
    ///     .profile_name("dev")
    ///     .configure(&sdk_config)
    ///     .build()?;
    /// let sdk_config = sdk_config.into_builder().credentials_provider(
    ///     aws_credential_types::provider::SharedCredentialsProvider::new(provider),
    /// );
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "sdk-config")]
    pub fn configure(mut self, sdk_config: &aws_types::SdkConfig) -> Self {
        self.setup.configure(sdk_config);
        self
    }

    /// Whether to share credentials through the AWS CLI's `~/.aws/cli/cache`
    /// (default: yes).
    pub fn role_cache(mut self, enabled: bool) -> Self {
        self.role_cache = Some(enabled);
        self
    }

    /// Sets or clears [`Builder::role_cache`].
    pub fn set_role_cache(mut self, enabled: Option<bool>) -> Self {
        self.role_cache = enabled;
        self
    }

    /// Opt in to logging in automatically (device-code flow) when there is no usable
    /// token, showing the code through `prompt`. Off by default.
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub fn auto_login(self, prompt: Arc<dyn LoginPrompt>, options: LoginOptions) -> Self {
        self.set_auto_login(Some((prompt, options)))
    }

    /// Sets or clears [`Builder::auto_login`] (`None`: no automatic login).
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub fn set_auto_login(
        mut self,
        auto_login: Option<(Arc<dyn LoginPrompt>, LoginOptions)>,
    ) -> Self {
        self.auto_login = auto_login;
        self
    }

    /// Resolves the profile (or checks the explicit settings) and builds the
    /// provider. Fails with a configuration error for a missing or invalid profile,
    /// a token-only profile, or incomplete explicit settings.
    pub fn build(self) -> Result<SsoCredentialsProvider, Error> {
        let env = self.env.unwrap_or_else(Env::process);
        let (profile, target) = match &self.start_url {
            Some(start_url) => {
                if self.sso_region.is_none() {
                    return Err(missing_explicit("sso_region").into());
                }
                let account_id = self
                    .account_id
                    .clone()
                    .ok_or_else(|| missing_explicit("sso_account_id"))?;
                let role_name = self
                    .role_name
                    .clone()
                    .ok_or_else(|| missing_explicit("sso_role_name"))?;
                crate::config::validate_account_id(&account_id).map_err(|e| {
                    crate::config::ConfigError::InvalidValue {
                        key: "sso_account_id".to_owned(),
                        value: account_id.clone(),
                        location: "the explicit SSO settings".to_owned(),
                        reason: e.reason().to_owned(),
                    }
                })?;
                let config = load_config(self.config_file.as_deref(), &env)?;
                let (session, target) = explicit_session(
                    &config,
                    start_url,
                    self.sso_region.as_deref(),
                    self.session_name.as_deref(),
                    &env,
                )?;
                let profile = SsoProfile {
                    name: String::from("(explicit)"),
                    session,
                    account_id: Some(account_id),
                    role_name: Some(role_name),
                    region: None,
                    warnings: Vec::new(),
                    chain: None,
                };
                (profile, target)
            }
            None => {
                let profile = resolve_profile(
                    self.profile_name.as_deref(),
                    self.config_file.as_deref(),
                    &env,
                )?;
                let target = LoginTarget::Profile(profile.name.clone());
                (profile, target)
            }
        };
        let caches = CacheDirs::from_env(&env)?;
        let provider = from_profile(
            &profile,
            target,
            &caches,
            &self.setup,
            self.role_cache.unwrap_or(true),
        )?;
        #[cfg(feature = "login")]
        if let Some((prompt, options)) = self.auto_login {
            return Ok(provider.with_auto_login(&caches, prompt, options));
        }
        Ok(provider)
    }
}

/// Builds the provider of a resolved profile.
pub(crate) fn from_profile(
    profile: &SsoProfile,
    target: LoginTarget,
    caches: &CacheDirs,
    setup: &HttpSetup,
    role_cache: bool,
) -> Result<SsoCredentialsProvider, Error> {
    let (Some(account_id), Some(role_name)) = (&profile.account_id, &profile.role_name) else {
        return Err(crate::config::ConfigError::TokenOnlyProfile {
            profile: profile.name.clone(),
        }
        .into());
    };
    let clock = setup.clock();
    let http = setup.client(&setup.settings_for(&profile.session))?;
    let oidc = OidcClient::with_http_client(&profile.session.endpoints.oidc, &http)?;
    let portal = PortalClient::with_http_client(&profile.session.endpoints.portal, &http)?;
    let token = SsoTokenProvider::new(
        profile.session.clone(),
        target,
        caches.tokens(),
        oidc,
        Arc::clone(&clock),
    );
    let provider = SsoCredentialsProvider::new(
        token,
        portal,
        account_id.clone(),
        role_name.clone(),
        role_cache.then(|| caches.role_credentials()),
        Arc::clone(&clock),
    );
    with_role_chain(provider, profile, &http, caches, role_cache, clock)
}

/// The provider of `profile`'s role chain over the SSO role's `provider`, or
/// `provider` itself for an SSO profile. Without the `extras` feature a role chain is
/// a configuration error.
pub(crate) fn with_role_chain(
    provider: SsoCredentialsProvider,
    profile: &SsoProfile,
    http: &crate::client::HttpClient,
    caches: &CacheDirs,
    role_cache: bool,
    clock: SharedClock,
) -> Result<SsoCredentialsProvider, Error> {
    let Some(chain) = &profile.chain else {
        return Ok(provider);
    };
    #[cfg(feature = "extras")]
    {
        let roles = super::chain::ChainedRoles::new(
            chain,
            http,
            role_cache.then(|| caches.assumed_roles()),
            clock,
            PROVIDER_NAME,
        )?;
        Ok(provider.with_chain(Some(Arc::new(roles))))
    }
    #[cfg(not(feature = "extras"))]
    {
        let _ = (provider, http, caches, role_cache, clock);
        Err(crate::config::ConfigError::RoleChainingUnavailable {
            profile: profile.name.clone(),
            chain: chain.describe().into(),
        }
        .into())
    }
}
