//! [`Sso`]: one resolved profile or sso-session with everything needed to act on it —
//! log in, serve tokens and credentials, list accounts and roles, log out. The CLI
//! and the Python and Node bindings are thin layers over this type.

use std::fmt;
use std::sync::Arc;

use crate::Error;
use crate::auth::credentials::SsoCredentialsProvider;
#[cfg(feature = "login")]
use crate::auth::flow::{Flow, FlowChoice, FlowRequest, RealMachine, choose_flow};
#[cfg(feature = "login")]
use crate::auth::login::{DeviceLogin, LoginOptions, LoginPrompt};
#[cfg(feature = "login")]
use crate::auth::pkce::{AuthorizePrompt, PkceLogin};
#[cfg(feature = "login")]
use crate::auth::prompt::{Prompter, ShowPrompt};
use crate::auth::token::SsoTokenProvider;
use crate::auth::{AuthError, LoginTarget, SharedSleeper};
#[cfg(feature = "login")]
use crate::cache::CachedToken;
use crate::cache::{CacheDirs, CachedRoleCredentials};
use crate::client::{
    AccountInfo, ErrorCode, HttpClient, HttpSettings, HttpSetup, OidcClient, PortalClient,
    RoleInfo, ServiceError, TransportChoice,
};
use crate::config::load_config;
use crate::config::{AwsConfig, SsoProfile, SsoSession, selected_profile_name};
use crate::env::Env;
#[cfg(feature = "login")]
use crate::start_url::{PortalHosts, ResolvedStartUrl};
use crate::time::SharedClock;
use crate::transport::SharedHttpTransport;

/// What to act on: a profile (the default) or an sso-session by name.
///
/// Built with [`Selector::new`] and the `with_*` setters (new settings may be added).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Selector {
    /// The profile; `None` means `$AWS_PROFILE`, else `$AWS_DEFAULT_PROFILE`, else
    /// `default` (see [`crate::config::selected_profile_name`]).
    pub profile: Option<String>,
    /// An sso-session by name, instead of a profile.
    pub sso_session: Option<String>,
    /// The config file; `None` means `$AWS_CONFIG_FILE`, else `~/.aws/config`.
    pub config_file: Option<std::path::PathBuf>,
}

impl Selector {
    /// The default choice: the profile of `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`,
    /// else `default`, from the default config file.
    pub fn new() -> Self {
        Self::default()
    }

    /// A profile by name, or `None` for the default choice.
    pub fn with_profile(mut self, profile: Option<String>) -> Self {
        self.profile = profile;
        self
    }

    /// An sso-session by name instead of a profile, or `None`.
    pub fn with_sso_session(mut self, sso_session: Option<String>) -> Self {
        self.sso_session = sso_session;
        self
    }

    /// The config file, or `None` for `AWS_CONFIG_FILE`, else `~/.aws/config`.
    pub fn with_config_file(mut self, config_file: Option<std::path::PathBuf>) -> Self {
        self.config_file = config_file;
        self
    }

    /// Checks that the selector names at most one of a profile and an sso-session.
    pub fn check(&self) -> Result<(), crate::config::ConfigError> {
        match (&self.profile, &self.sso_session) {
            (Some(profile), Some(sso_session)) => {
                Err(crate::config::ConfigError::ProfileAndSession {
                    profile: profile.clone(),
                    sso_session: sso_session.clone(),
                })
            }
            _ => Ok(()),
        }
    }
}

/// Builds an [`Sso`] (see [`Sso::builder`]). Every setting has a `x(value)` setter
/// and a `set_x(Option<_>)` one; what is not set takes the AWS CLI's default.
#[derive(Default, Clone)]
pub struct SsoBuilder {
    selector: Selector,
    env: Option<Env>,
    setup: HttpSetup,
    #[cfg(feature = "login")]
    portal_hosts: Option<PortalHosts>,
}

impl fmt::Debug for SsoBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoBuilder")
            .field("selector", &self.selector)
            .finish_non_exhaustive()
    }
}

impl SsoBuilder {
    /// The profile (default: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
    /// `default`).
    pub fn profile_name(self, name: impl Into<String>) -> Self {
        self.set_profile_name(Some(name.into()))
    }

