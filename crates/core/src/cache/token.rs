//! The SSO token cache: `~/.aws/sso/cache/<sha1(session or start URL)>.json`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::fields::{Fields, ObjectBuilder};
use super::file::{parse_json_object, read_json_object, write_json_object};
use super::{CacheError, CacheLock, REFRESH_WINDOW, token_cache_key};
use crate::secret::{AccessToken, ClientSecret, RefreshToken};

/// The keys of a token file, in the order the AWS CLI writes them.
const KEYS: [&str; 8] = [
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
];

/// One SSO token file.
///
/// `Debug` redacts the secrets and shows only the names of unknown keys.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct CachedToken {
    /// The start URL the token was issued for.
    pub start_url: Option<String>,
    /// The region of the IAM Identity Center instance.
    pub region: Option<String>,
    /// The bearer token for the SSO portal.
    pub access_token: AccessToken,
    /// When the access token expires.
    pub expires_at: SystemTime,
    /// The OIDC client the token was issued to (needed for refresh).
    pub client_id: Option<String>,
    /// That client's secret (needed for refresh).
    pub client_secret: Option<ClientSecret>,
    /// When the client registration expires; no refresh after that.
    pub registration_expires_at: Option<SystemTime>,
    /// The refresh token, issued only to registrations with scopes.
    pub refresh_token: Option<RefreshToken>,
    /// Top-level keys ssokit does not know, kept as they were.
    pub extra: Map<String, Value>,
}

impl CachedToken {
    /// A token with only the required fields set.
    pub fn new(access_token: AccessToken, expires_at: SystemTime) -> Self {
        Self {
            start_url: None,
            region: None,
            access_token,
            expires_at,
            client_id: None,
            client_secret: None,
            registration_expires_at: None,
            refresh_token: None,
            extra: Map::new(),
        }
    }

    /// Reads a token from a JSON object (keys compared case-insensitively).
    /// `path` is used in error messages only.
    pub fn from_json(map: Map<String, Value>, path: &Path) -> Result<Self, CacheError> {
        let mut f = Fields::new(map, path);
        let access_token = AccessToken::new(f.req_str("accessToken")?);
        let expires_at = f.req_time("expiresAt")?;
        Ok(Self {
            start_url: f.opt_str("startUrl")?,
            region: f.opt_str("region")?,
            access_token,
            expires_at,
            client_id: f.opt_str("clientId")?,
            client_secret: f.opt_str("clientSecret")?.map(ClientSecret::new),
            registration_expires_at: f.opt_time("registrationExpiresAt")?,
            refresh_token: f.opt_str("refreshToken")?.map(RefreshToken::new),
            extra: f.into_rest(&KEYS),
        })
    }

    /// Reads and validates a token from the bytes of a file.
    pub fn from_slice(bytes: &[u8], path: &Path) -> Result<Self, CacheError> {
        Self::from_json(parse_json_object(bytes, path)?, path)
    }

    /// The JSON object the AWS CLI would write, keys in its order, unknown keys last.
    pub fn to_json(&self) -> Map<String, Value> {
        ObjectBuilder::default()
            .opt_str("startUrl", self.start_url.as_deref())
            .opt_str("region", self.region.as_deref())
            .str("accessToken", self.access_token.expose_secret())
            .time("expiresAt", self.expires_at)
            .opt_str("clientId", self.client_id.as_deref())
            .opt_str(
                "clientSecret",
                self.client_secret.as_ref().map(ClientSecret::expose_secret),
            )
            .opt_time("registrationExpiresAt", self.registration_expires_at)
            .opt_str(
                "refreshToken",
                self.refresh_token.as_ref().map(RefreshToken::expose_secret),
            )
            .extend(&self.extra)
            .build()
    }

    /// Time left before expiry; zero once expired.
    pub fn expires_in(&self, now: SystemTime) -> Duration {
        self.expires_at.duration_since(now).unwrap_or_default()
    }

