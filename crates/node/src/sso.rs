//! Login, logout, tokens, credentials, status, accounts and roles: each a call into
//! `ssokit::Sso` (or the core's logout and status functions) on napi-rs's tokio
//! runtime, off the JavaScript thread.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use napi::Status;
use napi::bindgen_prelude::{Either, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use ssokit::auth::credentials::SsoCredentialsProvider;
use ssokit::auth::flow::{Flow, FlowRequest, UnknownFlow};
use ssokit::auth::login::{CancelToken, LoginOptions as CoreLoginOptions};
use ssokit::auth::prompt::{Prompt, PromptEvent, ShowPrompt};
use ssokit::env::Env;
use ssokit::logout::LogoutReport;
use ssokit::time::SystemClock;
use ssokit::{AccountRole, Selector, Sso};

use crate::errors::usage;
use crate::profile::path_string;
use crate::{JsResult, Reply, Timestamp, js_error, make_env};

/// What to act on: a profile (the default) or an sso-session, and where the config is.
#[napi(object)]
#[derive(Default)]
pub struct TargetOptions {
    /// The profile; defaults to `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
    pub profile: Option<String>,
    /// An sso-session by name, instead of a profile.
    pub sso_session: Option<String>,
    /// The config file; defaults to `AWS_CONFIG_FILE`, then `~/.aws/config`.
    pub config_file: Option<String>,
    /// Replaces the process environment for this call (for tests).
    pub env: Option<HashMap<String, String>>,
}

fn selector(
    profile: Option<String>,
    sso_session: Option<String>,
    config_file: Option<String>,
) -> Selector {
    Selector::default()
        .with_profile(profile)
        .with_sso_session(sso_session)
        .with_config_file(config_file.map(PathBuf::from))
}

fn resolve(options: TargetOptions) -> JsResult<(Sso, Env)> {
    let env = make_env(options.env);
    let selector = selector(options.profile, options.sso_session, options.config_file);
    let sso = Sso::resolve(&selector, &env).map_err(js_error)?;
    Ok((sso, env))
}

/// Milliseconds from JavaScript as a duration; `what` names the option in the error.
fn millis(ms: Option<f64>, what: &str) -> JsResult<Option<Duration>> {
    ms.map(|ms| {
        Duration::try_from_secs_f64(ms / 1000.0)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                usage(format!(
                    "{what} must be a positive number of milliseconds, not {ms}"
                ))
            })
    })
    .transpose()
}

/// What the user is shown to approve a device-code login: open the URL and enter the
/// code.
#[napi(object, object_from_js = false)]
pub struct DevicePromptInfo {
    /// The flow: always `'device-code'` here.
    #[napi(ts_type = "'device-code'")]
    pub flow: String,
    /// The verification page, where the user enters the code.
    pub verification_uri: String,
    /// The verification page with the code filled in, when the service sends one.
    pub verification_uri_complete: Option<String>,
    /// The code to enter.
    pub user_code: String,
    /// When the code expires.
    #[napi(ts_type = "Date")]
    pub expires_at: Timestamp,
    /// Whether ssokit opened the verification page in a browser.
    pub browser_opened: bool,
    /// What ssokit prints when there is no `onPrompt`: the URL, the code and what to
    /// do with them (the same text as the CLI's).
    pub text: String,
}

/// What the user is shown to approve a PKCE login: the authorize page, to open in a
/// browser on this machine (it redirects to ssokit's listener on 127.0.0.1).
#[napi(object, object_from_js = false)]
pub struct PkcePromptInfo {
    /// The flow: always `'pkce'` here.
    #[napi(ts_type = "'pkce'")]
    pub flow: String,
    /// The authorize URL.
    pub authorize_url: String,
    /// Whether ssokit opened the page in a browser.
    pub browser_opened: bool,
    /// What ssokit prints when there is no `onPrompt` (the same text as the CLI's).
    pub text: String,
}

/// What `onPrompt` receives: a device-code prompt or a PKCE prompt.
pub type PromptInfo = Either<DevicePromptInfo, PkcePromptInfo>;

/// The JavaScript `onPrompt` callback, called from Rust on the JavaScript thread. Weak:
/// it does not keep the process alive by itself (a pending login does).
pub type PromptCallback =
    ThreadsafeFunction<PromptInfo, Unknown<'static>, PromptInfo, Status, false, true>;

/// The `flow` option as a core request: `auto` (or none) lets the core choose.
fn requested_flow(flow: Option<&str>) -> JsResult<FlowRequest> {
    flow.map_or(Ok(FlowRequest::Auto), str::parse)
        .map_err(|e: UnknownFlow| usage(e))
}

