//! The config and credentials files together, and SSO profile resolution.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::endpoints::{Endpoints, default_endpoints};
use super::error::{ConfigError, ValueError};
use super::files::{ConfigFiles, read_shared_file};
use super::index::{ParsedFile, Section};
use super::model::{FileKind, Property};
use super::parse::parse;
use super::validate::{
    EndpointProblem, check_endpoint_url, validate_account_id, validate_region, validate_start_url,
};
use crate::env::Env;

/// The profile to use, in the AWS CLI v2's order: `explicit` (a `--profile` option or
/// a binding's argument), else `$AWS_PROFILE`, else `$AWS_DEFAULT_PROFILE` (each when
/// not empty), else `default`.
///
/// When both variables are set and differ, a [`Warning::ProfileVariablesDiffer`]
/// is raised once per process: stock boto3 reverses the two (botocore reads
/// `AWS_DEFAULT_PROFILE` first), and the JavaScript and Rust SDKs read only
/// `AWS_PROFILE`, so tools would disagree on the account.
///
/// [`Warning::ProfileVariablesDiffer`]: crate::warnings::Warning::ProfileVariablesDiffer
pub fn selected_profile_name(explicit: Option<&str>, env: &Env) -> String {
    if let Some(name) = explicit.filter(|n| !n.is_empty()) {
        return name.to_owned();
    }
    let profile = env.get_non_empty("AWS_PROFILE");
    let default_profile = env.get_non_empty("AWS_DEFAULT_PROFILE");
    match (profile, default_profile) {
        (Some(profile), Some(default_profile)) => {
            if profile != default_profile {
                crate::warnings::emit_once(
                    format!("profile-variables\0{profile}\0{default_profile}"),
                    crate::warnings::Warning::ProfileVariablesDiffer {
                        aws_profile: profile.clone(),
                        aws_default_profile: default_profile,
                    },
                );
            }
            profile
        }
        (Some(name), None) | (None, Some(name)) => name,
        (None, None) => "default".to_owned(),
    }
}

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

/// Resolves the SSO profile `profile` names (`None`: [`selected_profile_name`]) in
/// the files [`load_config`] reads.
pub(crate) fn resolve_profile(
    profile: Option<&str>,
    config_file: Option<&Path>,
    env: &Env,
) -> Result<SsoProfile, ConfigError> {
    let config = load_config(config_file, env)?;
    let name = selected_profile_name(profile, env);
    config.resolve_sso_profile(&name, env)
}

/// Where an SSO token comes from: an `[sso-session]` or a legacy profile's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSession {
    /// The sso-session name; `None` for a legacy profile.
    pub name: Option<String>,
    /// `sso_start_url`, exactly as written (after comment stripping).
    pub start_url: String,
    /// `sso_region`, validated.
    pub region: String,
    /// `sso_registration_scopes`, split at commas, trimmed, empty items dropped;
    /// `None` when not configured, `Some([])` when configured empty (as the AWS CLI
    /// reads it, which matters for the registration cache key).
    pub scopes: Option<Vec<String>>,
    /// The OIDC and portal endpoints, overrides applied.
    pub endpoints: Endpoints,
    /// A PEM bundle to trust: `AWS_CA_BUNDLE`, else the profile's `ca_bundle`.
    pub ca_bundle: Option<PathBuf>,
}

impl SsoSession {
    /// What the token cache file name is derived from: the session name, else the
    /// start URL exactly as written.
    pub fn token_cache_key_source(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.start_url)
    }

    /// Whether this is a legacy profile's session (no `[sso-session]`): its tokens
    /// cannot be refreshed.
    pub fn is_legacy(&self) -> bool {
        self.name.is_none()
    }
}

/// A resolved SSO profile (read it; it is made by resolving a profile of the config).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SsoProfile {
    /// The profile name.
    pub name: String,
    /// Where its token comes from.
    pub session: SsoSession,
    /// `sso_account_id` (12 digits); set together with `role_name` or not at all.
    pub account_id: Option<String>,
    /// `sso_role_name`; set together with `account_id` or not at all.
    pub role_name: Option<String>,
    /// The profile's `region` (for `AWS_REGION`), if any.
    pub region: Option<String>,
    /// Non-fatal notes, such as a value botocore would read differently. Each is also
    /// logged with `tracing::warn!`.
    pub warnings: Vec<String>,
}