    /// The profile, or `None` for the default choice.
    pub fn set_profile_name(mut self, name: Option<String>) -> Self {
        self.selector.profile = name;
        self
    }

    /// An sso-session by name instead of a profile (for a login, a token, accounts
    /// and roles; not for role credentials).
    pub fn sso_session(self, name: impl Into<String>) -> Self {
        self.set_sso_session(Some(name.into()))
    }

    /// An sso-session by name, or `None` for a profile.
    pub fn set_sso_session(mut self, name: Option<String>) -> Self {
        self.selector.sso_session = name;
        self
    }

    /// The config file (default: `AWS_CONFIG_FILE`, else `~/.aws/config`).
    pub fn config_file(self, path: impl Into<std::path::PathBuf>) -> Self {
        self.set_config_file(Some(path.into()))
    }

    /// The config file, or `None` for the default.
    pub fn set_config_file(mut self, path: Option<std::path::PathBuf>) -> Self {
        self.selector.config_file = path;
        self
    }

    /// The environment to read (default: the process's); it also gives the home
    /// directory, and so the caches.
    pub fn env(self, env: Env) -> Self {
        self.set_env(Some(env))
    }

    /// The environment, or `None` for the process's.
    pub fn set_env(mut self, env: Option<Env>) -> Self {
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

    /// How to wait between polls and retries (default: tokio's sleep).
    pub fn sleep(self, sleeper: SharedSleeper) -> Self {
        self.set_sleep(Some(sleeper))
    }

    /// How to wait, or `None` for tokio's sleep.
    pub fn set_sleep(mut self, sleeper: Option<SharedSleeper>) -> Self {
        self.setup.sleeper = sleeper;
        self
    }

    /// HTTP timeouts and retries (default: [`HttpSettings::for_session`]).
    pub fn http_settings(self, settings: HttpSettings) -> Self {
        self.set_http_settings(Some(settings))
    }

    /// HTTP timeouts and retries, or `None` for the defaults.
    pub fn set_http_settings(mut self, settings: Option<HttpSettings>) -> Self {
        self.setup.settings = settings;
        self
    }

    /// The transport that sends ssokit's requests (default: a reqwest client built
    /// from the [HTTP settings](Self::http_settings)). With a transport of your own,
    /// the settings' retry policy, `User-Agent` and request timeout (the deadline of
    /// one whole attempt, body included) still apply; its connect timeout, CA bundle
    /// and proxy are the transport's business. See [`crate::transport`].
    pub fn http_transport(self, transport: SharedHttpTransport) -> Self {
        self.set_http_transport(Some(transport))
    }

    /// The transport, or `None` for the default reqwest client.
    pub fn set_http_transport(mut self, transport: Option<SharedHttpTransport>) -> Self {
        self.setup.transport = transport.map(TransportChoice::Custom);
        self
    }

    /// Uses what an AWS SDK configuration holds, each only if set: its HTTP client
    /// (as the transport, with the connect and request timeouts of the HTTP settings),
    /// its time source (as the clock) and its sleep. Whatever is set later on this
    /// builder wins.
    ///
    /// `aws_config::load_defaults` puts an HTTP client in the `SdkConfig` only when
    /// one was set on its loader (`.http_client(..)`); without one ssokit keeps its own
    /// reqwest transport and takes only the time source and sleep. With the SDK's HTTP
    /// client (or any [`http_transport`](Self::http_transport)), that client decides
    /// which certificates it trusts: the `ca_bundle` profile key and `AWS_CA_BUNDLE`
    /// apply only to ssokit's own transport (ssokit logs a warning when one is set but
    /// unused).
    ///
    /// Needs the `sdk-config` cargo feature.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), ssokit::Error> {
    /// let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    /// let sso = ssokit::Sso::builder()
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

    /// The allow-list of AWS access portal hosts a custom start URL's redirect must
    /// lead into (default: [`PortalHosts::aws`]). Widen it only in tests, to let a
    /// local server play the portal host; there is no environment variable for it.
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub fn portal_hosts(self, hosts: PortalHosts) -> Self {
        self.set_portal_hosts(Some(hosts))
    }

    /// The allow-list, or `None` for [`PortalHosts::aws`].
    #[cfg(feature = "login")]
    pub fn set_portal_hosts(mut self, hosts: Option<PortalHosts>) -> Self {
        self.portal_hosts = hosts;
        self
    }

    /// Reads the config and resolves the profile or session. Fails with a
    /// configuration error for a missing or invalid profile or session, or a usage
    /// error when both a profile and an sso-session are given.
    pub fn build(self) -> Result<Sso, Error> {
        let env = self.env.unwrap_or_else(Env::process);
        let config = load_config(self.selector.config_file.as_deref(), &env)?;
        let sso = Sso::from_config_with(&config, &self.selector, &env, self.setup)?;
        #[cfg(feature = "login")]
        let sso = match self.portal_hosts {
            Some(hosts) => sso.with_portal_hosts(hosts),
            None => sso,
        };
        Ok(sso)
    }
}

/// A role the signed-in user may assume, with its account: what listing roles returns
/// in every front-end (`ssokit roles`, `list_roles`, `listRoles`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountRole {
    /// The account id.
    pub account_id: String,
    /// The account name: known when every account's roles were listed; `None` for
    /// the roles of one account asked about by id (the portal does not say it there).
    pub account_name: Option<String>,
    /// The role (permission set) name.
    pub role_name: String,
}

