//! The AWS CLI's assume-role cache: `~/.aws/cli/cache/<assume-role key>.json`, the
//! `AssumeRole` answer as botocore writes it, shared with the AWS CLI and boto3.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::fields::{Fields, ObjectBuilder};
use super::file::{read_json_object, write_json_object};
use super::{CacheError, CacheLock};
use crate::secret::{SecretAccessKey, SessionToken};

const KEYS: [&str; 2] = ["Credentials", "AssumedRoleUser"];

/// Credentials from STS `AssumeRole`, as botocore caches them.
#[derive(Clone, PartialEq)]
pub struct CachedAssumedRole {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: SecretAccessKey,
    /// The session token.
    pub session_token: SessionToken,
    /// When the credentials expire.
    pub expiration: SystemTime,
    /// The account of the role (botocore adds it from the assumed role's ARN).
    pub account_id: Option<String>,
    /// `AssumedRoleUser.Arn`: `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub assumed_role_arn: Option<String>,
    /// `AssumedRoleUser.AssumedRoleId`.
    pub assumed_role_id: Option<String>,
    /// Top-level keys ssokit does not know (`ResponseMetadata`, ...), kept as they were.
    pub extra: Map<String, Value>,
}

/// botocore writes the expiry with `%Y-%m-%dT%H:%M:%S%Z`: `2026-11-28T20:00:00UTC`.
fn botocore_timestamp(t: SystemTime) -> String {
    let z = crate::time::format_timestamp(t);
    format!("{}UTC", z.trim_end_matches('Z'))
}

impl CachedAssumedRole {
    /// Reads an entry from its JSON object (the expiry as botocore writes it, or
    /// ISO 8601 with `Z` or an offset). `path` is for error messages.
    pub fn from_json(map: Map<String, Value>, path: &Path) -> Result<Self, CacheError> {
        let mut top = Fields::new(map, path);
        let mut c = top.req_object("Credentials")?;
        let access_key_id = c.req_str("AccessKeyId")?;
        let secret_access_key = SecretAccessKey::new(c.req_str("SecretAccessKey")?);
        let session_token = SessionToken::new(c.req_str("SessionToken")?);
        let expiration = c.req_time("Expiration")?;
        let account_id = c.opt_str("AccountId")?;
        let (assumed_role_arn, assumed_role_id) = match top.req_object("AssumedRoleUser") {
            Ok(mut user) => (user.opt_str("Arn")?, user.opt_str("AssumedRoleId")?),
            Err(CacheError::MissingField { .. }) => (None, None),
            Err(e) => return Err(e),
        };
        Ok(Self {
            access_key_id,
            secret_access_key,
            session_token,
            expiration,
            account_id,
            assumed_role_arn,
            assumed_role_id,
            extra: top.into_rest(&KEYS),
        })
    }

    /// The JSON object botocore writes (without its `ResponseMetadata`).
    pub fn to_json(&self) -> Map<String, Value> {
        let credentials = ObjectBuilder::default()
            .str("AccessKeyId", &self.access_key_id)
            .str("SecretAccessKey", self.secret_access_key.expose_secret())
            .str("SessionToken", self.session_token.expose_secret())
            .str("Expiration", &botocore_timestamp(self.expiration))
            .opt_str("AccountId", self.account_id.as_deref())
            .build();
        let mut top = ObjectBuilder::default().value("Credentials", Value::Object(credentials));
        if self.assumed_role_arn.is_some() || self.assumed_role_id.is_some() {
            let user = ObjectBuilder::default()
                .opt_str("AssumedRoleId", self.assumed_role_id.as_deref())
                .opt_str("Arn", self.assumed_role_arn.as_deref())
                .build();
            top = top.value("AssumedRoleUser", Value::Object(user));
        }
        top.extend(&self.extra).build()
    }

    /// True while more than [`REFRESH_WINDOW`](super::REFRESH_WINDOW) remains before
    /// expiry.
    pub fn is_fresh(&self, now: SystemTime) -> bool {
        super::is_fresh(self.expiration, now)
    }
}

impl fmt::Debug for CachedAssumedRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedAssumedRole")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field(
                "expiration",
                &crate::time::format_timestamp(self.expiration),
            )
            .field("account_id", &self.account_id)
            .field("assumed_role_arn", &self.assumed_role_arn)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The assume-role entries of the AWS CLI's cache directory (`~/.aws/cli/cache`),
