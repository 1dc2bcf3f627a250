//! The config and credentials files read together ([`AwsConfig`]): loading them,
//! and finding profiles, sso-sessions and services sections in them.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

use super::error::ConfigError;
use super::files::{ConfigFiles, read_shared_file};
use super::index::{ParsedFile, Section};
use super::model::{FileKind, Property};
use super::parse::parse;
use crate::env::Env;

/// Loads the AWS config files that `config_file` (or else the environment) names:
/// `config_file` replaces only the config file's path; the credentials file is the
/// environment's (none without a home directory).
pub(crate) fn load_config(config_file: Option<&Path>, env: &Env) -> Result<AwsConfig, ConfigError> {
    let files = match config_file {
        Some(path) => {
            let credentials = ConfigFiles::from_env(env)
                .map(|f| f.credentials)
                .unwrap_or_default();
            ConfigFiles {
                config: path.to_owned(),
                credentials,
            }
        }
        None => ConfigFiles::from_env(env)?,
    };
    AwsConfig::load_files(&files)
}

/// The config file and the credentials file, read together.
#[derive(Debug, Clone)]
pub struct AwsConfig {
    config: ParsedFile,
    credentials: ParsedFile,
    /// Profiles in both files: the config one with the credentials one merged over it.
    merged: HashMap<String, Section>,
}

/// What [`AwsConfig::from_texts`] shows as file paths.
const CONFIG_PLACEHOLDER: &str = "<config>";
const CREDENTIALS_PLACEHOLDER: &str = "<credentials>";

impl AwsConfig {
    /// Reads the files the environment points at ([`ConfigFiles::from_env`]).
    ///
    /// # Errors
    /// See [`ConfigFiles::from_env`] and [`AwsConfig::load_files`].
    pub fn load(env: &Env) -> Result<Self, ConfigError> {
        Self::load_files(&ConfigFiles::from_env(env)?)
    }

    /// Reads and parses both files. A missing file is an empty file.
    ///
    /// # Errors
    /// [`ConfigError::Read`] when a file exists but cannot be read,
    /// [`ConfigError::Parse`] when it is not valid UTF-8 or has a syntax error.
    pub fn load_files(files: &ConfigFiles) -> Result<Self, ConfigError> {
        let config = read_file(&files.config, FileKind::Config)?;
        let credentials = read_file(&files.credentials, FileKind::Credentials)?;
        Ok(Self::from_parsed(config, credentials))
    }

    /// Parses two texts, shown as `<config>` and `<credentials>` in messages.
    ///
    /// # Errors
    /// [`ConfigError::Parse`] for a syntax error.
    pub fn from_texts(config: &str, credentials: &str) -> Result<Self, ConfigError> {
        let config = parse(config, FileKind::Config, Path::new(CONFIG_PLACEHOLDER))?;
        let credentials = parse(
            credentials,
            FileKind::Credentials,
            Path::new(CREDENTIALS_PLACEHOLDER),
        )?;
        Ok(Self::from_parsed(config, credentials))
    }

    /// Puts together two files parsed with [`parse`].
    pub(crate) fn from_parsed(config: ParsedFile, credentials: ParsedFile) -> Self {
        let mut merged = HashMap::new();
        for cred in credentials.profiles() {
            if let Some(conf) = config.profile(cred.name()) {
                let mut section = conf.clone();
                section.merge_from(cred);
                merged.insert(cred.name().to_owned(), section);
            }
        }
        Self {
            config,
            credentials,
            merged,
        }
    }

    /// The config file's path.
    pub fn config_path(&self) -> &Path {
        self.config.path()
    }

    /// The credentials file's path.
    pub fn credentials_path(&self) -> &Path {
        self.credentials.path()
    }

    /// The parsed config file.
    pub(crate) fn config_file(&self) -> &ParsedFile {
        &self.config
    }

    /// What the parser ignored in the two files (sections and keys it does not read,
    /// such as a header without `profile` or a name with characters a name may not
    /// have), each naming its file and line: for a tool to point at a typo.
    pub fn parse_warnings(&self) -> impl Iterator<Item = &str> {
        self.config
            .warnings()
            .iter()
            .chain(self.credentials.warnings())
            .map(String::as_str)
    }

    /// Every profile name: the config file's in file order, then those only in the
    /// credentials file.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .config
            .profiles()
            .iter()
            .map(|s| s.name().to_owned())
            .collect();
        names.extend(
            self.credentials
                .profiles()
                .iter()
                .filter(|s| self.config.profile(s.name()).is_none())
                .map(|s| s.name().to_owned()),
        );
        names
    }

    /// The sso-session names, in file order.
    pub fn sso_session_names(&self) -> Vec<String> {
        self.config
            .sso_sessions()
            .iter()
            .map(|s| s.name().to_owned())
            .collect()
    }

    /// A profile; when both files have it, the credentials file's keys win.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.merged
            .get(name)
            .or_else(|| self.config.profile(name))
            .or_else(|| self.credentials.profile(name))
    }

    /// An `[sso-session NAME]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.config.sso_session(name)
    }

    /// A `[services NAME]` section.
    pub fn services(&self, name: &str) -> Option<&Section> {
        self.config.services(name)
    }

    pub(super) fn path_of(&self, kind: FileKind) -> &Path {
        match kind {
            FileKind::Config => self.config.path(),
            FileKind::Credentials => self.credentials.path(),
        }
    }

    pub(super) fn location(&self, section: &Section, key: &str) -> String {
        let path = self.path_of(section.file()).display();
        match section.get(key) {
            Some(p) => format!("{} in {path} line {}", section.header(), p.line()),
            None => format!("{} in {path}", section.header()),
        }
    }
}

fn read_file(path: &Path, kind: FileKind) -> Result<ParsedFile, ConfigError> {
    let bytes = match read_shared_file(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ParsedFile::empty(kind, path)),
        Err(e) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source: Arc::new(e),
            });
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e
            .as_bytes()
            .get(..valid)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
            + 1;
        ConfigError::Parse {
            path: path.to_path_buf(),
            line,
            reason: "the file is not valid UTF-8; save it as UTF-8".to_owned(),
        }
    })?;
    parse(&text, kind, path)
}

/// A property with a non-empty value (an empty value counts as not set).
pub(super) fn value<'a>(section: &'a Section, key: &str) -> Option<&'a Property> {
    section.get(key).filter(|p| !p.value().is_empty())
}
