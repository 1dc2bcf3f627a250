//! The caches on disk, file-compatible with the AWS CLI v2 and the AWS SDKs.
//!
//! | cache | directory | key | type |
//! | --- | --- | --- | --- |
//! | SSO tokens | `~/.aws/sso/cache` | [`token_cache_key`] | [`TokenCache`] / [`CachedToken`] |
//! | OIDC client registrations | `~/.aws/sso/cache` | [`registration_cache_key`] | [`RegistrationCache`] / [`ClientRegistration`] |
//! | role credentials | `~/.aws/cli/cache` | [`role_cache_key`] | [`RoleCredentialsCache`] / [`CachedRoleCredentials`] |
//! | assumed roles (role chaining) | `~/.aws/cli/cache` | [`assume_role_cache_key`] | [`AssumeRoleCache`] / [`CachedAssumedRole`] |
//!
//! Every write is atomic and private: missing directories are created 0700, the new
//! content goes to an exclusively created 0600 temporary file in the same directory,
//! which is fsynced and renamed over the target; top-level keys of the old file that
//! ssokit does not know are kept. A per-key advisory lock file (`<key>.lock`, see
//! [`CacheLock`]) lets many processes agree on who refreshes or logs in.
//!
//! Before a cache file is read, and before it is written, its directory (and, for a
//! read, the file) is checked: a directory writable by group or others or owned by
//! another user, or a file with any group or other permission bit or owned by another
//! user, raises a [`crate::warnings::Warning::UnsafePermissions`] once per process and
//! path (see [`crate::warnings::UnsafePermissions`]). ssokit never changes the mode of what it did not
//! write.
//!
//! Reading never panics and never deletes anything: a missing, empty, truncated or
//! otherwise unusable file is a [`CacheError`] that names the path.

mod assumed;
mod error;
mod fields;
mod file;
mod keys;
mod lock;
mod perms;
mod registration;
mod role;
mod token;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use assumed::{AssumeRoleCache, CachedAssumedRole};
pub use error::CacheError;
#[cfg(feature = "login")]
pub(crate) use file::write_file_atomic;
pub use file::{MAX_CACHE_FILE_BYTES, read_json_object};
pub(crate) use file::{TempFiles, remove_temp_files};
pub(crate) use keys::sha1_hex;
pub use keys::{
    RoleCacheScope, assume_role_cache_key, registration_cache_key, role_cache_key, token_cache_key,
};
pub(crate) use lock::MAX_SHARED_BACKOFF;
pub use lock::{CacheLock, DEFAULT_LOCK_TIMEOUT, SharedFailure};
pub use perms::check_permissions;
pub use registration::{ClientRegistration, GrantFlow, RegistrationCache, RegistrationKey};
pub use role::{CachedRoleCredentials, RoleCredentialsCache};
pub use token::{CachedToken, TokenCache};

use crate::env::Env;

/// How long before expiry ssokit treats a token, registration or set of role
/// credentials as due for renewal: 15 minutes, everywhere in ssokit (the AWS CLI's
/// own window, the widest of the AWS tools).
pub const REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Until when credentials (or a token) that expire at `expires_at` are served as they
/// are: [`REFRESH_WINDOW`] before they expire. The one freshness rule — the bindings
/// hand this instant to code that memoizes (Node's `fromSso` compares it with
/// `Date.now()`) rather than restating the window.
pub fn fresh_until(expires_at: SystemTime) -> SystemTime {
    expires_at.checked_sub(REFRESH_WINDOW).unwrap_or(UNIX_EPOCH)
}

/// True while `now` is before [`fresh_until`]`(expires_at)`: more than
/// [`REFRESH_WINDOW`] is left.
pub fn is_fresh(expires_at: SystemTime, now: SystemTime) -> bool {
    now < fresh_until(expires_at)
}

/// Where the caches live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheDirs {
    /// The SSO token and client-registration cache (`~/.aws/sso/cache`).
    pub sso: PathBuf,
    /// The AWS CLI's credentials cache (`~/.aws/cli/cache`).
    pub cli: PathBuf,
}

impl CacheDirs {
    /// The AWS CLI's cache directories under `home`.
    pub fn under_home(home: &Path) -> Self {
        let aws = home.join(".aws");
        Self {
            sso: aws.join("sso").join("cache"),
            cli: aws.join("cli").join("cache"),
        }
    }

    /// The AWS CLI's cache directories under the home directory of `env`.
    pub fn from_env(env: &Env) -> Result<Self, CacheError> {
        env.home_dir()
            .map(|home| Self::under_home(&home))
            .ok_or(CacheError::NoHome)
    }

    /// The token cache in [`CacheDirs::sso`].
    pub fn tokens(&self) -> TokenCache {
        TokenCache::new(&self.sso)
    }

    /// The client-registration cache in [`CacheDirs::sso`].
    pub fn registrations(&self) -> RegistrationCache {
        RegistrationCache::new(&self.sso)
    }

    /// The role-credentials cache in [`CacheDirs::cli`].
    pub fn role_credentials(&self) -> RoleCredentialsCache {
        RoleCredentialsCache::new(&self.cli)
    }

    /// The assume-role (role chaining) cache in [`CacheDirs::cli`].
    pub fn assumed_roles(&self) -> AssumeRoleCache {
        AssumeRoleCache::new(&self.cli)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_until_is_the_window_before_expiry_and_is_fresh_agrees() {
        let expires = UNIX_EPOCH + Duration::from_secs(10_000);
        let until = fresh_until(expires);
        assert_eq!(until, UNIX_EPOCH + Duration::from_secs(10_000 - 15 * 60));
        assert!(is_fresh(expires, until - Duration::from_millis(1)));
        assert!(!is_fresh(expires, until));
        assert!(!is_fresh(expires, expires));
        // Expiring within the window after the epoch: not fresh at the epoch.
        assert!(!is_fresh(UNIX_EPOCH + Duration::from_secs(60), UNIX_EPOCH));
    }
}
