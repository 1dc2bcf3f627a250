//! Warnings: problems that do not stop ssokit but that the user should fix, delivered
//! through one process-wide sink.
//!
//! Core never prints. It hands each [`Warning`] to the handler installed with
//! [`set_handler`] (the CLI prints it on stderr), or, by default, logs it with
//! `tracing::warn!`. Front-ends whose warnings must be raised on a thread of their own
//! (the Python and Node bindings, whose interpreters may only be entered from their
//! own threads) call [`queue`] once and [`take_queued`] after each call: core may
//! warn on any thread, the binding emits on its own.
//!
//! A handler runs on the thread that warns, with no ssokit lock held; it must be
//! quick and must not call back into ssokit.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// How many warnings [`queue`] keeps until they are taken; later ones are dropped
/// (each path warns once per process, so this is never reached in practice).
pub const QUEUE_CAPACITY: usize = 64;

/// A warning from ssokit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A cache directory or file holding secrets can be read, replaced or written by
    /// other users. Raised once per process and path.
    UnsafePermissions(UnsafePermissions),
    /// `AWS_PROFILE` and `AWS_DEFAULT_PROFILE` are both set and name different
    /// profiles: ssokit uses `AWS_PROFILE`, as the AWS CLI v2 does, but stock boto3
    /// uses `AWS_DEFAULT_PROFILE`, and the AWS SDKs for JavaScript and Rust read only
    /// `AWS_PROFILE`. Raised once per process and pair of values.
    ProfileVariablesDiffer {
        /// The value of `AWS_PROFILE`, the profile ssokit uses.
        aws_profile: String,
        /// The value of `AWS_DEFAULT_PROFILE`.
        aws_default_profile: String,
    },
}

impl Warning {
    /// The stable code of this kind of warning, for filtering (for example
    /// `SSOKIT_UNSAFE_PERMISSIONS`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsafePermissions(_) => "SSOKIT_UNSAFE_PERMISSIONS",
            Self::ProfileVariablesDiffer { .. } => "SSOKIT_PROFILE_VARIABLES_DIFFER",
        }
    }

    /// The file or directory the warning is about, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::UnsafePermissions(p) => Some(&p.path),
            Self::ProfileVariablesDiffer { .. } => None,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsafePermissions(p) => p.fmt(f),
            Self::ProfileVariablesDiffer {
                aws_profile,
                aws_default_profile,
            } => write!(
                f,
                "AWS_PROFILE ({aws_profile}) and AWS_DEFAULT_PROFILE ({aws_default_profile}) name different profiles: ssokit uses AWS_PROFILE, as the AWS CLI v2 does, but boto3 on its own would use AWS_DEFAULT_PROFILE and the AWS SDKs for JavaScript and Rust read only AWS_PROFILE; unset one of them so that every tool uses the same profile"
            ),
        }
    }
}

/// What kind of cache entry an [`UnsafePermissions`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheEntryKind {
    /// A cache directory (`~/.aws/sso/cache`, `~/.aws/cli/cache`).
    Directory,
    /// A cache file holding a token, a client registration or role credentials.
    File,
}

/// A cache directory or file whose mode or owner lets other users read or replace
/// secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnsafePermissions {
    /// The directory or file.
    pub path: PathBuf,
    /// Whether it is a directory or a file.
    pub kind: CacheEntryKind,
    /// Its permission bits (for example `0o777`) when they are too open: a directory
    /// writable by group or others, a file with any group or other bit.
    pub loose_mode: Option<u32>,
    /// The user id that owns it, when that is not the effective user id of this
    /// process (root counts as another user unless this process runs as root).
    pub foreign_owner: Option<u32>,
    /// The effective user id of this process.
    pub uid: u32,
}

impl UnsafePermissions {
    /// The shell command that fixes it, for example `chmod 700 /home/me/.aws/sso/cache`.
    pub fn fix(&self) -> String {
        let path = shell_quote(&self.path);
        let mut steps = Vec::new();
        if self.foreign_owner.is_some() {
            let sudo = if self.uid == 0 { "" } else { "sudo " };
            steps.push(format!("{sudo}chown {} {path}", self.uid));
        }
        if self.loose_mode.is_some() || self.foreign_owner.is_some() {
            let mode = match self.kind {
                CacheEntryKind::Directory => "700",
                CacheEntryKind::File => "600",
            };
            steps.push(format!("chmod {mode} {path}"));
        }
        steps.join(" && ")
    }
}

