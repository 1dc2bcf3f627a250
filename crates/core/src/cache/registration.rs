//! The OIDC client-registration cache: `~/.aws/sso/cache/<registration key>.json`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::fields::{Fields, ObjectBuilder};
use super::file::{read_json_object, write_json_object};
use super::{CacheError, CacheLock, REFRESH_WINDOW, registration_cache_key};
use crate::secret::ClientSecret;

const KEYS: [&str; 5] = [
    "clientId",
    "clientSecret",
    "expiresAt",
    "scopes",
    "grantTypes",
];

/// The grant type that marks a registration made for the PKCE flow.
const AUTHORIZATION_CODE: &str = "authorization_code";

/// The login flow a client registration serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantFlow {
    /// The device-authorization flow (RFC 8628).
    DeviceCode,
    /// The authorization-code flow with PKCE.
    AuthorizationCode,
}

/// One cached OIDC client registration.
#[derive(Clone, PartialEq)]
pub struct ClientRegistration {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: ClientSecret,
    /// When the registration expires (`clientSecretExpiresAt`).
    pub expires_at: SystemTime,
    /// The scopes registered, if any.
    pub scopes: Option<Vec<String>>,
    /// The grant types registered; `["authorization_code", "refresh_token"]` for PKCE.
    pub grant_types: Option<Vec<String>>,
    /// Top-level keys ssokit does not know, kept as they were.
    pub extra: Map<String, Value>,
}

impl ClientRegistration {
    /// Reads a registration from a JSON object. `path` is for error messages.
    pub fn from_json(map: Map<String, Value>, path: &Path) -> Result<Self, CacheError> {
        let mut f = Fields::new(map, path);
        Ok(Self {
            client_id: f.req_str("clientId")?,
            client_secret: ClientSecret::new(f.req_str("clientSecret")?),
            expires_at: f.req_time("expiresAt")?,
            scopes: f.opt_str_list("scopes")?,
            grant_types: f.opt_str_list("grantTypes")?,
            extra: f.into_rest(&KEYS),
        })
    }

    /// The JSON object the AWS CLI writes.
    pub fn to_json(&self) -> Map<String, Value> {
        ObjectBuilder::default()
            .str("clientId", &self.client_id)
            .str("clientSecret", self.client_secret.expose_secret())
            .time("expiresAt", self.expires_at)
            .opt_list("scopes", self.scopes.as_deref())
            .opt_list("grantTypes", self.grant_types.as_deref())
            .extend(&self.extra)
            .build()
    }

    /// The flow this registration was made for: PKCE when its grant types include
    /// `authorization_code`, else the device flow.
    pub fn flow(&self) -> GrantFlow {
        let pkce = self
            .grant_types
            .as_ref()
            .is_some_and(|g| g.iter().any(|t| t == AUTHORIZATION_CODE));
        if pkce {
            GrantFlow::AuthorizationCode
        } else {
            GrantFlow::DeviceCode
        }
    }

    /// True when the registration may be reused for `flow` at `now`: it was made for
    /// that flow and at least [`REFRESH_WINDOW`] remains before it expires.
    pub fn is_reusable_for(&self, flow: GrantFlow, now: SystemTime) -> bool {
        self.flow() == flow
            && self
                .expires_at
                .duration_since(now)
                .is_ok_and(|left| left >= REFRESH_WINDOW)
    }
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field(
                "expires_at",
                &crate::time::format_timestamp(self.expires_at),
            )
            .field("scopes", &self.scopes)
            .field("grant_types", &self.grant_types)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The identity of a registration: what its cache key is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationKey<'a> {
    /// The start URL as configured.
    pub start_url: &'a str,
    /// The `sso_region`.
    pub region: &'a str,
    /// The configured `sso_registration_scopes`, `None` when not configured.
    pub scopes: Option<&'a [String]>,
    /// The sso-session name, `None` for legacy profiles.
    pub session_name: Option<&'a str>,
}

impl<'a> RegistrationKey<'a> {
    /// The key of a resolved session's registration, as the AWS CLI computes it.
    pub fn for_session(session: &'a crate::config::SsoSession) -> Self {
        Self {
            start_url: &session.start_url,
            region: &session.region,
            scopes: session.scopes.as_deref(),
            session_name: session.name.as_deref(),
        }
    }

    /// The cache key ([`registration_cache_key`]).
    pub fn cache_key(&self) -> String {
        registration_cache_key(self.start_url, self.region, self.scopes, self.session_name)
    }
}

/// The client-registration cache directory (`~/.aws/sso/cache`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationCache {
    dir: PathBuf,
}

