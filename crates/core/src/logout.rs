//! Logging out, as `aws sso logout` does: every SSO token revoked (the portal's
//! Logout, errors ignored) and removed, every SSO role-credentials file removed;
//! client registrations, other tools' files and files that are not valid JSON stay.
//! Temporary files that interrupted writes of ssokit left in the cache directories
//! (they may hold tokens, client secrets or credentials) are removed too.
//! Or the same for one profile or session only.

use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::cache::{CacheDirs, CachedToken, TempFiles, read_json_object, remove_temp_files};
use crate::client::{HttpClient, HttpSettings, PortalClient};
use crate::config::AwsConfig;
use crate::env::Env;
use crate::sso::Sso;

/// What a logout did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogoutReport {
    /// Token files removed.
    pub tokens_removed: Vec<PathBuf>,
    /// Role-credentials files removed.
    pub role_credentials_removed: Vec<PathBuf>,
    /// Tokens the portal could not revoke (removed from disk all the same).
    pub revoke_failures: usize,
    /// Temporary files that interrupted writes left in the cache directories (they
    /// may hold tokens or credentials), removed.
    pub temp_files_removed: Vec<PathBuf>,
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
        .collect();
    files.sort();
    files
}

fn remove(path: &Path) -> Result<bool, Error> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(crate::cache::CacheError::Io {
            action: "remove",
            path: path.to_owned(),
            source: e,
        }
        .into()),
    }
}

/// Revokes `token` at the portal of its region; returns false if that failed. This
/// process's own HTTP set-up failing (a broken CA bundle) is an error instead, before
/// anything is removed: the user fixes it and logs out again, rather than having tokens
/// deleted that stay valid at the portal.
async fn revoke(
    token: &CachedToken,
    config: &AwsConfig,
    env: &Env,
    http: &HttpClient,
) -> Result<bool, Error> {
    let Some(region) = token.region.as_deref() else {
        return Ok(true);
    };
    let endpoint = match config.endpoints_for_region(region, env) {
        Ok(endpoints) => endpoints.portal,
        Err(e) => {
            tracing::debug!(error = %e, "cannot reach the portal to revoke a token");
            return Ok(false);
        }
    };
    let portal = match PortalClient::with_http_client(&endpoint, http) {
        Ok(portal) => portal,
        Err(_) => return Ok(false),
    };
    match portal.logout(&token.access_token).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_local_setup() => Err(e.into()),
        Err(e) => {
            tracing::debug!(error = %e, "the portal did not revoke a token");
            Ok(false)
        }
    }
}

/// True when a JSON object is an SSO token file: it has `accessToken` (any case).
fn has_access_token(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    map.keys().any(|k| k.eq_ignore_ascii_case("accessToken"))
}

/// Removes a cache file under its `<stem>.lock`, so a refresh in flight does not
/// write the token back right after.
async fn remove_locked(path: &Path) -> Result<bool, Error> {
    let lock = path.with_extension("lock");
    let path = path.to_owned();
    crate::rt::blocking(move || {
        let _lock = crate::cache::CacheLock::acquire(&lock, crate::cache::DEFAULT_LOCK_TIMEOUT)?;
        remove(&path)
    })
    .await
}

/// HTTP settings for revoking: defaults plus the CA bundle of the environment.
fn revoke_settings(env: &Env) -> HttpSettings {
    let settings = HttpSettings::default();
    match env.get_non_empty("AWS_CA_BUNDLE") {
        Some(bundle) => settings.ca_bundle(bundle),
        None => settings,
    }
}

/// Logs out as every front-end does (`ssokit logout`, `ssokit.logout()`, `logout()`),
/// reading the config file `selector` names (or the environment's): with neither a
/// profile nor an sso-session, everything, as `aws sso logout` ([`logout_all`]);
/// with one, only that profile's session or that sso-session.
pub async fn logout(selector: &crate::Selector, env: &Env) -> Result<LogoutReport, Error> {
    selector.check()?;
    let (file, vars) = (selector.config_file.clone(), env.clone());
    let config =
        crate::rt::blocking(move || Ok(crate::config::load_config(file.as_deref(), &vars)?))
            .await?;
    if logs_out_everything(selector) {
        logout_all(&config, env, &CacheDirs::from_env(env)?).await
    } else {
        let sso = Sso::from_config(&config, selector, env)?;
        logout_session(&sso, &config, env).await
    }
}

