//! What a call acts on (a profile or an sso-session, the config file, the
//! environment), resolved through the core, and the option conversions every call
//! shares.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use napi_derive::napi;
use ssokit::env::Env;
use ssokit::{Selector, Sso};

use crate::errors::usage;
use crate::{JsResult, js_error, make_env};

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

pub(crate) fn selector(
    profile: Option<String>,
    sso_session: Option<String>,
    config_file: Option<String>,
) -> Selector {
    Selector::default()
        .with_profile(profile)
        .with_sso_session(sso_session)
        .with_config_file(config_file.map(PathBuf::from))
}

pub(crate) fn resolve(options: TargetOptions) -> JsResult<(Sso, Env)> {
    let env = make_env(options.env);
    let selector = selector(options.profile, options.sso_session, options.config_file);
    let sso = Sso::resolve(&selector, &env).map_err(js_error)?;
    Ok((sso, env))
}

/// Milliseconds from JavaScript as a duration; `what` names the option in the error.
pub(crate) fn millis(ms: Option<f64>, what: &str) -> JsResult<Option<Duration>> {
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