impl SsoProfile {
    /// Whether the profile yields only a bearer token (an sso-session without
    /// `sso_account_id` / `sso_role_name`), not AWS credentials.
    pub fn is_token_only(&self) -> bool {
        self.account_id.is_none() || self.role_name.is_none()
    }
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
    pub fn from_parsed(config: ParsedFile, credentials: ParsedFile) -> Self {
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
    pub fn config_file(&self) -> &ParsedFile {
        &self.config
    }

    /// The parsed credentials file.
    pub fn credentials_file(&self) -> &ParsedFile {
        &self.credentials
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

    fn path_of(&self, kind: FileKind) -> &Path {
        match kind {
            FileKind::Config => self.config.path(),
            FileKind::Credentials => self.credentials.path(),
        }
    }

    /// Resolves an SSO profile: its session (sso-session or legacy), account and
    /// role, endpoints and CA bundle, with every value validated.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the profile, session, key and file: the profile is
    /// missing or not an SSO profile, the session is missing or incomplete, values
    /// disagree or are malformed, only one of account and role is set, or an
    /// endpoint override is invalid or insecure.
    pub fn resolve_sso_profile(&self, profile: &str, env: &Env) -> Result<SsoProfile, ConfigError> {
        let section = self
            .profile(profile)
            .ok_or_else(|| ConfigError::ProfileNotFound {
                profile: profile.to_owned(),
                path: self.config_path().to_path_buf(),
                suggestions: suggest(profile, self.profile_names().iter().map(String::as_str)),
            })?;
        let mut warnings = Vec::new();
        let session_name = value(section, "sso_session");
        let start_url = value(section, "sso_start_url");
        let account_id = value(section, "sso_account_id");
        let role_name = value(section, "sso_role_name");
        if session_name.is_none()
            && start_url.is_none()
            && account_id.is_none()
            && role_name.is_none()
        {
            // `credential_process = ssokit credentials --profile <this>` on a profile
            // without SSO settings would run ssokit again and again: say so.
            if let Some(command) = value(section, "credential_process")
                .map(Property::value)
                .filter(|c| c.contains("ssokit"))
            {
                return Err(ConfigError::CredentialProcessLoop {
                    profile: profile.to_owned(),
                    command: command.to_owned(),
                    path: self.path_of(section.file()).to_path_buf(),
                });
            }
            return Err(ConfigError::NotSsoProfile {
                profile: profile.to_owned(),
                path: self.path_of(section.file()).to_path_buf(),
            });
        }
        let legacy = session_name.is_none();
        let (name, start_url, region, scopes) = match session_name {
            Some(session) => {
                self.note_inline_comment(section, "sso_session", &mut warnings);
                let s = self.session_settings(session.value(), Some(section))?;
                (Some(s.name), s.start_url, s.region, s.scopes)
            }
            None => {
                let Some(start_url) = start_url else {
                    return Err(ConfigError::MissingKey {
                        key: "sso_session".to_owned(),
                        section: section.header(),
                        path: self.path_of(section.file()).to_path_buf(),
                        hint: "it has sso_account_id / sso_role_name, so add \
                               `sso_session = NAME` with an [sso-session NAME] section \
                               holding sso_start_url and sso_region"
                            .to_owned(),
                    });
                };
                self.note_inline_comment(section, "sso_start_url", &mut warnings);
                let start_url = start_url.value();
                self.check(section, "sso_start_url", start_url, validate_start_url)?;
                let region = self.required(section, "sso_region", "us-east-1")?;
                self.check(section, "sso_region", region, validate_region)?;
                (None, start_url.to_owned(), region.to_owned(), None)
            }
        };
        let (account_id, role_name) = match (account_id, role_name) {
            (Some(a), Some(r)) => {
                self.check(section, "sso_account_id", a.value(), validate_account_id)?;
                (Some(a.value().to_owned()), Some(r.value().to_owned()))
            }
            (None, None) if legacy => {
                return Err(ConfigError::MissingKey {
                    key: "sso_account_id and sso_role_name".to_owned(),
                    section: section.header(),
                    path: self.path_of(section.file()).to_path_buf(),
                    hint: "a legacy SSO profile (sso_start_url without sso_session) needs \
                           both; add them, or move sso_start_url and sso_region to an \
                           [sso-session NAME] section and set `sso_session = NAME` for a \
                           token-only profile"
                        .to_owned(),
                });
            }
            (None, None) => (None, None),
            (Some(_), None) => {
                return Err(self.incomplete(section, "sso_account_id", "sso_role_name"));
            }
            (None, Some(_)) => {
                return Err(self.incomplete(section, "sso_role_name", "sso_account_id"));
            }
        };
        let endpoints = self.endpoints(Some(section), &region, env, &mut warnings)?;
        for warning in &warnings {
            tracing::warn!("{warning}");
        }
        Ok(SsoProfile {
            name: profile.to_owned(),
            session: SsoSession {
                name,
                start_url,
                region,
                scopes,
                endpoints,
                ca_bundle: ca_bundle(Some(section), env),
            },
            account_id,
            role_name,
            region: value(section, "region").map(|p| p.value().to_owned()),
            warnings,
        })
    }

    /// Resolves an `[sso-session NAME]` on its own (for `login --sso-session NAME`).
    ///
    /// Endpoint and CA settings come from the environment and, when it exists, the
    /// selected profile (`AWS_PROFILE`, else `default`), as the AWS CLI does.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the session and file: it is missing or incomplete,
    /// a value is malformed, or an endpoint override is invalid or insecure.
    pub fn resolve_sso_session(&self, session: &str, env: &Env) -> Result<SsoSession, ConfigError> {
        let s = self.session_settings(session, None)?;
        let profile = self.profile(&selected_profile_name(None, env));
        let mut warnings = Vec::new();
        let endpoints = self.endpoints(profile, &s.region, env, &mut warnings)?;
        for warning in &warnings {
            tracing::warn!("{warning}");
        }
        Ok(SsoSession {
            endpoints,
            ca_bundle: ca_bundle(profile, env),
            name: Some(s.name),
            start_url: s.start_url,
            region: s.region,
            scopes: s.scopes,
        })
    }

    /// The OIDC and portal endpoints for an Identity Center `region` (validated), with
    /// the overrides of the environment and of the selected profile applied — what a
    /// token file's `region` needs to reach its portal (for example to log out).
    pub fn endpoints_for_region(&self, region: &str, env: &Env) -> Result<Endpoints, ConfigError> {
        super::validate_region(region).map_err(|e| ConfigError::InvalidValue {
            key: "sso_region".to_owned(),
            value: region.to_owned(),
            location: "a token cache file".to_owned(),
            reason: e.reason().to_owned(),
        })?;
        let profile = self.profile(&selected_profile_name(None, env));
        let mut warnings = Vec::new();
        let endpoints = self.endpoints(profile, region, env, &mut warnings)?;
        for warning in &warnings {
            tracing::warn!("{warning}");
        }
        Ok(endpoints)
    }

    /// A session given explicitly (by a caller, not a config section): the start URL
    /// and region are validated as if they were configured, and the endpoints and CA
    /// bundle come from the environment (and the selected profile's settings, if that
    /// profile exists), as for [`AwsConfig::resolve_sso_session`]. `name` is the
    /// sso-session name (the token cache key), `None` for a legacy-style session keyed
    /// by the start URL.
    pub fn explicit_sso_session(
        &self,
        name: Option<&str>,
        start_url: &str,
        region: &str,
        scopes: Option<Vec<String>>,
        env: &Env,
    ) -> Result<SsoSession, ConfigError> {
        let invalid = |key: &str, value: &str, e: super::ValueError| ConfigError::InvalidValue {
            key: key.to_owned(),
            value: value.to_owned(),
            location: "the explicit SSO settings".to_owned(),
            reason: e.reason().to_owned(),
        };
        super::validate_start_url(start_url).map_err(|e| invalid("sso_start_url", start_url, e))?;
        super::validate_region(region).map_err(|e| invalid("sso_region", region, e))?;
        let profile = self.profile(&selected_profile_name(None, env));
        let endpoints = self.endpoints_for_region(region, env)?;
        Ok(SsoSession {
            name: name.map(str::to_owned),
            start_url: start_url.to_owned(),
            region: region.to_owned(),
            scopes,
            endpoints,
            ca_bundle: ca_bundle(profile, env),
        })
    }

    /// Reads and checks `[sso-session name]`, and the referring profile's copies of
    /// its keys.
    fn session_settings(
        &self,
        name: &str,
        profile: Option<&Section>,
    ) -> Result<SessionSettings, ConfigError> {
        let Some(session) = self.sso_session(name) else {
            return Err(ConfigError::SessionNotFound {
                session: name.to_owned(),
                profile: profile.map(|p| p.name().to_owned()),
                path: self.config_path().to_path_buf(),
                suggestions: suggest(name, self.config.sso_sessions().iter().map(Section::name)),
            });
        };
        let start_url = self.required(
            session,
            "sso_start_url",
            "https://d-1234567890.awsapps.com/start",
        )?;
        self.check(session, "sso_start_url", start_url, validate_start_url)?;
        let region = self.required(session, "sso_region", "us-east-1")?;
        self.check(session, "sso_region", region, validate_region)?;
        if let Some(profile) = profile {
            for (key, session_value) in [("sso_start_url", start_url), ("sso_region", region)] {
                if let Some(p) = value(profile, key)
                    && p.value() != session_value
                {
                    return Err(ConfigError::Mismatch {
                        key,
                        profile: profile.name().to_owned(),
                        profile_value: p.value().into(),
                        session: name.to_owned(),
                        session_value: session_value.into(),
                        path: self.config_path().to_path_buf(),
                    });
                }
            }
        }
        // Present but empty is `Some([])`, not `None`: the AWS CLI keys the client
        // registration by `"scopes": []` then, and ssokit must find the same file.
        let scopes = session
            .get("sso_registration_scopes")
            .map(|p| parse_scopes(p.value()));
        Ok(SessionSettings {
            name: name.to_owned(),
            start_url: start_url.to_owned(),
            region: region.to_owned(),
            scopes,
        })
    }

    fn required<'a>(
        &self,
        section: &'a Section,
        key: &str,
        example: &str,
    ) -> Result<&'a str, ConfigError> {
        match value(section, key) {
            Some(p) => Ok(p.value()),
            None => Err(ConfigError::MissingKey {
                key: key.to_owned(),
                section: section.header(),
                path: self.path_of(section.file()).to_path_buf(),
                hint: format!(
                    "add `{key} = {example}` to {} in {}",
                    section.header(),
                    self.path_of(section.file()).display()
                ),
            }),
        }
    }

