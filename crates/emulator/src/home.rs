//! The emulator's organisation as AWS profiles: the one naming rule every front-end
//! uses (`ssokit demo`, Python's `ssokit.testing.Emulator`, Node's `Emulator`), and
//! an AWS home whose config points at a running emulator.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use crate::config::Account;

/// The name of the `[sso-session]` of an [`EmulatorHome`] config.
pub const DEFAULT_SSO_SESSION: &str = "emulator";
/// The start URL of that session. The emulator accepts any start URL and nothing
/// contacts it (the endpoints are overridden); ssokit's config checks want `https://`.
pub const DEFAULT_START_URL: &str = "https://d-0000000000.awsapps.com/start";
/// The `sso_region` of the session and the `region` of every profile.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The name of the profile of the first role of the first account with roles.
pub const DEFAULT_PROFILE: &str = "default";

/// One profile of an [`EmulatorHome`] config: a name for one role of one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Profile {
    /// The profile name (`[default]` in the config for [`DEFAULT_PROFILE`],
    /// `[profile <name>]` otherwise).
    pub name: String,
    /// `sso_account_id`.
    pub account_id: String,
    /// `sso_role_name`.
    pub role_name: String,
}

impl Profile {
    fn new(name: String, account: &Account, role: &str) -> Self {
        Self {
            name,
            account_id: account.id.clone(),
            role_name: role.to_owned(),
        }
    }
}

/// Makes text usable as (part of) a profile name: every run of characters other than
/// ASCII letters, digits and `_ . @ + = , -` becomes one `-`, leading and trailing
/// `-` are dropped, and nothing left gives `account`. `"Dev Team (EU)"` becomes
/// `"Dev-Team-EU"`.
pub fn profile_name(text: &str) -> String {
    let mut name = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || "_.@+=,-".contains(c) {
            if gap && !name.is_empty() {
                name.push('-');
            }
            gap = false;
            name.push(c);
        } else {
            gap = true;
        }
    }
    let name = name.trim_matches('-');
    if name.is_empty() {
        "account".to_owned()
    } else {
        name.to_owned()
    }
}

/// The profiles for these accounts, in the order an [`EmulatorHome`] config lists
/// them. The one naming rule of every ssokit front-end:
///
/// - `default`: the first role of the first account that has roles;
/// - then for each account, with `<name>` its [`profile_name`]:
///   - `<name>`: its first role;
///   - `<name>-<role>`: each of its roles, in order.
///
/// A name already taken keeps its first meaning; when `<name>-<role>` is taken (two
/// accounts with the same name), that role is `<account id>-<role>` instead, so every
/// role of every account has a profile. Accounts without roles have none.
///
/// For [`default_accounts`](crate::default_accounts): `default`, `dev`,
/// `dev-ReadOnly`, `dev-AdministratorAccess`, `staging`, `staging-ReadOnly`,
/// `staging-Deployer`, `prod`, `prod-ReadOnly`.
pub fn profiles(accounts: &[Account]) -> Vec<Profile> {
    let mut table: Vec<Profile> = Vec::new();
    let taken = |table: &[Profile], name: &str| table.iter().any(|p| p.name == name);
    if let Some((account, role)) = accounts
        .iter()
        .find_map(|a| a.roles.first().map(|role| (a, role)))
    {
        table.push(Profile::new(DEFAULT_PROFILE.to_owned(), account, role));
    }
    for account in accounts {
        let base = profile_name(&account.name);
        for (i, role) in account.roles.iter().enumerate() {
            let role_part = profile_name(role);
            let mut names = Vec::with_capacity(2);
            if i == 0 {
                names.push(base.clone());
            }
            let full = format!("{base}-{role_part}");
            if taken(&table, &full) {
                names.push(format!("{}-{role_part}", account.id));
            } else {
                names.push(full);
            }
            for name in names {
                if !taken(&table, &name) {
                    table.push(Profile::new(name, account, role));
                }
            }
        }
    }
    table
}

/// The `[sso-session]`, start URL and region of an [`EmulatorHome`] config.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HomeOptions {
    /// The session name ([`DEFAULT_SSO_SESSION`]).
    pub sso_session: String,
    /// `sso_start_url` ([`DEFAULT_START_URL`]).
    pub start_url: String,
    /// `sso_region` and every profile's `region` ([`DEFAULT_REGION`]).
    pub region: String,
}

