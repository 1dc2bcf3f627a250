use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// A cache file could not be read, written or locked.
///
/// Messages name the file and say what to do. They never contain a token or key:
/// content is reported by field name only.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// No cache file: for a token, the user is not logged in.
    #[error("no cache file at {}", path.display())]
    NotFound {
        /// The file looked for.
        path: PathBuf,
    },
    /// The file exists but is not a JSON object (empty, truncated, invalid JSON,
    /// an array, ...). It is left in place; the next login overwrites it.
    #[error("the cache file {} is unreadable ({reason}): a new login replaces it", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What is wrong, without any of the file's content.
        reason: String,
    },
    /// A required field is absent.
    #[error("the cache file {} has no `{field}`: a new login replaces it", path.display())]
    MissingField {
        /// The file.
        path: PathBuf,
        /// The missing JSON key.
        field: &'static str,
    },
    /// A field has the wrong type or an unreadable value.
    #[error("the cache file {} has an invalid `{field}` ({reason}): a new login replaces it", path.display())]
    InvalidField {
        /// The file.
        path: PathBuf,
        /// The JSON key.
        field: &'static str,
        /// What is wrong with it (never the value of a secret).
        reason: String,
    },
    /// A file system operation failed.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        /// What ssokit was doing ("create the directory", "write", ...).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// Another process held the lock for too long.
    #[error(
        "timed out after {}s waiting for the lock {}{}: another ssokit process is logging in or refreshing; wait for it to finish, or stop it and try again",
        waited.as_secs(),
        path.display(),
        holder.map(|pid| format!(" (held by process {pid})")).unwrap_or_default()
    )]
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// How long ssokit waited.
        waited: Duration,
        /// The process id written into the lock file by its holder, if readable.
        holder: Option<u32>,
    },
    /// A lock file that is not a plain file of its own (a symbolic link, a hard link
    /// to another file, a FIFO, a device, a directory): ssokit would write its process
    /// id through it, so it refuses to use it.
    #[error("refusing to use the lock file {}: it is {found}; remove it and try again", path.display())]
    UnsafeLockFile {
        /// The lock file.
        path: PathBuf,
        /// What it is instead of a regular file.
        found: &'static str,
    },
    /// No home directory to find the caches in.
    #[error("cannot find the AWS cache directories: no home directory (set HOME)")]
    NoHome,
}

impl CacheError {
    /// True when the error means "there is no usable token or entry": the file is
    /// missing, unreadable or incomplete. False for I/O failures and lock timeouts.
    pub fn is_not_logged_in(&self) -> bool {
        matches!(
            self,
            Self::NotFound { .. }
                | Self::Unreadable { .. }
                | Self::MissingField { .. }
                | Self::InvalidField { .. }
        )
    }

    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