/// True when `selector` names neither a profile nor an sso-session: a logout of
/// everything (unlike the other operations, where that means `$AWS_PROFILE`).
fn logs_out_everything(selector: &crate::Selector) -> bool {
    selector.profile.is_none() && selector.sso_session.is_none()
}

/// `aws sso logout`: every SSO token in `caches` revoked and removed, every SSO
/// role-credentials file removed.
pub async fn logout_all(
    config: &AwsConfig,
    env: &Env,
    caches: &CacheDirs,
) -> Result<LogoutReport, Error> {
    let http = HttpClient::new(&revoke_settings(env))?;
    let mut report = LogoutReport::default();
    for path in json_files(&caches.sso) {
        let Ok(map) = read_json_object(&path) else {
            continue; // not JSON: not ours to judge
        };
        if !has_access_token(&map) {
            continue; // a registration or another tool's file
        }
        // Revoke when the file is complete enough to; remove it in any case.
        if let Ok(token) = CachedToken::from_json(map, &path)
            && !revoke(&token, config, env, &http).await?
        {
            report.revoke_failures += 1;
        }
        if remove_locked(&path).await? {
            report.tokens_removed.push(path);
        }
    }
    for path in json_files(&caches.cli) {
        let is_sso = read_json_object(&path).is_ok_and(|map| {
            map.iter()
                .any(|(k, v)| k.eq_ignore_ascii_case("ProviderType") && v == "sso")
        });
        if is_sso && remove(&path)? {
            report.role_credentials_removed.push(path);
        }
    }
    for dir in [&caches.sso, &caches.cli] {
        report
            .temp_files_removed
            .extend(remove_temp_files(dir, None, TempFiles::All));
    }
    Ok(report)
}

/// Logs out of the session of `sso` only: its token revoked and removed, and the
/// role-credentials files of every profile in `config` that uses the session.
///
/// The revocation goes through `sso`'s own transport, clock and sleep (those given to
/// [`Sso::builder`](crate::Sso::builder)); [`logout`] builds an [`Sso`] with the
/// defaults.
///
/// # Errors
/// The token or role-credentials files cannot be read or removed. A failed
/// revocation is not an error: it is counted in [`LogoutReport::revoke_failures`].
pub async fn logout_session(
    sso: &Sso,
    config: &AwsConfig,
    env: &Env,
) -> Result<LogoutReport, Error> {
    let caches = sso.caches();
    let key = sso.session().token_cache_key_source().to_owned();
    let mut report = LogoutReport::default();
    let tokens = caches.tokens();
    if let Ok(token) = tokens.load(&key) {
        // The Sso's own settings (retries, timeouts, User-Agent) and transport.
        let http = sso.http_client_with(sso.http_settings())?;
        if !revoke(&token, config, env, &http).await? {
            report.revoke_failures += 1;
        }
    }
    let path = tokens.path(&key);
    // Only a token file: never a file that is not JSON or has no `accessToken`.
    let is_token = read_json_object(&path).is_ok_and(|map| has_access_token(&map));
    if is_token && remove_locked(&path).await? {
        report.tokens_removed.push(path.clone());
    }
    report
        .temp_files_removed
        .extend(remove_temp_files_of(&path));
    for name in config.profile_names() {
        let Ok(profile) = config.resolve_sso_profile(&name, env) else {
            continue;
        };
        if profile.session.token_cache_key_source() != key {
            continue;
        }
        let (Some(account), Some(role)) = (&profile.account_id, &profile.role_name) else {
            continue;
        };
        let scope = crate::cache::RoleCacheScope::for_session(&profile.session);
        let path = caches.role_credentials().path(account, role, scope);
        report
            .temp_files_removed
            .extend(remove_temp_files_of(&path));
        if remove(&path)? {
            report.role_credentials_removed.push(path);
        }
    }
    Ok(report)
}

/// Removes every temporary file left beside the cache file `path`.
fn remove_temp_files_of(path: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    remove_temp_files(dir, Some(&name.to_string_lossy()), TempFiles::All)
}
