//! "Am I logged in, and for how long?": the state of every sso-session and legacy
//! start URL in the config, from the token cache. No network.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::{Value, json};

use crate::Error;
use crate::cache::CacheDirs;
use crate::config::AwsConfig;
use crate::env::Env;
use crate::time::{Clock, format_timestamp};

/// The state of one sso-session (or legacy start URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStatus {
    /// The sso-session name; `None` for a legacy start URL.
    pub sso_session: Option<String>,
    /// The start URL (empty when the session section could not be resolved).
    pub start_url: String,
    /// The Identity Center region.
    pub sso_region: String,
    /// The token file shared with the AWS CLI.
    pub token_file: PathBuf,
    /// True when a token exists and has not expired.
    pub logged_in: bool,
    /// When the token expires (present when a readable token exists).
    pub expires_at: Option<SystemTime>,
    /// Seconds left before the token expires (0 when expired).
    pub expires_in_seconds: Option<u64>,
    /// True when the token can be refreshed without a new login.
    pub refreshable: bool,
    /// The profiles that use this session, sorted.
    pub profiles: Vec<String>,
    /// Why the state is unknown or the token unusable (a config or cache problem).
    pub problem: Option<String>,
}

impl SessionStatus {
    /// The stable JSON form (documented in docs/cli.md).
    pub fn to_json(&self) -> Value {
        json!({
            "sso_session": self.sso_session,
            "start_url": self.start_url,
            "sso_region": self.sso_region,
            "token_file": self.token_file,
            "logged_in": self.logged_in,
            "expires_at": self.expires_at.map(format_timestamp),
            "expires_in_seconds": self.expires_in_seconds,
            "refreshable": self.refreshable,
            "profiles": self.profiles,
            "problem": self.problem,
        })
    }
}

/// What every front-end shows (`ssokit status`, `ssokit.status()`, `status()`): the
/// state of every sso-session and legacy start URL of the config file `config_file`
/// names (else the environment's), from the caches `env` points at, as of `clock`'s
/// now (see [`status`]).
pub fn current(
    config_file: Option<&Path>,
    env: &Env,
    clock: &dyn Clock,
) -> Result<Vec<SessionStatus>, Error> {
    let config = crate::config::load_config(config_file, env)?;
    let caches = CacheDirs::from_env(env)?;
    Ok(status(&config, env, &caches, clock.now()))
}

/// The state of every sso-session and legacy start URL of `config`, sessions first
/// (in config order), then legacy start URLs (sorted), then the legacy SSO profiles
/// that cannot be resolved (by profile name), each with its `problem` and no token
/// state.
pub fn status(
    config: &AwsConfig,
    env: &Env,
    caches: &CacheDirs,
    now: SystemTime,
) -> Vec<SessionStatus> {
    // Which profiles use which token (by its cache key source).
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut legacy: BTreeMap<String, String> = BTreeMap::new(); // start URL -> region
    // Legacy SSO profiles that cannot be resolved: (profile, start URL, region, why).
    let mut broken_legacy: Vec<(String, String, String, String)> = Vec::new();
    for name in config.profile_names() {
        match config.resolve_sso_profile(&name, env) {
            Ok(p) => {
                users
                    .entry(p.session.token_cache_key_source().to_owned())
                    .or_default()
                    .push(name);
                if p.session.name.is_none() {
                    legacy.insert(p.session.start_url.clone(), p.session.region.clone());
                }
            }
            Err(e) => {
                // A legacy SSO profile (sso_start_url without sso_session) that is
                // wrong is listed with its problem, as a wrong sso-session is; a
                // profile without SSO settings is not an SSO profile at all.
                let Some(section) = config.profile(&name) else {
                    continue;
                };
                if section.value("sso_session").is_none()
                    && let Some(start_url) = section.value("sso_start_url")
                {
                    let region = section.value("sso_region").unwrap_or_default();
                    broken_legacy.push((
                        name,
                        start_url.to_owned(),
                        region.to_owned(),
                        e.to_string(),
                    ));
                }
            }
        }
    }
    let mut out = Vec::new();
    let tokens = caches.tokens();
    let mut describe =
        |session: Option<String>, start_url: String, region: String, problem: Option<String>| {
            let key = session.clone().unwrap_or_else(|| start_url.clone());
            let mut status = SessionStatus {
                token_file: tokens.path(&key),
                profiles: users.remove(&key).unwrap_or_default(),
                sso_session: session,
                start_url,
                sso_region: region,
                logged_in: false,
                expires_at: None,
                expires_in_seconds: None,
                refreshable: false,
                problem,
            };
            status.profiles.sort();
            match tokens.load(&key) {
                Ok(token) => {
                    status.logged_in = !token.is_expired(now);
                    status.expires_at = Some(token.expires_at);
                    status.expires_in_seconds = Some(token.expires_in(now).as_secs());
                    status.refreshable = token.can_refresh(now);
                }
                Err(crate::cache::CacheError::NotFound { .. }) => {}
                Err(e) => status.problem = status.problem.or(Some(e.to_string())),
            }
            out.push(status);
        };
    for name in config.sso_session_names() {
        match config.resolve_sso_session(&name, env) {
            Ok(s) => describe(Some(name), s.start_url, s.region, None),
            Err(e) => describe(
                Some(name),
                String::new(),
                String::new(),
                Some(e.to_string()),
            ),
        }
    }
    for (start_url, region) in legacy {
        describe(None, start_url, region, None);
    }
    broken_legacy.sort();
    for (profile, start_url, region, problem) in broken_legacy {
        let token_file = tokens.path(&start_url);
        out.push(SessionStatus {
            sso_session: None,
            start_url,
            sso_region: region,
            token_file,
            logged_in: false,
            expires_at: None,
            expires_in_seconds: None,
            refreshable: false,
            profiles: vec![profile],
            problem: Some(problem),
        });
    }
    out
}
