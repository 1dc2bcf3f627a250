//! `ssokit login` with the PKCE authorization-code flow, end to end against the
//! emulator: a real headless Chromium is the `BROWSER` (driven through chromedriver:
//! the `BROWSER` command hands the URL to it, the test presses Allow or Deny), and
//! scripted browsers for the ignored wrong-state, timeout and stray-request cases. Flow
//! selection is checked through the one line the CLI prints.
#![allow(clippy::unwrap_used)]

#[path = "../../emulator/tests/webdriver/mod.rs"]
mod webdriver;

use std::process::{Command, Output, Stdio};

use ssokit_emulator::{BackgroundEmulator, Emulator, Operation, default_accounts};
use webdriver::Driver;

const CONFIG: &str = "[profile dev]\nsso_session = org\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = eu-west-1\n\n\
[sso-session org]\nsso_start_url = https://d-0000000000.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n";

fn python() -> String {
    std::env::var("SSOKIT_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

struct World {
    home: tempfile::TempDir,
    emulator: BackgroundEmulator,
}

fn world(auto_approve: bool) -> World {
    let mut builder = Emulator::builder().accounts(default_accounts());
    if auto_approve {
        builder = builder.auto_approve_after_polls(0);
    }
    let emulator = builder.start_in_background().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(home.path().join(".aws/config"), CONFIG).unwrap();
    World { home, emulator }
}

impl World {
    /// A `BROWSER` command: a shell script running `body` (Python) with the URL. The
    /// script is run by `/bin/sh`, never executed itself: executing a file this
    /// multithreaded test process has just written can fail with "text file busy"
    /// when another test forks meanwhile.
    fn browser(&self, name: &str, body: &str) -> String {
        let path = self.home.path().join(name);
        std::fs::write(&path, format!("exec {} -c '{body}' \"$1\"\n", python())).unwrap();
        format!("/bin/sh {}", path.display())
    }

    fn login(&self, browser: &str, extra: &[&str], vars: &[(&str, &str)]) -> Output {
        self.login_command(browser, extra, vars).output().unwrap()
    }

    fn login_command(&self, browser: &str, extra: &[&str], vars: &[(&str, &str)]) -> Command {
        let url = self.emulator.control().url().to_owned();
        let mut c = Command::new(env!("CARGO_BIN_EXE_ssokit"));
        c.args(["login", "--profile", "dev"])
            .args(extra)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_ENDPOINT_URL_SSO", &url)
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &url)
            .env("BROWSER", browser)
            .stdin(Stdio::null());
        for (k, v) in vars {
            c.env(k, v);
        }
        c
    }

    /// `ssokit login --use-pkce` in the background (the test drives the browser).
    fn spawn_pkce_login(&self, browser: &str) -> tokio::task::JoinHandle<Output> {
        let mut command = self.login_command(browser, &["--use-pkce", "--timeout", "60"], &[]);
        tokio::task::spawn_blocking(move || command.output().unwrap())
    }

    fn token_exists(&self) -> bool {
        self.home
            .path()
            .join(".aws/sso/cache")
            .join(format!("{}.json", ssokit::cache::token_cache_key("org")))
            .exists()
    }
}

/// Follows the authorize URL like a browser that approves at once.
const FOLLOW: &str = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_approves_the_pkce_login_and_botocore_accepts_the_token() {
    let w = world(false);
    let driver = Driver::start().await;
    // The BROWSER command hands the URL to the running Chromium.
    let navigate = format!(
        "import sys, json, urllib.request; urllib.request.urlopen(urllib.request.Request(\"{}/session/{}/url\", data=json.dumps({{\"url\": sys.argv[1]}}).encode(), headers={{\"Content-Type\": \"application/json\"}})).read()",
        driver.base,
        driver.session.clone().unwrap()
    );
    let browser = w.browser("chromium-browser", &navigate);
    let url = w.emulator.control().url().to_owned();
    let login = w.spawn_pkce_login(&browser);
    let authorize_page = format!("{url}/authorize?");
    let authorize = driver
        .wait_for_url("the authorize page", |u| u.starts_with(&authorize_page))
        .await;
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "{authorize}"
    );
    assert!(
        authorize.contains("scopes=sso%3Aaccount%3Aaccess"),
        "{authorize}"
    );
    driver.click("#allow").await;
    // Only the loopback listener's page has this path: the authorize page, which is
    // on 127.0.0.1 too, cannot satisfy the wait.
    let landed = driver
        .wait_for_url("the callback", |u| u.contains("/oauth/callback?"))
        .await;
    assert!(landed.starts_with("http://127.0.0.1:"), "{landed}");
    driver.wait_for_text("Login complete").await;
    let out = login.await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Using the PKCE authorization-code flow: as requested."),
        "{stderr}"
    );
    assert!(
        stderr.contains("Successfully logged into Start URL"),
        "{stderr}"
    );
    assert!(w.token_exists());

    // botocore, a peer no one here wrote, uses the token.
    let botocore = Command::new(python())
        .args(["-c", "import botocore.session as s; c = s.Session(profile=\"dev\").get_credentials().get_frozen_credentials(); print(c.access_key)"])
        .env_clear()
        .env("HOME", w.home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL_SSO", &url)
        .env("AWS_ENDPOINT_URL_SSO_OIDC", &url)
        .output()
        .unwrap();
    assert!(
        botocore.status.success(),
        "{}",
        String::from_utf8_lossy(&botocore.stderr)
    );
    assert!(String::from_utf8_lossy(&botocore.stdout).starts_with("ASIA"));
    // A PKCE registration was cached, told apart by its grant types.
    let registrations: Vec<_> = w
        .emulator
        .control()
        .request_log()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::RegisterClient))
        .collect();
    assert_eq!(registrations.len(), 1);

    // Deny: a clear "denied" error, no token change.
    let login = w.spawn_pkce_login(&browser);
    // Wait for a new authorize page (the previous page was the callback).
    let authorize_page = format!("{url}/authorize?");
    driver
        .wait_for_url("the authorize page", |u| u.starts_with(&authorize_page))
        .await;
    driver.click("#deny").await;
    let out = login.await.unwrap();
    assert_eq!(out.status.code(), Some(255));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("denied"), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("ssokit:")).count(),
        1,
        "{stderr}"
    );
    driver.call("DELETE", "", serde_json::Value::Null).await;
}

