//! The CLI where its surroundings are wrong: `status` with a broken legacy profile,
//! `credentials --login` with nowhere to show the device code (under
//! `credential_process`), and an unusable proxy setting.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

const CONFIG: &str = "\
[profile dev]
sso_session = org
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile legacy-no-region]
sso_start_url = https://d-2222222222.awsapps.com/start
sso_account_id = 111122223333
sso_role_name = ReadOnly

[sso-session org]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = us-east-1
";

fn home_with(config: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(home.path().join(".aws/config"), config).unwrap();
    home
}

fn ssokit(home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ssokit"));
    c.args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    c
}

/// A loopback port on which nothing listens.
fn dead_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[test]
fn status_lists_an_invalid_legacy_profile_with_its_problem() {
    let home = home_with(CONFIG);
    let out = ssokit(home.path(), &["status", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sessions = json["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{json:#}");
    assert_eq!(sessions[0]["sso_session"], "org");
    assert_eq!(sessions[0]["problem"], Value::Null);
    let legacy = &sessions[1];
    assert_eq!(legacy["sso_session"], Value::Null);
    assert_eq!(
        legacy["sso_start_url"],
        "https://d-2222222222.awsapps.com/start"
    );
    assert_eq!(legacy["profiles"], serde_json::json!(["legacy-no-region"]));
    assert_eq!(legacy["logged_in"], false);
    let problem = legacy["problem"].as_str().unwrap();
    assert!(problem.contains("sso_region"), "{problem}");

    let out = ssokit(home.path(), &["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("legacy-no-region") && text.contains("problem"),
        "{text}"
    );
}

#[test]
fn an_unusable_proxy_setting_is_an_error_not_a_direct_connection() {
    let home = home_with(CONFIG);
    let out = ssokit(
        home.path(),
        &["login", "--profile", "dev", "--use-device-code", "--no-browser"],
    )
    .env("HTTPS_PROXY", "http://alice:hunter2@proxy.example.com:99999")
    // Never the network, even if the setting were ignored.
    .env("AWS_ENDPOINT_URL_SSO_OIDC", dead_endpoint())
    .env("AWS_ENDPOINT_URL_SSO", dead_endpoint())
    .output()
    .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("HTTPS_PROXY=http://***@proxy.example.com:99999"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
