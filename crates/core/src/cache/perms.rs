//! Permission checks of the cache directories and files, which hold secrets.
//!
//! A cache directory that group or other users may write, or that another user owns,
//! lets them plant or replace tokens and credentials; a cache file that group or other
//! users may access, or that another user owns, leaks or lets them replace its
//! secrets. ssokit warns about each such path once per process (see
//! [`crate::warnings`]) and carries on: it never changes the mode or owner of a file
//! or directory it did not write. Files it writes are always new 0600 files, and
//! directories it creates are 0700.
//!
//! On platforms without Unix permissions there is nothing to check.

use std::path::Path;

use crate::warnings::{CacheEntryKind, UnsafePermissions, Warning};

/// The verdict on one entry, from its mode, its owner and the effective user id.
fn judge(
    path: &Path,
    kind: CacheEntryKind,
    mode: u32,
    owner: u32,
    uid: u32,
) -> Option<UnsafePermissions> {
    let mode = mode & 0o7777;
    let loose = match kind {
        CacheEntryKind::Directory => mode & 0o022 != 0,
        CacheEntryKind::File => mode & 0o077 != 0,
    };
    let found = UnsafePermissions {
        path: path.to_owned(),
        kind,
        loose_mode: loose.then_some(mode),
        foreign_owner: (owner != uid).then_some(owner),
        uid,
    };
    (found.loose_mode.is_some() || found.foreign_owner.is_some()).then_some(found)
}

/// Checks the cache directory or file at `path` (following symlinks, as reading does).
/// `None` when it is safe, missing, of the other kind, or on platforms without Unix
/// permissions.
pub fn check_permissions(path: &Path, kind: CacheEntryKind) -> Option<UnsafePermissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        let right_kind = match kind {
            CacheEntryKind::Directory => meta.is_dir(),
            CacheEntryKind::File => meta.is_file(),
        };
        if !right_kind {
            return None;
        }
        let uid = rustix::process::geteuid().as_raw();
        judge(path, kind, meta.mode(), meta.uid(), uid)
    }
    #[cfg(not(unix))]
    {
        let _ = (path, kind);
        None
    }
}

/// Checks `path` and warns (see [`crate::warnings`]) if it is unsafe and this process
/// has not warned about it before.
pub(crate) fn warn_if_unsafe(path: &Path, kind: CacheEntryKind) {
    let Some(found) = check_permissions(path, kind) else {
        return;
    };
    let key = format!("unsafe-permissions\0{}", found.path.display());
    crate::warnings::emit_once(key, Warning::UnsafePermissions(found));
}

/// Before a cache file is read: checks its directory and the file.
pub(crate) fn before_read(file: &Path) {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        warn_if_unsafe(dir, CacheEntryKind::Directory);
    }
    warn_if_unsafe(file, CacheEntryKind::File);
}