/// addressed by [`assume_role_cache_key`](super::assume_role_cache_key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleCache {
    dir: PathBuf,
}

impl AssumeRoleCache {
    /// The cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The file of a key.
    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// Reads the entry of a key.
    pub fn load(&self, key: &str) -> Result<CachedAssumedRole, CacheError> {
        let path = self.path(key);
        super::perms::before_read(&path);
        CachedAssumedRole::from_json(read_json_object(&path)?, &path)
    }

    /// Writes an entry atomically (0600), keeping unknown keys of the old file.
    pub fn store(&self, key: &str, entry: &CachedAssumedRole) -> Result<(), CacheError> {
        let path = self.path(key);
        super::perms::before_write(&path);
        write_json_object(&path, entry.to_json(), &KEYS)
    }

    /// Takes the cross-process lock of a key's entry (`<key>.lock`).
    pub fn lock(&self, key: &str, timeout: Duration) -> Result<CacheLock, CacheError> {
        CacheLock::acquire(&self.dir.join(format!("{key}.lock")), timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn entry() -> CachedAssumedRole {
        CachedAssumedRole {
            access_key_id: "ASIAHOP".into(),
            secret_access_key: SecretAccessKey::new("HOPSECRET"),
            session_token: SessionToken::new("HOPTOKEN"),
            expiration: UNIX_EPOCH + Duration::from_secs(1_795_813_445),
            account_id: Some("222233334444".into()),
            assumed_role_arn: Some("arn:aws:sts::222233334444:assumed-role/Top/me".into()),
            assumed_role_id: Some("AROAEXAMPLE:me".into()),
            extra: Map::new(),
        }
    }

    #[test]
    fn written_as_botocore_writes_it_and_read_back() {
        let e = entry();
        assert_eq!(
            serde_json::to_string(&e.to_json()).unwrap(),
            r#"{"Credentials":{"AccessKeyId":"ASIAHOP","SecretAccessKey":"HOPSECRET","SessionToken":"HOPTOKEN","Expiration":"2026-11-27T21:04:05UTC","AccountId":"222233334444"},"AssumedRoleUser":{"AssumedRoleId":"AROAEXAMPLE:me","Arn":"arn:aws:sts::222233334444:assumed-role/Top/me"}}"#
        );
        let dir = tempfile::tempdir().unwrap();
        let cache = AssumeRoleCache::new(dir.path());
        cache.store("k", &e).unwrap();
        assert_eq!(cache.load("k").unwrap(), e);
        let shown = format!("{e:?}");
        assert!(
            !shown.contains("HOPSECRET") && !shown.contains("HOPTOKEN"),
            "{shown}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(cache.path("k"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn reads_the_aws_cli_file_in_either_timestamp_form_and_keeps_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let cache = AssumeRoleCache::new(dir.path());
        for expiration in [
            "2026-11-27T21:04:05UTC",
            "2026-11-27T21:04:05Z",
            "2026-11-27T21:04:05+00:00",
        ] {
            let text = format!(
                r#"{{"Credentials": {{"AccessKeyId": "ASIAHOP", "SecretAccessKey": "HOPSECRET", "SessionToken": "HOPTOKEN", "Expiration": "{expiration}", "AccountId": "222233334444"}}, "AssumedRoleUser": {{"AssumedRoleId": "AROAEXAMPLE:me", "Arn": "arn:aws:sts::222233334444:assumed-role/Top/me"}}, "ResponseMetadata": {{"RequestId": "r-1", "HTTPStatusCode": 200}}}}"#
            );
            std::fs::write(cache.path("aws"), text).unwrap();
            let read = cache.load("aws").unwrap();
            assert_eq!(read.expiration, entry().expiration, "{expiration}");
            assert_eq!(read.extra.keys().collect::<Vec<_>>(), ["ResponseMetadata"]);
            cache.store("aws", &read).unwrap();
            let again = read_json_object(&cache.path("aws")).unwrap();
            assert_eq!(again["ResponseMetadata"]["RequestId"], "r-1");
        }
        // A file without AssumedRoleUser is still usable.
        std::fs::write(
            cache.path("bare"),
            r#"{"Credentials":{"AccessKeyId":"a","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-27T21:04:05Z"}}"#,
        )
        .unwrap();
        assert_eq!(cache.load("bare").unwrap().assumed_role_arn, None);
    }
}
