//! Where the config and credentials files are.

use std::io;
use std::path::{Path, PathBuf};

use super::error::ConfigError;
use crate::env::Env;
use crate::read_limited::{Kind, MIB, ReadError, read_limited, show_limit};

/// The paths of the two shared files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFiles {
    /// The config file: `$AWS_CONFIG_FILE`, else `~/.aws/config`.
    pub config: PathBuf,
    /// The credentials file: `$AWS_SHARED_CREDENTIALS_FILE`, else
    /// `~/.aws/credentials`.
    pub credentials: PathBuf,
}

impl ConfigFiles {
    /// The paths the AWS CLI would use in this environment.
    ///
    /// `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` (when set and not empty)
    /// give the paths; a leading `~` in them is the home directory, then `$VAR` and
    /// `${VAR}` are replaced by the variable's value (an unset variable is left as
    /// written), as botocore does. The home directory is [`Env::home_dir`].
    ///
    /// # Errors
    /// [`ConfigError::NoHome`] when a path needs the home directory and none is set.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Self {
            config: locate(env, "AWS_CONFIG_FILE", "config")?,
            credentials: locate(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials")?,
        })
    }
}

/// The largest config or credentials file read: 64 MiB.
pub const MAX_CONFIG_FILE_BYTES: u64 = 64 * MIB;

/// Reads the config or credentials file at `path`, at most
/// [`MAX_CONFIG_FILE_BYTES`]. Pipes are read too, as botocore reads them
/// (`AWS_CONFIG_FILE=<(...)`); a larger file or stream is an error of kind
/// `InvalidData` that names the limit.
pub(crate) fn read_shared_file(path: &Path) -> io::Result<Vec<u8>> {
    read_limited(path, MAX_CONFIG_FILE_BYTES, Kind::AnyReadable).map_err(|e| match e {
        ReadError::Io(e) => e,
        ReadError::NotRegular(found) => io::Error::other(format!("it is {found}")),
        ReadError::TooLarge => io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "it is larger than the {} limit",
                show_limit(MAX_CONFIG_FILE_BYTES)
            ),
        ),
    })
}

fn locate(env: &Env, variable: &'static str, file: &'static str) -> Result<PathBuf, ConfigError> {
    let no_home = || ConfigError::NoHome { file, variable };
    match env.get_non_empty(variable) {
        Some(explicit) => expand_path(&explicit, env).ok_or_else(no_home),
        None => {
            let home = env.home_dir().ok_or_else(no_home)?;
            Ok(home.join(".aws").join(file))
        }
    }
}

/// Expands a leading `~` (alone or before a path separator), then `$VAR` and
/// `${VAR}`. `None` when `~` needs a home directory and there is none.
pub(crate) fn expand_path(path: &str, env: &Env) -> Option<PathBuf> {
    let after_tilde = path.strip_prefix('~').filter(|rest| {
        rest.is_empty() || rest.starts_with('/') || (cfg!(windows) && rest.starts_with('\\'))
    });
    let expanded_home = match after_tilde {
        Some(rest) => {
            let home = env.home_dir()?;
            let rest = rest.trim_start_matches(['/', '\\']);
            if rest.is_empty() {
                home.to_string_lossy().into_owned()
            } else {
                join_str(&home, rest)
            }
        }
        None => path.to_owned(),
    };
    Some(PathBuf::from(expand_vars(&expanded_home, env)))
}

fn join_str(home: &Path, rest: &str) -> String {
    home.join(rest).to_string_lossy().into_owned()
}

