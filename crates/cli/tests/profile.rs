//! End-to-end tests of `ssokit profile` and `ssokit profiles`, running the binary.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

const CONFIG: &str = "\
[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1

[profile plain]
region = us-west-2

[sso-session my-sso]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
";

fn ssokit(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssokit"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .output()
        .unwrap()
}

fn home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".aws")).unwrap();
    std::fs::write(dir.path().join(".aws").join("config"), CONFIG).unwrap();
    dir
}

#[test]
fn profile_json_describes_the_profile_and_its_caches() {
    let home = home();
    let out = ssokit(home.path(), &["profile", "--profile", "dev", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The field names of core's ProfileDescription, shared with Python's SsoProfile
    // (the same names) and Node's resolveProfile() (their camelCase).
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "name",
            "session_name",
            "start_url",
            "sso_region",
            "scopes",
            "account_id",
            "role_name",
            "region",
            "oidc_endpoint",
            "portal_endpoint",
            "token_cache_path",
            "registration_cache_path",
            "role_cache_path",
            "warnings"
        ]
    );
    assert_eq!(v["name"], "dev");
    assert_eq!(v["session_name"], "my-sso");
    assert_eq!(v["account_id"], "111122223333");
    assert_eq!(v["scopes"], serde_json::json!(["sso:account:access"]));
    assert_eq!(v["oidc_endpoint"], "https://oidc.us-east-1.amazonaws.com");
    let token = home
        .path()
        .join(".aws/sso/cache")
        .join(format!("{}.json", ssokit::cache::token_cache_key("my-sso")));
    assert_eq!(v["token_cache_path"], token.to_str().unwrap());
    let registration = v["registration_cache_path"].as_str().unwrap();
    assert!(registration.starts_with(home.path().join(".aws/sso/cache").to_str().unwrap()));
    let role = v["role_cache_path"].as_str().unwrap();
    assert!(role.starts_with(home.path().join(".aws/cli/cache").to_str().unwrap()));
}

#[test]
fn profile_text_and_aws_profile() {
    let home = home();
    let out = Command::new(env!("CARGO_BIN_EXE_ssokit"))
        .args(["profile"])
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_PROFILE", "dev")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("[profile dev]\n"), "{text}");
    assert!(text.contains("ReadOnly"));
    assert!(text.contains("https://d-1234567890.awsapps.com/start"));
}

/// `ssokit profile --json` with these environment variables: the profile chosen and
/// the standard error.
fn chosen_profile(home: &Path, vars: &[(&str, &str)]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ssokit"))
        .args(["profile", "--json"])
        .env_clear()
        .env("HOME", home)
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (v["name"].as_str().unwrap().to_owned(), stderr)
}

#[test]
fn aws_default_profile_is_used_after_aws_profile_and_a_disagreement_is_said_once() {
    let home = home();
    std::fs::write(
        home.path().join(".aws").join("config"),
        format!("{CONFIG}\n[profile prod]\nsso_session = my-sso\nsso_account_id = 444455556666\nsso_role_name = ReadOnly\n"),
    )
    .unwrap();
    let (profile, stderr) = chosen_profile(home.path(), &[("AWS_DEFAULT_PROFILE", "prod")]);
    assert_eq!(profile, "prod");
    assert_eq!(stderr, "");
    let (profile, stderr) = chosen_profile(home.path(), &[("AWS_PROFILE", "dev")]);
    assert_eq!(profile, "dev");
    assert_eq!(stderr, "");
    let (profile, stderr) = chosen_profile(
        home.path(),
        &[("AWS_PROFILE", "dev"), ("AWS_DEFAULT_PROFILE", "prod")],
    );
    assert_eq!(profile, "dev");
    let warnings: Vec<_> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("AWS_PROFILE (dev)")
            && warnings[0].contains("AWS_DEFAULT_PROFILE (prod)"),
        "{stderr}"
    );
    // The same profile in both: no warning.
    let (profile, stderr) = chosen_profile(
        home.path(),
        &[("AWS_PROFILE", "prod"), ("AWS_DEFAULT_PROFILE", "prod")],
    );
    assert_eq!(profile, "prod");
    assert_eq!(stderr, "");
}

#[test]
fn config_errors_exit_253_with_one_line() {
    let home = home();
    for (profile, needle) in [("nope", "nope"), ("plain", "plain")] {
        let out = ssokit(home.path(), &["profile", "--profile", profile]);
        assert_eq!(out.status.code(), Some(253));
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("ssokit: ") && err.contains(needle), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}

#[test]
fn usage_errors_exit_252() {
    let home = home();
    let out = ssokit(home.path(), &["profile", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(252));
    let out = ssokit(home.path(), &["--version"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn profiles_lists_names() {
    let home = home();
    let out = ssokit(home.path(), &["profiles"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "dev\nplain\n");
}

#[test]
fn the_readme_example_config_resolves() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/config");
    let home = tempfile::tempdir().unwrap();
    for profile in ["dev", "prod", "token-only", "legacy"] {
        let out = ssokit(
            home.path(),
            &[
                "profile",
                "--config-file",
                examples.to_str().unwrap(),
                "--profile",
                profile,
            ],
        );
        assert!(
            out.status.success(),
            "{profile}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
