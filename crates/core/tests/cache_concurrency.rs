//! Many threads and processes rewriting one token file while others read it: every
//! read sees a complete, valid token, and no update is lost.
//!
//! Each writer does read-modify-write cycles under the cache lock, incrementing a
//! counter kept in a key ssokit does not know. If a write were torn, a reader would
//! fail to parse; if the lock or the preservation of unknown keys failed, increments
//! would be lost and the final count would be short.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use ssokit::cache::{CachedToken, DEFAULT_LOCK_TIMEOUT, TokenCache};
use ssokit::secret::AccessToken;

const SESSION: &str = "concurrency";
const WORKER_ENV: &str = "SSOKIT_TEST_CACHE_WORKER";
const PROCESSES: usize = 4;
const THREADS: usize = 4;
const ROUNDS: usize = 300;

fn increment(cache: &TokenCache, who: &str, round: usize) {
    let _lock = cache.lock(SESSION, DEFAULT_LOCK_TIMEOUT).unwrap();
    let mut token = cache.load(SESSION).unwrap();
    let count = token.extra.get("counter").and_then(Value::as_u64).unwrap();
    token.extra.insert("counter".into(), Value::from(count + 1));
    token.access_token = AccessToken::new(format!("{who}-{round}"));
    token.expires_at = UNIX_EPOCH + Duration::from_secs(2_000_000_000 + round as u64);
    cache.store(SESSION, &token).unwrap();
}

/// Not a test on its own: the body of a child process of `processes_and_threads`.
#[test]
fn cache_worker_process() {
    let Some(dir) = std::env::var_os(WORKER_ENV) else {
        return;
    };
    let cache = TokenCache::new(Path::new(&dir));
    for round in 0..ROUNDS {
        increment(&cache, &format!("p{}", std::process::id()), round);
    }
}

#[test]
fn processes_and_threads_rewrite_one_file_while_readers_parse_it() {
    let dir = tempfile::tempdir().unwrap();
    let cache = TokenCache::new(dir.path());
    let mut seed = CachedToken::new(AccessToken::new("seed"), SystemTime::UNIX_EPOCH);
    seed.extra.insert("counter".into(), Value::from(0u64));
    seed.extra
        .insert("someoneElses".into(), Value::from("keep me"));
    cache.store(SESSION, &seed).unwrap();

    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "cache_worker_process", "--test-threads", "1"])
                .env(WORKER_ENV, dir.path())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();

    let done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let cache = cache.clone();
            let done = Arc::clone(&done);
            let reads = Arc::clone(&reads);
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    let token = cache
                        .load(SESSION)
                        .unwrap_or_else(|e| panic!("a reader saw a broken file: {e}"));
                    assert_eq!(token.extra["someoneElses"], "keep me");
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    let writers: Vec<_> = (0..THREADS)
        .map(|t| {
            let cache = cache.clone();
            std::thread::spawn(move || {
                for round in 0..ROUNDS {
                    increment(&cache, &format!("t{t}"), round);
                }
            })
        })
        .collect();

    for w in writers {
        w.join().unwrap();
    }
    for mut child in children {
        assert!(child.wait().unwrap().success(), "a worker process failed");
    }
    done.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }

    let last = cache.load(SESSION).unwrap();
    assert_eq!(
        last.extra["counter"].as_u64(),
        Some(((PROCESSES + THREADS) * ROUNDS) as u64),
        "an update was lost"
    );
    assert_eq!(last.extra["someoneElses"], "keep me");
    assert!(reads.load(Ordering::Relaxed) > 0);
    // Nothing but the token and its lock is left in the directory.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let key = ssokit::cache::token_cache_key(SESSION);
    assert_eq!(names, [format!("{key}.json"), format!("{key}.lock")]);
}
