//! One-call profile resolution for the CLI and the bindings: find the config files
//! from the environment (or an explicit path), parse them, resolve the profile, and
//! describe where its caches are.

use std::path::{Path, PathBuf};

use crate::Error;
use crate::cache::{CacheDirs, RegistrationKey};
use crate::config::{AwsConfig, ConfigFiles, SsoProfile, selected_profile_name};
use crate::env::Env;

/// Which config file to read and which profile to resolve.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileQuery {
    /// The profile; `None` means `$AWS_PROFILE`, else `$AWS_DEFAULT_PROFILE`, else
    /// `default` (see [`crate::config::selected_profile_name`]).
    pub profile: Option<String>,
    /// The config file; `None` means `$AWS_CONFIG_FILE`, else `~/.aws/config`.
    pub config_file: Option<PathBuf>,
}

/// Loads the AWS config files that `config_file` (or else the environment) names.
pub fn load_config(config_file: Option<&Path>, env: &Env) -> Result<AwsConfig, Error> {
    let files = match config_file {
        Some(path) => {
            let credentials = ConfigFiles::from_env(env)
                .map(|f| f.credentials)
                .unwrap_or_default();
            ConfigFiles {
                config: path.to_owned(),
                credentials,
            }
        }
        None => ConfigFiles::from_env(env)?,
    };
    Ok(AwsConfig::load_files(&files)?)
}

/// Resolves the SSO profile a query selects.
pub fn resolve_profile(query: &ProfileQuery, env: &Env) -> Result<SsoProfile, Error> {
    let config = load_config(query.config_file.as_deref(), env)?;
    let name = selected_profile_name(query.profile.as_deref(), env);
    Ok(config.resolve_sso_profile(&name, env)?)
}

/// Where a resolved profile's cache files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachePaths {
    /// The SSO token file.
    pub token: PathBuf,
    /// The client-registration file of the device-code flow (and of PKCE, which
    /// shares the key and is told apart by its `grantTypes`).
    pub registration: PathBuf,
    /// The role-credentials file; `None` for token-only profiles.
    pub role_credentials: Option<PathBuf>,
}

/// The cache files that serve `profile` under `dirs`.
pub fn cache_paths(profile: &SsoProfile, dirs: &CacheDirs) -> CachePaths {
    let session = &profile.session;
    let key = RegistrationKey::for_session(session);
    let scope = session.role_cache_scope();
    let role_credentials = match (&profile.account_id, &profile.role_name) {
        (Some(account), Some(role)) => Some(dirs.role_credentials().path(account, role, scope)),
        _ => None,
    };
    CachePaths {
        token: dirs.tokens().path(session.token_cache_key_source()),
        registration: dirs.registrations().path(&key),
        role_credentials,
    }
}