    /// True once the access token has expired.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.expires_at <= now
    }

    /// True when less than [`REFRESH_WINDOW`] is left (or the token has expired).
    pub fn needs_refresh(&self, now: SystemTime) -> bool {
        self.expires_in(now) < REFRESH_WINDOW
    }

    /// True when the file has everything a refresh needs: a refresh token, the client
    /// id and secret, and a registration that has not expired.
    pub fn can_refresh(&self, now: SystemTime) -> bool {
        self.refresh_token.is_some()
            && self.client_id.is_some()
            && self.client_secret.is_some()
            && self.registration_expires_at.is_some_and(|t| t > now)
    }
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("start_url", &self.start_url)
            .field("region", &self.region)
            .field("access_token", &self.access_token)
            .field(
                "expires_at",
                &crate::time::format_timestamp(self.expires_at),
            )
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field(
                "registration_expires_at",
                &self
                    .registration_expires_at
                    .map(crate::time::format_timestamp),
            )
            .field("refresh_token", &self.refresh_token)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The token cache directory (`~/.aws/sso/cache`), addressed by session name or
/// legacy start URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCache {
    dir: PathBuf,
}

impl TokenCache {
    /// The token cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for an sso-session name or legacy start URL.
    pub fn path(&self, session_or_start_url: &str) -> PathBuf {
        self.dir
            .join(format!("{}.json", token_cache_key(session_or_start_url)))
    }

    /// The lock file for an sso-session name or legacy start URL.
    pub fn lock_path(&self, session_or_start_url: &str) -> PathBuf {
        self.dir
            .join(format!("{}.lock", token_cache_key(session_or_start_url)))
    }

    /// Reads the token. A missing or unusable file is an error for which
    /// [`CacheError::is_not_logged_in`] is true.
    pub fn load(&self, session_or_start_url: &str) -> Result<CachedToken, CacheError> {
        let path = self.path(session_or_start_url);
        super::perms::before_read(&path);
        CachedToken::from_json(read_json_object(&path)?, &path)
    }

    /// Writes the token atomically, keeping unknown keys of the file it replaces.
    pub fn store(&self, session_or_start_url: &str, token: &CachedToken) -> Result<(), CacheError> {
        let path = self.path(session_or_start_url);
        super::perms::before_write(&path);
        write_json_object(&path, token.to_json(), &KEYS)
    }

    /// Takes the cross-process lock of this token (see [`CacheLock`]).
    pub fn lock(
        &self,
        session_or_start_url: &str,
        timeout: Duration,
    ) -> Result<CacheLock, CacheError> {
        CacheLock::acquire(&self.lock_path(session_or_start_url), timeout)
    }

