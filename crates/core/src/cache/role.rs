//! The AWS CLI's role-credentials cache: `~/.aws/cli/cache/<role key>.json`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::fields::{Fields, ObjectBuilder};
use super::file::{read_json_object, write_json_object};
use super::{CacheError, CacheLock, RoleCacheScope, role_cache_key};
use crate::secret::{SecretAccessKey, SessionToken};

const KEYS: [&str; 2] = ["ProviderType", "Credentials"];
const CREDENTIAL_KEYS: [&str; 5] = [
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Expiration",
    "AccountId",
];

/// The `ProviderType` the AWS CLI writes for SSO role credentials.
pub(crate) const PROVIDER_TYPE_SSO: &str = "sso";

/// Role credentials from GetRoleCredentials, as the AWS CLI caches them.
#[derive(Clone, PartialEq)]
pub struct CachedRoleCredentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: SecretAccessKey,
    /// The session token.
    pub session_token: SessionToken,
    /// When the credentials expire.
    pub expiration: SystemTime,
    /// The account the role is in.
    pub account_id: Option<String>,
    /// Top-level keys ssokit does not know, kept as they were.
    pub extra: Map<String, Value>,
}

impl CachedRoleCredentials {
    /// Reads credentials from a JSON object. `path` is for error messages.
    pub fn from_json(map: Map<String, Value>, path: &Path) -> Result<Self, CacheError> {
        let mut top = Fields::new(map, path);
        // Other tools' files never share our key; the type is not checked on read.
        let _ = top.opt_str("ProviderType")?;
        let mut c = top.req_object("Credentials")?;
        Ok(Self {
            access_key_id: c.req_str("AccessKeyId")?,
            secret_access_key: SecretAccessKey::new(c.req_str("SecretAccessKey")?),
            session_token: SessionToken::new(c.req_str("SessionToken")?),
            expiration: c.req_time("Expiration")?,
            account_id: c.opt_str("AccountId")?,
            extra: top.into_rest(&KEYS),
        })
    }

    /// The JSON object the AWS CLI writes.
    pub fn to_json(&self) -> Map<String, Value> {
        let credentials = ObjectBuilder::default()
            .str("AccessKeyId", &self.access_key_id)
            .str("SecretAccessKey", self.secret_access_key.expose_secret())
            .str("SessionToken", self.session_token.expose_secret())
            .time("Expiration", self.expiration)
            .opt_str("AccountId", self.account_id.as_deref())
            .build();
        debug_assert!(
            credentials
                .keys()
                .all(|k| CREDENTIAL_KEYS.contains(&k.as_str()))
        );
        ObjectBuilder::default()
            .str("ProviderType", PROVIDER_TYPE_SSO)
            .value("Credentials", Value::Object(credentials))
            .extend(&self.extra)
            .build()
    }

    /// True while more than [`REFRESH_WINDOW`](super::REFRESH_WINDOW) remains before expiry: the
    /// credentials may be served from the cache.
    pub fn is_fresh(&self, now: SystemTime) -> bool {
        super::is_fresh(self.expiration, now)
    }
}

impl fmt::Debug for CachedRoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedRoleCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field(
                "expiration",
                &crate::time::format_timestamp(self.expiration),
            )
            .field("account_id", &self.account_id)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The AWS CLI's credentials cache directory (`~/.aws/cli/cache`). It also holds
/// other tools' files (assume-role caches): only files addressed by a role key are
/// read or written here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleCredentialsCache {
    dir: PathBuf,
}

impl RoleCredentialsCache {
    /// The cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for a role.
    pub fn path(&self, account_id: &str, role_name: &str, scope: RoleCacheScope<'_>) -> PathBuf {
        self.dir.join(format!(
            "{}.json",
            role_cache_key(account_id, role_name, scope)
        ))
    }

    /// Reads cached credentials for a role.
    pub fn load(
        &self,
        account_id: &str,
        role_name: &str,
        scope: RoleCacheScope<'_>,
    ) -> Result<CachedRoleCredentials, CacheError> {
        let path = self.path(account_id, role_name, scope);
        super::perms::before_read(&path);
        CachedRoleCredentials::from_json(read_json_object(&path)?, &path)
    }

    /// Writes credentials atomically, keeping unknown keys of the old file.
    pub fn store(
        &self,
        account_id: &str,
        role_name: &str,
        scope: RoleCacheScope<'_>,
        credentials: &CachedRoleCredentials,
    ) -> Result<(), CacheError> {
        let path = self.path(account_id, role_name, scope);
        super::perms::before_write(&path);
        write_json_object(&path, credentials.to_json(), &KEYS)
    }

    /// Takes the cross-process lock of a role's entry.
    pub fn lock(
        &self,
        account_id: &str,
        role_name: &str,
        scope: RoleCacheScope<'_>,
        timeout: Duration,
    ) -> Result<CacheLock, CacheError> {
        let key = role_cache_key(account_id, role_name, scope);
        CacheLock::acquire(&self.dir.join(format!("{key}.lock")), timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn creds() -> CachedRoleCredentials {
        CachedRoleCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: SecretAccessKey::new("SECRETKEY"),
            session_token: SessionToken::new("SESSIONTOKEN"),
            expiration: UNIX_EPOCH + Duration::from_secs(1_795_813_445),
            account_id: Some("111122223333".into()),
            extra: Map::new(),
        }
    }

    #[test]
    fn layout_round_trip_and_redaction() {
        let c = creds();
        assert_eq!(
            serde_json::to_string(&c.to_json()).unwrap(),
            r#"{"ProviderType":"sso","Credentials":{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"SECRETKEY","SessionToken":"SESSIONTOKEN","Expiration":"2026-11-27T21:04:05Z","AccountId":"111122223333"}}"#
        );
        let dir = tempfile::tempdir().unwrap();
        let cache = RoleCredentialsCache::new(dir.path());
        let scope = RoleCacheScope::Session("my-sso");
        cache.store("111122223333", "ReadOnly", scope, &c).unwrap();
        assert_eq!(cache.load("111122223333", "ReadOnly", scope).unwrap(), c);
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("SECRETKEY") && !shown.contains("SESSIONTOKEN"),
            "{shown}"
        );
    }

    #[test]
    fn freshness_window() {
        let c = creds();
        let fifteen = Duration::from_secs(15 * 60);
        assert!(c.is_fresh(c.expiration - fifteen - Duration::from_secs(1)));
        assert!(!c.is_fresh(c.expiration - fifteen));
        assert!(!c.is_fresh(c.expiration + Duration::from_secs(1)));
    }

    #[test]
    fn incomplete_files_are_errors() {
        for (text, needle) in [
            (r#"{"ProviderType":"sso"}"#, "no `Credentials`"),
            (r#"{"Credentials":[]}"#, "invalid `Credentials`"),
            (
                r#"{"Credentials":{"AccessKeyId":"a","SecretAccessKey":"s","SessionToken":"t"}}"#,
                "no `Expiration`",
            ),
        ] {
            let map = serde_json::from_str(text).unwrap();
            let err = CachedRoleCredentials::from_json(map, Path::new("r.json")).unwrap_err();
            assert!(err.to_string().contains(needle), "{err}");
        }
    }
}
