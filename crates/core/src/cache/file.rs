//! Reading and atomically writing one JSON cache file.

use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Map, Value};

use super::CacheError;
use crate::read_limited::{Kind, MIB, ReadError, read_limited, show_limit};

/// Reads a cache file that must hold one JSON object.
///
/// A missing file is [`CacheError::NotFound`]; an empty, truncated or invalid file, or
/// one whose top level is not an object, is [`CacheError::Unreadable`]. The file is
/// never modified or removed.
///
/// Only a regular file (or a symbolic link to one) of at most [`MAX_CACHE_FILE_BYTES`]
/// is read: a FIFO, a device or a directory is [`CacheError::Unreadable`] at once,
/// without blocking, and so is a larger file, without reading it.
pub fn read_json_object(path: &Path) -> Result<Map<String, Value>, CacheError> {
    let unreadable = |reason: String| CacheError::Unreadable {
        path: path.to_owned(),
        reason,
    };
    let bytes = match read_limited(path, MAX_CACHE_FILE_BYTES, Kind::RegularOnly) {
        Ok(bytes) => bytes,
        Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
            return Err(CacheError::NotFound {
                path: path.to_owned(),
            });
        }
        Err(ReadError::Io(e)) => return Err(CacheError::io("read", path, e)),
        Err(ReadError::NotRegular(found)) => {
            return Err(unreadable(format!("it is {found}, not a regular file")));
        }
        Err(ReadError::TooLarge) => {
            return Err(unreadable(format!(
                "it is larger than the {} limit for cache files",
                show_limit(MAX_CACHE_FILE_BYTES)
            )));
        }
    };
    parse_json_object(&bytes, path)
}

/// The largest cache file ssokit reads: 1 MiB (a token file is about 2 KiB).
pub const MAX_CACHE_FILE_BYTES: u64 = MIB;

pub(crate) fn parse_json_object(
    bytes: &[u8],
    path: &Path,
) -> Result<Map<String, Value>, CacheError> {
    let unreadable = |reason: String| CacheError::Unreadable {
        path: path.to_owned(),
        reason,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(unreadable("the file is empty".into()));
    }
    // serde_json's syntax errors carry a position, never the content.
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(unreadable(format!(
            "expected a JSON object, found {}",
            json_kind(&other)
        ))),
        Err(e) if e.is_eof() => Err(unreadable(format!("the JSON is truncated ({e})"))),
        Err(e) => Err(unreadable(format!("invalid JSON ({e})"))),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Writes `content` to `path` atomically and privately, keeping unknown keys.
///
/// Top-level keys of the existing file that are not in `content` and do not match any
/// of `known_keys` (case-insensitively) are carried over, after `content`'s keys. Then:
/// missing directories are created with mode 0700; the JSON goes to a new temporary
/// file in the same directory, created exclusively (a planted file or symlink makes
/// the creation fail, never a write through it) with mode 0600, fsynced, and renamed
/// over `path`; the directory is fsynced.
pub(crate) fn write_json_object(
    path: &Path,
    mut content: Map<String, Value>,
    known_keys: &[&str],
) -> Result<(), CacheError> {
    if let Ok(old) = read_json_object(path) {
        for (key, value) in old {
            let known = known_keys.iter().any(|k| k.eq_ignore_ascii_case(&key))
                || content.keys().any(|k| k.eq_ignore_ascii_case(&key));
            if !known {
                content.insert(key, value);
            }
        }
    }
    let mut bytes = serde_json::to_vec(&Value::Object(content))
        .map_err(|e| CacheError::io("serialize", path, io::Error::other(e)))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes, None, &mut RandomNames)
}

/// Writes `bytes` to `path` atomically (exclusive temporary file in the same
/// directory, fsync, rename), for files that are not JSON caches — the config file.
/// `permissions` are given to the new file before it replaces the old one (default
/// 0600).
#[cfg(feature = "login")]
pub(crate) fn write_file_atomic(
    path: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
) -> Result<(), CacheError> {
    write_atomic(path, bytes, permissions, &mut RandomNames)
}

