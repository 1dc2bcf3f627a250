//! Cross-process advisory locks beside cache files.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::CacheError;
use super::file::create_private_dir;
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
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options
            .open(path)
            .map_err(|e| CacheError::io("open the lock file", path, e))?;

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