impl RegistrationCache {
    /// The registration cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The file of a registration.
    pub fn path(&self, key: &RegistrationKey<'_>) -> PathBuf {
        self.dir.join(format!("{}.json", key.cache_key()))
    }

    /// Reads a registration.
    pub fn load(&self, key: &RegistrationKey<'_>) -> Result<ClientRegistration, CacheError> {
        let path = self.path(key);
        super::perms::before_read(&path);
        ClientRegistration::from_json(read_json_object(&path)?, &path)
    }

    /// Reads a registration if one exists that may be reused for `flow` at `now`
    /// (see [`ClientRegistration::is_reusable_for`]); unusable files count as absent.
    pub fn load_reusable(
        &self,
        key: &RegistrationKey<'_>,
        flow: GrantFlow,
        now: SystemTime,
    ) -> Option<ClientRegistration> {
        self.load(key)
            .ok()
            .filter(|reg| reg.is_reusable_for(flow, now))
    }

    /// Writes a registration atomically, keeping unknown keys of the old file.
    pub fn store(
        &self,
        key: &RegistrationKey<'_>,
        registration: &ClientRegistration,
    ) -> Result<(), CacheError> {
        let path = self.path(key);
        super::perms::before_write(&path);
        write_json_object(&path, registration.to_json(), &KEYS)
    }

    /// Takes the cross-process lock of a registration.
    pub fn lock(
        &self,
        key: &RegistrationKey<'_>,
        timeout: Duration,
    ) -> Result<CacheLock, CacheError> {
        CacheLock::acquire(&self.dir.join(format!("{}.lock", key.cache_key())), timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn reg(grant_types: Option<Vec<String>>) -> ClientRegistration {
        ClientRegistration {
            client_id: "cid".into(),
            client_secret: ClientSecret::new("CSECRET"),
            expires_at: at(10_000),
            scopes: Some(vec!["sso:account:access".into()]),
            grant_types,
            extra: Map::new(),
        }
    }

    #[test]
    fn layout_and_round_trip() {
        let pkce = reg(Some(vec![
            "authorization_code".into(),
            "refresh_token".into(),
        ]));
        let text = serde_json::to_string(&pkce.to_json()).unwrap();
        assert_eq!(
            text,
            r#"{"clientId":"cid","clientSecret":"CSECRET","expiresAt":"1970-01-01T02:46:40Z","scopes":["sso:account:access"],"grantTypes":["authorization_code","refresh_token"]}"#
        );
        let dir = tempfile::tempdir().unwrap();
        let cache = RegistrationCache::new(dir.path());
        let key = RegistrationKey {
            start_url: "https://d-abc123.awsapps.com/start",
            region: "us-west-2",
            scopes: None,
            session_name: None,
        };
        assert!(
            cache
                .path(&key)
                .ends_with("d75f79f67bab3f92a2b1450471c0c2574de0dca4.json")
        );
        cache.store(&key, &pkce).unwrap();
        assert_eq!(cache.load(&key).unwrap(), pkce);
        assert!(!format!("{pkce:?}").contains("CSECRET"));
    }

    #[test]
    fn reuse_rules() {
        let device = reg(None);
        let pkce = reg(Some(vec![
            "authorization_code".into(),
            "refresh_token".into(),
        ]));
        let fifteen_before = at(10_000 - 15 * 60);
        assert!(device.is_reusable_for(GrantFlow::DeviceCode, fifteen_before));
        assert!(!device.is_reusable_for(
            GrantFlow::DeviceCode,
            fifteen_before + Duration::from_secs(1)
        ));
        assert!(!device.is_reusable_for(GrantFlow::AuthorizationCode, at(0)));
        assert!(pkce.is_reusable_for(GrantFlow::AuthorizationCode, at(0)));
        assert!(!pkce.is_reusable_for(GrantFlow::DeviceCode, at(0)));
        assert!(!device.is_reusable_for(GrantFlow::DeviceCode, at(20_000)));
    }

    #[test]
    fn load_reusable_ignores_unusable_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RegistrationCache::new(dir.path());
        let key = RegistrationKey {
            start_url: "https://x.awsapps.com/start",
            region: "eu-west-1",
            scopes: None,
            session_name: Some("s"),
        };
        assert!(
            cache
                .load_reusable(&key, GrantFlow::DeviceCode, at(0))
                .is_none()
        );
        std::fs::create_dir_all(dir.path()).unwrap();
        std::fs::write(cache.path(&key), "{not json").unwrap();
        assert!(
            cache
                .load_reusable(&key, GrantFlow::DeviceCode, at(0))
                .is_none()
        );
        assert!(cache.path(&key).exists());
    }
}