/// Writes `bytes` to `path` through an exclusive temporary file and a rename.
pub(crate) fn write_atomic(
    path: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
    names: &mut dyn Iterator<Item = String>,
) -> Result<(), CacheError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    create_private_dir(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "cache".into());

    let (tmp_path, mut file) = create_temp(dir, &file_name, names)?;
    let result = (|| {
        file.write_all(bytes)
            .map_err(|e| CacheError::io("write", &tmp_path, e))?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)
                .map_err(|e| CacheError::io("set the permissions of", &tmp_path, e))?;
        }
        file.sync_all()
            .map_err(|e| CacheError::io("sync", &tmp_path, e))?;
        drop(file);
        fs::rename(&tmp_path, path).map_err(|e| CacheError::io("replace", path, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp_path);
        return result;
    }
    sync_dir(dir);
    Ok(())
}

/// Creates `dir` and its missing parents with mode 0700 (existing ones are left as
/// they are: the user may have chosen their mode).
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), CacheError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| CacheError::io("create the directory", dir, e))
}

fn create_temp(
    dir: &Path,
    file_name: &str,
    names: &mut dyn Iterator<Item = String>,
) -> Result<(PathBuf, File), CacheError> {
    const ATTEMPTS: usize = 16;
    let mut last_err = None;
    for suffix in names.take(ATTEMPTS) {
        // Not `*.json`: tools that scan the directory for JSON never see it.
        let tmp = dir.join(format!(".{file_name}.{suffix}.tmp"));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_err = Some((tmp, e)),
            Err(e) => return Err(CacheError::io("create a temporary file", tmp, e)),
        }
    }
    let (tmp, e) = last_err.unwrap_or_else(|| {
        (
            dir.to_owned(),
            io::Error::other("no temporary file name available"),
        )
    });
    Err(CacheError::io("create a temporary file", tmp, e))
}

fn sync_dir(dir: &Path) {
    // Best effort: makes the rename durable on POSIX; not possible everywhere.
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// How long a temporary file may exist before it counts as left behind whatever its
/// process id says (process ids are reused): a writer holds one for milliseconds.
pub(crate) const STALE_TEMP_AGE: Duration = Duration::from_secs(10 * 60);

/// Which temporary files [`remove_temp_files`] removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TempFiles {
    /// Those of processes that no longer exist, and any older than
    /// [`STALE_TEMP_AGE`].
    Stale,
    /// Every one but a write in flight (logout: no secret may stay behind): a
    /// running process's file younger than [`IN_FLIGHT_TEMP_AGE`] is being written
    /// and renamed right now, and removing it would only fail that write.
    All,
}

/// How long a running process's temporary file can be a write in progress (a write,
/// an fsync and a rename take milliseconds).
pub(crate) const IN_FLIGHT_TEMP_AGE: Duration = Duration::from_secs(10);

/// The process id in the name of one of ssokit's own temporary cache files,
/// `.<name>.json.<pid>.<16 hex digits>.tmp` (see [`RandomNames`]), when `name` is one
/// and, if `target` is given, one for the file named `target`.
pub(crate) fn temp_file_pid(name: &str, target: Option<&str>) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (rest, random) = inner.rsplit_once('.')?;
    let (file_name, pid) = rest.rsplit_once('.')?;
    let hex = random.len() == 16
        && random
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let digits = !pid.is_empty() && pid.len() <= 10 && pid.bytes().all(|b| b.is_ascii_digit());
    let json = file_name.len() > ".json".len() && file_name.ends_with(".json");
    let wanted = target.is_none_or(|t| t == file_name);
    if hex && digits && json && wanted {
        pid.parse().ok()
    } else {
        None
    }
}

/// Removes ssokit's temporary cache files in `dir` (only names matching
/// [`temp_file_pid`], for `target` only when given; nothing else), as `which` says.
/// Best effort: returns the files removed.
pub(crate) fn remove_temp_files(
    dir: &Path,
    target: Option<&str>,
    which: TempFiles,
) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| temp_file_pid(n, target)) else {
            continue;
        };
        let path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            continue;
        }
        let older_than = |limit: Duration| {
            meta.modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age > limit)
        };
        let limit = match which {
            TempFiles::All => IN_FLIGHT_TEMP_AGE,
            TempFiles::Stale => STALE_TEMP_AGE,
        };
        let stale = older_than(limit) || !process_exists(pid);
        if stale && fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

/// False only when `pid` surely names no running process (`kill(pid, 0)` gives
/// `ESRCH`); a process of another user counts as running.
#[cfg(unix)]
fn process_exists(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(not(unix))]
fn process_exists(_pid: u32) -> bool {
    true
}

/// Unpredictable temporary-file suffixes: process id, a counter, and random bits from
/// the standard library's randomly seeded hasher.
#[derive(Debug, Default)]
pub(crate) struct RandomNames;

