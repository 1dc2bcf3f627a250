//! The native module `ssokit._ssokit`: a thin layer that converts Python arguments to
//! `ssokit` calls and `ssokit::Error` to Python exceptions. No logic of its own.

use std::collections::HashMap;
use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use ssokit::Error;
use ssokit::cache::CacheDirs;
use ssokit::env::Env;
use ssokit::profile::{ProfileQuery, cache_paths, load_config, resolve_profile as core_resolve};

create_exception!(
    ssokit,
    SsoError,
    PyException,
    "Base class of every error ssokit raises."
);
create_exception!(
    ssokit,
    ConfigError,
    SsoError,
    "The AWS config file, a profile or the environment is wrong; the message says where and how to fix it."
);
create_exception!(
    ssokit,
    CacheError,
    SsoError,
    "A cache file under ~/.aws could not be read, written or locked."
);

/// Maps every core error to its Python exception class, keeping the core's message.
fn to_py(err: Error) -> PyErr {
    match err {
        Error::Config(e) => ConfigError::new_err(e.to_string()),
        Error::Cache(e) => CacheError::new_err(e.to_string()),
        other => SsoError::new_err(other.to_string()),
    }
}

fn make_env(env: Option<HashMap<String, String>>) -> Env {
    env.map_or_else(Env::process, Env::from_vars)
}

/// A resolved SSO profile: where its token comes from and which role it assumes.
#[pyclass(frozen, get_all, module = "ssokit")]
struct SsoProfile {
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

    fn __repr__(&self) -> String {
        format!(
            "SsoProfile(name={:?}, session_name={:?}, start_url={:?}, sso_region={:?}, account_id={:?}, role_name={:?})",
            self.name,
            self.session_name,
            self.start_url,
            self.sso_region,
            self.account_id,
            self.role_name
        )
    }
}

/// Resolves an SSO profile from the AWS config file.
#[pyfunction]
#[pyo3(signature = (profile=None, *, config_file=None, env=None))]
fn resolve_profile(
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
    let (resolved, dirs) = py
        .detach(|| {
            let resolved = core_resolve(&query, &env)?;
            Ok::<_, Error>((resolved, CacheDirs::from_env(&env).ok()))
        })
        .map_err(to_py)?;
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
fn list_profiles(
    py: Python<'_>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<Vec<String>> {
    let env = make_env(env);
    py.detach(|| load_config(config_file.as_deref(), &env))
        .map(|config| config.profile_names())
        .map_err(to_py)
}

/// The native part of the `ssokit` package.
#[pymodule]
#[pyo3(name = "_ssokit")]
fn ssokit_python(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("SsoError", py.get_type::<SsoError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("CacheError", py.get_type::<CacheError>())?;
    m.add_class::<SsoProfile>()?;
    m.add_function(wrap_pyfunction!(resolve_profile, m)?)?;
    m.add_function(wrap_pyfunction!(list_profiles, m)?)?;
    Ok(())
}
