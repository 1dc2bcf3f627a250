//! One-call profile resolution for the CLI and the bindings: find the config files
//! from the environment (or an explicit path), parse them, resolve the profile, and
//! describe it with where its caches are ([`ProfileDescription`], the one set of
//! field names of `ssokit profile --json`, Python's `SsoProfile` and Node's).

use std::path::{Path, PathBuf};

use crate::Error;
use crate::cache::{CacheDirs, RegistrationKey};
use crate::config::{AwsConfig, SsoProfile};
use crate::env::Env;

/// Which config file to read and which profile to resolve. Built with
/// [`ProfileQuery::new`] and the `with_*` setters (new settings may be added).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProfileQuery {
    /// The profile; `None` means `$AWS_PROFILE`, else `$AWS_DEFAULT_PROFILE`, else
    /// `default` (see [`crate::config::selected_profile_name`]).
    pub profile: Option<String>,
    /// The config file; `None` means `$AWS_CONFIG_FILE`, else `~/.aws/config`.
    pub config_file: Option<PathBuf>,
}

impl ProfileQuery {
    /// The default profile from the default config file.
    pub fn new() -> Self {
        Self::default()
    }

    /// A profile by name, or `None` for the default choice.
    pub fn with_profile(mut self, profile: Option<String>) -> Self {
        self.profile = profile;
        self
    }

    /// The config file, or `None` for `AWS_CONFIG_FILE`, else `~/.aws/config`.
    pub fn with_config_file(mut self, config_file: Option<PathBuf>) -> Self {
        self.config_file = config_file;
        self
    }
}

/// Loads the AWS config files that `config_file` (or else the environment) names.
pub fn load_config(config_file: Option<&Path>, env: &Env) -> Result<AwsConfig, Error> {
    Ok(crate::config::load_config(config_file, env)?)
}

/// Resolves the SSO profile a query selects.
pub fn resolve_profile(query: &ProfileQuery, env: &Env) -> Result<SsoProfile, Error> {
    Ok(crate::config::resolve_profile(
        query.profile.as_deref(),
        query.config_file.as_deref(),
        env,
    )?)
}

/// Where a resolved profile's cache files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CachePaths {
    /// The SSO token file.
    pub token: PathBuf,
    /// The client-registration file of the device-code flow (and of PKCE, which
    /// shares the key and is told apart by its `grantTypes`).
    pub registration: PathBuf,
    /// The role-credentials file (a role chain's: the last hop's assume-role entry);
    /// `None` for token-only profiles.
    pub role_credentials: Option<PathBuf>,
}

/// The cache files that serve `profile` under `dirs`.
pub(crate) fn cache_paths(profile: &SsoProfile, dirs: &CacheDirs) -> CachePaths {
    let session = &profile.session;
    let key = RegistrationKey::for_session(session);
    let scope = crate::cache::RoleCacheScope::for_session(session);
    let last_hop = profile.chain.as_ref().and_then(|c| c.hops.last());
    let role_credentials = match (last_hop, &profile.account_id, &profile.role_name) {
        // A role chain's credentials: the last hop's assume-role cache entry.
        (Some(hop), _, _) => Some(
            dirs.assumed_roles()
                .path(&crate::cache::assume_role_cache_key(
                    &hop.role_arn,
                    hop.role_session_name.as_deref(),
                    hop.duration_seconds,
                    hop.external_id.as_deref(),
                )),
        ),
        (None, Some(account), Some(role)) => {
            Some(dirs.role_credentials().path(account, role, scope))
        }
        _ => None,
    };
    CachePaths {
        token: dirs.tokens().path(session.token_cache_key_source()),
        registration: dirs.registrations().path(&key),
        role_credentials,
    }
}

