//! Cross-process advisory locks beside cache files.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::CacheError;
use super::file::{TempFiles, create_private_dir, remove_temp_files};
use crate::read_limited::describe;
#[cfg(unix)]
use crate::read_limited::{nofollow_flag, nonblock_flag};
use crate::time::Stopwatch;

/// How long [`CacheLock::acquire`] callers wait by default: longer than a holder's
/// worst call (a retry may start up to 30 s after the first attempt and take the 30 s
/// request timeout), so a waiter gets the holder's result or recorded failure rather
/// than a time-out; short enough to report a stuck holder.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(75);

/// An exclusive advisory lock on one cache key, held until dropped.
///
/// The lock file is `<key>.lock` beside `<key>.json` (not `*.json`, so tools that
/// scan the directory for JSON never see it). It is an operating-system file lock
/// (`flock` on Unix, `LockFileEx` on Windows): it excludes other processes and other
/// threads of this process alike, and is released by the OS if the holder dies, so a
/// crash never blocks anyone. The holder writes its process id into the file, which a
/// waiter that times out reports.
///
/// The lock file is never deleted (deleting a lock file races with a process that has
/// just opened it).
///
/// A holder whose call to the service failed leaves a [`SharedFailure`] on the file's
/// second line, and the next holder reads it: so many
/// processes make one attempt per back-off period, and the ones that waited get the
/// holder's error at once instead of calling again.
#[derive(Debug)]
pub struct CacheLock {
    file: File,
    path: PathBuf,
    failure: Option<SharedFailure>,
}

/// A failed call to the service, left in a lock file by the process that made it, so
/// that others neither repeat it before `retry_at` nor send a refused refresh token
/// again. It holds no secret: a refused refresh token is named by its SHA-1.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedFailure {
    /// The process that made the call.
    pub pid: u32,
    /// When the call failed, in seconds since the Unix epoch.
    pub failed_at: u64,
    /// No new attempt before this time, in seconds since the Unix epoch.
    pub retry_at: u64,
    /// The error, in words (never a token or key).
    pub message: String,
    /// The service's error code, if it sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The HTTP status, if there was a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The SHA-1 (hex) of a refresh token the service refused (`invalid_grant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_refresh_token: Option<String>,
}

/// The longest any recorded failure keeps processes from trying again, whatever the
/// service's `Retry-After` said.
pub(crate) const MAX_SHARED_BACKOFF: Duration = Duration::from_secs(300);

/// How far in the future a failure's own time may lie (clocks of processes differ a
/// little; a failure from hours ahead is a clock that jumped back, not a failure).
const FAILURE_CLOCK_SLACK: Duration = Duration::from_secs(60);

impl SharedFailure {
    /// True while no new attempt should be made: `now` is before `retry_at`, and the
    /// record is believable — a `retry_at` further away than [`MAX_SHARED_BACKOFF`], or
    /// a failure dated in the future (a clock corrected since), blocks nothing.
    pub(crate) fn blocks_retry(&self, now: std::time::SystemTime) -> bool {
        let now = crate::time::unix_seconds(now);
        let horizon = now.saturating_add(MAX_SHARED_BACKOFF.as_secs());
        now < self.retry_at
            && self.retry_at <= horizon
            && self.failed_at <= now.saturating_add(FAILURE_CLOCK_SLACK.as_secs())
    }
}

impl CacheLock {
    /// Takes the lock at `path`, waiting up to `timeout` for another holder to
    /// release it. Creates the directory (0700) and the file (0600) if needed.
    pub fn acquire(path: &Path, timeout: Duration) -> Result<Self, CacheError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let file = open_lock_file(path)?;

