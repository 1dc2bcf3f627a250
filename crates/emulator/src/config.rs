//! The emulated organisation (accounts, roles) and the emulator's settings, from a
//! TOML file or code.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The access-token lifetime by default (one hour, as Identity Center issues them).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// The Identity Center session length by default: refresh works until it ends.
pub const DEFAULT_SESSION_LIFETIME: Duration = Duration::from_secs(8 * 3600);
/// The role-credentials lifetime by default.
pub const DEFAULT_CREDENTIALS_LIFETIME: Duration = Duration::from_secs(3600);
/// How long a client registration works by default (90 days).
pub const DEFAULT_REGISTRATION_LIFETIME: Duration = Duration::from_secs(90 * 86_400);
/// How long a device code may be approved by default (ten minutes).
pub const DEFAULT_DEVICE_CODE_LIFETIME: Duration = Duration::from_secs(600);
/// How long a PKCE authorization code may be exchanged.
pub const DEFAULT_AUTHORIZATION_CODE_LIFETIME: Duration = Duration::from_secs(300);
/// The device-flow poll interval by default, in seconds.
pub const DEFAULT_POLL_INTERVAL_SECS: u64 = 1;
/// The page size of ListAccounts and ListAccountRoles without `max_result`.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// The largest request body accepted; larger ones get `InvalidRequestException`.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// The errors of an accounts file or an emulator configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the accounts file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("the accounts file {path} is not valid: {message}")]
    Parse {
        /// The file (or `<string>`).
        path: String,
        /// The TOML parser's explanation, with the line.
        message: String,
    },
    /// A value is not acceptable.
    #[error("invalid emulator configuration: {0}")]
    Invalid(String),
}

/// An AWS account of the emulated organisation, and the roles (permission sets) the
/// user is assigned in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// The account name (`accountName`).
    pub name: String,
    /// The account's email address (`emailAddress`).
    #[serde(default)]
    pub email: String,
    /// The role names the user may get credentials for. An account without roles is
    /// not assigned to the user: it is neither listed nor usable.
    #[serde(default)]
    pub roles: Vec<String>,
}

impl Account {
    /// An account with a name, the email `<name>@example.com` (the name lowercased,
    /// as a [`profile_name`](crate::profile_name)) and the given roles.
    pub fn new(id: impl Into<String>, name: impl Into<String>, roles: &[&str]) -> Self {
        let name = name.into();
        Self {
            id: id.into(),
            email: format!(
                "{}@example.com",
                crate::home::profile_name(&name).to_ascii_lowercase()
            ),
            name,
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    /// Sets the email address.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = email.into();
        self
    }
}

/// The default organisation: the accounts of an emulator given none (the binary
/// without `--accounts`, [`EmulatorConfig::default`], `ssokit demo`, Python's
/// `ssokit.testing.Emulator()` and Node's `Emulator.start()`):
///
/// | id | name | email | roles |
/// | --- | --- | --- | --- |
/// | `111122223333` | `dev` | `dev@example.com` | `ReadOnly`, `AdministratorAccess` |
/// | `444455556666` | `staging` | `staging@example.com` | `ReadOnly`, `Deployer` |
/// | `777788889999` | `prod` | `prod@example.com` | `ReadOnly` |
///
/// Its profiles are listed at [`profiles`](crate::profiles).
pub fn default_accounts() -> Vec<Account> {
    vec![
        Account::new("111122223333", "dev", &["ReadOnly", "AdministratorAccess"]),
        Account::new("444455556666", "staging", &["ReadOnly", "Deployer"]),
        Account::new("777788889999", "prod", &["ReadOnly"]),
    ]
}

/// The same accounts as [`default_accounts`] (the name it had before).
pub fn sample_accounts() -> Vec<Account> {
    default_accounts()
}

/// Everything the emulator can be configured with. [`Default`] gives the
/// [`default_accounts`] and the `DEFAULT_*` settings on an ephemeral loopback port.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EmulatorConfig {
    /// The organisation's accounts.
    pub accounts: Vec<Account>,
    /// The address to listen on (127.0.0.1 by default).
    pub host: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// `expiresIn` of access tokens (capped by what is left of the session).
    pub token_lifetime: Duration,
    /// How long an Identity Center session lasts: refreshes fail with
    /// `invalid_grant` after it.
    pub session_lifetime: Duration,
    /// How long role credentials are valid.
    pub credentials_lifetime: Duration,
    /// How long a client registration is valid (`clientSecretExpiresAt`).
    pub registration_lifetime: Duration,
    /// How long a device code may be approved and polled (`expiresIn`).
    pub device_code_lifetime: Duration,
    /// How long a PKCE authorization code may be exchanged.
    pub authorization_code_lifetime: Duration,
    /// The device-flow `interval`, in whole seconds (at least 1).
    pub poll_interval_secs: u64,
    /// `Some(n)`: a device code is approved on its `n+1`-th poll (the first `n` polls
    /// answer `authorization_pending`), and PKCE authorizations are approved at once.
    /// `None`: a person (or [`approve`](crate::EmulatorControl::approve)) decides.
    pub auto_approve_after_polls: Option<u32>,
    /// The page size of the list operations when the request has no `max_result`.
    pub default_page_size: u32,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
    /// Serve HTTPS with this certificate and key instead of plain HTTP.
    pub tls: Option<crate::TlsIdentity>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            accounts: default_accounts(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            session_lifetime: DEFAULT_SESSION_LIFETIME,
            credentials_lifetime: DEFAULT_CREDENTIALS_LIFETIME,
            registration_lifetime: DEFAULT_REGISTRATION_LIFETIME,
            device_code_lifetime: DEFAULT_DEVICE_CODE_LIFETIME,
            authorization_code_lifetime: DEFAULT_AUTHORIZATION_CODE_LIFETIME,
            poll_interval_secs: DEFAULT_POLL_INTERVAL_SECS,
            auto_approve_after_polls: None,
            default_page_size: DEFAULT_PAGE_SIZE,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            tls: None,
        }
    }
}

