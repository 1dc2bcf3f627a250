//! `consoleUrl`: a URL that opens the AWS console as the profile's role.

use std::collections::HashMap;

use napi_derive::napi;

use crate::target::{TargetOptions, resolve};
use crate::{JsResult, Reply, js_error};

/// What `consoleUrl` signs in to.
#[napi(object)]
#[derive(Default)]
pub struct ConsoleOptions {
    /// The profile; defaults to `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
    pub profile: Option<String>,
    /// The console page to open; defaults to the console home of the profile's region.
    pub destination: Option<String>,
    /// The config file; defaults to `AWS_CONFIG_FILE`, then `~/.aws/config`.
    pub config_file: Option<String>,
    /// Replaces the process environment for this call (for tests).
    pub env: Option<HashMap<String, String>>,
}

/// The console sign-in URL of the profile's role (it signs in whoever opens it, for
/// 15 minutes).
#[napi(ts_return_type = "Promise<string>")]
pub async fn console_url(options: Option<ConsoleOptions>) -> Reply<String> {
    console_url_with(options.unwrap_or_default()).await.into()
}

async fn console_url_with(options: ConsoleOptions) -> JsResult<String> {
    let (sso, env) = resolve(TargetOptions {
        profile: options.profile,
        sso_session: None,
        config_file: options.config_file,
        env: options.env,
    })?;
    let url = ssokit::console::console_url(&sso, options.destination.as_deref(), &env)
        .await
        .map_err(js_error)?;
    Ok(url.expose_secret().to_owned())
}