    /// Takes the token's lock only if it is free right now; `Ok(None)` when another
    /// holder has it.
    pub fn try_lock(&self, session_or_start_url: &str) -> Result<Option<CacheLock>, CacheError> {
        CacheLock::try_acquire(&self.lock_path(session_or_start_url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn full_token() -> CachedToken {
        CachedToken {
            start_url: Some("https://d-abc123.awsapps.com/start".into()),
            region: Some("us-east-1".into()),
            access_token: AccessToken::new("ACCESS-SECRET"),
            expires_at: at(1_795_813_445),
            client_id: Some("client-id".into()),
            client_secret: Some(ClientSecret::new("CLIENT-SECRET")),
            registration_expires_at: Some(at(1_803_585_845)),
            refresh_token: Some(RefreshToken::new("REFRESH-SECRET")),
            extra: Map::new(),
        }
    }

    #[test]
    fn writes_the_aws_cli_layout() {
        let text = serde_json::to_string(&full_token().to_json()).unwrap();
        assert_eq!(
            text,
            r#"{"startUrl":"https://d-abc123.awsapps.com/start","region":"us-east-1","accessToken":"ACCESS-SECRET","expiresAt":"2026-11-27T21:04:05Z","clientId":"client-id","clientSecret":"CLIENT-SECRET","registrationExpiresAt":"2027-02-25T20:04:05Z","refreshToken":"REFRESH-SECRET"}"#
        );
    }

    #[test]
    fn reads_keys_case_insensitively_and_keeps_unknown_ones() {
        let text = r#"{"AccessToken":"a","EXPIRESAT":"2026-11-27T21:04:05.123Z","startUrl":"u","tokenType":"Bearer","x":{"y":1}}"#;
        let token = CachedToken::from_slice(text.as_bytes(), Path::new("t.json")).unwrap();
        assert_eq!(token.access_token.expose_secret(), "a");
        assert_eq!(token.start_url.as_deref(), Some("u"));
        assert_eq!(token.extra.keys().collect::<Vec<_>>(), ["tokenType", "x"]);
        let out = serde_json::to_string(&token.to_json()).unwrap();
        assert_eq!(
            out,
            r#"{"startUrl":"u","accessToken":"a","expiresAt":"2026-11-27T21:04:05Z","tokenType":"Bearer","x":{"y":1}}"#
        );
    }

    #[test]
    fn field_errors_name_the_field_and_path() {
        let cases = [
            (
                r#"{"expiresAt":"2026-11-27T21:04:05Z"}"#,
                "no `accessToken`",
            ),
            (r#"{"accessToken":"a"}"#, "no `expiresAt`"),
            (
                r#"{"accessToken":"","expiresAt":"2026-11-27T21:04:05Z"}"#,
                "invalid `accessToken`",
            ),
            (
                r#"{"accessToken":5,"expiresAt":"2026-11-27T21:04:05Z"}"#,
                "invalid `accessToken`",
            ),
            (
                r#"{"accessToken":"a","expiresAt":"tomorrow"}"#,
                "invalid `expiresAt`",
            ),
            (
                r#"{"accessToken":"a","expiresAt":"2026-11-27T21:04:05Z","refreshToken":[]}"#,
                "invalid `refreshToken`",
            ),
            (
                r#"{"accessToken":"a","expiresAt":"2026-11-27T21:04:05Z","registrationExpiresAt":"x"}"#,
                "invalid `registrationExpiresAt`",
            ),
        ];
        for (text, needle) in cases {
            let err = CachedToken::from_slice(text.as_bytes(), Path::new("/c/t.json")).unwrap_err();
            assert!(err.is_not_logged_in());
            let msg = err.to_string();
            assert!(
                msg.contains(needle) && msg.contains("/c/t.json"),
                "{text}: {msg}"
            );
        }
    }

    #[test]
    fn refresh_decisions() {
        let token = full_token();
        let exp = token.expires_at;
        assert!(!token.needs_refresh(exp - Duration::from_secs(15 * 60)));
        assert!(token.needs_refresh(exp - Duration::from_secs(15 * 60 - 1)));
        assert!(token.needs_refresh(exp + Duration::from_secs(1)));
        assert!(token.is_expired(exp));
        assert!(!token.is_expired(exp - Duration::from_secs(1)));
        assert_eq!(
            token.expires_in(exp + Duration::from_secs(5)),
            Duration::ZERO
        );
        assert!(token.can_refresh(exp));
        let reg_exp = token.registration_expires_at.unwrap();
        assert!(!token.can_refresh(reg_exp));
        let mut legacy = token.clone();
        legacy.refresh_token = None;
        assert!(!legacy.can_refresh(exp));
        let mut no_reg = token.clone();
        no_reg.registration_expires_at = None;
        assert!(!no_reg.can_refresh(exp));
    }

    #[test]
    fn debug_redacts() {
        let shown = format!("{:?}", full_token());
        for secret in ["ACCESS-SECRET", "CLIENT-SECRET", "REFRESH-SECRET"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("2026-11-27T21:04:05Z"));
    }

    #[test]
    fn store_and_load_round_trip_keeping_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path());
        let path = cache.path("my-sso");
        assert!(path.ends_with(format!("{}.json", token_cache_key("my-sso"))));
        std::fs::write(
            &path,
            r#"{"accessToken":"old","expiresAt":"2020-01-01T00:00:00UTC","someoneElses":true}"#,
        )
        .unwrap();
        cache.store("my-sso", &full_token()).unwrap();
        let back = cache.load("my-sso").unwrap();
        assert_eq!(back.access_token.expose_secret(), "ACCESS-SECRET");
        assert_eq!(back.extra.get("someoneElses"), Some(&Value::Bool(true)));
        assert!(matches!(
            cache.load("other"),
            Err(CacheError::NotFound { .. })
        ));
    }
}