/// The accounts file: `[[accounts]]` tables and an optional `[settings]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    #[serde(default)]
    accounts: Vec<Account>,
    #[serde(default)]
    settings: Settings,
}

/// The `[settings]` table; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    token_lifetime_secs: Option<u64>,
    session_lifetime_secs: Option<u64>,
    credentials_lifetime_secs: Option<u64>,
    registration_lifetime_secs: Option<u64>,
    device_code_lifetime_secs: Option<u64>,
    poll_interval_secs: Option<u64>,
    auto_approve_after_polls: Option<u32>,
    default_page_size: Option<u32>,
}

impl EmulatorConfig {
    /// Reads an accounts file (see [`EmulatorConfig::from_toml_str`]).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses an accounts file:
    ///
    /// ```toml
    /// [settings]                 # optional, every key too
    /// token_lifetime_secs = 3600
    /// auto_approve_after_polls = 1
    ///
    /// [[accounts]]
    /// id = "111122223333"
    /// name = "dev"
    /// email = "dev@example.com"
    /// roles = ["ReadOnly", "AdministratorAccess"]
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        Self::parse(text, "<string>")
    }

    fn parse(text: &str, path: &str) -> Result<Self, ConfigError> {
        let file: AccountsFile = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string().trim().to_owned(),
        })?;
        let s = file.settings;
        let d = Self::default();
        let secs = |v: Option<u64>, default: Duration| v.map_or(default, Duration::from_secs);
        let config = Self {
            accounts: file.accounts,
            token_lifetime: secs(s.token_lifetime_secs, d.token_lifetime),
            session_lifetime: secs(s.session_lifetime_secs, d.session_lifetime),
            credentials_lifetime: secs(s.credentials_lifetime_secs, d.credentials_lifetime),
            registration_lifetime: secs(s.registration_lifetime_secs, d.registration_lifetime),
            device_code_lifetime: secs(s.device_code_lifetime_secs, d.device_code_lifetime),
            poll_interval_secs: s.poll_interval_secs.unwrap_or(d.poll_interval_secs),
            auto_approve_after_polls: s.auto_approve_after_polls,
            default_page_size: s.default_page_size.unwrap_or(d.default_page_size),
            ..d
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks the accounts (12-digit unique ids, role names) and the settings.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let mut ids = HashSet::new();
        for account in &self.accounts {
            if account.id.len() != 12 || !account.id.bytes().all(|b| b.is_ascii_digit()) {
                return invalid(format!(
                    "account id `{}` is not 12 digits",
                    account.id.escape_debug()
                ));
            }
            if !ids.insert(account.id.as_str()) {
                return invalid(format!("account id {} appears twice", account.id));
            }
            let mut roles = HashSet::new();
            for role in &account.roles {
                let ok = !role.is_empty()
                    && role.len() <= 64
                    && role
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
                if !ok {
                    return invalid(format!(
                        "role name `{}` of account {} is not a valid role name",
                        role.escape_debug(),
                        account.id
                    ));
                }
                if !roles.insert(role.as_str()) {
                    return invalid(format!(
                        "role {role} appears twice in account {}",
                        account.id
                    ));
                }
            }
        }
        if self.poll_interval_secs == 0 {
            return invalid("the poll interval must be at least 1 second".into());
        }
        if !(1..=100).contains(&self.default_page_size) {
            return invalid("the default page size must be 1 to 100".into());
        }
        for (name, value) in [
            ("token lifetime", self.token_lifetime),
            ("session lifetime", self.session_lifetime),
            ("credentials lifetime", self.credentials_lifetime),
            ("registration lifetime", self.registration_lifetime),
            ("device code lifetime", self.device_code_lifetime),
            (
                "authorization code lifetime",
                self.authorization_code_lifetime,
            ),
        ] {
            if value < Duration::from_secs(1) {
                return invalid(format!("the {name} must be at least 1 second"));
            }
        }
        Ok(())
    }

    /// The account with this id, if the user is assigned to it (it has roles).
    pub(crate) fn assigned_account(&self, id: &str) -> Option<&Account> {
        self.accounts
            .iter()
            .find(|a| a.id == id && !a.roles.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_accounts_and_settings() {
        let c = EmulatorConfig::from_toml_str(
            "[settings]\ntoken_lifetime_secs = 60\nauto_approve_after_polls = 2\n\n\
             [[accounts]]\nid = \"111122223333\"\nname = \"Dev\"\nemail = \"d@x\"\nroles = [\"A\", \"B\"]\n\n\
             [[accounts]]\nid = \"444455556666\"\nname = \"Empty\"\n",
        )
        .unwrap();
        assert_eq!(c.accounts.len(), 2);
        assert_eq!(c.accounts[0].roles, ["A", "B"]);
        assert!(c.accounts[1].roles.is_empty());
        assert_eq!(c.token_lifetime, Duration::from_secs(60));
        assert_eq!(c.auto_approve_after_polls, Some(2));
        assert_eq!(c.session_lifetime, DEFAULT_SESSION_LIFETIME);
        assert!(c.assigned_account("444455556666").is_none());
        assert!(c.assigned_account("111122223333").is_some());
    }

    #[test]
    fn rejects_bad_files() {
        for (text, want) in [
            ("[[accounts]]\nid = \"1\"\nname = \"x\"\n", "12 digits"),
            (
                "[[accounts]]\nid = \"111122223333\"\nname = \"x\"\n[[accounts]]\nid = \"111122223333\"\nname = \"y\"\n",
                "twice",
            ),
            (
                "[[accounts]]\nid = \"111122223333\"\nname = \"x\"\nroles = [\"a b\"]\n",
                "role name",
            ),
            (
                "[[accounts]]\nid = \"111122223333\"\nnam = \"x\"\n",
                "unknown field",
            ),
            ("[settings]\npoll_interval_secs = 0\n", "poll interval"),
            ("not toml =", "not valid"),
        ] {
            let err = EmulatorConfig::from_toml_str(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = EmulatorConfig::from_file("/nonexistent/accounts.toml").unwrap_err();
        assert!(err.to_string().contains("/nonexistent/accounts.toml"));
    }

    #[test]
    fn default_is_valid() {
        EmulatorConfig::default().validate().unwrap();
        assert_eq!(EmulatorConfig::default().accounts, default_accounts());
    }

    #[test]
    fn default_organisation() {
        let accounts = default_accounts();
        let rows: Vec<(&str, &str, &str, Vec<&str>)> = accounts
            .iter()
            .map(|a| {
                let roles = a.roles.iter().map(String::as_str).collect();
                (a.id.as_str(), a.name.as_str(), a.email.as_str(), roles)
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "111122223333",
                    "dev",
                    "dev@example.com",
                    vec!["ReadOnly", "AdministratorAccess"]
                ),
                (
                    "444455556666",
                    "staging",
                    "staging@example.com",
                    vec!["ReadOnly", "Deployer"]
                ),
                ("777788889999", "prod", "prod@example.com", vec!["ReadOnly"]),
            ]
        );
        assert_eq!(sample_accounts(), accounts);
    }

    #[test]
    fn account_emails_follow_the_name() {
        assert_eq!(
            Account::new("123456789012", "Dev Team (EU)", &[]).email,
            "dev-team-eu@example.com"
        );
        assert_eq!(
            Account::new("123456789012", "x", &[]).email("a@b").email,
            "a@b"
        );
    }
}
