//! `login`: the flow, the prompts handed to the JavaScript `onPrompt`, and cancelling
//! through an `AbortSignal` (adapted by `ssokit.js`).

use std::collections::HashMap;
use std::sync::Arc;

use napi::Status;
use napi::bindgen_prelude::{Either, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use ssokit::auth::flow::{Flow, FlowRequest, UnknownFlow};
use ssokit::auth::login::{CancelToken, LoginOptions as CoreLoginOptions};
use ssokit::auth::prompt::{Prompt, PromptEvent, ShowPrompt};

use crate::errors::usage;
use crate::profile::path_string;
use crate::target::{TargetOptions, millis, resolve};
use crate::{JsResult, Reply, Timestamp, js_error};

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
pub(crate) struct JsPrompt {
    pub(crate) callback: Option<PromptCallback>,
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
    let choice = sso.choose_flow(requested, &env).map_err(js_error)?;
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
        flow_reason: choice.reason,
    })
}