fn is_var_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Replaces `$NAME` and `${NAME}` by the variable's value; unset variables, a lone
/// `$` and an unclosed `${` stay as written (Python's `os.path.expandvars`).
pub(crate) fn expand_vars(text: &str, env: &Env) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(rest.get(..dollar).unwrap_or(""));
        let after = rest.get(dollar + 1..).unwrap_or("");
        let (name, consumed) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (braced.get(..end).unwrap_or(""), end + 2),
                None => ("", 0),
            }
        } else {
            let end = after.find(|c: char| !is_var_char(c)).unwrap_or(after.len());
            (after.get(..end).unwrap_or(""), end)
        };
        let value = if name.is_empty() { None } else { env.get(name) };
        match value {
            Some(value) => {
                out.push_str(&value);
                rest = after.get(consumed..).unwrap_or("");
            }
            None => {
                // Leave `$NAME` as written and carry on after the `$`.
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::from_vars(vars.iter().copied())
    }

    #[test]
    fn default_paths_are_under_home() {
        let files = ConfigFiles::from_env(&env(&[("HOME", "/home/u")])).unwrap();
        assert_eq!(files.config, PathBuf::from("/home/u/.aws/config"));
        assert_eq!(files.credentials, PathBuf::from("/home/u/.aws/credentials"));
    }

    #[test]
    fn explicit_paths_win_and_expand() {
        type Vars<'a> = &'a [(&'a str, &'a str)];
        let cases: &[(Vars, &str, &str)] = &[
            (
                &[("HOME", "/h"), ("AWS_CONFIG_FILE", "/etc/aws")],
                "/etc/aws",
                "/h/.aws/credentials",
            ),
            (
                &[("HOME", "/h"), ("AWS_CONFIG_FILE", "~/cfg")],
                "/h/cfg",
                "/h/.aws/credentials",
            ),
            (
                &[("HOME", "/h"), ("AWS_CONFIG_FILE", "~")],
                "/h",
                "/h/.aws/credentials",
            ),
            (
                &[("HOME", "/h"), ("AWS_CONFIG_FILE", "~user/cfg")],
                "~user/cfg",
                "/h/.aws/credentials",
            ),
            (
                &[("HOME", "/h"), ("D", "/d"), ("AWS_CONFIG_FILE", "$D/cfg")],
                "/d/cfg",
                "/h/.aws/credentials",
            ),
            (
                &[
                    ("HOME", "/h"),
                    ("D", "/d"),
                    ("AWS_CONFIG_FILE", "${D}x/cfg"),
                ],
                "/dx/cfg",
                "/h/.aws/credentials",
            ),
            (
                &[("HOME", "/h"), ("AWS_CONFIG_FILE", "$NOPE/cfg")],
                "$NOPE/cfg",
                "/h/.aws/credentials",
            ),
            (
                &[("HOME", "/h"), ("AWS_CONFIG_FILE", "${NOPE/cfg")],
                "${NOPE/cfg",
                "/h/.aws/credentials",
            ),
            (
                &[("HOME", "/h"), ("AWS_CONFIG_FILE", "/a$")],
                "/a$",
                "/h/.aws/credentials",
            ),
            (
                &[("HOME", "/h"), ("AWS_CONFIG_FILE", "")],
                "/h/.aws/config",
                "/h/.aws/credentials",
            ),
            (
                &[
                    ("AWS_CONFIG_FILE", "/c"),
                    ("AWS_SHARED_CREDENTIALS_FILE", "/k"),
                ],
                "/c",
                "/k",
            ),
            (
                &[("HOME", "/h"), ("AWS_SHARED_CREDENTIALS_FILE", "~/k")],
                "/h/.aws/config",
                "/h/k",
            ),
        ];
        for (vars, config, credentials) in cases {
            let files = ConfigFiles::from_env(&env(vars)).unwrap();
            assert_eq!(files.config, PathBuf::from(config), "{vars:?}");
            assert_eq!(files.credentials, PathBuf::from(credentials), "{vars:?}");
        }
    }

    #[test]
    fn no_home_is_an_error_naming_the_variable() {
        type Vars<'a> = &'a [(&'a str, &'a str)];
        let cases: &[(Vars, &str)] = &[
            (&[], "AWS_CONFIG_FILE"),
            (&[("HOME", "")], "AWS_CONFIG_FILE"),
            (&[("AWS_CONFIG_FILE", "/c")], "AWS_SHARED_CREDENTIALS_FILE"),
            (
                &[
                    ("AWS_CONFIG_FILE", "~/c"),
                    ("AWS_SHARED_CREDENTIALS_FILE", "/k"),
                ],
                "AWS_CONFIG_FILE",
            ),
        ];
        for (vars, variable) in cases {
            let err = ConfigFiles::from_env(&env(vars)).unwrap_err();
            let message = err.to_string();
            assert!(matches!(err, ConfigError::NoHome { .. }), "{vars:?}");
            assert!(message.contains(variable), "{message}");
            assert!(message.contains("HOME"), "{message}");
        }
    }

    #[test]
    fn expand_vars_never_panics_on_odd_input() {
        let e = env(&[("A", "1"), ("É", "2")]);
        for (input, expected) in [
            ("$", "$"),
            ("$$", "$$"),
            ("${}", "${}"),
            ("${", "${"),
            ("$A$A", "11"),
            ("${A}${A}", "11"),
            ("$É/x", "2/x"),
            ("a$Ab", "a$Ab"),
            ("ü$A", "ü1"),
        ] {
            assert_eq!(expand_vars(input, &e), expected, "{input}");
        }
    }
}