impl Default for HomeOptions {
    fn default() -> Self {
        Self {
            sso_session: DEFAULT_SSO_SESSION.to_owned(),
            start_url: DEFAULT_START_URL.to_owned(),
            region: DEFAULT_REGION.to_owned(),
        }
    }
}

impl HomeOptions {
    /// Sets the session name.
    pub fn sso_session(mut self, name: impl Into<String>) -> Self {
        self.sso_session = name.into();
        self
    }

    /// Sets the start URL.
    pub fn start_url(mut self, url: impl Into<String>) -> Self {
        self.start_url = url.into();
        self
    }

    /// Sets the region.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }
}

/// The AWS config text for these accounts: the `[sso-session]` first, then every
/// profile of [`profiles`] with `sso_session`, `sso_account_id`, `sso_role_name` and
/// `region`.
pub fn config_text(accounts: &[Account], options: &HomeOptions) -> String {
    let HomeOptions {
        sso_session,
        start_url,
        region,
    } = options;
    let mut text = format!(
        "[sso-session {sso_session}]\nsso_start_url = {start_url}\nsso_region = {region}\n\
         sso_registration_scopes = sso:account:access\n"
    );
    for profile in profiles(accounts) {
        let header = if profile.name == DEFAULT_PROFILE {
            DEFAULT_PROFILE.to_owned()
        } else {
            format!("profile {}", profile.name)
        };
        let _ = write!(
            text,
            "\n[{header}]\nsso_session = {sso_session}\nsso_account_id = {}\nsso_role_name = {}\nregion = {region}\n",
            profile.account_id, profile.role_name
        );
    }
    text
}

/// An AWS home for a running emulator, as [`EmulatorHome::write`] (or
/// [`EmulatorControl::write_home`](crate::EmulatorControl::write_home)) made it:
/// `<dir>/.aws/config` with an `[sso-session]` and the [`profiles`], an empty
/// `<dir>/.aws/credentials`, and the environment that points ssokit, the AWS CLI,
/// botocore and the AWS SDKs at both.
///
/// ```no_run
/// # fn demo(control: &ssokit_emulator::EmulatorControl) -> std::io::Result<()> {
/// use ssokit_emulator::HomeOptions;
///
/// let dir = std::env::temp_dir().join("my-test-home");
/// let home = control.write_home(&dir, &HomeOptions::default())?;
/// let mut aws = std::process::Command::new("aws");
/// aws.args(["sso", "login", "--profile", "dev", "--use-device-code"]);
/// for var in home.cleared_vars() {
///     aws.env_remove(var);
/// }
/// aws.envs(home.env.iter().map(|(k, v)| (k, v)));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmulatorHome {
    /// The home directory (`HOME`, `USERPROFILE`).
    pub dir: PathBuf,
    /// `<dir>/.aws/config` (`AWS_CONFIG_FILE`).
    pub config_file: PathBuf,
    /// `<dir>/.aws/credentials`, empty (`AWS_SHARED_CREDENTIALS_FILE`).
    pub credentials_file: PathBuf,
    /// The `[sso-session]` name.
    pub sso_session: String,
    /// The session's start URL.
    pub start_url: String,
    /// The session's region, and every profile's.
    pub region: String,
    /// The profiles of the config, in its order (see [`profiles`]).
    pub profiles: Vec<Profile>,
    /// The environment to set: `HOME` and `USERPROFILE` (the directory),
    /// `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, and the emulator's URL as
    /// `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`, (console sign-in)
    /// `AWS_ENDPOINT_URL_SIGNIN` and (role chaining) `AWS_ENDPOINT_URL_STS`.
    pub env: Vec<(String, String)>,
}

/// Variables that would make a client use something other than the home's config
/// and the emulator: a process pointed at an [`EmulatorHome`] should not have them.
const CLEARED_VARS: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
];