#[test]
fn a_scripted_browser_completes_the_flow_after_a_stray_favicon_request() {
    let w = world(true);
    // Ask the listener for /favicon.ico first (browsers do), then follow the URL.
    let script = "import sys, urllib.request, urllib.parse, urllib.error\nurl = sys.argv[1]\ncb = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)[\"redirect_uri\"][0]\nroot = cb.rsplit(\"/oauth/\", 1)[0]\ntry:\n    urllib.request.urlopen(root + \"/favicon.ico\")\nexcept urllib.error.HTTPError:\n    pass\nurllib.request.urlopen(url).read()";
    let browser = w.browser("favicon-browser", script);
    let out = w.login(&browser, &["--use-pkce", "--timeout", "60"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The core's prompt text for an opened browser, then the URL.
    let url = w.emulator.control().url().to_owned();
    let opening = format!(
        "Opening the authorization page in your browser. If it does not open, visit:\n\n{url}/authorize?"
    );
    assert!(stderr.contains(&opening), "{stderr}");
    assert!(w.token_exists());
}

#[test]
fn a_wrong_state_is_ignored_and_the_login_goes_on() {
    let w = world(true);
    let seen = w.home.path().join("forged-status");
    // A forged callback first (answered 400 and ignored), then the real browser.
    let script = format!(
        "import sys, urllib.request, urllib.parse, urllib.error\nurl = sys.argv[1]\ncb = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)[\"redirect_uri\"][0]\ntry:\n    status = urllib.request.urlopen(cb + \"?code=forged&state=not-the-state\").status\nexcept urllib.error.HTTPError as e:\n    status = e.code\nopen(\"{}\", \"w\").write(str(status))\nurllib.request.urlopen(url).read()",
        seen.display()
    );
    let browser = w.browser("forging-browser", &script);
    let out = w.login(&browser, &["--use-pkce", "--timeout", "60"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&seen).unwrap(), "400");
    assert!(w.token_exists());
    assert_eq!(
        w.emulator
            .control()
            .request_log()
            .iter()
            .filter(|r| r.operation == Some(Operation::CreateToken))
            .count(),
        1,
        "only the real code is exchanged"
    );
}

#[test]
fn a_wrong_state_alone_does_not_end_the_login_before_its_timeout() {
    let w = world(false);
    let seen = w.home.path().join("forged-status");
    // A forged denial, whose answer the script records: the login must still be
    // waiting after it, and end only at its own timeout.
    let script = format!(
        "import sys, urllib.request, urllib.parse, urllib.error\nurl = sys.argv[1]\ncb = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)[\"redirect_uri\"][0]\ntry:\n    status = urllib.request.urlopen(cb + \"?error=access_denied&state=not-the-state\").status\nexcept urllib.error.HTTPError as e:\n    status = e.code\nopen(\"{}\", \"w\").write(str(status))",
        seen.display()
    );
    let browser = w.browser("forging-browser", &script);
    let out = w.login(&browser, &["--use-pkce", "--timeout", "10"], &[]);
    assert_eq!(out.status.code(), Some(255));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gave up waiting 10s"), "{stderr}");
    // The forged request did arrive while the login waited, and was refused.
    assert_eq!(std::fs::read_to_string(&seen).unwrap(), "400");
    assert!(!w.token_exists());
}

#[test]
fn pkce_gives_up_after_the_timeout() {
    let w = world(false);
    let browser = w.browser("absent-browser", "pass");
    let out = w.login(&browser, &["--use-pkce", "--timeout", "2"], &[]);
    assert_eq!(out.status.code(), Some(255));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gave up waiting 2s"), "{stderr}");
}

#[test]
fn the_flow_is_chosen_from_the_environment_and_said_in_one_line() {
    let w = world(true);
    let browser = w.browser("follow-browser", FOLLOW);
    // A desktop: PKCE by default.
    let out = w.login(&browser, &["--timeout", "60"], &[("DISPLAY", ":0")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "Using the PKCE authorization-code flow: a local browser can reach 127.0.0.1."
        ),
        "{stderr}"
    );
    // Over SSH: the device code, even with a display.
    let out = w.login(
        &browser,
        &["--no-browser", "--timeout", "60"],
        &[
            ("DISPLAY", ":0"),
            ("SSH_CONNECTION", "10.0.0.1 5 10.0.0.2 22"),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Using the device-code flow: over SSH"),
        "{stderr}"
    );
    // No display and no BROWSER on Linux: the device code.
    let url = w.emulator.control().url().to_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_ssokit"))
        .args([
            "login",
            "--profile",
            "dev",
            "--no-browser",
            "--timeout",
            "60",
        ])
        .env_clear()
        .env("HOME", w.home.path())
        .env("AWS_ENDPOINT_URL_SSO", &url)
        .env("AWS_ENDPOINT_URL_SSO_OIDC", &url)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    if cfg!(target_os = "linux") {
        // "no display", or "in a container without a display" where this runs in one.
        assert!(stderr.contains("Using the device-code flow:"), "{stderr}");
        assert!(stderr.contains("display"), "{stderr}");
    }
    // --use-device-code wins over everything.
    let out = w.login(
        &browser,
        &["--use-device-code", "--no-browser", "--timeout", "60"],
        &[("DISPLAY", ":0")],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Using the device-code flow: as requested.")
    );
}
