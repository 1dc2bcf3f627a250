//! The commands of the `extras` feature end to end, the real binary against the
//! emulator. `ssokit serve`: its two lines, the token check, the remedy when not
//! logged in, 200 concurrent requests for one GetRoleCredentials (the emulator's
//! request log), and a clean exit on SIGTERM. `ssokit console`: the sign-in URL
//! printed alone (`--print`) or handed to `BROWSER`, which the emulator's federation
//! endpoint accepts.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use ssokit_emulator::{BackgroundEmulator, Emulator, Operation, default_accounts};

const CONFIG: &str = "[profile dev]\nsso_session = org\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = eu-west-1\n\n\
     [sso-session org]\nsso_start_url = https://d-0000000000.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n";

struct World {
    home: tempfile::TempDir,
    emulator: BackgroundEmulator,
}

impl World {
    fn new() -> Self {
        let emulator = Emulator::builder()
            .accounts(default_accounts())
            .poll_interval_secs(1)
            .auto_approve_after_polls(1)
            .start_in_background()
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        std::fs::write(home.path().join(".aws/config"), CONFIG).unwrap();
        Self { home, emulator }
    }

    fn command(&self, args: &[&str]) -> Command {
        let url = self.emulator.control().url().to_owned();
        let mut c = Command::new(env!("CARGO_BIN_EXE_ssokit"));
        c.args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_ENDPOINT_URL_SSO", &url)
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &url)
            .env("AWS_ENDPOINT_URL_SIGNIN", &url)
            .stdin(Stdio::null());
        c
    }

    fn login(&self) {
        let out = self
            .command(&[
                "login",
                "--profile",
                "dev",
                "--no-browser",
                "--timeout",
                "60",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn role_calls(&self) -> usize {
        self.emulator
            .control()
            .request_log()
            .iter()
            .filter(|r| r.operation == Some(Operation::GetRoleCredentials))
            .count()
    }
}

/// Starts `ssokit serve` and reads its two lines (with a deadline).
/// The receiver then gets whatever else came on stdout, once ssokit exits.
fn serve(w: &World) -> (Child, Vec<String>, std::sync::mpsc::Receiver<String>) {
    let mut child = w
        .command(&["serve", "--profile", "dev"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        for _ in 0..2 {
            let _ = tx.send(lines.next().and_then(Result::ok).unwrap_or_default());
        }
        // Anything more on stdout would be a bug: collect it for the end.
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        let _ = tx.send(rest.join("\n"));
    });
    let lines = (0..2)
        .map(|_| rx.recv_timeout(Duration::from_secs(60)).unwrap())
        .collect();
    (child, lines, rx)
}

fn value_of<'a>(line: &'a str, name: &str) -> &'a str {
    line.strip_prefix(&format!("export {name}="))
        .unwrap_or_else(|| panic!("not the {name} line: {line}"))
}

async fn get(url: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .get(url)
        .timeout(Duration::from_secs(30));
    if let Some(token) = token {
        request = request.header("Authorization", token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[test]
fn serve_prints_two_lines_serves_with_the_token_and_stops_on_sigterm() {
    let w = World::new();
    let (mut child, lines, rest) = serve(&w);
    let url = value_of(&lines[0], "AWS_CONTAINER_CREDENTIALS_FULL_URI").to_owned();
    let token = value_of(&lines[1], "AWS_CONTAINER_AUTHORIZATION_TOKEN").to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(token.len() >= 32, "{token}");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        // Not logged in yet: the remedy in the CLI's words, not a 401.
        let (status, body) = get(&url, Some(&token)).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["code"], "not_logged_in");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .ends_with("run `ssokit login --profile dev`"),
            "{body}"
        );
        let (status, body) = get(&url, None).await;
        assert_eq!(status, 401, "{body}");
        let (status, _) = get(&url, Some("not-the-token")).await;
        assert_eq!(status, 401);
    });

    w.login();
    assert_eq!(w.role_calls(), 0);
    let token = Arc::new(token);
    let url = Arc::new(url);
    runtime.block_on(async {
        let requests: Vec<_> = (0..200)
            .map(|_| {
                let (url, token) = (Arc::clone(&url), Arc::clone(&token));
                tokio::spawn(async move { get(&url, Some(&token)).await })
            })
            .collect();
        for request in requests {
            let (status, body) = request.await.unwrap();
            assert_eq!(status, 200, "{body}");
            assert!(body["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
            assert!(body["Expiration"].as_str().unwrap().ends_with('Z'));
        }
    });
    assert_eq!(w.role_calls(), 1, "200 requests, one GetRoleCredentials");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut status = None;
    // 3000 polls 20 ms apart: at least a minute, counted without a clock.
    for _ in 0..3000 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let Some(status) = status else {
        child.kill().unwrap();
        panic!("ssokit serve did not stop on SIGTERM");
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(!stderr.contains(token.as_str()), "{stderr}");
    let rest = rest.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(rest, "", "exactly two lines on stdout");
}

fn sign_in(url: &str) -> (u16, String) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let response = reqwest::Client::new()
            .get(url)
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    })
}

#[test]
fn console_print_prints_a_sign_in_url_the_federation_endpoint_accepts() {
    let w = World::new();
    // Not logged in: the CLI's remedy, nothing on stdout.
    let out = w
        .command(&["console", "--profile", "dev", "--print"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(255));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("run `ssokit login --profile dev`"), "{err}");

    w.login();
    let out = w
        .command(&["console", "--profile", "dev", "--print"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let url = lines[0];
    let base = w.emulator.control().url();
    assert!(
        url.starts_with(&format!("{base}/federation?Action=login&Issuer=ssokit&Destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2F&SigninToken=")),
        "{url}"
    );
    let (status, page) = sign_in(url);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("eu-west-1.console.aws.amazon.com"), "{page}");
    // The log shows the two actions, never the Session or the token.
    let log = w.emulator.control().request_log();
    let federation: Vec<_> = log.iter().filter(|r| r.path == "/federation").collect();
    assert_eq!(federation.len(), 2);
    assert!(
        federation[0]
            .query
            .as_deref()
            .unwrap()
            .contains("Action=getSigninToken")
    );
    for record in federation {
        let query = record.query.as_deref().unwrap();
        assert!(
            !query.contains("ASIA") && !query.contains("signin-"),
            "{query}"
        );
    }
}

#[test]
fn console_opens_the_url_with_browser_and_takes_a_destination() {
    let w = World::new();
    w.login();
    let opened = w.home.path().join("opened.txt");
    let browser = w.home.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let out = w
        .command(&[
            "console",
            "--profile",
            "dev",
            "--destination",
            "https://console.aws.amazon.com/s3/",
        ])
        .env("BROWSER", &browser)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(out.stdout.is_empty(), "the URL went to the browser only");
    // The browser command may still be writing: wait for the file, with a deadline.
    let mut url = String::new();
    for _ in 0..3000 {
        url = std::fs::read_to_string(&opened).unwrap_or_default();
        if !url.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        url.contains("&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2F&SigninToken="),
        "{url}"
    );
    let (status, page) = sign_in(&url);
    assert_eq!(status, 200, "{page}");

    let bad = w
        .command(&[
            "console",
            "--profile",
            "dev",
            "--print",
            "--destination",
            "http://example.com/",
        ])
        .output()
        .unwrap();
    assert_eq!(
        bad.status.code(),
        Some(252),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
