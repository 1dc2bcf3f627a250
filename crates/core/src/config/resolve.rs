//! SSO profile and sso-session resolution: a profile's session (an `[sso-session]`
//! or a legacy profile's own settings), account and role, every value validated and
//! every error naming the profile, session, key and file.

use std::path::Path;

use super::AwsConfig;
use super::aws_config::{load_config, value};
use super::error::{ConfigError, ValueError};
use super::index::Section;
use super::model::Property;
use super::selection::selected_profile_name;
use super::session::{SsoProfile, SsoSession};
use super::settings::{ca_bundle, parse_bool};
use super::suggest::suggest;
use super::validate::{validate_account_id, validate_region, validate_start_url};
use crate::env::Env;

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

impl AwsConfig {
    /// Resolves an SSO profile: its session (sso-session or legacy), account and
    /// role, endpoints and CA bundle, with every value validated.
    ///
    /// A profile with `role_arn` and `source_profile` resolves to the SSO profile at
    /// the end of its chain, named after `profile`, with [`SsoProfile::chain`] set
    /// (see [`RoleChain`](super::RoleChain)).
    ///
    /// # Errors
    /// A [`ConfigError`] naming the profile, session, key and file: the profile is
    /// missing or not an SSO profile, the session is missing or incomplete, values
    /// disagree or are malformed, only one of account and role is set, or an
    /// endpoint override is invalid or insecure.
    pub fn resolve_sso_profile(&self, profile: &str, env: &Env) -> Result<SsoProfile, ConfigError> {
        if let Some(section) = self.profile(profile)
            && super::chain::is_role_profile(section)
        {
            return self.resolve_role_chain(profile, env);
        }
        self.resolve_sso_settings(profile, env)
    }

    /// Resolves a profile's own SSO settings (the root of a role chain, or a plain
    /// SSO profile).
    pub(super) fn resolve_sso_settings(
        &self,
        profile: &str,
        env: &Env,
    ) -> Result<SsoProfile, ConfigError> {
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
        let (name, start_url, region, scopes, use_device_code) = match session_name {
            Some(session) => {
                self.note_inline_comment(section, "sso_session", &mut warnings);
                let s = self.session_settings(session.value(), Some(section))?;
                (
                    Some(s.name),
                    s.start_url,
                    s.region,
                    s.scopes,
                    s.use_device_code,
                )
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
                (None, start_url.to_owned(), region.to_owned(), None, false)
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
                use_device_code,
            },
            account_id,
            role_name,
            region: value(section, "region").map(|p| p.value().to_owned()),
            warnings,
            chain: None,
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
            use_device_code: s.use_device_code,
        })
    }

    /// A session given explicitly (by a caller, not a config section): the start URL
    /// and region are validated as if they were configured, and the endpoints and CA
    /// bundle come from the environment (and the selected profile's settings, if that
    /// profile exists), as for [`AwsConfig::resolve_sso_session`]. `name` is the
    /// sso-session name (the token cache key), `None` for a legacy-style session keyed
    /// by the start URL.
    pub(crate) fn explicit_sso_session(
        &self,
        name: Option<&str>,
        start_url: &str,
        region: &str,
        scopes: Option<Vec<String>>,
        env: &Env,
    ) -> Result<SsoSession, ConfigError> {
        let invalid = |key: &str, value: &str, e: ValueError| ConfigError::InvalidValue {
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
            use_device_code: false,
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
                suggestions: suggest(
                    name,
                    self.config_file().sso_sessions().iter().map(Section::name),
                ),
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
        let use_device_code = match value(session, USE_DEVICE_CODE) {
            None => false,
            Some(p) => parse_bool(p.value()).ok_or_else(|| ConfigError::InvalidValue {
                key: USE_DEVICE_CODE.to_owned(),
                value: p.value().to_owned(),
                location: self.location(session, USE_DEVICE_CODE),
                reason: "expected true or false (true: log in with the device code unless \
                         --use-pkce or SSOKIT_LOGIN_FLOW asks otherwise)"
                    .to_owned(),
            })?,
        };
        Ok(SessionSettings {
            name: name.to_owned(),
            start_url: start_url.to_owned(),
            region: region.to_owned(),
            scopes,
            use_device_code,
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
}

struct SessionSettings {
    name: String,
    start_url: String,
    region: String,
    scopes: Option<Vec<String>>,
    use_device_code: bool,
}

/// The `[sso-session]` key that asks for the device-code flow.
pub(crate) const USE_DEVICE_CODE: &str = "sso_use_device_code";

/// `sso_registration_scopes`: comma-separated, trimmed, empty items dropped.
pub(crate) fn parse_scopes(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