impl fmt::Display for UnsafePermissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, risk) = match self.kind {
            CacheEntryKind::Directory => (
                "cache directory",
                "could replace the cached tokens and credentials",
            ),
            CacheEntryKind::File => ("cache file", "could read or replace the secrets it holds"),
        };
        write!(
            f,
            "unsafe permissions on the {what} {}: ",
            self.path.display()
        )?;
        let mut problems = Vec::new();
        if let Some(owner) = self.foreign_owner {
            problems.push(format!(
                "it is owned by user id {owner}, not by the current user (user id {})",
                self.uid
            ));
        }
        if let Some(mode) = self.loose_mode {
            let access = match self.kind {
                CacheEntryKind::Directory => "writable",
                CacheEntryKind::File => "accessible",
            };
            problems.push(format!(
                "it is {access} by group or other users (mode {mode:04o})"
            ));
        }
        write!(
            f,
            "{}; other users {risk}. To fix it, run: {}",
            problems.join(" and "),
            self.fix()
        )
    }
}

/// Quotes a path for a POSIX shell when it needs it.
fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-~+,:@%".contains(c));
    if plain {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

type Handler = Arc<dyn Fn(&Warning) + Send + Sync>;

/// The warnings already raised by [`emit_once`], by key.
static RAISED: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// Delivers `warning` (see [`emit`]) unless one with the same `key` was raised before
/// in this process.
pub(crate) fn emit_once(key: String, warning: Warning) {
    let first = RAISED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_insert_with(HashSet::new)
        .insert(key);
    if first {
        emit(warning);
    }
}

static HANDLER: RwLock<Option<Handler>> = RwLock::new(None);
static QUEUE: Mutex<VecDeque<Warning>> = Mutex::new(VecDeque::new());

/// Sends every later warning of this process to `handler` instead of
/// `tracing::warn!`. Replaces any handler installed before.
pub fn set_handler(handler: impl Fn(&Warning) + Send + Sync + 'static) {
    *HANDLER.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(handler));
}

/// Goes back to the default: warnings are logged with `tracing::warn!`.
pub fn reset_handler() {
    *HANDLER.write().unwrap_or_else(PoisonError::into_inner) = None;
}

/// Keeps every later warning in a process-wide queue (at most [`QUEUE_CAPACITY`]),
/// for a front-end that emits them on its own thread with [`take_queued`].
pub fn queue() {
    set_handler(push_queued);
}

fn push_queued(warning: &Warning) {
    let mut queue = QUEUE.lock().unwrap_or_else(PoisonError::into_inner);
    if queue.len() < QUEUE_CAPACITY {
        queue.push_back(warning.clone());
    }
}

/// Takes the queued warnings (see [`queue`]), oldest first.
pub fn take_queued() -> Vec<Warning> {
    let mut queue = QUEUE.lock().unwrap_or_else(PoisonError::into_inner);
    queue.drain(..).collect()
}

/// Delivers `warning` to the installed handler, or logs it.
pub fn emit(warning: Warning) {
    let handler = HANDLER
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    match handler {
        Some(handler) => handler(&warning),
        None => tracing::warn!(code = warning.code(), "{warning}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn queued_warnings_are_taken_once_in_order_and_bounded() {
        // A path no other test warns about: the queue is process-wide.
        let path = Path::new("/nonexistent/ssokit-warnings-queue-test");
        let warning = Warning::UnsafePermissions(UnsafePermissions {
            path: path.to_path_buf(),
            kind: CacheEntryKind::Directory,
            loose_mode: Some(0o777),
            foreign_owner: None,
            uid: 1000,
        });
        assert_eq!(warning.code(), "SSOKIT_UNSAFE_PERMISSIONS");
        assert_eq!(warning.path(), Some(path));
        // Not through `queue()`: the handler is process-wide and other tests record
        // with their own.
        for _ in 0..QUEUE_CAPACITY + 5 {
            push_queued(&warning);
        }
        let taken: Vec<_> = take_queued()
            .into_iter()
            .filter(|w| w.path() == Some(path))
            .collect();
        assert_eq!(taken.len(), QUEUE_CAPACITY);
        assert!(take_queued().iter().all(|w| w.path() != Some(path)));
    }
}