    fn check(
        &self,
        section: &Section,
        key: &str,
        v: &str,
        validate: fn(&str) -> Result<(), ValueError>,
    ) -> Result<(), ConfigError> {
        validate(v).map_err(|e| ConfigError::InvalidValue {
            key: key.to_owned(),
            value: v.to_owned(),
            location: self.location(section, key),
            reason: e.to_string(),
        })
    }

    fn location(&self, section: &Section, key: &str) -> String {
        let path = self.path_of(section.file()).display();
        match section.get(key) {
            Some(p) => format!("{} in {path} line {}", section.header(), p.line()),
            None => format!("{} in {path}", section.header()),
        }
    }

    fn incomplete(
        &self,
        section: &Section,
        present: &'static str,
        missing: &'static str,
    ) -> ConfigError {
        ConfigError::IncompleteRole {
            profile: section.name().to_owned(),
            present,
            missing,
            path: self.path_of(section.file()).to_path_buf(),
        }
    }

    /// Warns when botocore would read `key` with its inline comment, and so look for
    /// a different token cache file.
    fn note_inline_comment(&self, section: &Section, key: &str, warnings: &mut Vec<String>) {
        if let Some(p) = section.get(key)
            && p.had_inline_comment()
        {
            warnings.push(format!(
                "{key} in {} ({} line {}) has an inline comment: ssokit reads {:?} but the \
                 AWS CLI (botocore) reads {:?}, so the two would use different token cache \
                 files; put the comment on its own line",
                section.header(),
                self.path_of(p.file()).display(),
                p.line(),
                p.value(),
                p.raw_value(),
            ));
        }
    }