        let watch = Stopwatch::start();
        let mut pause = Duration::from_millis(2);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    let waited = watch.elapsed();
                    if waited >= timeout {
                        return Err(CacheError::LockTimeout {
                            path: path.to_owned(),
                            waited,
                            holder: read_pid(&file),
                        });
                    }
                    std::thread::sleep(pause.min(timeout - waited));
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(TryLockError::Error(e)) => {
                    return Err(CacheError::io("lock", path, e));
                }
            }
        }
        let failure = read_content(&file).and_then(|(_, failure)| failure);
        let mut lock = Self {
            file,
            path: path.to_owned(),
            failure,
        };
        lock.write_content();
        // The key's writers are excluded now: leftovers of crashed ones can go.
        remove_stale_temp_files_of(path);
        Ok(lock)
    }

    /// Takes the lock only if it is free right now; `Ok(None)` when another holder
    /// has it.
    pub fn try_acquire(path: &Path) -> Result<Option<Self>, CacheError> {
        match Self::acquire(path, Duration::ZERO) {
            Ok(lock) => Ok(Some(lock)),
            Err(CacheError::LockTimeout { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The failure the previous holder left, if any (see [`SharedFailure`]).
    pub(crate) fn shared_failure(&self) -> Option<&SharedFailure> {
        self.failure.as_ref()
    }

    /// Leaves `failure` for the next holder (`None` clears it, after a success).
    pub(crate) fn set_shared_failure(&mut self, failure: Option<SharedFailure>) {
        self.failure = failure;
        self.write_content();
    }

    /// Writes this process's id, and the shared failure on a second line.
    /// Informational and best effort: failures are ignored.
    fn write_content(&mut self) {
        let mut text = std::process::id().to_string();
        if let Some(json) = self
            .failure
            .as_ref()
            .and_then(|f| serde_json::to_string(f).ok())
        {
            text.push('\n');
            text.push_str(&json);
        }
        text.push('\n');
        let _ = self.file.set_len(0);
        let _ = self.file.rewind();
        let _ = self.file.write_all(text.as_bytes());
    }
}

/// Opens (creating it 0600 if needed) the lock file without following a symbolic
/// link and without blocking on a FIFO, then makes sure it is a regular file with no
/// other name: the holder truncates it and writes its process id into it, which must
/// never land in another file.
fn open_lock_file(path: &Path) -> Result<File, CacheError> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
        options.custom_flags(nofollow_flag() | nonblock_flag());
    }
    let unsafe_file = |found| CacheError::UnsafeLockFile {
        path: path.to_owned(),
        found,
    };
    let file = options.open(path).map_err(|e| {
        // O_NOFOLLOW fails on a link (ELOOP on Linux); a directory fails too.
        match std::fs::symlink_metadata(path) {
            Ok(meta) if !meta.is_file() => unsafe_file(describe(&meta)),
            _ => CacheError::io("open the lock file", path, e),
        }
    })?;
    let meta = file
        .metadata()
        .map_err(|e| CacheError::io("inspect the lock file", path, e))?;
    if !meta.is_file() {
        return Err(unsafe_file(describe(&meta)));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(unsafe_file("a hard link to another file"));
        }
    }
    Ok(file)
}

/// After taking `<key>.lock`, removes the temporary files that crashed writers of
/// `<key>.json` left behind (see [`remove_temp_files`]).
fn remove_stale_temp_files_of(lock_path: &Path) {
    let (Some(dir), Some(stem)) = (lock_path.parent(), lock_path.file_stem()) else {
        return;
    };
    if lock_path.extension().is_none_or(|e| e != "lock") {
        return;
    }
    let target = format!("{}.json", stem.to_string_lossy());
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let removed = remove_temp_files(dir, Some(&target), TempFiles::Stale);
    if !removed.is_empty() {
        tracing::debug!(
            count = removed.len(),
            dir = %dir.display(),
            "removed temporary cache files left by crashed processes"
        );
    }
}

/// The most a lock file is read: a pid and one shared failure fit many times over.
const LOCK_CONTENT_LIMIT: u64 = 16 * 1024;

/// The holder's pid and the shared failure, from the lock file's two lines.
fn read_content(mut file: &File) -> Option<(Option<u32>, Option<SharedFailure>)> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(LOCK_CONTENT_LIMIT)
        .read_to_string(&mut text)
        .ok()?;
    let mut lines = text.lines();
    let pid = lines.next().and_then(|l| l.trim().parse().ok());
    let failure = lines.next().and_then(|l| serde_json::from_str(l).ok());
    Some((pid, failure))
}

fn read_pid(file: &File) -> Option<u32> {
    read_content(file).and_then(|(pid, _)| pid)
}

impl Drop for CacheLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(failed_at: u64, retry_at: u64) -> SharedFailure {
        SharedFailure {
            pid: 1,
            failed_at,
            retry_at,
            message: "HTTP 500".into(),
            code: None,
            status: Some(500),
            refused_refresh_token: None,
        }
    }

    #[test]
    fn a_failure_blocks_until_its_retry_time_and_an_unbelievable_one_never() {
        let at = crate::time::from_unix_seconds;
        let t = 1_800_000_000;
        let f = failure(t, t + 30);
        assert!(f.blocks_retry(at(t)));
        assert!(f.blocks_retry(at(t + 29)));
        assert!(!f.blocks_retry(at(t + 30)));
        // Recorded by a clock hours ahead, since corrected: blocks nothing.
        assert!(!failure(t + 3 * 3600, t + 3 * 3600 + 30).blocks_retry(at(t)));
        // A retry time beyond the longest back-off: not believed.
        assert!(!failure(t, t + MAX_SHARED_BACKOFF.as_secs() + 1).blocks_retry(at(t)));
        assert!(failure(t, t + MAX_SHARED_BACKOFF.as_secs()).blocks_retry(at(t)));
    }
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn excludes_other_holders_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("k.lock");
        let first = CacheLock::acquire(&path, DEFAULT_LOCK_TIMEOUT).unwrap();
        assert!(CacheLock::try_acquire(&path).unwrap().is_none());
        let err = CacheLock::acquire(&path, Duration::from_millis(30)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("k.lock"), "{msg}");
        assert!(
            msg.contains(&format!("held by process {}", std::process::id())),
            "{msg}"
        );
        drop(first);
        assert!(CacheLock::try_acquire(&path).unwrap().is_some());
    }

    #[test]
    fn serialises_threads() {
        let dir = tempfile::tempdir().unwrap();
        let path = Arc::new(dir.path().join("k.lock"));
        let inside = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let path = Arc::clone(&path);
                let inside = Arc::clone(&inside);
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        let _lock = CacheLock::acquire(&path, DEFAULT_LOCK_TIMEOUT).unwrap();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }
}
