//! `logout`, `getToken` and `status`: the session's token, from the AWS CLI's cache.

use std::collections::HashMap;
use std::path::PathBuf;

use napi_derive::napi;
use ssokit::logout::LogoutReport;
use ssokit::time::SystemClock;

use crate::profile::path_string;
use crate::target::{TargetOptions, resolve, selector};
use crate::{JsResult, Reply, Timestamp, js_error, make_env};

/// What a logout did.
#[napi(object, object_from_js = false)]
pub struct LogoutResult {
    /// Token files removed.
    pub tokens_removed: Vec<String>,
    /// Role-credentials files removed.
    pub role_credentials_removed: Vec<String>,
    /// Tokens the portal could not revoke (removed from disk all the same).
    pub revoke_failures: u32,
}

impl From<LogoutReport> for LogoutResult {
    fn from(report: LogoutReport) -> Self {
        Self {
            tokens_removed: report.tokens_removed.into_iter().map(path_string).collect(),
            role_credentials_removed: report
                .role_credentials_removed
                .into_iter()
                .map(path_string)
                .collect(),
            revoke_failures: u32::try_from(report.revoke_failures).unwrap_or(u32::MAX),
        }
    }
}

/// Logs out like `aws sso logout`: with neither `profile` nor `ssoSession`, every SSO
/// token is revoked and removed with every cached SSO role credential; with one, only
/// that session.
#[napi(ts_return_type = "Promise<LogoutResult>")]
pub async fn logout(options: Option<TargetOptions>) -> Reply<LogoutResult> {
    logout_with(options).await.into()
}

async fn logout_with(options: Option<TargetOptions>) -> JsResult<LogoutResult> {
    let options = options.unwrap_or_default();
    let env = make_env(options.env);
    let selector = selector(options.profile, options.sso_session, options.config_file);
    ssokit::logout::logout(&selector, &env)
        .await
        .map(LogoutResult::from)
        .map_err(js_error)
}

/// An SSO bearer token, as the AWS SDK's `TokenIdentity`.
#[napi(object, object_from_js = false)]
pub struct TokenIdentity {
    /// The access token.
    pub token: String,
    /// When it expires.
    #[napi(ts_type = "Date")]
    pub expiration: Timestamp,
}

/// The SSO access token of a profile or session, refreshed first when it has less
/// than 15 minutes left. Never logs in.
#[napi(ts_return_type = "Promise<TokenIdentity>")]
pub async fn get_token(options: Option<TargetOptions>) -> Reply<TokenIdentity> {
    get_token_with(options).await.into()
}

async fn get_token_with(options: Option<TargetOptions>) -> JsResult<TokenIdentity> {
    let (sso, _) = resolve(options.unwrap_or_default())?;
    let token = sso.token_provider().token().await.map_err(js_error)?;
    Ok(TokenIdentity {
        token: token.access_token.expose_secret().to_owned(),
        expiration: Timestamp(token.expires_at),
    })
}

/// Where the config is, for `status`.
#[napi(object)]
#[derive(Default)]
pub struct StatusOptions {
    /// The config file; defaults to `AWS_CONFIG_FILE`, then `~/.aws/config`.
    pub config_file: Option<String>,
    /// Replaces the process environment for this call (for tests).
    pub env: Option<HashMap<String, String>>,
}

/// The state of one sso-session or legacy start URL.
#[napi(object, object_from_js = false)]
pub struct SessionStatus {
    /// The sso-session name; absent for a legacy start URL.
    pub sso_session: Option<String>,
    /// The start URL (empty when the session section could not be resolved).
    pub start_url: String,
    /// The Identity Center region.
    pub sso_region: String,
    /// The token file shared with the AWS CLI.
    pub token_file: String,
    /// Whether a token exists and has not expired.
    pub logged_in: bool,
    /// When the token expires (when a readable token exists).
    #[napi(ts_type = "Date")]
    pub expires_at: Option<Timestamp>,
    /// Seconds left before the token expires (0 when expired).
    pub expires_in_seconds: Option<f64>,
    /// Whether the token can be refreshed without a new login.
    pub refreshable: bool,
    /// The profiles that use this session, sorted.
    pub profiles: Vec<String>,
    /// Why the state is unknown or the token unusable.
    pub problem: Option<String>,
}

/// The state of every sso-session and legacy start URL in the config, from the token
/// cache (no network), like `ssokit status`.
#[napi(ts_return_type = "Promise<Array<SessionStatus>>")]
pub async fn status(options: Option<StatusOptions>) -> Reply<Vec<SessionStatus>> {
    status_with(options).await.into()
}

async fn status_with(options: Option<StatusOptions>) -> JsResult<Vec<SessionStatus>> {
    let options = options.unwrap_or_default();
    let env = make_env(options.env);
    let config_file = options.config_file.map(PathBuf::from);
    let states =
        ssokit::status::current(config_file.as_deref(), &env, &SystemClock).map_err(js_error)?;
    Ok(states
        .into_iter()
        .map(|s| SessionStatus {
            sso_session: s.sso_session,
            start_url: s.start_url,
            sso_region: s.sso_region,
            token_file: path_string(s.token_file),
            logged_in: s.logged_in,
            expires_at: s.expires_at.map(Timestamp),
            expires_in_seconds: s.expires_in_seconds.map(|n| n as f64),
            refreshable: s.refreshable,
            profiles: s.profiles,
            problem: s.problem,
        })
        .collect())
}