    /// Resolves the endpoints: overrides first (unless disabled), then the defaults.
    fn endpoints(
        &self,
        profile: Option<&Section>,
        region: &str,
        env: &Env,
        warnings: &mut Vec<String>,
    ) -> Result<Endpoints, ConfigError> {
        let fips = self.bool_setting(profile, env, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?;
        let dualstack = self.bool_setting(
            profile,
            env,
            "AWS_USE_DUALSTACK_ENDPOINT",
            "use_dualstack_endpoint",
        )?;
        let ignore = self.bool_setting(
            profile,
            env,
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "ignore_configured_endpoint_urls",
        )?;
        let defaults = default_endpoints(region, fips, dualstack);
        if ignore {
            return Ok(defaults);
        }
        let oidc = self.endpoint_override(
            profile,
            env,
            "AWS_ENDPOINT_URL_SSO_OIDC",
            "sso_oidc",
            warnings,
        )?;
        let portal =
            self.endpoint_override(profile, env, "AWS_ENDPOINT_URL_SSO", "sso", warnings)?;
        for (_, location) in [&oidc, &portal].into_iter().flatten() {
            if fips {
                return Err(ConfigError::EndpointConflict {
                    setting: "FIPS",
                    location: location.clone(),
                });
            }
            if dualstack {
                return Err(ConfigError::EndpointConflict {
                    setting: "dual-stack",
                    location: location.clone(),
                });
            }
        }
        Ok(Endpoints {
            oidc: oidc.map_or(defaults.oidc, |(url, _)| url),
            portal: portal.map_or(defaults.portal, |(url, _)| url),
        })
    }

    /// The first configured endpoint for a service, validated, with where it came
    /// from.
    fn endpoint_override(
        &self,
        profile: Option<&Section>,
        env: &Env,
        service_variable: &str,
        service_key: &str,
        warnings: &mut Vec<String>,
    ) -> Result<Option<(String, String)>, ConfigError> {
        for variable in [service_variable, "AWS_ENDPOINT_URL"] {
            if let Some(url) = env.get_non_empty(variable) {
                let location = format!("environment variable {variable}");
                return checked_endpoint(variable, &url, location).map(Some);
            }
        }
        let Some(profile) = profile else {
            return Ok(None);
        };
        if let Some(services) = value(profile, "services") {
            match self.services(services.value()) {
                Some(section) => {
                    if let Some(p) = section.get(service_key)
                        && let Some(url) = p.sub_property("endpoint_url")
                    {
                        let location = format!(
                            "{service_key} endpoint_url in {} in {} line {}",
                            section.header(),
                            self.config_path().display(),
                            p.line()
                        );
                        return checked_endpoint("endpoint_url", url, location).map(Some);
                    }
                }
                None => {
                    let warning = format!(
                        "{} in {} has services = {} but there is no [services {}] section; \
                         no endpoint is taken from it",
                        profile.header(),
                        self.config_path().display(),
                        services.value(),
                        services.value()
                    );
                    if !warnings.contains(&warning) {
                        warnings.push(warning);
                    }
                }
            }
        }
        if let Some(p) = value(profile, "endpoint_url") {
            let location = self.location(profile, "endpoint_url");
            return checked_endpoint("endpoint_url", p.value(), location).map(Some);
        }
        Ok(None)
    }

    /// A boolean from the environment, else the profile, else `false`.
    fn bool_setting(
        &self,
        profile: Option<&Section>,
        env: &Env,
        variable: &str,
        key: &str,
    ) -> Result<bool, ConfigError> {
        let bad = |v: &str, location: String| ConfigError::InvalidValue {
            key: key.to_owned(),
            value: v.to_owned(),
            location,
            reason: "expected true or false".to_owned(),
        };
        if let Some(v) = env.get_non_empty(variable) {
            return parse_bool(&v)
                .ok_or_else(|| bad(&v, format!("environment variable {variable}")));
        }
        match profile.and_then(|p| value(p, key).map(|v| (p, v))) {
            Some((section, p)) => {
                parse_bool(p.value()).ok_or_else(|| bad(p.value(), self.location(section, key)))
            }
            None => Ok(false),
        }
    }
}

struct SessionSettings {
    name: String,
    start_url: String,
    region: String,
    scopes: Option<Vec<String>>,
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
fn value<'a>(section: &'a Section, key: &str) -> Option<&'a Property> {
    section.get(key).filter(|p| !p.value().is_empty())
}

