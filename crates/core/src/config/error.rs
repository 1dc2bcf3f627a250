//! The config module's error type, and the small error the value validators return.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

/// A problem with the AWS config files, a profile in them, or the environment.
///
/// Every message names what is at fault (file and line, profile, sso-session, key or
/// environment variable) and says how to fix it. Messages never repeat a whole line
/// of a file, because a line of the credentials file can hold a secret key.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No home directory is known and the file's path was not given explicitly.
    #[error(
        "cannot locate the AWS {file} file: no home directory is set (HOME is unset or \
         empty); set HOME, or set {variable} to the file's path"
    )]
    NoHome {
        /// Which file: `config` or `credentials`.
        file: &'static str,
        /// The variable that would give the path explicitly.
        variable: &'static str,
    },

    /// A file exists but could not be read.
    #[error("cannot read {}: {source}; check that it is a readable file", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: Arc<io::Error>,
    },

    /// A syntax error in a config or credentials file.
    #[error("{} line {line}: {reason}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The line number, from 1.
        line: usize,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// Both a profile and an sso-session were named: each selects what to act on, so
    /// only one may be given.
    #[error(
        "both a profile ({profile:?}) and an sso-session ({sso_session:?}) were given; give \
         one of them: the profile acts on its own sso-session"
    )]
    ProfileAndSession {
        /// The profile given.
        profile: String,
        /// The sso-session given.
        sso_session: String,
    },

    /// The profile is in neither file.
    #[error(
        "profile {profile:?} not found in {}{}; add a [profile {profile}] section there",
        path.display(),
        did_you_mean(suggestions)
    )]
    ProfileNotFound {
        /// The profile asked for.
        profile: String,
        /// The config file searched.
        path: PathBuf,
        /// Existing profile names close to the one asked for.
        suggestions: Vec<String>,
    },

    /// A profile without SSO settings whose `credential_process` runs ssokit: ssokit
    /// would be asked for the profile that asks ssokit, forever.
    #[error(
        "profile {profile:?} in {} has no SSO settings, and its credential_process ({command:?}) \
         runs ssokit: that would loop; ask ssokit for a profile that has sso_session (or \
         sso_start_url), or add the SSO settings to this profile",
        path.display()
    )]
    CredentialProcessLoop {
        /// The profile.
        profile: String,
        /// Its credential_process command.
        command: String,
        /// The config file.
        path: PathBuf,
    },

    /// The profile exists but has no SSO settings.
    #[error(
        "profile {profile:?} in {} is not an SSO profile: it has no sso_session or \
         sso_start_url; add `sso_session = NAME` (with an [sso-session NAME] section) to it, \
         or use a profile that has one",
        path.display()
    )]
    NotSsoProfile {
        /// The profile.
        profile: String,
        /// The config file.
        path: PathBuf,
    },

    /// An `sso_session` name with no `[sso-session NAME]` section.
    #[error(
        "{} {}; add an [sso-session {session}] section with sso_start_url and sso_region{}",
        match profile {
            Some(p) => format!("profile {p:?} refers to sso_session = {session}, but there is no [sso-session {session}] section in"),
            None => format!("there is no [sso-session {session}] section in"),
        },
        path.display(),
        did_you_mean(suggestions)
    )]
    SessionNotFound {
        /// The session name.
        session: String,
        /// The profile that refers to it, if any.
        profile: Option<String>,
        /// The config file.
        path: PathBuf,
        /// Existing session names close to the one asked for.
        suggestions: Vec<String>,
    },

    /// A required key is missing from a section.
    #[error("{section} in {} has no {key}; {hint}", path.display())]
    MissingKey {
        /// The key.
        key: String,
        /// The section, as written in the file (`[sso-session my-sso]`).
        section: String,
        /// The file.
        path: PathBuf,
        /// How to fix it.
        hint: String,
    },

    /// A profile repeats a session setting with a different value.
    #[error(
        "{key} differs between [profile {profile}] ({profile_value:?}) and \
         [sso-session {session}] ({session_value:?}) in {}; remove {key} from the profile \
         or make the two equal",
        path.display()
    )]
    Mismatch {
        /// The key (`sso_start_url` or `sso_region`).
        key: &'static str,
        /// The profile.
        profile: String,
        /// The profile's value.
        profile_value: Box<str>,
        /// The session.
        session: String,
        /// The session's value.
        session_value: Box<str>,
        /// The config file.
        path: PathBuf,
    },

    /// `sso_account_id` without `sso_role_name` or the reverse.
    #[error(
        "[profile {profile}] in {} has {present} but no {missing}; the two go together: \
         add {missing}, or remove {present} for a token-only profile",
        path.display()
    )]
    IncompleteRole {
        /// The profile.
        profile: String,
        /// The key that is there.
        present: &'static str,
        /// The key that is missing.
        missing: &'static str,
        /// The config file.
        path: PathBuf,
    },

    /// A profile with `role_arn` names neither `source_profile` nor
    /// `credential_source`.
    #[error(
        "profile {profile:?} in {} has role_arn but no source_profile (chain: {chain}); \
         add `source_profile = NAME` naming the SSO profile (or another role profile) \
         whose credentials assume the role",
        path.display()
    )]
    NoRoleSource {
        /// The profile.
        profile: String,
        /// The profiles followed so far, from the selected one: `a -> b`.
        chain: Box<str>,
        /// The file of the profile.
        path: PathBuf,
    },

    /// A `source_profile` that names no profile.
    #[error(
        "profile {profile:?} has source_profile = {source_profile}, but there is no \
         profile {source_profile:?} in {} (chain: {chain}){}; fix source_profile or add \
         the profile",
        path.display(),
        did_you_mean(suggestions)
    )]
    SourceProfileNotFound {
        /// The profile whose `source_profile` is wrong.
        profile: String,
        /// The missing profile.
        source_profile: String,
        /// The profiles followed so far, from the selected one.
        chain: Box<str>,
        /// The config file.
        path: PathBuf,
        /// Existing profile names close to the missing one.
        suggestions: Vec<String>,
    },

    /// `source_profile` links that come back to a profile already in the chain.
    #[error(
        "the source_profile links loop: {chain} (in {}); end the chain at an SSO profile \
         (one with sso_session or sso_start_url, sso_account_id and sso_role_name)",
        path.display()
    )]
    RoleChainCycle {
        /// The profiles in the order followed, the repeated one last.
        chain: Box<str>,
        /// The config file.
        path: PathBuf,
    },

    /// A role profile whose credentials come from somewhere other than a profile
    /// (`credential_source`, `web_identity_token_file`).
    #[error(
        "profile {profile:?} in {} has {key} = {value} (chain: {chain}): ssokit assumes \
         roles only from SSO credentials, through source_profile chains that end at an \
         SSO profile; replace {key} with `source_profile = NAME` naming an SSO profile, \
         or use the AWS CLI for this profile",
        path.display()
    )]
    UnsupportedRoleSource {
        /// The profile.
        profile: String,
        /// `credential_source` or `web_identity_token_file`.
        key: &'static str,
        /// Its value.
        value: String,
        /// The profiles followed so far, from the selected one.
        chain: Box<str>,
        /// The file of the profile.
        path: PathBuf,
    },

    /// A role profile with `mfa_serial`.
    #[error(
        "profile {profile:?} in {} has mfa_serial = {mfa_serial} (chain: {chain}): \
         assuming a role with an MFA code is not supported by ssokit yet; remove \
         mfa_serial if the role does not require MFA, or use the AWS CLI for this profile",
        path.display()
    )]
    MfaNotSupported {
        /// The profile.
        profile: String,
        /// Its `mfa_serial`.
        mfa_serial: String,
        /// The profiles followed so far, from the selected one.
        chain: Box<str>,
        /// The file of the profile.
        path: PathBuf,
    },

    /// A `duration_seconds` that is not a number, or outside 900 to 3600 (every hop
    /// of an SSO role chain is role chaining, which AWS limits to one hour).
    #[error(
        "invalid duration_seconds {value:?} in profile {profile:?} ({location}; chain: \
         {chain}): {reason}"
    )]
    ChainedDuration {
        /// The profile.
        profile: String,
        /// The value as written.
        value: String,
        /// The section, file and line.
        location: String,
        /// The profiles followed so far, from the selected one.
        chain: Box<str>,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// The profile at the end of a role chain cannot start it: static keys, no
    /// credentials at all, or a token-only SSO profile.
    #[error(
        "profile {profile:?} in {} ends the role chain {chain} but cannot start it: {reason}",
        path.display()
    )]
    RoleChainRoot {
        /// The profile at the end of the chain.
        profile: String,
        /// The whole chain, from the selected profile.
        chain: Box<str>,
        /// Its file.
        path: PathBuf,
        /// Why, and what to do.
        reason: String,
    },

    /// A role-chain profile asked of a build of ssokit without role chaining.
    #[error(
        "profile {profile:?} assumes a role (chain: {chain}), and this build of ssokit \
         has no role chaining (the `extras` cargo feature is off); use a build with it, \
         or an SSO profile"
    )]
    RoleChainingUnavailable {
        /// The selected profile.
        profile: String,
        /// The chain.
        chain: Box<str>,
    },

    /// AWS credentials were asked of a token-only profile.
    #[error(
        "profile {profile:?} is token-only: it has no sso_account_id and sso_role_name, so \
         it gives an SSO token but no AWS credentials; add both keys to [profile {profile}] \
         to get credentials"
    )]
    TokenOnlyProfile {
        /// The profile.
        profile: String,
    },

    /// A value is malformed.
    #[error("invalid {key} {value:?} ({location}): {reason}")]
    InvalidValue {
        /// The key or variable.
        key: String,
        /// The value as written.
        value: String,
        /// Where it was found: a section, file and line, or an environment variable.
        location: String,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// A plain `http://` endpoint that is not on this machine.
    #[error(
        "refusing endpoint {url:?} ({location}): a token would travel in clear text over \
         plain http; use https://, or http:// only with localhost, 127.0.0.1 or [::1]"
    )]
    InsecureEndpoint {
        /// The URL.
        url: String,
        /// Where it was configured.
        location: String,
    },

    /// FIPS or dual-stack is requested together with a custom endpoint.
    #[error(
        "{setting} cannot be combined with a custom endpoint ({location}), as in the AWS \
         SDKs; turn {setting} off or remove the endpoint override"
    )]
    EndpointConflict {
        /// `FIPS` or `dual-stack`.
        setting: &'static str,
        /// Where the custom endpoint was configured.
        location: String,
    },
}

fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!(" (did you mean {one:?}?)"),
        many => {
            let names: Vec<String> = many.iter().map(|s| format!("{s:?}")).collect();
            format!(" (did you mean one of {}?)", names.join(", "))
        }
    }
}

/// Why a value failed one of the validators ([`super::validate_region`], ...).
///
/// The message explains the rule; the caller adds where the value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValueError {
    reason: Cow<'static, str>,
}

impl ValueError {
    pub(crate) fn new(reason: impl Into<Cow<'static, str>>) -> Self {
        Self {
            reason: reason.into(),
        }
    }

    /// What is wrong with the value.
    pub(crate) fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for ValueError {}