impl EmulatorHome {
    /// Writes `<dir>/.aws/config` (replacing it) for these accounts and an empty
    /// `<dir>/.aws/credentials`, creating the directories (`.aws` private on Unix),
    /// for the emulator at `url` (its [`url`](crate::EmulatorControl::url)).
    pub fn write(
        dir: impl AsRef<Path>,
        accounts: &[Account],
        url: &str,
        options: &HomeOptions,
    ) -> io::Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        let aws = dir.join(".aws");
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&aws)?;
        let config_file = aws.join("config");
        let credentials_file = aws.join("credentials");
        std::fs::write(&config_file, config_text(accounts, options))?;
        std::fs::write(&credentials_file, "")?;
        let path = |p: &Path| p.to_string_lossy().into_owned();
        let env = vec![
            ("HOME".to_owned(), path(&dir)),
            ("USERPROFILE".to_owned(), path(&dir)),
            ("AWS_CONFIG_FILE".to_owned(), path(&config_file)),
            (
                "AWS_SHARED_CREDENTIALS_FILE".to_owned(),
                path(&credentials_file),
            ),
            ("AWS_ENDPOINT_URL_SSO".to_owned(), url.to_owned()),
            ("AWS_ENDPOINT_URL_SSO_OIDC".to_owned(), url.to_owned()),
            // Console sign-in: the emulator's federation endpoint.
            ("AWS_ENDPOINT_URL_SIGNIN".to_owned(), url.to_owned()),
            // Role chaining: the emulator's STS (AssumeRole at `POST /`).
            ("AWS_ENDPOINT_URL_STS".to_owned(), url.to_owned()),
        ];
        Ok(Self {
            dir,
            config_file,
            credentials_file,
            sso_session: options.sso_session.clone(),
            start_url: options.start_url.clone(),
            region: options.region.clone(),
            profiles: profiles(accounts),
            env,
        })
    }

    /// The variables a process using this home should not have, because they would
    /// pick another profile, other credentials or other endpoints: `AWS_PROFILE`,
    /// `AWS_DEFAULT_PROFILE`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_SESSION_TOKEN`, `AWS_ENDPOINT_URL`, `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`,
    /// the container credential variables and `AWS_WEB_IDENTITY_TOKEN_FILE`.
    pub fn cleared_vars(&self) -> &'static [&'static str] {
        CLEARED_VARS
    }

    /// The profile with this name.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::default_accounts;

    fn names(accounts: &[Account]) -> Vec<String> {
        profiles(accounts).into_iter().map(|p| p.name).collect()
    }

    #[test]
    fn default_organisation_profiles() {
        let table = profiles(&default_accounts());
        let rows: Vec<(&str, &str, &str)> = table
            .iter()
            .map(|p| (p.name.as_str(), p.account_id.as_str(), p.role_name.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("default", "111122223333", "ReadOnly"),
                ("dev", "111122223333", "ReadOnly"),
                ("dev-ReadOnly", "111122223333", "ReadOnly"),
                (
                    "dev-AdministratorAccess",
                    "111122223333",
                    "AdministratorAccess"
                ),
                ("staging", "444455556666", "ReadOnly"),
                ("staging-ReadOnly", "444455556666", "ReadOnly"),
                ("staging-Deployer", "444455556666", "Deployer"),
                ("prod", "777788889999", "ReadOnly"),
                ("prod-ReadOnly", "777788889999", "ReadOnly"),
            ]
        );
    }

    #[test]
    fn names_are_sanitized() {
        for (text, want) in [
            ("dev", "dev"),
            ("Dev Team (EU)", "Dev-Team-EU"),
            ("  spaced  ", "spaced"),
            ("a/b\\c]d[e", "a-b-c-d-e"),
            ("ünïcode", "n-code"),
            ("--x--", "x"),
            ("", "account"),
            ("()", "account"),
            ("ok_.@+=,-x", "ok_.@+=,-x"),
        ] {
            assert_eq!(profile_name(text), want, "{text:?}");
        }
        let accounts = [Account::new("123456789012", "My Team", &["Ops"])];
        assert_eq!(names(&accounts), ["default", "My-Team", "My-Team-Ops"]);
    }

    #[test]
    fn default_skips_accounts_without_roles() {
        let accounts = [
            Account::new("111111111111", "empty", &[]),
            Account::new("222222222222", "solo", &["Dev", "Ops"]),
        ];
        let table = profiles(&accounts);
        assert_eq!(
            names(&accounts),
            ["default", "solo", "solo-Dev", "solo-Ops"]
        );
        assert_eq!(table[0].account_id, "222222222222");
        assert!(profiles(&[Account::new("111111111111", "empty", &[])]).is_empty());
        assert!(profiles(&[]).is_empty());
    }

    #[test]
    fn every_role_keeps_a_profile_when_names_collide() {
        let accounts = [
            Account::new("111111111111", "team", &["Dev"]),
            Account::new("222222222222", "team", &["Dev", "Ops"]),
            Account::new("333333333333", "default", &["Dev"]),
        ];
        let table = profiles(&accounts);
        let rows: Vec<(&str, &str, &str)> = table
            .iter()
            .map(|p| (p.name.as_str(), p.account_id.as_str(), p.role_name.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("default", "111111111111", "Dev"),
                ("team", "111111111111", "Dev"),
                ("team-Dev", "111111111111", "Dev"),
                ("222222222222-Dev", "222222222222", "Dev"),
                ("team-Ops", "222222222222", "Ops"),
                ("default-Dev", "333333333333", "Dev"),
            ]
        );
    }

    #[test]
    fn config_text_lists_the_session_then_the_profiles() {
        let accounts = [Account::new("123456789012", "solo", &["Dev", "Ops"])];
        let text = config_text(&accounts, &HomeOptions::default());
        assert_eq!(
            text,
            "[sso-session emulator]\n\
             sso_start_url = https://d-0000000000.awsapps.com/start\n\
             sso_region = us-east-1\n\
             sso_registration_scopes = sso:account:access\n\
             \n[default]\nsso_session = emulator\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n\
             \n[profile solo]\nsso_session = emulator\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n\
             \n[profile solo-Dev]\nsso_session = emulator\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n\
             \n[profile solo-Ops]\nsso_session = emulator\nsso_account_id = 123456789012\nsso_role_name = Ops\nregion = us-east-1\n"
        );
        let other = HomeOptions::default()
            .sso_session("org")
            .start_url("https://d-1234567890.awsapps.com/start")
            .region("eu-west-1");
        let text = config_text(&accounts, &other);
        assert!(text.starts_with(
            "[sso-session org]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n"
        ));
        assert!(text.contains("sso_session = org\n") && text.contains("region = eu-west-1\n"));
    }

    #[test]
    fn write_creates_the_home_and_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("nested/home");
        let accounts = default_accounts();
        let home = EmulatorHome::write(
            &root,
            &accounts,
            "http://127.0.0.1:4566",
            &HomeOptions::default(),
        )
        .unwrap();
        assert_eq!(home.dir, root);
        assert_eq!(home.config_file, root.join(".aws/config"));
        assert_eq!(home.credentials_file, root.join(".aws/credentials"));
        assert_eq!(
            std::fs::read_to_string(&home.config_file).unwrap(),
            config_text(&accounts, &HomeOptions::default())
        );
        assert_eq!(std::fs::read_to_string(&home.credentials_file).unwrap(), "");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(root.join(".aws"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let var = |name: &str| {
            home.env
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let root_text = root.to_string_lossy();
        assert_eq!(var("HOME"), Some(&*root_text));
        assert_eq!(var("USERPROFILE"), Some(&*root_text));
        assert_eq!(
            var("AWS_CONFIG_FILE"),
            Some(&*home.config_file.to_string_lossy())
        );
        assert_eq!(
            var("AWS_SHARED_CREDENTIALS_FILE"),
            Some(&*home.credentials_file.to_string_lossy())
        );
        assert_eq!(var("AWS_ENDPOINT_URL_SSO"), Some("http://127.0.0.1:4566"));
        assert_eq!(
            var("AWS_ENDPOINT_URL_SSO_OIDC"),
            Some("http://127.0.0.1:4566")
        );
        assert_eq!(
            var("AWS_ENDPOINT_URL_SIGNIN"),
            Some("http://127.0.0.1:4566")
        );
        assert_eq!(var("AWS_ENDPOINT_URL_STS"), Some("http://127.0.0.1:4566"));
        assert_eq!(home.env.len(), 8);
        assert_eq!(home.profiles, profiles(&accounts));
        assert_eq!(home.profile("dev").unwrap().account_id, "111122223333");
        assert!(home.profile("nope").is_none());
        assert_eq!(
            (
                home.sso_session.as_str(),
                home.start_url.as_str(),
                home.region.as_str()
            ),
            (DEFAULT_SSO_SESSION, DEFAULT_START_URL, DEFAULT_REGION)
        );
        assert!(home.cleared_vars().contains(&"AWS_PROFILE"));
        assert!(!home.cleared_vars().iter().any(|v| var(v).is_some()));

        // Writing again replaces the config.
        let one = [Account::new("123456789012", "solo", &["Dev"])];
        let again = EmulatorHome::write(&root, &one, "http://x", &HomeOptions::default()).unwrap();
        assert!(
            std::fs::read_to_string(&again.config_file)
                .unwrap()
                .contains("[profile solo]")
        );
        assert!(
            !std::fs::read_to_string(&again.config_file)
                .unwrap()
                .contains("[profile dev]")
        );
    }
}
