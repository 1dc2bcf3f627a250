//! What resolution yields: an [`SsoSession`] (where a token comes from) and an
//! [`SsoProfile`] (a session with an account and role).

use std::path::PathBuf;

use super::endpoints::Endpoints;

/// Where an SSO token comes from: an `[sso-session]` or a legacy profile's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSession {
    /// The sso-session name; `None` for a legacy profile.
    pub name: Option<String>,
    /// `sso_start_url`, exactly as written (after comment stripping).
    pub start_url: String,
    /// `sso_region`, validated.
    pub region: String,
    /// `sso_registration_scopes`, split at commas, trimmed, empty items dropped;
    /// `None` when not configured, `Some([])` when configured empty (as the AWS CLI
    /// reads it, which matters for the registration cache key).
    pub scopes: Option<Vec<String>>,
    /// The OIDC and portal endpoints, overrides applied.
    pub endpoints: Endpoints,
    /// A PEM bundle to trust: `AWS_CA_BUNDLE`, else the profile's `ca_bundle`.
    pub ca_bundle: Option<PathBuf>,
    /// `sso_use_device_code = true` in the `[sso-session]`: log in with the device
    /// code unless the caller or `SSOKIT_LOGIN_FLOW` asks otherwise (see
    /// [`Sso::choose_flow`](crate::Sso::choose_flow)). Always `false` for a legacy
    /// profile, which has no sso-session.
    pub use_device_code: bool,
}

impl SsoSession {
    /// What the token cache file name is derived from: the session name, else the
    /// start URL exactly as written.
    pub fn token_cache_key_source(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.start_url)
    }

    /// Whether this is a legacy profile's session (no `[sso-session]`): its tokens
    /// cannot be refreshed.
    pub fn is_legacy(&self) -> bool {
        self.name.is_none()
    }
}

/// A resolved SSO profile (read it; it is made by resolving a profile of the config).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SsoProfile {
    /// The profile name.
    pub name: String,
    /// Where its token comes from.
    pub session: SsoSession,
    /// `sso_account_id` (12 digits); set together with `role_name` or not at all.
    pub account_id: Option<String>,
    /// `sso_role_name`; set together with `account_id` or not at all.
    pub role_name: Option<String>,
    /// The profile's `region` (for `AWS_REGION`), if any.
    pub region: Option<String>,
    /// Non-fatal notes, such as a value botocore would read differently. Each is also
    /// logged with `tracing::warn!`.
    pub warnings: Vec<String>,
    /// For a profile with `role_arn` and `source_profile`: the roles assumed, one
    /// after the other, from the role credentials of the SSO profile at the end of the
    /// chain (whose session, account and role the fields above hold). `None` for an
    /// SSO profile.
    pub chain: Option<RoleChain>,
}

impl SsoProfile {
    /// Whether the profile yields only a bearer token (an sso-session without
    /// `sso_account_id` / `sso_role_name`), not AWS credentials.
    pub fn is_token_only(&self) -> bool {
        self.account_id.is_none() || self.role_name.is_none()
    }
}

/// One `AssumeRole` of a chain: what one profile with `role_arn` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleHop {
    /// The profile that names the role.
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// `role_session_name`, if configured (else a generated
    /// `botocore-session-<unix seconds>`, which is not part of the cache key).
    pub role_session_name: Option<String>,
    /// `duration_seconds`, if configured: 900 to 3600.
    pub duration_seconds: Option<u32>,
    /// `external_id`, if configured.
    pub external_id: Option<String>,
}

/// Where the STS requests of a chain go.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StsEndpoint {
    /// The base URL (`https://sts.us-east-1.amazonaws.com`, or an override).
    pub url: String,
    /// The region the requests are signed for (`us-east-1` for the global endpoint).
    pub signing_region: String,
}

/// A resolved role chain: the hops from the SSO root to the selected profile.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleChain {
    /// The SSO profile whose role credentials the first hop starts from.
    pub root_profile: String,
    /// The hops in the order they are assumed: the first with the root's role
    /// credentials, the last giving the selected profile's credentials.
    pub hops: Vec<RoleHop>,
    /// Where the `AssumeRole` requests go.
    pub sts: StsEndpoint,
}

impl RoleChain {
    /// The profiles from the selected one down to the root, as messages show them:
    /// `chained -> middle -> sso-root`.
    pub fn describe(&self) -> String {
        let mut names: Vec<&str> = self.hops.iter().rev().map(|h| h.profile.as_str()).collect();
        names.push(&self.root_profile);
        names.join(" -> ")
    }
}