/// Before a cache file is written: checks its directory (the file itself is replaced
/// by a new 0600 file).
pub(crate) fn before_write(file: &Path) {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        warn_if_unsafe(dir, CacheEntryKind::Directory);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use std::sync::{Mutex, OnceLock};

    /// Every warning of this test process, recorded by a handler installed once.
    pub(crate) fn recorded() -> &'static Mutex<Vec<Warning>> {
        static RECORDED: OnceLock<&'static Mutex<Vec<Warning>>> = OnceLock::new();
        RECORDED.get_or_init(|| {
            let log: &'static Mutex<Vec<Warning>> = Box::leak(Box::new(Mutex::new(Vec::new())));
            crate::warnings::set_handler(move |w| log.lock().unwrap().push(w.clone()));
            log
        })
    }

    /// The recorded warnings about paths under `dir`.
    pub(crate) fn warnings_under(dir: &Path) -> Vec<UnsafePermissions> {
        recorded()
            .lock()
            .unwrap()
            .iter()
            .filter_map(|w| match w {
                Warning::UnsafePermissions(p) if p.path.starts_with(dir) => Some(p.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn judges_mode_and_owner() {
        let p = Path::new("/c");
        let dir = CacheEntryKind::Directory;
        let file = CacheEntryKind::File;
        assert_eq!(judge(p, dir, 0o40700, 1000, 1000), None);
        assert_eq!(judge(p, dir, 0o755, 1000, 1000), None);
        assert_eq!(judge(p, file, 0o100600, 1000, 1000), None);
        assert_eq!(judge(p, file, 0o400, 1000, 1000), None);
        assert_eq!(judge(p, dir, 0o700, 0, 0), None, "root's own directory");

        let found = judge(p, dir, 0o40777, 1000, 1000).unwrap();
        assert_eq!((found.loose_mode, found.foreign_owner), (Some(0o777), None));
        assert_eq!(found.fix(), "chmod 700 /c");
        assert_eq!(
            judge(p, dir, 0o720, 1000, 1000).unwrap().loose_mode,
            Some(0o720)
        );
        let found = judge(p, file, 0o640, 1000, 1000).unwrap();
        assert_eq!(found.loose_mode, Some(0o640));
        assert_eq!(found.fix(), "chmod 600 /c");

        // Root-owned is another user unless we are root.
        let found = judge(p, dir, 0o700, 0, 1000).unwrap();
        assert_eq!((found.loose_mode, found.foreign_owner), (None, Some(0)));
        assert_eq!(found.fix(), "sudo chown 1000 /c && chmod 700 /c");
        let msg = found.to_string();
        assert!(msg.contains("owned by user id 0"), "{msg}");
        let found = judge(p, file, 0o666, 501, 0).unwrap();
        assert_eq!(found.fix(), "chown 0 /c && chmod 600 /c");
        let msg = found.to_string();
        assert!(msg.contains("owned by user id 501"), "{msg}");
        assert!(msg.contains("mode 0666"), "{msg}");
    }

    #[test]
    fn quotes_paths_for_the_shell() {
        let found = judge(
            Path::new("/h/it's a dir"),
            CacheEntryKind::Directory,
            0o777,
            1,
            1,
        );
        assert_eq!(found.unwrap().fix(), r"chmod 700 '/h/it'\''s a dir'");
    }

    #[cfg(unix)]
    fn chmod(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[cfg(unix)]
    #[test]
    fn a_world_writable_cache_dir_warns_once_with_path_mode_and_fix() {
        use crate::cache::TokenCache;
        recorded();
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("sso").join("cache");
        std::fs::create_dir_all(&dir).unwrap();
        chmod(&dir, 0o777);
        let cache = TokenCache::new(&dir);

        assert!(cache.load("my-sso").is_err(), "nothing cached");
        let found = warnings_under(home.path());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, dir);
        assert_eq!(found[0].kind, CacheEntryKind::Directory);
        assert_eq!(found[0].loose_mode, Some(0o777));
        let msg = Warning::UnsafePermissions(found[0].clone()).to_string();
        assert!(msg.contains(&dir.display().to_string()), "{msg}");
        assert!(msg.contains("mode 0777"), "{msg}");
        assert!(
            msg.contains(&format!("chmod 700 {}", dir.display())),
            "{msg}"
        );

        // The same process touching the same directory again: no second warning.
        let _ = cache.load("my-sso");
        let _ = cache.load("other");
        assert_eq!(warnings_under(home.path()).len(), 1);
        // ssokit warns; it does not change a directory it did not create.
        assert_eq!(mode(&dir), 0o777);
    }

    #[cfg(unix)]
    #[test]
    fn a_0666_registration_file_warns_and_a_rewrite_makes_it_0600() {
        use crate::cache::{ClientRegistration, RegistrationCache, RegistrationKey};
        use crate::secret::ClientSecret;
        use std::time::{Duration, UNIX_EPOCH};
        recorded();
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("cache");
        let cache = RegistrationCache::new(&dir);
        let key = RegistrationKey {
            start_url: "https://d-abc123.awsapps.com/start",
            region: "us-east-1",
            scopes: None,
            session_name: Some("my-sso"),
        };
        let registration = ClientRegistration {
            client_id: "client-id".into(),
            client_secret: ClientSecret::new("CLIENT-SECRET"),
            expires_at: UNIX_EPOCH + Duration::from_secs(1_900_000_000),
            scopes: None,
            grant_types: None,
            extra: serde_json::Map::new(),
        };
        cache.store(&key, &registration).unwrap();
        assert_eq!(mode(&dir), 0o700, "a directory ssokit creates is private");
        let path = cache.path(&key);
        assert_eq!(mode(&path), 0o600);
        assert!(warnings_under(home.path()).is_empty(), "0600 in 0700: safe");
        assert!(cache.load(&key).is_ok());
        assert!(warnings_under(home.path()).is_empty(), "0600 in 0700: safe");

        chmod(&path, 0o666);
        assert!(cache.load(&key).is_ok());
        let found = warnings_under(home.path());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, path);
        assert_eq!(found[0].kind, CacheEntryKind::File);
        assert_eq!(found[0].loose_mode, Some(0o666));
        assert!(found[0].fix().starts_with("chmod 600 "));
        let msg = found[0].to_string();
        assert!(!msg.contains("CLIENT-SECRET"), "{msg}");

        // ssokit rewrites the file: the new file is 0600, never the old loose mode.
        cache.store(&key, &registration).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(warnings_under(home.path()).len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_group_readable_file_warns_once() {
        recorded();
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("x.json");
        std::fs::write(&path, "{}").unwrap();
        chmod(&path, 0o644);
        before_read(&path);
        before_read(&path);
        let found = warnings_under(home.path());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].loose_mode, Some(0o644));
    }

    /// Only root can give a file away; elsewhere the owner rule is covered by
    /// `judges_mode_and_owner` on synthetic metadata.
    #[cfg(unix)]
    #[test]
    fn a_file_owned_by_another_user_warns_when_we_can_make_one() {
        if rustix::process::geteuid().as_raw() != 0 {
            return;
        }
        recorded();
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("x.json");
        std::fs::write(&path, "{}").unwrap();
        chmod(&path, 0o600);
        std::os::unix::fs::chown(&path, Some(65534), None).unwrap();
        before_read(&path);
        let found = warnings_under(home.path());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].foreign_owner, found[0].loose_mode),
            (Some(65534), None)
        );
        assert_eq!(
            found[0].fix(),
            format!("chown 0 {0} && chmod 600 {0}", path.display())
        );
    }
}
