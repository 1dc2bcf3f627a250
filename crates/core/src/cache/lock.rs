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

/// How long [`CacheLock::acquire`] callers wait by default: long enough for a token
/// refresh or a role-credentials call under retries, short enough to report a stuck
/// holder.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

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
#[derive(Debug)]
pub struct CacheLock {
    file: File,
    path: PathBuf,
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
        let mut lock = Self {
            file,
            path: path.to_owned(),
        };
        lock.write_pid();
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

    fn write_pid(&mut self) {
        // Informational only: failures are ignored.
        let _ = self.file.set_len(0);
        let _ = self.file.rewind();
        let _ = write!(self.file, "{}", std::process::id());
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

fn read_pid(mut file: &File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

impl Drop for CacheLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
