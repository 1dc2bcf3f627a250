//! Profile resolution: `resolve_profile` and `list_profiles`.

use std::collections::HashMap;
use std::path::PathBuf;

use pyo3::prelude::*;

use ssokit::Error;
use ssokit::cache::CacheDirs;
use ssokit::profile::{ProfileQuery, cache_paths, load_config, resolve_profile as core_resolve};

use crate::api::make_env;
use crate::errors::to_py;
use crate::repr::Repr;

/// A resolved SSO profile: where its token comes from and which role it assumes.
#[pyclass(frozen, get_all, module = "ssokit")]
pub(crate) struct SsoProfile {
    /// The profile name.
    name: String,
    /// The sso-session name, or None for a legacy profile.
    session_name: Option<String>,
    /// The IAM Identity Center start URL.
    start_url: String,
    /// The region of the Identity Center instance (sso_region).
    sso_region: String,
    /// The registration scopes, or None when not configured.
    scopes: Option<Vec<String>>,
    /// The AWS account id, or None for a token-only profile.
    account_id: Option<String>,
    /// The role name, or None for a token-only profile.
    role_name: Option<String>,
    /// The profile's own region setting.
    region: Option<String>,
    /// The SSO OIDC endpoint URL.
    oidc_endpoint: String,
    /// The SSO portal endpoint URL.
    portal_endpoint: String,
    /// The token cache file shared with the AWS CLI, or None without a home directory.
    token_cache_path: Option<PathBuf>,
    /// The role-credentials cache file, or None for a token-only profile.
    role_cache_path: Option<PathBuf>,
    /// Non-fatal notes about the configuration.
    warnings: Vec<String>,
}

#[pymethods]
impl SsoProfile {
    /// True when the profile yields only a bearer token, not AWS credentials.
    #[getter]
    fn is_token_only(&self) -> bool {
        self.account_id.is_none()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "SsoProfile")
            .field("name", &self.name)
            .field("session_name", self.session_name.as_deref())
            .field("start_url", &self.start_url)
            .field("sso_region", &self.sso_region)
            .field("account_id", self.account_id.as_deref())
            .field("role_name", self.role_name.as_deref())
            .finish()
    }
}

/// Resolves an SSO profile from the AWS config file.
#[pyfunction]
#[pyo3(signature = (profile=None, *, config_file=None, env=None))]
pub(crate) fn resolve_profile(
    py: Python<'_>,
    profile: Option<String>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<SsoProfile> {
    let env = make_env(env);
    let query = ProfileQuery {
        profile,
        config_file,
    };
    let resolved = py
        .detach(|| {
            let resolved = core_resolve(&query, &env)?;
            Ok::<_, Error>((resolved, CacheDirs::from_env(&env).ok()))
        })
        .map_err(|e| to_py(py, e));
    // Choosing the profile can warn (AWS_PROFILE and AWS_DEFAULT_PROFILE differ).
    crate::warnings::flush(py);
    let (resolved, dirs) = resolved?;
    let paths = dirs.map(|d| cache_paths(&resolved, &d));
    let session = resolved.session;
    Ok(SsoProfile {
        name: resolved.name,
        session_name: session.name,
        start_url: session.start_url,
        sso_region: session.region,
        scopes: session.scopes,
        account_id: resolved.account_id,
        role_name: resolved.role_name,
        region: resolved.region,
        oidc_endpoint: session.endpoints.oidc,
        portal_endpoint: session.endpoints.portal,
        token_cache_path: paths.as_ref().map(|p| p.token.clone()),
        role_cache_path: paths.and_then(|p| p.role_credentials),
        warnings: resolved.warnings,
    })
}

/// The names of every profile in the config and credentials files.
#[pyfunction]
#[pyo3(signature = (*, config_file=None, env=None))]
pub(crate) fn list_profiles(
    py: Python<'_>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<Vec<String>> {
    let env = make_env(env);
    py.detach(|| load_config(config_file.as_deref(), &env))
        .map(|config| config.profile_names())
        .map_err(|e| to_py(py, e))
}
