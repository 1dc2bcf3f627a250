//! Reading a whole file with a size limit: the one helper behind every file ssokit
//! reads (cache files, the CA bundle, the config and credentials files).
//!
//! A cache file or CA bundle that is a FIFO, a device or a directory is refused
//! before a byte is read (it is opened non-blocking, so a FIFO never hangs the open,
//! then checked with `fstat`); a file over the limit is refused from its size, or
//! after reading one byte past the limit when it grows, never read whole.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// One mebibyte.
pub(crate) const MIB: u64 = 1024 * 1024;

/// What kinds of file a read accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Only a regular file (symbolic links to one are followed).
    RegularOnly,
    /// Anything readable, pipes included (`AWS_CONFIG_FILE=<(...)`).
    AnyReadable,
}

/// Why a bounded read failed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Opening or reading failed (including "not found").
    Io(io::Error),
    /// The path is not a regular file; the kind of thing it is.
    NotRegular(&'static str),
    /// The content is larger than the limit.
    TooLarge,
}

/// Reads all of `path`, refusing more than `limit` bytes and, with
/// [`Kind::RegularOnly`], anything but a regular file.
pub(crate) fn read_limited(path: &Path, limit: u64, kind: Kind) -> Result<Vec<u8>, ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    if kind == Kind::RegularOnly {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO with no writer would block the open forever without this.
        options.custom_flags(nonblock_flag());
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if kind == Kind::RegularOnly && !meta.is_file() {
        return Err(ReadError::NotRegular(describe(&meta)));
    }
    if meta.is_file() && meta.len() > limit {
        return Err(ReadError::TooLarge);
    }
    read_to_limit(file, limit, meta.len())
}

fn read_to_limit(file: File, limit: u64, size_hint: u64) -> Result<Vec<u8>, ReadError> {
    let capacity = usize::try_from(size_hint.min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// `O_NONBLOCK`, for [`std::os::unix::fs::OpenOptionsExt::custom_flags`].
#[cfg(unix)]
pub(crate) fn nonblock_flag() -> i32 {
    rustix::fs::OFlags::NONBLOCK.bits() as i32
}

/// `O_NOFOLLOW`, for [`std::os::unix::fs::OpenOptionsExt::custom_flags`].
#[cfg(unix)]
pub(crate) fn nofollow_flag() -> i32 {
    rustix::fs::OFlags::NOFOLLOW.bits() as i32
}

/// What a file that is not a regular file is, for error messages.
pub(crate) fn describe(meta: &Metadata) -> &'static str {
    let file_type = meta.file_type();
    if file_type.is_file() {
        return "a regular file";
    }
    if file_type.is_dir() {
        return "a directory";
    }
    if file_type.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// `1 MiB`, `8 MiB`, or a byte count for limits that are not whole mebibytes.
pub(crate) fn show_limit(limit: u64) -> String {
    if limit >= MIB && limit.is_multiple_of(MIB) {
        format!("{} MiB", limit / MIB)
    } else {
        format!("{limit} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_small_files_and_refuses_large_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"hello").unwrap();
        assert_eq!(read_limited(&path, 5, Kind::RegularOnly).unwrap(), b"hello");
        assert!(matches!(
            read_limited(&path, 4, Kind::RegularOnly),
            Err(ReadError::TooLarge)
        ));
        assert!(matches!(
            read_limited(&path, 4, Kind::AnyReadable),
            Err(ReadError::TooLarge)
        ));
        assert!(matches!(
            read_limited(&dir.path().join("missing"), 4, Kind::RegularOnly),
            Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound
        ));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_devices_and_directories_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_limited(dir.path(), MIB, Kind::RegularOnly),
            Err(ReadError::NotRegular("a directory"))
        ));
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), MIB, Kind::RegularOnly),
            Err(ReadError::NotRegular("a character device"))
        ));
        // An endless stream is cut at the limit.
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), 1000, Kind::AnyReadable),
            Err(ReadError::TooLarge)
        ));
    }

    #[test]
    fn limits_are_shown_in_mebibytes() {
        assert_eq!(show_limit(MIB), "1 MiB");
        assert_eq!(show_limit(64 * MIB), "64 MiB");
        assert_eq!(show_limit(1000), "1000 bytes");
    }
}