/// A resolved SSO profile as every front-end describes it: `ssokit profile --json`
/// (these field names), Python's `SsoProfile` (the same names) and Node's
/// `resolveProfile()` (their camelCase).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProfileDescription {
    /// The profile name.
    pub name: String,
    /// The sso-session name; `None` for a legacy profile.
    pub session_name: Option<String>,
    /// The IAM Identity Center start URL.
    pub start_url: String,
    /// The region of the Identity Center instance (`sso_region`).
    pub sso_region: String,
    /// The registration scopes, when configured.
    pub scopes: Option<Vec<String>>,
    /// The AWS account id of the SSO role; `None` for a token-only profile. For a
    /// role chain, the SSO root's (where the chain starts), not the last role's.
    pub account_id: Option<String>,
    /// The SSO role name; `None` for a token-only profile. For a role chain, the SSO
    /// root's.
    pub role_name: Option<String>,
    /// The profile's own `region` setting.
    pub region: Option<String>,
    /// The SSO OIDC endpoint URL.
    pub oidc_endpoint: String,
    /// The SSO portal endpoint URL.
    pub portal_endpoint: String,
    /// The token cache file shared with the AWS CLI; `None` without a home directory.
    pub token_cache_path: Option<PathBuf>,
    /// The client-registration cache file; `None` without a home directory.
    pub registration_cache_path: Option<PathBuf>,
    /// The role-credentials cache file (for a role chain, the last role's
    /// assume-role entry); `None` for a token-only profile or without a home
    /// directory.
    pub role_cache_path: Option<PathBuf>,
    /// Non-fatal notes about the configuration.
    pub warnings: Vec<String>,
    /// See [`ProfileDescription::is_token_only`].
    #[serde(skip)]
    token_only: bool,
}

impl ProfileDescription {
    /// Describes `profile`, with its cache files under `dirs` (none when `None`).
    pub fn new(profile: SsoProfile, dirs: Option<&CacheDirs>) -> Self {
        let paths = dirs.map(|d| cache_paths(&profile, d));
        let token_only = profile.is_token_only();
        let session = profile.session;
        Self {
            name: profile.name,
            session_name: session.name,
            start_url: session.start_url,
            sso_region: session.region,
            scopes: session.scopes,
            account_id: profile.account_id,
            role_name: profile.role_name,
            region: profile.region,
            oidc_endpoint: session.endpoints.oidc,
            portal_endpoint: session.endpoints.portal,
            token_cache_path: paths.as_ref().map(|p| p.token.clone()),
            registration_cache_path: paths.as_ref().map(|p| p.registration.clone()),
            role_cache_path: paths.and_then(|p| p.role_credentials),
            warnings: profile.warnings,
            token_only,
        }
    }

    /// True when the profile yields only a bearer token, not AWS credentials (see
    /// [`SsoProfile::is_token_only`]).
    pub fn is_token_only(&self) -> bool {
        self.token_only
    }
}

/// Resolves the profile `query` selects and describes it, with its cache files when
/// the environment has a home directory: what `ssokit profile`, Python's
/// `resolve_profile` and Node's `resolveProfile` show.
pub fn describe_profile(query: &ProfileQuery, env: &Env) -> Result<ProfileDescription, Error> {
    let profile = resolve_profile(query, env)?;
    let dirs = CacheDirs::from_env(env).ok();
    Ok(ProfileDescription::new(profile, dirs.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
[profile dev]
sso_session = org
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile bearer]
sso_session = org

[sso-session org]
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = eu-west-1
";

    fn described(profile: &str, vars: &[(&str, &str)]) -> ProfileDescription {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        std::fs::write(&config, CONFIG).unwrap();
        let query = ProfileQuery {
            profile: Some(profile.into()),
            config_file: Some(config),
        };
        describe_profile(&query, &Env::from_vars(vars.iter().copied())).unwrap()
    }

    #[test]
    fn a_description_has_the_profile_its_session_and_its_cache_files() {
        let dev = described("dev", &[("HOME", "/home/me")]);
        assert_eq!(dev.name, "dev");
        assert_eq!(dev.session_name.as_deref(), Some("org"));
        assert_eq!(dev.sso_region, "eu-west-1");
        assert_eq!(dev.oidc_endpoint, "https://oidc.eu-west-1.amazonaws.com");
        assert!(!dev.is_token_only());
        let sso = Path::new("/home/me/.aws/sso/cache");
        assert_eq!(dev.token_cache_path.as_deref().unwrap().parent(), Some(sso));
        assert_eq!(
            dev.registration_cache_path.as_deref().unwrap().parent(),
            Some(sso)
        );
        assert_eq!(
            dev.role_cache_path.as_deref().unwrap().parent(),
            Some(Path::new("/home/me/.aws/cli/cache"))
        );
        let bearer = described("bearer", &[("HOME", "/home/me")]);
        assert!(bearer.is_token_only() && bearer.role_cache_path.is_none());
        assert_eq!(bearer.token_cache_path, dev.token_cache_path);
        // Without a home directory: the profile, and no cache file.
        let homeless = described("dev", &[]);
        assert_eq!(homeless.account_id.as_deref(), Some("111122223333"));
        assert_eq!(homeless.token_cache_path, None);
        assert_eq!(homeless.registration_cache_path, None);
        assert_eq!(homeless.role_cache_path, None);
    }
}
