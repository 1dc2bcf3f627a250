//! End-to-end tests of every `ssokit` command, running the real binary against the
//! emulator (started in-process on a loopback port) in a temporary AWS home.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use ssokit_emulator::{
    Account, BackgroundEmulator, Emulator, Fault, Operation, default_accounts, profiles,
};

const START_URL: &str = "https://d-0000000000.awsapps.com/start";

struct World {
    home: tempfile::TempDir,
    emulator: BackgroundEmulator,
}

fn config_text() -> String {
    format!(
        "# hand-written: keep me\n[profile dev]\nsso_session = org\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = eu-west-1\n\n\
         [profile staging]\nsso_session = org\nsso_account_id = 444455556666\nsso_role_name = Deployer\n\n\
         [sso-session org]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
    )
}

fn world_with(accounts: Vec<Account>) -> World {
    let emulator = Emulator::builder()
        .accounts(accounts)
        .poll_interval_secs(1)
        .auto_approve_after_polls(1)
        .start_in_background()
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(home.path().join(".aws/config"), config_text()).unwrap();
    World { home, emulator }
}

fn world() -> World {
    world_with(default_accounts())
}

impl World {
    fn command(&self, args: &[&str]) -> Command {
        let url = self.emulator.control().url().to_owned();
        let mut c = Command::new(env!("CARGO_BIN_EXE_ssokit"));
        c.args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_ENDPOINT_URL_SSO", &url)
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &url)
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed ({:?}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn login(&self) {
        let out = self.run(&[
            "login",
            "--profile",
            "dev",
            "--no-browser",
            "--timeout",
            "60",
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(
            err.contains(
                "Successfully logged into Start URL: https://d-0000000000.awsapps.com/start"
            ),
            "{err}"
        );
    }

    fn count(&self, op: Operation, detail: Option<&str>) -> usize {
        self.emulator
            .control()
            .request_log()
            .iter()
            .filter(|r| r.operation == Some(op) && r.status == 200)
            .filter(|r| detail.is_none_or(|d| r.detail.as_deref() == Some(d)))
            .count()
    }

    /// Every request of `op` the emulator saw, failed ones included.
    fn requests(&self, op: Operation) -> usize {
        self.emulator
            .control()
            .request_log()
            .iter()
            .filter(|r| r.operation == Some(op))
            .count()
    }

    fn aws(&self) -> PathBuf {
        self.home.path().join(".aws")
    }
}

#[test]
fn login_prints_the_code_and_writes_a_cli_token() {
    let w = world();
    let out = w.run(&[
        "login",
        "--profile",
        "dev",
        "--no-browser",
        "--timeout",
        "60",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(out.stdout.is_empty(), "login writes to stderr only");
    assert!(err.contains("/device"), "{err}");
    // The core's prompt text (the bindings' default prompt writes the same words).
    assert!(
        err.contains("Open the following URL in a browser (on any device):\n\n"),
        "{err}"
    );
    assert!(err.contains("Then enter the code:"), "{err}");
    assert!(err.contains("sso-session \"org\""), "{err}");
    let token = w
        .aws()
        .join("sso/cache")
        .join(format!("{}.json", ssokit::cache::token_cache_key("org")));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(token).unwrap()).unwrap();
    assert_eq!(json["startUrl"], START_URL);
    assert!(json["refreshToken"].is_string());
    // `login` always gets a new token, like `aws sso login`.
    w.login();
    assert_eq!(w.count(Operation::StartDeviceAuthorization, None), 2);
    assert_eq!(
        w.count(Operation::RegisterClient, None),
        1,
        "the registration is reused"
    );
}

#[test]
fn status_before_and_after_login() {
    let w = world();
    let before: Value = serde_json::from_str(&w.ok(&["status", "--json"])).unwrap();
    let s = &before["sessions"][0];
    assert_eq!(s["sso_session"], "org");
    assert_eq!(s["logged_in"], false);
    assert_eq!(s["profiles"], serde_json::json!(["dev", "staging"]));
    w.login();
    let after: Value = serde_json::from_str(&w.ok(&["status", "--json"])).unwrap();
    let s = &after["sessions"][0];
    assert_eq!(s["logged_in"], true);
    assert_eq!(s["refreshable"], true);
    assert!(s["expires_in_seconds"].as_u64().unwrap() > 3000);
    let text = w.ok(&["status"]);
    assert!(text.contains("logged in, expires in"), "{text}");
}

#[test]
fn credentials_process_output_is_exact_and_cached() {
    let w = world();
    w.login();
    let out = w.ok(&["credentials", "--profile", "dev"]);
    let keys: Vec<&str> = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"').and_then(|l| l.split('"').next()))
        .collect();
    assert_eq!(
        keys,
        [
            "Version",
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration"
        ]
    );
    assert!(
        out.starts_with("{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIA"),
        "{out}"
    );
    assert!(out.ends_with("+00:00\"\n}\n"), "{out}");
    // The second call is served from ~/.aws/cli/cache: no second GetRoleCredentials.
    let again = w.ok(&["credentials", "--profile", "dev"]);
    assert_eq!(out, again);
    assert_eq!(w.count(Operation::GetRoleCredentials, None), 1);
    let cached = std::fs::read_dir(w.aws().join("cli/cache"))
        .unwrap()
        .count();
    assert!(cached >= 1);
}

#[cfg(unix)]
#[test]
fn a_world_writable_cache_dir_warns_once_on_stderr_and_leaves_stdout_alone() {
    use std::os::unix::fs::PermissionsExt;
    let w = world();
    w.login();
    let creds = w.ok(&["credentials", "--profile", "dev"]);
    // Without the one field that changes from second to second.
    let stable = |stdout: &str| -> Value {
        let mut v: Value = serde_json::from_str(stdout).unwrap();
        v["sessions"][0]
            .as_object_mut()
            .unwrap()
            .remove("expires_in_seconds");
        v
    };
    let status = stable(&w.ok(&["status", "--json"]));
    let warnings = |out: &Output| -> Vec<String> {
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .map(str::to_owned)
            .collect()
    };
    let open = |dir: &Path| {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    };
    // Private caches: no warning.
    let out = w.run(&["credentials", "--profile", "dev"]);
    assert!(warnings(&out).is_empty(), "{out:?}");

    for (dir, args) in [
        (
            w.aws().join("cli/cache"),
            &["credentials", "--profile", "dev"][..],
        ),
        (w.aws().join("sso/cache"), &["status", "--json"][..]),
    ] {
        open(&dir);
        let out = w.run(args);
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8(out.stdout.clone()).unwrap();
        if args[0] == "status" {
            assert_eq!(stable(&stdout), status);
        } else {
            assert_eq!(stdout, creds);
        }
        let lines = warnings(&out);
        assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
        let line = &lines[0];
        assert!(line.contains(&dir.display().to_string()), "{line}");
        assert!(line.contains("mode 0777"), "{line}");
        assert!(
            line.contains(&format!("chmod 700 {}", dir.display())),
            "{line}"
        );
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}

#[test]
fn debug_logs_never_contain_secrets() {
    let w = world();
    let out = w.run(&[
        "-v",
        "login",
        "--profile",
        "dev",
        "--no-browser",
        "--timeout",
        "60",
    ]);
    assert!(out.status.success());
    let login_log = String::from_utf8(out.stderr).unwrap();
    let out = w.run(&["-v", "credentials", "--profile", "dev"]);
    assert!(out.status.success());
    let log = format!("{login_log}{}", String::from_utf8(out.stderr).unwrap());
    assert!(log.contains("DEBUG"), "-v prints debug logs: {log}");
    let creds: Value = serde_json::from_slice(&out.stdout).unwrap();
    let token: Value = serde_json::from_str(
        &std::fs::read_to_string(
            w.aws()
                .join("sso/cache")
                .join(format!("{}.json", ssokit::cache::token_cache_key("org"))),
        )
        .unwrap(),
    )
    .unwrap();
    for secret in [
        creds["SecretAccessKey"].as_str().unwrap(),
        creds["SessionToken"].as_str().unwrap(),
        token["accessToken"].as_str().unwrap(),
        token["refreshToken"].as_str().unwrap(),
        token["clientSecret"].as_str().unwrap(),
    ] {
        assert!(!log.contains(secret), "a secret reached the debug log");
    }
}

#[test]
fn plain_http_to_the_local_emulator_never_goes_through_a_proxy() {
    let w = world();
    w.login();
    // A dead proxy: if a loopback plain-HTTP request went to it, it would fail (and
    // the token would have travelled to it in clear text).
    let out = w
        .command(&["credentials", "--profile", "dev"])
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn credentials_in_every_format() {
    let w = world();
    w.login();
    for (format, first) in [
        ("env", "export AWS_ACCESS_KEY_ID=ASIA"),
        ("env-no-export", "AWS_ACCESS_KEY_ID=ASIA"),
        ("powershell", "$Env:AWS_ACCESS_KEY_ID=\"ASIA"),
        ("windows-cmd", "set AWS_ACCESS_KEY_ID=ASIA"),
        ("fish", "set -gx AWS_ACCESS_KEY_ID \"ASIA"),
    ] {
        let out = w.ok(&["credentials", "--profile", "dev", "--format", format]);
        assert!(out.starts_with(first), "{format}: {out}");
        assert_eq!(out.lines().count(), 4, "{format}");
        assert!(out.contains("AWS_CREDENTIAL_EXPIRATION"), "{format}");
    }
}

#[test]
fn not_logged_in_and_bad_profiles_fail_with_the_right_codes() {
    let w = world();
    let out = w.run(&["credentials", "--profile", "dev"]);
    assert_eq!(out.status.code(), Some(255));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ssokit login --profile dev"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    let out = w.run(&["credentials", "--profile", "nope"]);
    assert_eq!(out.status.code(), Some(253));
    let out = w.run(&["credentials", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(252));
    // No request to the service without a token, and never a login without --login.
    assert_eq!(w.count(Operation::StartDeviceAuthorization, None), 0);
}

#[test]
fn a_credential_process_loop_is_refused() {
    let w = world();
    let config = format!(
        "{}\n[profile loop]\ncredential_process = ssokit credentials --profile loop\n",
        config_text()
    );
    std::fs::write(w.aws().join("config"), config).unwrap();
    let out = w.run(&["credentials", "--profile", "loop"]);
    assert_eq!(out.status.code(), Some(253));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loop"));
}

#[test]
fn exec_sets_the_environment_and_passes_the_exit_code_through() {
    let w = world();
    w.login();
    let out = w.run(&[
        "exec",
        "--profile",
        "dev",
        "--",
        "sh",
        "-c",
        "echo $AWS_ACCESS_KEY_ID $AWS_REGION ${AWS_SESSION_TOKEN:+token} $AWS_CREDENTIAL_EXPIRATION; exit 7",
    ]);
    assert_eq!(out.status.code(), Some(7));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("ASIA"), "{stdout}");
    assert!(stdout.contains(" eu-west-1 token "), "{stdout}");
    assert!(stdout.trim_end().ends_with("+00:00"), "{stdout}");
    let out = w.run(&[
        "exec",
        "--profile",
        "dev",
        "--",
        "sh",
        "-c",
        "kill -TERM $$",
    ]);
    assert_eq!(out.status.code(), Some(128 + 15));
}

#[test]
fn exec_of_a_missing_command_exits_127_like_a_shell() {
    let w = world();
    w.login();
    let out = w.run(&["exec", "--profile", "dev", "--", "ssokit-no-such-command"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(127), "{stderr}");
    assert!(
        stderr.contains("cannot run ssokit-no-such-command"),
        "{stderr}"
    );
    // A mistyped command is not a bug of ssokit.
    assert!(!stderr.contains("internal error"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn exec_passes_sigterm_on_to_the_command() {
    let w = world();
    w.login();
    let mut child = w
        .command(&[
            "exec",
            "--profile",
            "dev",
            "--",
            "sh",
            "-c",
            "trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Signal only once the command runs with its trap set (a line it prints), waiting
    // for that line with a deadline.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(line.trim(), "ready");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(42),
        "the command saw SIGTERM and its exit code came back"
    );
}

#[test]
fn a_revoked_session_has_ended_for_listings_as_for_credentials() {
    let w = world();
    w.login();
    w.emulator.control().revoke_all_sessions();
    for args in [
        &["accounts", "--profile", "dev"][..],
        &["roles", "--profile", "dev"],
        &["credentials", "--profile", "dev"],
    ] {
        let out = w.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The session-ended error (255) with the command to log in, not a service
        // error (254).
        assert_eq!(out.status.code(), Some(255), "{args:?}: {stderr}");
        assert!(stderr.contains("has ended"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("ssokit login --profile dev"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn an_unreachable_portal_is_a_network_error_255_not_a_service_error() {
    let w = world();
    w.login();
    // A loopback port that nothing listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let out = w
        .command(&["accounts", "--profile", "dev"])
        .env("AWS_ENDPOINT_URL_SSO", &closed)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // As the AWS CLI: a connection failure is 255; 254 is for answers of the service.
    assert_eq!(out.status.code(), Some(255), "{stderr}");
    assert!(stderr.contains("could not reach"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

#[test]
fn accounts_and_roles() {
    let w = world();
    w.login();
    let accounts: Value =
        serde_json::from_str(&w.ok(&["accounts", "--profile", "dev", "--json"])).unwrap();
    let ids: Vec<&str> = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["111122223333", "444455556666", "777788889999"]);
    let table = w.ok(&["accounts", "--sso-session", "org"]);
    assert!(table.starts_with("ACCOUNT ID"), "{table}");
    assert!(table.contains("staging"), "{table}");
    let roles: Value = serde_json::from_str(&w.ok(&[
        "roles",
        "--profile",
        "dev",
        "--json",
        "--account-id",
        "444455556666",
    ]))
    .unwrap();
    // One account: its roles sorted by name; the account's name is not known there.
    assert_eq!(
        roles["roles"],
        serde_json::json!([
            {"account_id": "444455556666", "account_name": null, "role_name": "Deployer"},
            {"account_id": "444455556666", "account_name": null, "role_name": "ReadOnly"},
        ])
    );
    // Every account: sorted by account id, then role name, with the account names.
    let all: Value =
        serde_json::from_str(&w.ok(&["roles", "--sso-session", "org", "--json"])).unwrap();
    let rows: Vec<String> = all["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["account_id"], r["account_name"], r["role_name"]
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            r#""111122223333" "dev" "AdministratorAccess""#,
            r#""111122223333" "dev" "ReadOnly""#,
            r#""444455556666" "staging" "Deployer""#,
            r#""444455556666" "staging" "ReadOnly""#,
            r#""777788889999" "prod" "ReadOnly""#,
        ]
    );
    let table = w.ok(&["roles", "--sso-session", "org"]);
    assert_eq!(table.lines().count(), 1 + 5, "{table}");
    assert!(table.starts_with("ACCOUNT ID"), "{table}");
}

#[test]
fn logout_removes_sso_files_and_leaves_the_rest() {
    let w = world();
    w.login();
    w.ok(&["credentials", "--profile", "dev"]);
    let sso_cache = w.aws().join("sso/cache");
    let cli_cache = w.aws().join("cli/cache");
    std::fs::write(sso_cache.join("not-json.json"), "garbage").unwrap();
    // A token file another tool wrote oddly (an empty refreshToken): still a token.
    std::fs::write(
        sso_cache.join("odd-token.json"),
        r#"{"accessToken":"x","expiresAt":"2020-01-01T00:00:00Z","refreshToken":""}"#,
    )
    .unwrap();
    std::fs::write(
        cli_cache.join("assume-role.json"),
        r#"{"ProviderType":"assume-role","Credentials":{}}"#,
    )
    .unwrap();
    let registrations_before = std::fs::read_dir(&sso_cache)
        .unwrap()
        .filter(|e| {
            std::fs::read_to_string(e.as_ref().unwrap().path())
                .unwrap_or_default()
                .contains("clientSecret\"")
                && !std::fs::read_to_string(e.as_ref().unwrap().path())
                    .unwrap_or_default()
                    .contains("accessToken")
        })
        .count();
    assert_eq!(registrations_before, 1);

    let out = w.run(&["logout"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        v.sort();
        v
    };
    let token = format!("{}.json", ssokit::cache::token_cache_key("org"));
    assert!(!names(&sso_cache).contains(&token), "the token is gone");
    assert!(!names(&sso_cache).contains(&"odd-token.json".to_string()));
    assert!(names(&sso_cache).contains(&"not-json.json".to_string()));
    assert_eq!(
        names(&sso_cache).len(),
        2,
        "the registration and the foreign file stay"
    );
    assert_eq!(names(&cli_cache), ["assume-role.json"]);
    assert_eq!(w.count(Operation::Logout, None), 1, "the token was revoked");
    let status: Value = serde_json::from_str(&w.ok(&["status", "--json"])).unwrap();
    assert_eq!(status["sessions"][0]["logged_in"], false);
}

#[test]
fn logout_of_one_session_only() {
    let w = world();
    w.login();
    let other = ssokit::cache::TokenCache::new(w.aws().join("sso/cache"));
    let mut foreign = ssokit::cache::CachedToken::new(
        ssokit::secret::AccessToken::new("x"),
        std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800),
    );
    foreign
        .extra
        .insert("note".into(), "another session".into());
    other.store("another", &foreign).unwrap();
    w.ok(&["logout", "--profile", "dev"]);
    assert!(!other.path("org").exists());
    assert!(other.path("another").exists());
}

fn populate_world(accounts: usize) -> World {
    let accounts: Vec<Account> = (0..accounts)
        .map(|i| {
            Account::new(
                format!("{:012}", 100_000_000_000u64 + i as u64),
                format!("Team {i}"),
                &["Admin", "ReadOnly", "Billing"],
            )
        })
        .collect();
    world_with(accounts)
}

#[test]
fn populate_preserves_the_hand_written_config_and_is_idempotent() {
    let w = populate_world(2);
    w.login();
    let config_path = w.aws().join("config");
    let hand_written = std::fs::read_to_string(&config_path).unwrap();
    let dry = w.ok(&[
        "configure",
        "populate",
        "--sso-session",
        "org",
        "--region",
        "eu-central-1",
        "--dry-run",
    ]);
    assert_eq!(
        std::fs::read_to_string(&config_path).unwrap(),
        hand_written,
        "--dry-run writes nothing"
    );
    assert!(dry.starts_with(&hand_written));
    w.ok(&[
        "configure",
        "populate",
        "--sso-session",
        "org",
        "--region",
        "eu-central-1",
    ]);
    let once = std::fs::read_to_string(&config_path).unwrap();
    assert!(once.starts_with(&hand_written));
    assert!(once.contains("[profile Team-0.Admin]\nsso_session = org\nsso_account_id = 100000000000\nsso_role_name = Admin\nregion = eu-central-1\n"), "{once}");
    w.ok(&[
        "configure",
        "populate",
        "--sso-session",
        "org",
        "--region",
        "eu-central-1",
    ]);
    assert_eq!(
        std::fs::read_to_string(&config_path).unwrap(),
        once,
        "idempotent"
    );
    // The generated profiles resolve.
    let p: Value =
        serde_json::from_str(&w.ok(&["profile", "--profile", "Team-1.Billing", "--json"])).unwrap();
    assert_eq!(p["account_id"], "100000000001");
}

#[cfg(unix)]
#[test]
fn populate_writes_through_a_symlinked_config() {
    let w = populate_world(1);
    w.login();
    let real = w.home.path().join("dotfiles-config");
    std::fs::rename(w.aws().join("config"), &real).unwrap();
    std::os::unix::fs::symlink(&real, w.aws().join("config")).unwrap();
    w.ok(&["configure", "populate", "--sso-session", "org"]);
    assert!(
        std::fs::symlink_metadata(w.aws().join("config"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("[profile Team-0.Billing]")
    );
}

#[test]
fn populate_survives_throttling_on_a_big_organisation() {
    let w = populate_world(700);
    w.login();
    w.emulator
        .control()
        .inject_fault(Fault::throttle(0.2))
        .unwrap();
    w.ok(&["configure", "populate", "--sso-session", "org"]);
    let text = std::fs::read_to_string(w.aws().join("config")).unwrap();
    assert_eq!(
        text.matches("[profile Team-").count(),
        2100,
        "every profile written"
    );
    let throttled = w
        .emulator
        .control()
        .request_log()
        .iter()
        .filter(|r| r.status == 429)
        .count();
    assert!(throttled > 100, "the emulator did throttle ({throttled})");
}

#[test]
fn twenty_credential_processes_cause_one_refresh_and_one_call() {
    let w = world();
    w.login();
    // Make the token expire within the refresh window: rewrite expiresAt.
    let tokens = ssokit::cache::TokenCache::new(w.aws().join("sso/cache"));
    let mut token = tokens.load("org").unwrap();
    #[allow(clippy::disallowed_methods)]
    let soon = std::time::SystemTime::now() + Duration::from_secs(120);
    token.expires_at = soon;
    tokens.store("org", &token).unwrap();
    w.emulator.control().clear_request_log();
    let children: Vec<_> = (0..20)
        .map(|_| {
            w.command(&["credentials", "--profile", "dev"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(json["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    }
    assert_eq!(w.count(Operation::CreateToken, Some("refresh_token")), 1);
    assert_eq!(w.count(Operation::GetRoleCredentials, None), 1);
}

/// Rewrites the token's `expiresAt` to `secs` seconds from now (negative: ago).
fn expire_token_in(w: &World, secs: i64) {
    let tokens = ssokit::cache::TokenCache::new(w.aws().join("sso/cache"));
    let mut token = tokens.load("org").unwrap();
    #[allow(clippy::disallowed_methods)]
    let now = std::time::SystemTime::now();
    token.expires_at = if secs >= 0 {
        now + Duration::from_secs(secs.unsigned_abs())
    } else {
        now - Duration::from_secs(secs.unsigned_abs())
    };
    tokens.store("org", &token).unwrap();
}

/// Logged in, the token expiring `expires_in` seconds from now (negative: ago), and
/// every refresh from now on answered HTTP 500; the request log starts empty.
fn failing_refresh_world(expires_in: i64) -> World {
    let w = world();
    w.login();
    expire_token_in(&w, expires_in);
    w.emulator
        .control()
        .inject_fault(Fault::fail(10_000, 500).on(Operation::CreateToken))
        .unwrap();
    w.emulator.control().clear_request_log();
    w
}

/// Starts `n` `ssokit credentials --profile dev` at once and returns their outputs.
fn credential_processes(w: &World, n: usize) -> Vec<Output> {
    let children: Vec<_> = (0..n)
        .map(|_| {
            w.command(&["credentials", "--profile", "dev"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

#[test]
fn a_failing_refresh_of_a_valid_token_is_tried_once_for_twenty_processes() {
    // Five minutes left, and the token endpoint fails from now on.
    let w = failing_refresh_world(300);
    for out in credential_processes(&w, 20) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(json["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    }
    let refreshes = w.requests(Operation::CreateToken);
    assert!((1..=5).contains(&refreshes), "{refreshes} refresh calls");
}

#[test]
fn a_failing_refresh_of_an_expired_token_fails_twenty_processes_with_one_attempt() {
    let w = failing_refresh_world(-60);
    for out in credential_processes(&w, 20) {
        let stderr = String::from_utf8_lossy(&out.stderr);
        // A service failure (254), with the service's status, on one line.
        assert_eq!(out.status.code(), Some(254), "{stderr}");
        assert!(stderr.contains("HTTP 500"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
    let refreshes = w.requests(Operation::CreateToken);
    // One holder's attempt (its retries included); every other process read its
    // failure from the lock file.
    assert!((1..=4).contains(&refreshes), "{refreshes} refresh calls");
}

#[test]
fn completions_for_every_shell() {
    let w = world();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = w.ok(&["completions", shell]);
        assert!(out.contains("credentials"), "{shell}");
    }
}

#[test]
fn demo_writes_the_default_organisation_s_profiles_and_logs_in() {
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_ssokit"));
    command
        .arg("demo")
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    let out = output_within_deadline(command);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(
            "[sso-session emulator]\nsso_start_url = https://d-0000000000.awsapps.com/start\n"
        ),
        "{text}"
    );
    let accounts = default_accounts();
    let table = profiles(&accounts);
    let names: Vec<&str> = table.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "default",
            "dev",
            "dev-ReadOnly",
            "dev-AdministratorAccess",
            "staging",
            "staging-ReadOnly",
            "staging-Deployer",
            "prod",
            "prod-ReadOnly"
        ]
    );
    for p in &table {
        let header = if p.name == "default" {
            "[default]".to_owned()
        } else {
            format!("[profile {}]", p.name)
        };
        let section = format!(
            "{header}\nsso_session = emulator\nsso_account_id = {}\nsso_role_name = {}\n",
            p.account_id, p.role_name
        );
        assert!(text.contains(&section), "{section}\n{text}");
    }
    for account in &accounts {
        for role in &account.roles {
            let row = format!("   {}  {:<12}  {role}\n", account.id, account.name);
            assert!(text.contains(&row), "{row}\n{text}");
        }
    }
    assert!(text.contains("ssokit login --profile dev "), "{text}");
    assert!(text.contains("\"Version\": 1"), "{text}");
    let demo_home = text
        .lines()
        .find_map(|l| l.strip_prefix("Throw-away AWS home: "))
        .and_then(|l| l.split(' ').next())
        .unwrap();
    assert!(!Path::new(demo_home).exists(), "removed at the end");
    assert!(
        !home.path().join(".aws").exists(),
        "the real home is untouched"
    );
}

/// Runs `command` to its end, or kills it and fails the test after about a minute.
fn output_within_deadline(mut command: Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // 3000 polls 20 ms apart: at least a minute, counted without a clock.
    for _ in 0..3000 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    panic!("the command hung");
}

#[cfg(unix)]
#[test]
fn credentials_never_write_through_a_symlinked_lock_file() {
    let w = world();
    w.login();
    let victim = w.home.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let cli_cache = w.aws().join("cli/cache");
    std::fs::create_dir_all(&cli_cache).unwrap();
    let key = ssokit::cache::role_cache_key(
        "111122223333",
        "ReadOnly",
        ssokit::cache::RoleCacheScope::Session("org"),
    );
    let lock = cli_cache.join(format!("{key}.lock"));
    std::os::unix::fs::symlink(&victim, &lock).unwrap();

    let out = w.run(&["credentials", "--profile", "dev"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains(&lock.display().to_string()) && err.contains("remove it"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(out.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn status_with_a_fifo_at_the_token_path_reports_it_instead_of_hanging() {
    let w = world();
    let sso_cache = w.aws().join("sso/cache");
    std::fs::create_dir_all(&sso_cache).unwrap();
    let token = sso_cache.join(format!("{}.json", ssokit::cache::token_cache_key("org")));
    let made = Command::new("mkfifo").arg(&token).status().unwrap();
    assert!(made.success());
    let out = output_within_deadline(w.command(&["status", "--json"]));
    let text = String::from_utf8_lossy(&out.stdout);
    let status: Value = serde_json::from_str(&text).unwrap();
    let session = &status["sessions"][0];
    assert_eq!(session["logged_in"], false, "{text}");
    assert!(
        session["problem"]
            .as_str()
            .unwrap_or_default()
            .contains("FIFO"),
        "{text}"
    );
}

#[test]
fn logout_removes_temporary_files_left_by_a_crash() {
    let w = world();
    w.login();
    w.ok(&["credentials", "--profile", "dev"]);
    let sso_cache = w.aws().join("sso/cache");
    let cli_cache = w.aws().join("cli/cache");
    let token = format!("{}.json", ssokit::cache::token_cache_key("org"));
    // What a writer killed between writing and renaming leaves behind (the pids are
    // above any Linux hands out, so no live process can own them).
    let left = [
        sso_cache.join(format!(".{token}.999999998.0123456789abcdef.tmp")),
        cli_cache.join(".0123abcd.json.999999999.fedcba9876543210.tmp"),
    ];
    let unrelated = [sso_cache.join(".keep.tmp"), cli_cache.join("notes.txt")];
    for path in left.iter().chain(&unrelated) {
        std::fs::write(path, r#"{"accessToken":"LEFT-BEHIND"}"#).unwrap();
    }
    w.ok(&["logout"]);
    for path in &left {
        assert!(!path.exists(), "{} must be removed", path.display());
    }
    for path in &unrelated {
        assert!(path.exists(), "{} must stay", path.display());
    }
}