/// Hands each prompt to the JavaScript callback (`ssokit.js` always passes one: the
/// caller's `onPrompt`, or one that prints the prompt's `text`). The core's
/// `Prompter` opens the browser first.
struct JsPrompt {
    callback: Option<PromptCallback>,
}

impl ShowPrompt for JsPrompt {
    fn show(&self, event: &PromptEvent<'_>) {
        let Some(callback) = &self.callback else {
            return;
        };
        let (browser_opened, text) = (event.browser_opened(), event.text());
        let info = match event.prompt {
            Prompt::Device(p) => Either::A(DevicePromptInfo {
                flow: Flow::DeviceCode.as_str().to_owned(),
                verification_uri: p.verification_uri.clone(),
                verification_uri_complete: p.verification_uri_complete.clone(),
                user_code: p.user_code.clone(),
                expires_at: Timestamp(p.expires_at),
                browser_opened,
                text,
            }),
            Prompt::Pkce(url) => Either::B(PkcePromptInfo {
                flow: Flow::Pkce.as_str().to_owned(),
                authorize_url: url.to_owned(),
                browser_opened,
                text,
            }),
        };
        callback.call(info, ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// Cancels a login: `ssokit.js` calls [`CancelHandle::cancel`] when the caller's
/// `AbortSignal` fires.
#[napi]
#[derive(Default)]
pub struct CancelHandle {
    token: CancelToken,
}

#[napi]
impl CancelHandle {
    /// A handle that has not been cancelled.
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels the login this handle was given to; it fails with `ERR_SSOKIT_ABORTED`.
    #[napi]
    pub fn cancel(&self) {
        self.token.cancel();
    }

    /// Whether [`cancel`](Self::cancel) was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

/// Login options (the `AbortSignal` and `onPrompt` are adapted by `ssokit.js`).
#[napi(object)]
#[derive(Default)]
pub struct LoginOptions {
    /// The profile; defaults to `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
    pub profile: Option<String>,
    /// An sso-session by name, instead of a profile.
    pub sso_session: Option<String>,
    /// The config file; defaults to `AWS_CONFIG_FILE`, then `~/.aws/config`.
    pub config_file: Option<String>,
    /// Replaces the process environment for this call (for tests).
    pub env: Option<HashMap<String, String>>,
    /// The login flow: `'auto'` (the default: PKCE where a local browser can reach
    /// 127.0.0.1, else the device code), `'pkce'` or `'device-code'`.
    #[napi(ts_type = "'auto' | 'pkce' | 'device-code'")]
    pub flow: Option<String>,
    /// Open the verification or authorize page in the browser (default `true`).
    pub open_browser: Option<bool>,
    /// Log in even when a valid token exists (default `true`, like `aws sso login`).
    pub force: Option<bool>,
    /// Give up waiting for approval after this many milliseconds.
    pub timeout: Option<f64>,
    /// The OIDC client name to register (default `ssokit-<session>`).
    pub client_name: Option<String>,
}

/// A completed login. The token itself is in the AWS CLI's cache, not here.
#[napi(object, object_from_js = false)]
pub struct LoginResult {
    /// The sso-session name; absent for a legacy profile.
    pub sso_session: Option<String>,
    /// The IAM Identity Center start URL.
    pub start_url: String,
    /// The Identity Center region.
    pub sso_region: String,
    /// When the new token expires.
    #[napi(ts_type = "Date")]
    pub expiration: Timestamp,
    /// The token cache file written (shared with the AWS CLI).
    pub token_file: String,
    /// The flow used.
    #[napi(ts_type = "'pkce' | 'device-code'")]
    pub flow: String,
    /// Why that flow: `as requested`, or why `auto` chose it (for example `over SSH: …`).
    pub flow_reason: String,
}

/// Logs in with the flow of `options.flow` (chosen by the core for `auto`) and writes
/// the token where the AWS CLI does. Rejects with `ERR_SSOKIT_ABORTED` when `cancel`
/// is cancelled.
#[napi(ts_return_type = "Promise<LoginResult>")]
pub async fn login(
    options: Option<LoginOptions>,
    #[napi(
        ts_arg_type = "((prompt: DevicePromptInfo | PkcePromptInfo) => void) | undefined | null"
    )]
    on_prompt: Option<PromptCallback>,
    cancel: Option<&CancelHandle>,
) -> Reply<LoginResult> {
    login_with(options, on_prompt, cancel).await.into()
}

async fn login_with(
    options: Option<LoginOptions>,
    on_prompt: Option<PromptCallback>,
    cancel: Option<&CancelHandle>,
) -> JsResult<LoginResult> {
    let options = options.unwrap_or_default();
    let timeout = millis(options.timeout, "timeout")?;
    let requested = requested_flow(options.flow.as_deref())?;
    let (sso, env) = resolve(TargetOptions {
        profile: options.profile,
        sso_session: options.sso_session,
        config_file: options.config_file,
        env: options.env,
    })?;
    let choice = sso.choose_flow(requested, &env);
    let core_options = CoreLoginOptions::default()
        .with_force(options.force.unwrap_or(true))
        .with_timeout(timeout)
        .with_cancel(cancel.map(|c| c.token.clone()))
        .with_client_name(options.client_name);
    let prompt = Arc::new(JsPrompt {
        callback: on_prompt,
    });
    let prompter = sso.prompter(prompt, options.open_browser.unwrap_or(true), env);
    let result = sso
        .login_with_flow(choice.flow, &prompter, &prompter, &core_options)
        .await;
    let token = result.map_err(js_error)?;
    let session = sso.session();
    let key = session.token_cache_key_source();
    Ok(LoginResult {
        sso_session: session.name.clone(),
        start_url: session.start_url.clone(),
        sso_region: session.region.clone(),
        expiration: Timestamp(token.expires_at),
        token_file: path_string(sso.caches().tokens().path(key)),
        flow: choice.flow.as_str().to_owned(),
        flow_reason: choice.reason.to_owned(),
    })
}

/// What a logout did.
#[napi(object, object_from_js = false)]
pub struct LogoutResult {
    /// Token files removed.
    pub tokens_removed: Vec<String>,
    /// Role-credentials files removed.
    pub role_credentials_removed: Vec<String>,
    /// Tokens the portal could not revoke (removed from disk all the same).
    pub revoke_failures: u32,
}

impl From<LogoutReport> for LogoutResult {
    fn from(report: LogoutReport) -> Self {
        Self {
            tokens_removed: report.tokens_removed.into_iter().map(path_string).collect(),
            role_credentials_removed: report
                .role_credentials_removed
                .into_iter()
                .map(path_string)
                .collect(),
            revoke_failures: u32::try_from(report.revoke_failures).unwrap_or(u32::MAX),
        }
    }
}

/// Logs out like `aws sso logout`: with neither `profile` nor `ssoSession`, every SSO
/// token is revoked and removed with every cached SSO role credential; with one, only
/// that session.
#[napi(ts_return_type = "Promise<LogoutResult>")]
pub async fn logout(options: Option<TargetOptions>) -> Reply<LogoutResult> {
    logout_with(options).await.into()
}

async fn logout_with(options: Option<TargetOptions>) -> JsResult<LogoutResult> {
    let options = options.unwrap_or_default();
    let env = make_env(options.env);
    let selector = selector(options.profile, options.sso_session, options.config_file);
    ssokit::logout::logout(&selector, &env)
        .await
        .map(LogoutResult::from)
        .map_err(js_error)
}

/// An SSO bearer token, as the AWS SDK's `TokenIdentity`.
#[napi(object, object_from_js = false)]
pub struct TokenIdentity {
    /// The access token.
    pub token: String,
    /// When it expires.
    #[napi(ts_type = "Date")]
    pub expiration: Timestamp,
}

/// The SSO access token of a profile or session, refreshed first when it has less
/// than 15 minutes left. Never logs in.
#[napi(ts_return_type = "Promise<TokenIdentity>")]
pub async fn get_token(options: Option<TargetOptions>) -> Reply<TokenIdentity> {
    get_token_with(options).await.into()
}

async fn get_token_with(options: Option<TargetOptions>) -> JsResult<TokenIdentity> {
    let (sso, _) = resolve(options.unwrap_or_default())?;
    let token = sso.token_provider().token().await.map_err(js_error)?;
    Ok(TokenIdentity {
        token: token.access_token.expose_secret().to_owned(),
        expiration: Timestamp(token.expires_at),
    })
}

/// Where the config is, for `status`.
#[napi(object)]
#[derive(Default)]
pub struct StatusOptions {
    /// The config file; defaults to `AWS_CONFIG_FILE`, then `~/.aws/config`.
    pub config_file: Option<String>,
    /// Replaces the process environment for this call (for tests).
    pub env: Option<HashMap<String, String>>,
}

/// The state of one sso-session or legacy start URL.
#[napi(object, object_from_js = false)]
pub struct SessionStatus {
    /// The sso-session name; absent for a legacy start URL.
    pub sso_session: Option<String>,
    /// The start URL (empty when the session section could not be resolved).
    pub start_url: String,
    /// The Identity Center region.
    pub sso_region: String,
    /// The token file shared with the AWS CLI.
    pub token_file: String,
    /// Whether a token exists and has not expired.
    pub logged_in: bool,
    /// When the token expires (when a readable token exists).
    #[napi(ts_type = "Date")]
    pub expires_at: Option<Timestamp>,
    /// Seconds left before the token expires (0 when expired).
    pub expires_in_seconds: Option<f64>,
    /// Whether the token can be refreshed without a new login.
    pub refreshable: bool,
    /// The profiles that use this session, sorted.
    pub profiles: Vec<String>,
    /// Why the state is unknown or the token unusable.
    pub problem: Option<String>,
}

/// The state of every sso-session and legacy start URL in the config, from the token
/// cache (no network), like `ssokit status`.
#[napi(ts_return_type = "Promise<Array<SessionStatus>>")]
pub async fn status(options: Option<StatusOptions>) -> Reply<Vec<SessionStatus>> {
    status_with(options).await.into()
}

async fn status_with(options: Option<StatusOptions>) -> JsResult<Vec<SessionStatus>> {
    let options = options.unwrap_or_default();
    let env = make_env(options.env);
    let config_file = options.config_file.map(PathBuf::from);
    let states =
        ssokit::status::current(config_file.as_deref(), &env, &SystemClock).map_err(js_error)?;
    Ok(states
        .into_iter()
        .map(|s| SessionStatus {
            sso_session: s.sso_session,
            start_url: s.start_url,
            sso_region: s.sso_region,
            token_file: path_string(s.token_file),
            logged_in: s.logged_in,
            expires_at: s.expires_at.map(Timestamp),
            expires_in_seconds: s.expires_in_seconds.map(|n| n as f64),
            refreshable: s.refreshable,
            profiles: s.profiles,
            problem: s.problem,
        })
        .collect())
}

/// An account the signed-in user may access.
#[napi(object, object_from_js = false)]
pub struct AccountInfo {
    /// The account id.
    pub account_id: String,
    /// The account name, when the service sends it.
    pub account_name: Option<String>,
    /// The account's email address, when the service sends it.
    pub email_address: Option<String>,
}

/// Every account the signed-in user may access (all pages).
#[napi(ts_return_type = "Promise<Array<AccountInfo>>")]
pub async fn list_accounts(options: Option<TargetOptions>) -> Reply<Vec<AccountInfo>> {
    list_accounts_with(options).await.into()
}

async fn list_accounts_with(options: Option<TargetOptions>) -> JsResult<Vec<AccountInfo>> {
    let (sso, _) = resolve(options.unwrap_or_default())?;
    let accounts = sso.list_accounts().await.map_err(js_error)?;
    Ok(accounts
        .into_iter()
        .map(|a| AccountInfo {
            account_id: a.account_id,
            account_name: a.account_name,
            email_address: a.email_address,
        })
        .collect())
}

/// What `listRoles` lists.
#[napi(object)]
#[derive(Default)]
pub struct ListRolesOptions {
    /// The account; defaults to every account the user may access.
    pub account_id: Option<String>,
    /// The profile; defaults to `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
    pub profile: Option<String>,
    /// An sso-session by name, instead of a profile.
    pub sso_session: Option<String>,
    /// The config file; defaults to `AWS_CONFIG_FILE`, then `~/.aws/config`.
    pub config_file: Option<String>,
    /// Replaces the process environment for this call (for tests).
    pub env: Option<HashMap<String, String>>,
}

/// A role the signed-in user may assume.
#[napi(object, object_from_js = false)]
pub struct RoleInfo {
    /// The account id.
    pub account_id: String,
    /// The account name, when every account's roles were listed (absent for the
    /// roles of one `accountId`).
    pub account_name: Option<String>,
    /// The role name.
    pub role_name: String,
}

impl From<AccountRole> for RoleInfo {
    fn from(role: AccountRole) -> Self {
        Self {
            account_id: role.account_id,
            account_name: role.account_name,
            role_name: role.role_name,
        }
    }
}

/// The roles the signed-in user may assume, in one account or in every account (at
/// most 8 ListAccountRoles calls at a time), sorted by account id, then role name.
#[napi(ts_return_type = "Promise<Array<RoleInfo>>")]
pub async fn list_roles(options: Option<ListRolesOptions>) -> Reply<Vec<RoleInfo>> {
    list_roles_with(options).await.into()
}

async fn list_roles_with(options: Option<ListRolesOptions>) -> JsResult<Vec<RoleInfo>> {
    let options = options.unwrap_or_default();
    let (sso, _) = resolve(TargetOptions {
        profile: options.profile,
        sso_session: options.sso_session,
        config_file: options.config_file,
        env: options.env,
    })?;
    let roles = sso
        .roles(options.account_id.as_deref())
        .await
        .map_err(js_error)?;
    Ok(roles.into_iter().map(RoleInfo::from).collect())
}

/// Options of a credentials provider (`fromSso`).
#[napi(object)]
#[derive(Default)]
pub struct ProviderOptions {
    /// The profile; defaults to `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
    pub profile: Option<String>,
    /// The config file; defaults to `AWS_CONFIG_FILE`, then `~/.aws/config`.
    pub config_file: Option<String>,
    /// Replaces the process environment (for tests).
    pub env: Option<HashMap<String, String>>,
    /// Log in (device code) when there is no usable token, instead of failing with
    /// `ERR_SSOKIT_NOT_LOGGED_IN` or `ERR_SSOKIT_SESSION_EXPIRED`.
    pub auto_login: Option<bool>,
    /// For an automatic login: open the verification page (default `true`).
    pub open_browser: Option<bool>,
    /// For an automatic login: give up after this many milliseconds.
    pub login_timeout: Option<f64>,
}

/// AWS credentials, as the AWS SDK's `AwsCredentialIdentity`.
#[napi(object, object_from_js = false)]
pub struct Credentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token.
    pub session_token: Option<String>,
    /// When the credentials expire.
    #[napi(ts_type = "Date")]
    pub expiration: Option<Timestamp>,
    /// The account the credentials belong to.
    pub account_id: Option<String>,
    /// Until when they are served from memory: the core's refresh window (15 minutes)
    /// before `expiration`. `fromSso` compares it with `Date.now()`.
    #[napi(ts_type = "Date")]
    pub fresh_until: Option<Timestamp>,
}

/// The role-credentials provider of one profile: memoized, refreshed 15 minutes before
/// expiry, one request for concurrent callers, sharing `~/.aws/cli/cache`.
#[napi]
pub struct CredentialsProvider {
    inner: SsoCredentialsProvider,
}

/// The role-credentials provider of a profile, resolved now (reading the config file,
/// no network).
#[napi(ts_return_type = "CredentialsProvider")]
pub fn credentials_provider(
    options: Option<ProviderOptions>,
    #[napi(ts_arg_type = "((prompt: DevicePromptInfo) => void) | undefined | null")]
    on_prompt: Option<PromptCallback>,
) -> Reply<CredentialsProvider> {
    CredentialsProvider::new(options, on_prompt).into()
}

#[napi]
impl CredentialsProvider {
    fn new(options: Option<ProviderOptions>, on_prompt: Option<PromptCallback>) -> JsResult<Self> {
        let options = options.unwrap_or_default();
        let login_timeout = millis(options.login_timeout, "loginTimeout")?;
        let env = make_env(options.env);
        let selector = selector(options.profile, None, options.config_file);
        let sso = Sso::resolve(&selector, &env).map_err(js_error)?;
        let mut inner = sso.credentials_provider().map_err(js_error)?;
        if options.auto_login.unwrap_or(false) {
            let prompt = Arc::new(JsPrompt {
                callback: on_prompt,
            });
            let prompter = sso.prompter(prompt, options.open_browser.unwrap_or(true), env);
            let login = CoreLoginOptions::default().with_timeout(login_timeout);
            inner = inner.with_auto_login(sso.caches(), Arc::new(prompter), login);
        }
        Ok(Self { inner })
    }

    /// The credentials: from memory, the AWS CLI's cache, or the SSO portal.
    #[napi(ts_return_type = "Promise<Credentials>")]
    pub async fn credentials(&self) -> Reply<Credentials> {
        self.inner
            .credentials()
            .await
            .map(|c| Credentials::from(&c))
            .into()
    }

    /// The credentials in memory if they have more than 15 minutes left, else `null`:
    /// synchronous, for the memoized fast path of `fromSso` (no promise, no thread hop).
    #[napi]
    pub fn cached(&self) -> Option<Credentials> {
        self.inner.cached().as_ref().map(Credentials::from)
    }
}

impl From<&aws_credential_types::Credentials> for Credentials {
    fn from(c: &aws_credential_types::Credentials) -> Self {
        Self {
            access_key_id: c.access_key_id().to_owned(),
            secret_access_key: c.secret_access_key().to_owned(),
            session_token: c.session_token().map(str::to_owned),
            expiration: c.expiry().map(Timestamp),
            account_id: c.account_id().map(|a| a.as_str().to_owned()),
            fresh_until: c.expiry().map(|e| Timestamp(ssokit::cache::fresh_until(e))),
        }
    }
}
