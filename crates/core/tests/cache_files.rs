//! What the caches do with hostile or broken files: symbolic links, hard links and
//! FIFOs planted at a lock file, FIFOs and huge files at a token path, and temporary
//! files that a crashed writer left behind.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, UNIX_EPOCH};

use ssokit::cache::{
    CacheDirs, CacheError, CacheLock, CachedRoleCredentials, CachedToken, DEFAULT_LOCK_TIMEOUT,
    RoleCacheScope, TokenCache, token_cache_key,
};
use ssokit::config::AwsConfig;
use ssokit::env::Env;
use ssokit::secret::{AccessToken, SecretAccessKey, SessionToken};

const SESSION: &str = "my-sso";
/// The longest any of these operations may take before the test counts it as hung.
const DEADLINE: Duration = Duration::from_secs(20);

fn token() -> CachedToken {
    CachedToken::new(
        AccessToken::new("ACCESS-SECRET"),
        UNIX_EPOCH + Duration::from_secs(2_000_000_000),
    )
}

fn role_credentials() -> CachedRoleCredentials {
    CachedRoleCredentials {
        access_key_id: "AKIA".into(),
        secret_access_key: SecretAccessKey::new("ROLE-SECRET"),
        session_token: SessionToken::new("ROLE-SESSION"),
        expiration: UNIX_EPOCH + Duration::from_secs(2_000_000_000),
        account_id: Some("111122223333".into()),
        extra: Default::default(),
    }
}

/// Runs `f` on another thread and fails the test if it has not returned within
/// [`DEADLINE`]: a regression that blocks fails instead of hanging the suite.
fn within_deadline<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(DEADLINE)
        .expect("the operation blocked instead of failing")
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// The id of no process: above the largest pid Linux hands out (2^22), so no other
/// process can be given it while the test runs.
fn dead_pid() -> u32 {
    999_999_999
}

/// Sets `path`'s modification time `age` into the past.
fn age_file(path: &Path, age: std::time::Duration) {
    #[allow(clippy::disallowed_methods)] // a file's age, as the sweep reads it
    let then = std::time::SystemTime::now() - age;
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(then)
        .unwrap();
}

fn temp_name(target: &str, pid: u32) -> String {
    format!(".{target}.{pid}.0123456789abcdef.tmp")
}

#[test]
fn a_lock_file_that_is_a_symlink_is_refused_and_its_target_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let caches = CacheDirs::under_home(dir.path());
    let victim = dir.path().join("victim");
    fs::write(&victim, "precious").unwrap();

    let tokens = caches.tokens();
    fs::create_dir_all(&caches.sso).unwrap();
    std::os::unix::fs::symlink(&victim, tokens.lock_path(SESSION)).unwrap();
    let err = tokens.lock(SESSION, DEFAULT_LOCK_TIMEOUT).unwrap_err();
    assert!(matches!(err, CacheError::UnsafeLockFile { .. }), "{err:?}");
    let msg = err.to_string();
    let shown = tokens.lock_path(SESSION).display().to_string();
    assert!(msg.contains(&shown), "{msg}");
    assert!(
        msg.contains("symbolic link") && msg.contains("remove it"),
        "{msg}"
    );
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");

    // The role-credentials lock in ~/.aws/cli/cache alike.
    let roles = caches.role_credentials();
    let scope = RoleCacheScope::Session(SESSION);
    let json = roles.path("111122223333", "R", scope);
    fs::create_dir_all(&caches.cli).unwrap();
    std::os::unix::fs::symlink(&victim, json.with_extension("lock")).unwrap();
    let err = roles
        .lock("111122223333", "R", scope, DEFAULT_LOCK_TIMEOUT)
        .unwrap_err();
    assert!(matches!(err, CacheError::UnsafeLockFile { .. }), "{err:?}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");

    // A dangling link never creates its target.
    let absent = dir.path().join("absent");
    let lock = dir.path().join("dangling.lock");
    std::os::unix::fs::symlink(&absent, &lock).unwrap();
    let err = CacheLock::acquire(&lock, DEFAULT_LOCK_TIMEOUT).unwrap_err();
    assert!(matches!(err, CacheError::UnsafeLockFile { .. }), "{err:?}");
    assert!(!absent.exists());
}

#[test]
fn a_lock_file_hard_linked_to_another_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    fs::write(&victim, "precious").unwrap();
    let lock = dir.path().join("k.lock");
    fs::hard_link(&victim, &lock).unwrap();
    let err = CacheLock::acquire(&lock, DEFAULT_LOCK_TIMEOUT).unwrap_err();
    assert!(matches!(err, CacheError::UnsafeLockFile { .. }), "{err:?}");
    assert!(err.to_string().contains("hard link"), "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn a_fifo_or_directory_at_a_lock_path_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.lock");
    mkfifo(&fifo);
    let err = within_deadline(move || CacheLock::acquire(&fifo, DEFAULT_LOCK_TIMEOUT)).unwrap_err();
    assert!(matches!(err, CacheError::UnsafeLockFile { .. }), "{err:?}");
    assert!(err.to_string().contains("FIFO"), "{err}");

    let directory = dir.path().join("dir.lock");
    fs::create_dir(&directory).unwrap();
    let err = CacheLock::acquire(&directory, DEFAULT_LOCK_TIMEOUT).unwrap_err();
    assert!(matches!(err, CacheError::UnsafeLockFile { .. }), "{err:?}");
    assert!(err.to_string().contains("directory"), "{err}");
}