/// A resolved profile or session, with its caches, clients and clock.
#[derive(Clone)]
pub struct Sso {
    session: SsoSession,
    profile: Option<SsoProfile>,
    target: LoginTarget,
    caches: CacheDirs,
    oidc: OidcClient,
    portal: PortalClient,
    http: HttpSettings,
    /// The transport, clock and sleep chosen, to rebuild the clients with.
    setup: HttpSetup,
    http_client: HttpClient,
    clock: SharedClock,
    /// The logins and the retries wait on it.
    sleeper: SharedSleeper,
    /// The allow-list of a custom start URL's redirect.
    #[cfg(feature = "login")]
    portal_hosts: PortalHosts,
}

impl fmt::Debug for Sso {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sso")
            .field("target", &self.target)
            .field("session", &self.session.token_cache_key_source())
            .finish_non_exhaustive()
    }
}

impl Sso {
    /// Resolves what `selector` names from the AWS config that `env` points at.
    pub fn resolve(selector: &Selector, env: &Env) -> Result<Self, Error> {
        let config = load_config(selector.config_file.as_deref(), env)?;
        Self::from_config(&config, selector, env)
    }

    /// Resolves what `selector` names from an already loaded config.
    pub fn from_config(config: &AwsConfig, selector: &Selector, env: &Env) -> Result<Self, Error> {
        Self::from_config_with(config, selector, env, HttpSetup::default())
    }

    /// [`Sso::from_config`] with a builder's HTTP and time settings.
    fn from_config_with(
        config: &AwsConfig,
        selector: &Selector,
        env: &Env,
        setup: HttpSetup,
    ) -> Result<Self, Error> {
        selector.check()?;
        let caches = CacheDirs::from_env(env)?;
        match &selector.sso_session {
            Some(name) => {
                let session = config.resolve_sso_session(name, env)?;
                let target = LoginTarget::Session(name.clone());
                Self::assemble(session, None, target, caches, setup)
            }
            None => {
                let name = selected_profile_name(selector.profile.as_deref(), env);
                let profile = config.resolve_sso_profile(&name, env)?;
                let target = LoginTarget::Profile(profile.name.clone());
                Self::assemble(
                    profile.session.clone(),
                    Some(profile),
                    target,
                    caches,
                    setup,
                )
            }
        }
    }

    /// For a resolved profile (the slow path after [`resolve_cached`]).
    pub fn for_profile(profile: SsoProfile, caches: CacheDirs) -> Result<Self, Error> {
        let target = LoginTarget::Profile(profile.name.clone());
        Self::new(profile.session.clone(), Some(profile), target, caches)
    }

    /// From resolved parts, with the system clock and default HTTP settings.
    pub fn new(
        session: SsoSession,
        profile: Option<SsoProfile>,
        target: LoginTarget,
        caches: CacheDirs,
    ) -> Result<Self, Error> {
        Self::assemble(session, profile, target, caches, HttpSetup::default())
    }

