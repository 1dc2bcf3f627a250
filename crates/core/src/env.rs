//! The process environment, injectable so that tests never read the real one.
//!
//! Everything in ssokit that looks at an environment variable or the home directory
//! does it through an [`Env`]: [`Env::process`] reads the real environment,
//! [`Env::from_vars`] a fixed set of variables.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A view of environment variables.
///
/// Cloning is cheap. The `Debug` output lists variable names only, never values,
/// because the environment can hold secrets (`AWS_SECRET_ACCESS_KEY`, ...).
#[derive(Clone, Default)]
pub struct Env {
    fixed: Option<Arc<HashMap<String, String>>>,
}

impl Env {
    /// The real environment of this process, read at each lookup.
    pub fn process() -> Self {
        Self { fixed: None }
    }

    /// A fixed environment made of exactly these variables (nothing is inherited).
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let map = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self {
            fixed: Some(Arc::new(map)),
        }
    }

    /// The value of `name`, or `None` when it is unset or not valid Unicode.
    pub fn get(&self, name: &str) -> Option<String> {
        match &self.fixed {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        }
    }

    /// The value of `name` when it is set and not empty.
    pub fn get_non_empty(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// The value of a boolean variable: `Some(true)` for `true` (any case),
    /// `Some(false)` for `false`, `None` when unset or anything else.
    pub fn get_bool(&self, name: &str) -> Option<bool> {
        let value = self.get(name)?;
        let value = value.trim();
        if value.eq_ignore_ascii_case("true") {
            Some(true)
        } else if value.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }
    }

    /// The user's home directory as the AWS SDKs find it: `HOME`; on Windows
    /// `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`. `None` when none is set.
    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(home) = self.get_non_empty("HOME") {
            return Some(PathBuf::from(home));
        }
        if cfg!(windows) {
            if let Some(profile) = self.get_non_empty("USERPROFILE") {
                return Some(PathBuf::from(profile));
            }
            if let (Some(drive), Some(path)) = (
                self.get_non_empty("HOMEDRIVE"),
                self.get_non_empty("HOMEPATH"),
            ) {
                return Some(PathBuf::from(format!("{drive}{path}")));
            }
        }
        None
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fixed {
            None => f.write_str("Env::process()"),
            Some(map) => {
                let mut names: Vec<&String> = map.keys().collect();
                names.sort();
                f.debug_struct("Env").field("vars", &names).finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_env_reads_only_its_vars() {
        let env = Env::from_vars([("HOME", "/h"), ("AWS_USE_FIPS_ENDPOINT", "TRUE")]);
        assert_eq!(env.home_dir(), Some(PathBuf::from("/h")));
        assert_eq!(env.get_bool("AWS_USE_FIPS_ENDPOINT"), Some(true));
        assert_eq!(env.get("PATH"), None);
    }

    #[test]
    fn no_home_is_none() {
        assert_eq!(Env::from_vars([("HOME", "")]).home_dir(), None);
    }

    #[test]
    fn debug_shows_names_not_values() {
        let env = Env::from_vars([("AWS_SECRET_ACCESS_KEY", "s3cr3t-value")]);
        let shown = format!("{env:?}");
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY"));
        assert!(!shown.contains("s3cr3t-value"));
    }
}
