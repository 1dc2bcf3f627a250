//! botocore, a client no one here wrote, against the `ssokit-emulator` binary: its SSO
//! token provider refreshes a token, its SSO credential provider gets role
//! credentials, and its paginators walk the accounts and roles.
//!
//! botocore runs in a subprocess (it fixes its cache directory when imported) with
//! `HOME` set to a temporary directory and `AWS_ENDPOINT_URL_SSO` /
//! `AWS_ENDPOINT_URL_SSO_OIDC` pointing at the emulator. The interpreter is
//! `$SSOKIT_TEST_PYTHON`, else the repository's `.venv`, else `python3` (see
//! `ssokit_tests::tools`).
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use ssokit::auth::login::{DevicePrompt, LoginOptions};
use ssokit::cache::CacheDirs;
use ssokit::time::{Clock, SystemClock};
use ssokit_tests::{run, tools};

const ACCOUNTS: &str = r#"
[[accounts]]
id = "111122223333"
name = "Development"
email = "dev@example.com"
roles = ["ReadOnly", "Admin", "Deployer"]

[[accounts]]
id = "444455556666"
name = "Production"
email = "prod@example.com"
roles = ["ReadOnly"]

[[accounts]]
id = "777788889999"
name = "Sandbox"
roles = ["Admin"]
"#;

const BOTOCORE: &str = r#"
import json, botocore.session
session = botocore.session.Session(profile="dev")
creds = session.get_credentials().get_frozen_credentials()
token = session.get_auth_token().get_frozen_token().token
sso = session.create_client("sso", region_name="us-east-1")
accounts = []
for page in sso.get_paginator("list_accounts").paginate(accessToken=token, PaginationConfig={"PageSize": 1}):
    accounts += [a["accountId"] for a in page["accountList"]]
roles = []
for page in sso.get_paginator("list_account_roles").paginate(accessToken=token, accountId="111122223333", PaginationConfig={"PageSize": 2}):
    roles += [r["roleName"] for r in page["roleList"]]
try:
    sso.get_role_credentials(accessToken=token, accountId="444455556666", roleName="Admin")
    missing = None
except sso.exceptions.ResourceNotFoundException as e:
    missing = e.response["Error"]["Code"]
sso.logout(accessToken=token)
try:
    sso.list_accounts(accessToken=token)
    after_logout = None
except sso.exceptions.UnauthorizedException as e:
    after_logout = e.response["Error"]["Code"]
print(json.dumps({"access_key": creds.access_key, "secret_key": bool(creds.secret_key), "session_token": bool(creds.token),
                  "accounts": accounts, "roles": roles, "missing": missing, "after_logout": after_logout}))
"#;

/// The emulator binary; killed when dropped.
struct Binary {
    child: Child,
    url: String,
}

impl Binary {
    fn start(accounts: &Path) -> Self {
        let mut child = Command::new(run::cargo_bin("ssokit-emulator"))
            .args(["--port", "0", "--auto-approve", "0", "--accounts"])
            .arg(accounts)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "first line: {line:?}");
        Self { child, url }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_config(home: &Path) {
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-east-1\n\n\
         [sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access\n",
    )
    .unwrap();
}

#[tokio::test]
async fn botocore_refreshes_and_gets_credentials_from_the_binary() {
    let Some(python) = tools::python_with_botocore() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.toml");
    std::fs::write(&accounts, ACCOUNTS).unwrap();
    let emulator = Binary::start(&accounts);
    let url = emulator.url.clone();
    let home = dir.path().join("home");
    write_config(&home);

    // Log in with ssokit (the binary auto-approves), then leave five minutes on the
    // token so that botocore must refresh it.
    let dirs = CacheDirs::under_home(&home);
    let login = ssokit_tests::device_login(&url, dirs.clone());
    let ignore = |_: &DevicePrompt| {};
    let mut token = login
        .login(
            &ignore,
            // A failure ends within a minute, never after the default ten.
            &LoginOptions::default().with_timeout(Some(std::time::Duration::from_secs(60))),
        )
        .await
        .unwrap();
    let logged_in_access = token.access_token.expose_secret().to_owned();
    token.expires_at = SystemClock.now() + Duration::from_secs(300);
    dirs.tokens().store("my-sso", &token).unwrap();

    let out = run::success(
        Command::new(python)
            .args(["-c", BOTOCORE])
            .env_clear()
            .env("HOME", &home)
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_ENDPOINT_URL_SSO", &url)
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &url),
    );
    let got: Value = serde_json::from_str(&out).unwrap();
    assert!(
        got["access_key"].as_str().unwrap().starts_with("ASIA"),
        "{got}"
    );
    assert_eq!(got["secret_key"], true);
    assert_eq!(got["session_token"], true);
    assert_eq!(
        got["accounts"],
        serde_json::json!(["111122223333", "444455556666", "777788889999"])
    );
    assert_eq!(
        got["roles"],
        serde_json::json!(["ReadOnly", "Admin", "Deployer"])
    );
    assert_eq!(got["missing"], "ResourceNotFoundException");
    assert_eq!(got["after_logout"], "UnauthorizedException");

    // botocore refreshed through the emulator and wrote the new token.
    let refreshed = dirs.tokens().load("my-sso").unwrap();
    assert_ne!(refreshed.access_token.expose_secret(), logged_in_access);
    assert!(refreshed.expires_at > SystemClock.now() + Duration::from_secs(3000));

    // The binary's request log (admin endpoint) shows what botocore did.
    let log: Value = reqwest::get(format!("{url}/_emulator/requests"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seen: Vec<String> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["operation"].as_str().unwrap_or("-"),
                r["detail"]
                    .as_str()
                    .unwrap_or(r["error"].as_str().unwrap_or(""))
            )
        })
        .collect();
    let seen: Vec<&str> = seen.iter().map(|s| s.trim_end()).collect();
    assert_eq!(
        seen,
        [
            "RegisterClient",
            "StartDeviceAuthorization",
            "CreateToken urn:ietf:params:oauth:grant-type:device_code",
            "CreateToken refresh_token",
            "GetRoleCredentials",
            "ListAccounts",
            "ListAccounts",
            "ListAccounts",
            "ListAccountRoles",
            "ListAccountRoles",
            "GetRoleCredentials ResourceNotFoundException",
            "Logout",
            "ListAccounts UnauthorizedException",
        ]
    );
}