    /// From resolved parts and a builder's HTTP and time settings.
    fn assemble(
        session: SsoSession,
        profile: Option<SsoProfile>,
        target: LoginTarget,
        caches: CacheDirs,
        setup: HttpSetup,
    ) -> Result<Self, Error> {
        let http = setup.settings_for(&session);
        let client = setup.client(&http)?;
        Ok(Self {
            oidc: OidcClient::with_http_client(&session.endpoints.oidc, &client)?,
            portal: PortalClient::with_http_client(&session.endpoints.portal, &client)?,
            session,
            profile,
            target,
            caches,
            http,
            clock: setup.clock(),
            sleeper: setup.sleeper(),
            http_client: client,
            setup,
            #[cfg(feature = "login")]
            portal_hosts: PortalHosts::aws(),
        })
    }

    /// Rebuilds the HTTP clients with other timeouts and retries (for example the
    /// patient retry policy of profile generation), through the same transport.
    pub fn with_http_settings(mut self, settings: HttpSettings) -> Result<Self, Error> {
        self.setup.settings = Some(settings.clone());
        self.setup.sleeper = Some(Arc::clone(&self.sleeper));
        self.setup.clock = Some(Arc::clone(&self.clock));
        let client = self.setup.client(&settings)?;
        self.oidc = self.oidc.with_http(&client);
        self.portal = self.portal.with_http(&client);
        self.http_client = client;
        self.http = settings;
        Ok(self)
    }

    /// An HTTP client with `settings` through this `Sso`'s transport, clock and sleep
    /// (for the logout's revocation).
    pub(crate) fn http_client_with(
        &self,
        settings: &HttpSettings,
    ) -> Result<HttpClient, ServiceError> {
        let mut setup = self.setup.clone();
        setup.clock = Some(Arc::clone(&self.clock));
        setup.sleeper = Some(Arc::clone(&self.sleeper));
        setup.client(settings)
    }

    /// The HTTP settings.
    pub fn http_settings(&self) -> &HttpSettings {
        &self.http
    }