impl Iterator for RandomNames {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(count);
        Some(format!("{}.{:016x}", std::process::id(), hasher.finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_files_are_typed_errors_that_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        for (content, needle) in [
            ("", "empty"),
            ("  \n", "empty"),
            ("{\"accessToken\": \"abc", "truncated"),
            ("[1,2]", "an array"),
            ("null", "null"),
            ("\"s\"", "a string"),
            ("{]", "invalid JSON"),
            ("\u{feff}{}", "invalid JSON"),
        ] {
            fs::write(&path, content).unwrap();
            let err = read_json_object(&path).unwrap_err();
            let msg = err.to_string();
            assert!(matches!(err, CacheError::Unreadable { .. }), "{content:?}");
            assert!(msg.contains(needle), "{msg}");
            assert!(msg.contains(&path.display().to_string()), "{msg}");
            assert!(path.exists(), "the file must not be removed");
        }
        let missing = dir.path().join("missing.json");
        assert!(matches!(
            read_json_object(&missing),
            Err(CacheError::NotFound { .. })
        ));
    }

    #[test]
    fn truncated_message_does_not_echo_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        fs::write(&path, "{\"accessToken\": \"SECRETVALUE").unwrap();
        let msg = read_json_object(&path).unwrap_err().to_string();
        assert!(!msg.contains("SECRETVALUE"), "{msg}");
    }

    #[test]
    fn keeps_unknown_keys_and_drops_known_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        fs::write(
            &path,
            r#"{"AccessToken":"old","futureField":{"a":1},"other":2}"#,
        )
        .unwrap();
        let mut content = Map::new();
        content.insert("accessToken".into(), "new".into());
        content.insert("other".into(), 3.into());
        write_json_object(&path, content, &["accessToken", "expiresAt"]).unwrap();
        let back = read_json_object(&path).unwrap();
        let keys: Vec<&str> = back.keys().map(String::as_str).collect();
        assert_eq!(keys, ["accessToken", "other", "futureField"]);
        assert_eq!(back["other"], 3);
        assert_eq!(back["futureField"]["a"], 1);
    }

    #[cfg(unix)]
    #[test]
    fn creates_private_dirs_and_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a").join("b").join("x.json");
        write_json_object(&path, Map::new(), &[]).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&dir.path().join("a").join("b")), 0o700);
        // No temporary file left behind.
        let names: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_symlink_planted_at_the_temp_path() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        let target = dir.path().join("x.json");
        // The attacker guesses the first name; the write must skip it, not follow it.
        let planted = dir.path().join(".x.json.guess.tmp");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let mut names = ["guess".to_string(), "other".to_string()].into_iter();
        write_atomic(&target, b"{}\n", None, &mut names).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(fs::read_to_string(&target).unwrap(), "{}\n");
        assert!(
            fs::symlink_metadata(&planted)
                .unwrap()
                .file_type()
                .is_symlink()
        );

        // When every candidate is taken, the write fails cleanly.
        let mut names = std::iter::repeat_n("guess".to_string(), 3);
        let err = write_atomic(&target, b"{\"new\":1}\n", None, &mut names).unwrap_err();
        assert!(matches!(err, CacheError::Io { .. }), "{err}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(fs::read_to_string(&target).unwrap(), "{}\n");
    }

    #[test]
    fn the_temp_names_written_are_the_ones_recognised() {
        let name = format!(".k.json.{}.tmp", RandomNames.next().unwrap());
        assert_eq!(
            temp_file_pid(&name, Some("k.json")),
            Some(std::process::id())
        );
        assert_eq!(temp_file_pid(&name, None), Some(std::process::id()));
        assert_eq!(temp_file_pid(&name, Some("other.json")), None);
        for other in [
            ".k.json.12.0123456789abcdef",
            "k.json.12.0123456789abcdef.tmp",
            ".k.json.12.0123456789ABCDEF.tmp",
            ".k.json.12.0123456789abcde.tmp",
            ".k.json.-1.0123456789abcdef.tmp",
            ".json.12.0123456789abcdef.tmp",
            ".config.12.0123456789abcdef.tmp",
            ".k.json..0123456789abcdef.tmp",
        ] {
            assert_eq!(temp_file_pid(other, None), None, "{other}");
        }
    }

    #[test]
    fn random_names_differ() {
        let mut names = RandomNames;
        let a = names.next().unwrap();
        let b = names.next().unwrap();
        assert_ne!(a, b);
    }
}
