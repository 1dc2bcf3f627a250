//! `credentialsProvider`: the memoized role-credentials provider behind `fromSso`.

use std::collections::HashMap;
use std::sync::Arc;

use napi_derive::napi;
use ssokit::Sso;
use ssokit::auth::credentials::SsoCredentialsProvider;
use ssokit::auth::login::LoginOptions as CoreLoginOptions;

use crate::login::{JsPrompt, PromptCallback};
use crate::target::{millis, selector};
use crate::{JsResult, Reply, Timestamp, js_error, make_env};

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