    /// Replaces the clock (for tests; default: the system clock). An `SdkConfig`'s
    /// HTTP client keeps timing its timeouts with the time source it was built with.
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces how ssokit waits between polls and retries (for tests; default:
    /// tokio's sleep). Like [`Sso::with_clock`], it does not reach into an SDK HTTP
    /// client already built with `SsoBuilder::configure`, which keeps timing its
    /// timeouts with the sleep it was built with: set the sleep on the builder.
    pub fn with_sleep(mut self, sleeper: SharedSleeper) -> Self {
        self.http_client = self.http_client.with_sleep(Arc::clone(&sleeper));
        self.oidc = self.oidc.with_http(&self.http_client);
        self.portal = self.portal.with_http(&self.http_client);
        self.sleeper = sleeper;
        self
    }

    /// Replaces the allow-list of AWS access portal hosts a custom start URL's
    /// redirect must lead into (default: [`PortalHosts::aws`]); see
    /// [`SsoBuilder::portal_hosts`].
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub fn with_portal_hosts(mut self, hosts: PortalHosts) -> Self {
        self.portal_hosts = hosts;
        self
    }

    /// Where the start URL leads, as a login finds it: itself when its host is an
    /// AWS access portal host, else the portal its one redirect names (one `HEAD`,
    /// or `GET` when `HEAD` is refused; the redirect is read, never followed), with
    /// the region. See [`crate::start_url`].
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub async fn resolve_start_url(&self) -> Result<ResolvedStartUrl, Error> {
        Ok(crate::start_url::resolve(
            &self.session.start_url,
            Some(&self.session.region),
            &self.portal_hosts,
            &self.http_client,
        )
        .await?)
    }

    /// A builder: which profile or sso-session, which config file and environment,
    /// and the clock, sleep and HTTP settings.
    pub fn builder() -> SsoBuilder {
        SsoBuilder::default()
    }

    /// The session (where the token comes from).
    pub fn session(&self) -> &SsoSession {
        &self.session
    }

    /// The profile, when one was selected.
    pub fn profile(&self) -> Option<&SsoProfile> {
        self.profile.as_ref()
    }

    /// What a user logs in to.
    pub fn target(&self) -> &LoginTarget {
        &self.target
    }

    /// The caches.
    pub fn caches(&self) -> &CacheDirs {
        &self.caches
    }

    /// The clock.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// The device-code login of this session.
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub fn device_login(&self) -> DeviceLogin {
        DeviceLogin::new(
            self.session.clone(),
            self.target.clone(),
            self.caches.clone(),
            self.oidc.clone(),
            Arc::clone(&self.clock),
            Arc::clone(&self.sleeper),
        )
        .with_portal_hosts(self.portal_hosts.clone())
    }

    /// The PKCE authorization-code login of this session.
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub fn pkce_login(&self) -> PkceLogin {
        PkceLogin::new(
            self.session.clone(),
            self.target.clone(),
            self.caches.clone(),
            self.oidc.clone(),
            Arc::clone(&self.clock),
        )
        .with_portal_hosts(self.portal_hosts.clone())
    }

    /// Chooses the login flow for this session, first match wins: the caller's
    /// choice (`requested`, unless [`FlowRequest::Auto`]); else
    /// `SSOKIT_LOGIN_FLOW=device-code|pkce` in `env` (`auto` goes on); else
    /// `sso_use_device_code = true` in the `[sso-session]`; else the automatic choice:
    /// the device code for legacy profiles (no sso-session), over SSH
    /// (`SSH_CONNECTION`/`SSH_TTY`), in a container without a display, and on Linux
    /// without a display (unless `BROWSER` names one or this is WSL, whose Windows
    /// browser reaches 127.0.0.1); else PKCE. The choice says why, naming its source.
    ///
    /// # Errors
    /// A configuration error naming `SSOKIT_LOGIN_FLOW` when it holds anything but
    /// `device-code`, `pkce`, `auto` or nothing.
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub fn choose_flow(&self, requested: FlowRequest, env: &Env) -> Result<FlowChoice, Error> {
        Ok(choose_flow(&self.session, requested, env, &RealMachine)?)
    }

    /// The prompter of a login of this session: opens each page (when `open_browser`,
    /// with the browser `env` names, only on this session's hosts) and shows the
    /// prompt through `show`. Pass it as both prompts of [`Sso::login_with_flow`], or
    /// to [`SsoCredentialsProvider::with_auto_login`].
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub fn prompter(&self, show: Arc<dyn ShowPrompt>, open_browser: bool, env: Env) -> Prompter {
        Prompter::new(
            show,
            open_browser,
            env,
            crate::browser::AllowedHosts::for_session(&self.session),
        )
    }

    /// Logs in with `flow`: the device code shown through `device`, or the PKCE
    /// authorize URL handed to `authorize`.
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub async fn login_with_flow(
        &self,
        flow: Flow,
        device: &dyn LoginPrompt,
        authorize: &dyn AuthorizePrompt,
        options: &LoginOptions,
    ) -> Result<CachedToken, Error> {
        match flow {
            Flow::DeviceCode => self.login(device, options).await,
            Flow::Pkce => self.pkce_login().login(authorize, options).await,
        }
    }

    /// Logs in with the device-code flow (see [`DeviceLogin::login`]).
    ///
    /// Needs the `login` cargo feature (on by default).
    #[cfg(feature = "login")]
    pub async fn login(
        &self,
        prompt: &dyn LoginPrompt,
        options: &LoginOptions,
    ) -> Result<CachedToken, Error> {
        self.device_login().login(prompt, options).await
    }

    /// The token provider of this session.
    pub fn token_provider(&self) -> SsoTokenProvider {
        SsoTokenProvider::new(
            self.session.clone(),
            self.target.clone(),
            self.caches.tokens(),
            self.oidc.clone(),
            Arc::clone(&self.clock),
        )
    }

    /// The credentials provider of the selected profile (sharing `~/.aws/cli/cache`).
    /// A configuration error for a session or a token-only profile.
    pub fn credentials_provider(&self) -> Result<SsoCredentialsProvider, Error> {
        let profile = self.require_role_profile()?;
        let (Some(account), Some(role)) = (&profile.account_id, &profile.role_name) else {
            return Err(crate::config::ConfigError::TokenOnlyProfile {
                profile: profile.name.clone(),
            }
            .into());
        };
        // The same HTTP clients as this `Sso` (and so the process's shared transport).
        let provider = SsoCredentialsProvider::new(
            self.token_provider(),
            self.portal.clone(),
            account.clone(),
            role.clone(),
            Some(self.caches.role_credentials()),
            Arc::clone(&self.clock),
        );
        crate::auth::credentials::with_role_chain(
            provider,
            profile,
            &self.http_client,
            &self.caches,
            true,
            Arc::clone(&self.clock),
        )
    }

    /// The role credentials in the AWS CLI's cache, if they have more than 15 minutes
    /// left: the fast path of `credential_process`, with no network and no HTTP client.
    pub fn cached_role_credentials(&self) -> Option<CachedRoleCredentials> {
        cached_role_credentials(self.profile.as_ref()?, &self.caches, self.clock.now())
    }

    fn require_role_profile(&self) -> Result<&SsoProfile, Error> {
        match &self.profile {
            Some(p) if !p.is_token_only() => Ok(p),
            Some(p) => Err(crate::config::ConfigError::TokenOnlyProfile {
                profile: p.name.clone(),
            }
            .into()),
            None => Err(crate::config::ConfigError::TokenOnlyProfile {
                profile: format!("(sso-session {})", self.session.token_cache_key_source()),
            }
            .into()),
        }
    }

    /// Every account the signed-in user may access (all pages). A token the portal
    /// rejects (HTTP 401) is [`AuthError::SessionEnded`], as for credentials.
    pub async fn list_accounts(&self) -> Result<Vec<AccountInfo>, Error> {
        let token = self.token_provider().token().await?;
        self.portal
            .list_accounts(&token.access_token)
            .await
            .map_err(|e| self.portal_error(e))
    }

    /// Every role the signed-in user may assume in `account_id` (all pages). A token
    /// the portal rejects (HTTP 401) is [`AuthError::SessionEnded`].
    pub async fn list_roles(&self, account_id: &str) -> Result<Vec<RoleInfo>, Error> {
        let token = self.token_provider().token().await?;
        self.portal
            .list_account_roles(&token.access_token, account_id)
            .await
            .map_err(|e| self.portal_error(e))
    }

    /// The roles the signed-in user may assume: in `account_id`, or with `None` in
    /// every account ([`Sso::all_roles`]). Sorted by account id, then role name.
    pub async fn roles(&self, account_id: Option<&str>) -> Result<Vec<AccountRole>, Error> {
        let Some(id) = account_id else {
            return self.all_roles().await;
        };
        let mut roles: Vec<AccountRole> = self
            .list_roles(id)
            .await?
            .into_iter()
            .map(|r| AccountRole {
                account_id: r.account_id,
                account_name: None,
                role_name: r.role_name,
            })
            .collect();
        roles.sort_by(|a, b| (&a.account_id, &a.role_name).cmp(&(&b.account_id, &b.role_name)));
        Ok(roles)
    }

    /// Every role in every account, with the account's name: one ListAccounts (all
    /// pages), then ListAccountRoles for each account with at most
    /// [`DEFAULT_CONCURRENCY`] calls in flight
    /// (throttling retried with backoff). Sorted by account id, then role name,
    /// whatever order the answers came in.
    pub async fn all_roles(&self) -> Result<Vec<AccountRole>, Error> {
        let assignments = list_assignments(self, DEFAULT_CONCURRENCY).await?;
        Ok(assignments
            .into_iter()
            .flat_map(|a| {
                let account = a.account;
                a.roles.into_iter().map(move |r| AccountRole {
                    account_id: account.account_id.clone(),
                    account_name: account.account_name.clone(),
                    role_name: r.role_name,
                })
            })
            .collect())
    }

    /// A portal failure as the caller should see it: HTTP 401 means the session has
    /// ended (expired, revoked, or logged out elsewhere) on every path.
    pub(crate) fn portal_error(&self, err: ServiceError) -> Error {
        if err.code() == Some(&ErrorCode::Unauthorized) {
            AuthError::SessionEnded {
                target: self.target.clone(),
                reason: crate::auth::credentials::REJECTED.into(),
            }
            .into()
        } else {
            err.into()
        }
    }

    /// The portal client (for callers that manage tokens themselves).
    pub fn portal(&self) -> &PortalClient {
        &self.portal
    }
}

/// The `credential_process` fast path: resolves the profile `selector` names and
/// returns its role credentials from the AWS CLI's cache if they have more than 15
/// minutes left — one config parse and one file read, no HTTP client. On a miss,
/// [`Sso::for_profile`] builds the rest from what this returned.
pub fn resolve_cached(
    selector: &Selector,
    env: &Env,
    now: std::time::SystemTime,
) -> Result<(SsoProfile, CacheDirs, Option<CachedRoleCredentials>), Error> {
    let config = load_config(selector.config_file.as_deref(), env)?;
    let name = selected_profile_name(selector.profile.as_deref(), env);
    let profile = config.resolve_sso_profile(&name, env)?;
    let caches = CacheDirs::from_env(env)?;
    let cached = cached_role_credentials(&profile, &caches, now);
    Ok((profile, caches, cached))
}

/// The cached role credentials of `profile` under `caches`, if they have more than 15
/// minutes left at `now`. Reads one small file; no network.
pub(crate) fn cached_role_credentials(
    profile: &SsoProfile,
    caches: &CacheDirs,
    now: std::time::SystemTime,
) -> Option<CachedRoleCredentials> {
    if let Some(chain) = &profile.chain {
        return cached_chain_credentials(chain, caches, now);
    }
    let (account, role) = (
        profile.account_id.as_deref()?,
        profile.role_name.as_deref()?,
    );
    let scope = crate::cache::RoleCacheScope::for_session(&profile.session);
    caches
        .role_credentials()
        .load(account, role, scope)
        .ok()
        .filter(|c| c.is_fresh(now))
}

/// The last hop's credentials in the AWS CLI's assume-role cache, if fresh (feature
/// `extras`; without it a role chain has no fast path).
fn cached_chain_credentials(
    chain: &crate::config::RoleChain,
    caches: &CacheDirs,
    now: std::time::SystemTime,
) -> Option<CachedRoleCredentials> {
    #[cfg(feature = "extras")]
    {
        let hop = chain.hops.last()?;
        let key = crate::cache::assume_role_cache_key(
            &hop.role_arn,
            hop.role_session_name.as_deref(),
            hop.duration_seconds,
            hop.external_id.as_deref(),
        );
        let c = caches.assumed_roles().load(&key).ok()?;
        c.is_fresh(now).then(|| CachedRoleCredentials {
            access_key_id: c.access_key_id,
            secret_access_key: c.secret_access_key,
            session_token: c.session_token,
            expiration: c.expiration,
            account_id: c.account_id,
            extra: serde_json::Map::new(),
        })
    }
    #[cfg(not(feature = "extras"))]
    {
        let _ = (chain, caches, now);
        None
    }
}

/// How many ListAccountRoles calls run at once, when listing every account's roles
/// ([`Sso::all_roles`]) and for profile generation.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// One account with its roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assignment {
    /// The account.
    pub account: AccountInfo,
    /// Its roles, sorted by name.
    pub roles: Vec<RoleInfo>,
}

