//! Profile resolution: `resolveProfile` and `listProfiles` (synchronous, no network).

use std::collections::HashMap;
use std::path::PathBuf;

use napi_derive::napi;
use ssokit::profile::{ProfileDescription, ProfileQuery, describe_profile, load_config};

use crate::{JsResult as Result, Reply, js_error, make_env};

/// Where to find the AWS config and which profile to use.
#[napi(object)]
#[derive(Default)]
pub struct ProfileOptions {
    /// The profile; defaults to `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
    pub profile: Option<String>,
    /// The config file; defaults to `AWS_CONFIG_FILE`, then `~/.aws/config`.
    pub config_file: Option<String>,
    /// Replaces the process environment for this call (for tests).
    pub env: Option<HashMap<String, String>>,
}

/// A resolved SSO profile: where its token comes from and which role it assumes. The
/// fields of `ssokit profile --json` (and Python's `SsoProfile`), in camelCase.
#[napi(object, object_from_js = false)]
pub struct SsoProfile {
    /// The profile name.
    pub name: String,
    /// The sso-session name; absent for a legacy profile.
    pub session_name: Option<String>,
    /// The IAM Identity Center start URL.
    pub start_url: String,
    /// The region of the Identity Center instance (`sso_region`).
    pub sso_region: String,
    /// The registration scopes, when configured.
    pub scopes: Option<Vec<String>>,
    /// The AWS account id; absent for a token-only profile.
    pub account_id: Option<String>,
    /// The role name; absent for a token-only profile.
    pub role_name: Option<String>,
    /// The profile's own `region` setting.
    pub region: Option<String>,
    /// The SSO OIDC endpoint URL.
    pub oidc_endpoint: String,
    /// The SSO portal endpoint URL.
    pub portal_endpoint: String,
    /// The token cache file shared with the AWS CLI (absent without a home directory).
    pub token_cache_path: Option<String>,
    /// The client-registration cache file (absent without a home directory).
    pub registration_cache_path: Option<String>,
    /// The role-credentials cache file; absent for a token-only profile.
    pub role_cache_path: Option<String>,
    /// Non-fatal notes about the configuration.
    pub warnings: Vec<String>,
}

pub(crate) fn path_string(path: PathBuf) -> String {
    path.to_string_lossy().into_owned()
}

/// Resolves an SSO profile from the AWS config file. Throws an error with
/// `code === 'ERR_SSOKIT_CONFIG'` naming the file, line, profile and key at fault.
#[napi(ts_return_type = "SsoProfile")]
pub fn resolve_profile(options: Option<ProfileOptions>) -> Reply<SsoProfile> {
    resolve(options).into()
}

fn resolve(options: Option<ProfileOptions>) -> Result<SsoProfile> {
    let options = options.unwrap_or_default();
    let env = make_env(options.env);
    let query = ProfileQuery::default()
        .with_profile(options.profile)
        .with_config_file(options.config_file.map(PathBuf::from));
    describe_profile(&query, &env)
        .map(SsoProfile::from)
        .map_err(js_error)
}

impl From<ProfileDescription> for SsoProfile {
    fn from(p: ProfileDescription) -> Self {
        Self {
            name: p.name,
            session_name: p.session_name,
            start_url: p.start_url,
            sso_region: p.sso_region,
            scopes: p.scopes,
            account_id: p.account_id,
            role_name: p.role_name,
            region: p.region,
            oidc_endpoint: p.oidc_endpoint,
            portal_endpoint: p.portal_endpoint,
            token_cache_path: p.token_cache_path.map(path_string),
            registration_cache_path: p.registration_cache_path.map(path_string),
            role_cache_path: p.role_cache_path.map(path_string),
            warnings: p.warnings,
        }
    }
}

/// The names of every profile in the config and credentials files.
#[napi(ts_return_type = "Array<string>")]
pub fn list_profiles(options: Option<ProfileOptions>) -> Reply<Vec<String>> {
    profile_names(options).into()
}

fn profile_names(options: Option<ProfileOptions>) -> Result<Vec<String>> {
    let options = options.unwrap_or_default();
    let env = make_env(options.env);
    let config_file = options.config_file.map(PathBuf::from);
    load_config(config_file.as_deref(), &env)
        .map(|config| config.profile_names())
        .map_err(js_error)
}