fn parse_bool(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `sso_registration_scopes`: comma-separated, trimmed, empty items dropped.
pub(crate) fn parse_scopes(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn ca_bundle(profile: Option<&Section>, env: &Env) -> Option<PathBuf> {
    env.get_non_empty("AWS_CA_BUNDLE")
        .or_else(|| {
            profile
                .and_then(|p| value(p, "ca_bundle"))
                .map(|p| p.value().to_owned())
        })
        .map(PathBuf::from)
}

fn checked_endpoint(
    key: &str,
    url: &str,
    location: String,
) -> Result<(String, String), ConfigError> {
    match check_endpoint_url(url) {
        Ok(url) => Ok((url, location)),
        Err(EndpointProblem::Insecure) => Err(ConfigError::InsecureEndpoint {
            url: url.to_owned(),
            location,
        }),
        Err(EndpointProblem::Invalid(e)) => Err(ConfigError::InvalidValue {
            key: key.to_owned(),
            value: url.to_owned(),
            location,
            reason: e.to_string(),
        }),
    }
}

/// Names close to `wanted`: equal ignoring case, or within a small edit distance.
fn suggest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let limit = (wanted.chars().count() / 3).clamp(1, 3);
    let mut seen = HashSet::new();
    let mut found: Vec<(usize, String)> = names
        .filter(|n| seen.insert(*n))
        .filter_map(|n| {
            let d = if n.eq_ignore_ascii_case(wanted) {
                0
            } else {
                edit_distance(wanted, n, limit)?
            };
            (d <= limit).then(|| (d, n.to_owned()))
        })
        .collect();
    found.sort();
    found.into_iter().take(3).map(|(_, n)| n).collect()
}

/// Edit distance counting a swap of two neighbours as one edit (optimal string
/// alignment), or `None` when it is certainly above `limit`.
fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit || a.len() > 256 || b.len() > 256 {
        return None;
    }
    let width = b.len() + 1;
    // Three rows: two back, one back, current.
    let mut rows = vec![0usize; 3 * width];
    for (j, cell) in rows.iter_mut().skip(2 * width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows.copy_within(width.., 0);
        let (older, current) = rows.split_at_mut(2 * width);
        let (before, prev) = older.split_at(width);
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j - 1] + cost)
                .min(prev[j] + 1)
                .min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
    }
    rows.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        for (a, b, d) in [
            ("dev", "dev", 0),
            ("dev", "dve", 1),
            ("dev", "de", 1),
            ("dev", "prod", 4),
            ("", "ab", 2),
            ("ab", "", 2),
            ("my-sso", "my-ss", 1),
            ("ca", "abc", 3),
        ] {
            assert_eq!(edit_distance(a, b, 10), Some(d), "{a} {b}");
        }
        assert_eq!(edit_distance("a", "abcdef", 2), None);
    }

    #[test]
    fn suggestions() {
        let names = ["dev", "Dev2", "prod", "DEV", "dev"];
        assert_eq!(suggest("dve", names.into_iter()), ["dev"]);
        assert_eq!(
            suggest("production", names.into_iter()),
            Vec::<String>::new()
        );
        assert_eq!(suggest("dev", names.into_iter()), ["DEV", "dev"]);
        assert_eq!(suggest("dev2", names.into_iter()), ["Dev2", "dev"]);
    }
}