/// Lists every account and its roles, `concurrency` ListAccountRoles calls at a time
/// (throttling is retried with backoff and jitter by the client). Sorted by account id.
pub(crate) async fn list_assignments(
    sso: &Sso,
    concurrency: usize,
) -> Result<Vec<Assignment>, Error> {
    let token = sso.token_provider().token().await?;
    let portal = sso.portal().clone();
    let accounts = portal
        .list_accounts(&token.access_token)
        .await
        .map_err(|e| sso.portal_error(e))?;
    let permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, account) in accounts.into_iter().enumerate() {
        let (portal, permits, token) = (
            portal.clone(),
            Arc::clone(&permits),
            token.access_token.clone(),
        );
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let roles = portal.list_account_roles(&token, &account.account_id).await;
            (index, account, roles)
        });
    }
    let mut out = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (index, account, roles) =
            joined.map_err(|e| Error::Internal(format!("a listing task failed: {e}")))?;
        let mut roles = roles.map_err(|e| sso.portal_error(e))?;
        roles.sort_by(|a, b| a.role_name.cmp(&b.role_name));
        out.push((index, Assignment { account, roles }));
    }
    out.sort_by(|a, b| {
        a.1.account
            .account_id
            .cmp(&b.1.account.account_id)
            .then(a.0.cmp(&b.0))
    });
    Ok(out.into_iter().map(|(_, a)| a).collect())
}
