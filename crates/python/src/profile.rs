//! Profile resolution: `resolve_profile` and `list_profiles`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use pyo3::prelude::*;

use ssokit::profile::{ProfileDescription, ProfileQuery, describe_profile, load_config};

use crate::api::make_env;
use crate::errors::to_py;
use crate::repr::Repr;

/// A resolved SSO profile: where its token comes from and which role it assumes. The
/// attributes are the fields of the core's `ProfileDescription`, named as in
/// `ssokit profile --json`.
#[pyclass(frozen, module = "ssokit")]
pub(crate) struct SsoProfile(ProfileDescription);

#[pymethods]
impl SsoProfile {
    /// The profile name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    /// The sso-session name, or None for a legacy profile.
    #[getter]
    fn session_name(&self) -> Option<&str> {
        self.0.session_name.as_deref()
    }

    /// The IAM Identity Center start URL.
    #[getter]
    fn start_url(&self) -> &str {
        &self.0.start_url
    }

    /// The region of the Identity Center instance (sso_region).
    #[getter]
    fn sso_region(&self) -> &str {
        &self.0.sso_region
    }

    /// The registration scopes, or None when not configured.
    #[getter]
    fn scopes(&self) -> Option<Vec<String>> {
        self.0.scopes.clone()
    }

    /// The AWS account id, or None for a token-only profile.
    #[getter]
    fn account_id(&self) -> Option<&str> {
        self.0.account_id.as_deref()
    }

    /// The role name, or None for a token-only profile.
    #[getter]
    fn role_name(&self) -> Option<&str> {
        self.0.role_name.as_deref()
    }

    /// The profile's own region setting.
    #[getter]
    fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }

    /// The SSO OIDC endpoint URL.
    #[getter]
    fn oidc_endpoint(&self) -> &str {
        &self.0.oidc_endpoint
    }

    /// The SSO portal endpoint URL.
    #[getter]
    fn portal_endpoint(&self) -> &str {
        &self.0.portal_endpoint
    }

    /// The token cache file shared with the AWS CLI, or None without a home directory.
    #[getter]
    fn token_cache_path(&self) -> Option<&Path> {
        self.0.token_cache_path.as_deref()
    }

    /// The client-registration cache file, or None without a home directory.
    #[getter]
    fn registration_cache_path(&self) -> Option<&Path> {
        self.0.registration_cache_path.as_deref()
    }

    /// The role-credentials cache file, or None for a token-only profile.
    #[getter]
    fn role_cache_path(&self) -> Option<&Path> {
        self.0.role_cache_path.as_deref()
    }

    /// Non-fatal notes about the configuration.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.0.warnings.clone()
    }

    /// True when the profile yields only a bearer token, not AWS credentials.
    #[getter]
    fn is_token_only(&self) -> bool {
        self.0.is_token_only()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let p = &self.0;
        Repr::new(py, "SsoProfile")
            .field("name", &p.name)
            .field("session_name", p.session_name.as_deref())
            .field("start_url", &p.start_url)
            .field("sso_region", &p.sso_region)
            .field("account_id", p.account_id.as_deref())
            .field("role_name", p.role_name.as_deref())
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
    let query = ProfileQuery::default()
        .with_profile(profile)
        .with_config_file(config_file);
    let described = py
        .detach(|| describe_profile(&query, &env))
        .map_err(|e| to_py(py, e));
    // Choosing the profile can warn (AWS_PROFILE and AWS_DEFAULT_PROFILE differ).
    crate::warnings::flush(py);
    described.map(SsoProfile)
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