#[test]
fn a_fifo_at_the_token_path_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    mkfifo(&cache.path(SESSION));
    let err = within_deadline(move || cache.load(SESSION)).unwrap_err();
    assert!(err.is_not_logged_in(), "{err:?}");
    assert!(err.to_string().contains("FIFO"), "{err}");
}

#[test]
fn an_oversized_token_file_is_refused_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let path = cache.path(SESSION);
    // Sparse: costs no disk space, and must not be read.
    let file = fs::File::create(&path).unwrap();
    file.set_len(ssokit::cache::MAX_CACHE_FILE_BYTES + 1)
        .unwrap();
    drop(file);
    let err = cache.load(SESSION).unwrap_err();
    let msg = err.to_string();
    assert!(err.is_not_logged_in(), "{err:?}");
    assert!(
        msg.contains("1 MiB") && msg.contains(&path.display().to_string()),
        "{msg}"
    );

    // A file of exactly the limit is still read (and found not to be a token).
    fs::File::create(&path)
        .unwrap()
        .set_len(ssokit::cache::MAX_CACHE_FILE_BYTES)
        .unwrap();
    let msg = cache.load(SESSION).unwrap_err().to_string();
    assert!(!msg.contains("1 MiB"), "{msg}");

    // Storing replaces it.
    cache.store(SESSION, &token()).unwrap();
    assert_eq!(
        cache.load(SESSION).unwrap().access_token.expose_secret(),
        "ACCESS-SECRET"
    );
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_store_under_the_lock_removes_temp_files_of_dead_processes_only() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let target = format!("{}.json", token_cache_key(SESSION));
    let dead = dir.path().join(temp_name(&target, dead_pid()));
    let live = dir.path().join(temp_name(&target, std::process::id()));
    let other_key = dir.path().join(temp_name("other.json", dead_pid()));
    let unrelated: Vec<PathBuf> = [
        "notes.txt".to_string(),
        format!(".{target}.1.short.tmp"),
        format!(".{target}.x1.0123456789abcdef.tmp"),
        format!("{target}.1.0123456789abcdef.tmp"),
    ]
    .iter()
    .map(|n| dir.path().join(n))
    .collect();
    for path in [&dead, &live, &other_key].into_iter().chain(&unrelated) {
        fs::write(path, "{\"accessToken\":\"LEFT-BEHIND\"}").unwrap();
    }

    {
        let _lock = cache.lock(SESSION, DEFAULT_LOCK_TIMEOUT).unwrap();
        cache.store(SESSION, &token()).unwrap();
    }
    assert!(!dead.exists(), "{:?}", names(dir.path()));
    assert!(live.exists(), "a live writer's file must stay");
    assert!(other_key.exists(), "only the locked key's files are swept");
    for path in &unrelated {
        assert!(path.exists(), "{} must stay", path.display());
    }
    assert_eq!(
        cache.load(SESSION).unwrap().access_token.expose_secret(),
        "ACCESS-SECRET"
    );
}

#[tokio::test]
async fn logout_removes_temp_files_in_both_cache_dirs_and_nothing_else() {
    let home = tempfile::tempdir().unwrap();
    let caches = CacheDirs::under_home(home.path());
    caches.tokens().store(SESSION, &token()).unwrap();
    let scope = RoleCacheScope::Session(SESSION);
    caches
        .role_credentials()
        .store("111122223333", "R", scope, &role_credentials())
        .unwrap();
    let planted = [
        caches.sso.join(temp_name("0a1b.json", dead_pid())),
        caches.sso.join(temp_name("0a1b.json", std::process::id())),
        caches.cli.join(temp_name("0c2d.json", dead_pid())),
    ];
    // A running process's fresh temporary file is a write in flight: left to it.
    let in_flight = caches.cli.join(temp_name("0e3f.json", std::process::id()));
    let kept = [
        caches.sso.join("notes.txt"),
        caches.sso.join(".hidden.tmp"),
        caches.cli.join("other-tool.json.1.0123456789abcdef"),
        in_flight.clone(),
    ];
    for path in planted.iter().chain(&kept) {
        fs::write(path, "secret").unwrap();
    }
    // This process's own leftover is old: not a write in flight any more.
    age_file(&planted[1], std::time::Duration::from_secs(60));

    let env = Env::from_vars([("HOME", home.path().to_str().unwrap())]);
    let config = AwsConfig::from_texts("", "").unwrap();
    let report = ssokit::logout::logout_all(&config, &env, &caches)
        .await
        .unwrap();
    for path in &planted {
        assert!(!path.exists(), "{} must be removed", path.display());
        assert!(report.temp_files_removed.contains(path), "{report:?}");
    }
    for path in &kept {
        assert!(path.exists(), "{} must stay", path.display());
    }
    assert_eq!(report.tokens_removed.len(), 1);
    assert_eq!(report.role_credentials_removed.len(), 1);
}
