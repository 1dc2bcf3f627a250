//! `ssokit login` with the PKCE authorization-code flow, end to end against the
//! emulator, with a scripted browser: the `BROWSER` command only hands the URL to the
//! test, which then makes the browser's requests itself (the approved authorize page,
//! a stray favicon request, forged callbacks with a wrong state, or nothing until the
//! timeout). Flow selection is checked through the one line the CLI prints. A real
//! Chromium pressing Allow and Deny is in the top-level tests crate
//! (`tests/tests/browser_pkce.rs`).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use ssokit_emulator::{BackgroundEmulator, Emulator, Operation, default_accounts};

const CONFIG: &str = "[profile dev]\nsso_session = org\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = eu-west-1\n\n\
[sso-session org]\nsso_start_url = https://d-0000000000.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n";

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
    /// The `BROWSER` command: a shell script that hands the URL to the test through a
    /// file (written whole, then renamed) and exits. The script is run by `/bin/sh`,
    /// never executed itself: executing a file this multithreaded test process has
    /// just written can fail with "text file busy" when another test forks meanwhile.
    fn browser(&self) -> String {
        let path = self.home.path().join("browser");
        let opened = self.opened_file();
        std::fs::write(
            &path,
            format!(
                "printf '%s' \"$1\" > '{0}.part' && mv '{0}.part' '{0}'\n",
                opened.display()
            ),
        )
        .unwrap();
        format!("/bin/sh {}", path.display())
    }

    fn opened_file(&self) -> PathBuf {
        self.home.path().join("opened-url")
    }

    /// The URL the login opened in the browser (and forgets it), waiting for it
    /// (3000 polls 20 ms apart: at least a minute, counted without a clock).
    async fn opened_url(&self) -> String {
        for _ in 0..3000 {
            if let Ok(url) = std::fs::read_to_string(self.opened_file()) {
                std::fs::remove_file(self.opened_file()).unwrap();
                return url;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the login never opened the browser");
    }

    /// `ssokit login`, to its end.
    fn login(&self, extra: &[&str], vars: &[(&str, &str)]) -> Output {
        self.login_command(extra, vars).output().unwrap()
    }

    fn login_command(&self, extra: &[&str], vars: &[(&str, &str)]) -> Command {
        let url = self.emulator.control().url().to_owned();
        let mut c = Command::new(env!("CARGO_BIN_EXE_ssokit"));
        c.args(["login", "--profile", "dev"])
            .args(extra)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_ENDPOINT_URL_SSO", &url)
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &url)
            .env("BROWSER", self.browser())
            .stdin(Stdio::null());
        for (k, v) in vars {
            c.env(k, v);
        }
        c
    }

    /// `ssokit login` in the background (the test plays the browser).
    fn spawn_login(
        &self,
        extra: &[&str],
        vars: &[(&str, &str)],
    ) -> tokio::task::JoinHandle<Output> {
        let mut command = self.login_command(extra, vars);
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

/// A browser's HTTP: follows redirects, never through a proxy.
fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// GETs `url` like a browser (following redirects): the final status.
async fn visit(url: &str) -> u16 {
    let response = http().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    response.bytes().await.unwrap();
    status
}

/// The login's loopback callback URL, from the authorize URL's `redirect_uri`.
fn callback(authorize: &str) -> String {
    let url = reqwest::Url::parse(authorize).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap()
        .1
        .into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scripted_browser_completes_the_flow_after_a_stray_favicon_request() {
    let w = world(true);
    let login = w.spawn_login(&["--use-pkce", "--timeout", "60"], &[]);
    let authorize = w.opened_url().await;
    // Ask the listener for /favicon.ico first (browsers do), then follow the URL.
    let callback = callback(&authorize);
    let root = callback.rsplit_once("/oauth/").unwrap().0;
    visit(&format!("{root}/favicon.ico")).await;
    assert_eq!(visit(&authorize).await, 200);
    let out = login.await.unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_state_is_ignored_and_the_login_goes_on() {
    let w = world(true);
    let login = w.spawn_login(&["--use-pkce", "--timeout", "60"], &[]);
    let authorize = w.opened_url().await;
    // A forged callback first (answered 400 and ignored), then the real browser.
    let forged = format!("{}?code=forged&state=not-the-state", callback(&authorize));
    assert_eq!(visit(&forged).await, 400);
    visit(&authorize).await;
    let out = login.await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_state_alone_does_not_end_the_login_before_its_timeout() {
    let w = world(false);
    let login = w.spawn_login(&["--use-pkce", "--timeout", "10"], &[]);
    let authorize = w.opened_url().await;
    // A forged denial: the login must still be waiting after it, and end only at its
    // own timeout.
    let forged = format!(
        "{}?error=access_denied&state=not-the-state",
        callback(&authorize)
    );
    // The forged request arrives while the login waits, and is refused.
    assert_eq!(visit(&forged).await, 400);
    let out = login.await.unwrap();
    assert_eq!(out.status.code(), Some(255));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gave up waiting 10s"), "{stderr}");
    assert!(!w.token_exists());
}

#[test]
fn pkce_gives_up_after_the_timeout() {
    let w = world(false);
    // The browser gets the URL and never visits it.
    let out = w.login(&["--use-pkce", "--timeout", "2"], &[]);
    assert_eq!(out.status.code(), Some(255));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gave up waiting 2s"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flow_is_chosen_from_the_environment_and_said_in_one_line() {
    let w = world(true);
    // A desktop: PKCE by default.
    let login = w.spawn_login(&["--timeout", "60"], &[("DISPLAY", ":0")]);
    visit(&w.opened_url().await).await;
    let out = login.await.unwrap();
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
        &["--use-device-code", "--no-browser", "--timeout", "60"],
        &[("DISPLAY", ":0")],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Using the device-code flow: as requested.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssokit_login_flow_and_sso_use_device_code_choose_the_flow_after_the_flags() {
    let w = world(true);
    // The variable beats the machine: the device code on a desktop...
    let out = w.login(
        &["--no-browser", "--timeout", "60"],
        &[("DISPLAY", ":0"), ("SSOKIT_LOGIN_FLOW", "device-code")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Using the device-code flow: SSOKIT_LOGIN_FLOW=device-code.\n"),
        "{stderr}"
    );
    assert!(stderr.contains("Then enter the code:"), "{stderr}");
    // ... and PKCE over SSH.
    let login = w.spawn_login(
        &["--timeout", "60"],
        &[
            ("SSH_CONNECTION", "10.0.0.1 5 10.0.0.2 22"),
            ("SSOKIT_LOGIN_FLOW", "pkce"),
        ],
    );
    visit(&w.opened_url().await).await;
    let out = login.await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Using the PKCE authorization-code flow: SSOKIT_LOGIN_FLOW=pkce.\n"),
        "{stderr}"
    );
    // The flag beats the variable.
    let out = w.login(
        &["--use-device-code", "--no-browser", "--timeout", "60"],
        &[("SSOKIT_LOGIN_FLOW", "pkce")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Using the device-code flow: as requested."),
        "{stderr}"
    );

    // The sso-session key beats the machine (a desktop), and `auto` goes on to it.
    let config = w.home.path().join(".aws/config");
    std::fs::write(&config, format!("{CONFIG}sso_use_device_code = true\n")).unwrap();
    for vars in [
        &[("DISPLAY", ":0")][..],
        &[("DISPLAY", ":0"), ("SSOKIT_LOGIN_FLOW", "auto")][..],
    ] {
        let out = w.login(&["--no-browser", "--timeout", "60"], vars);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(
            stderr.contains(
                "Using the device-code flow: sso_use_device_code = true in [sso-session org].\n"
            ),
            "{stderr}"
        );
    }
    // The variable beats the key.
    let login = w.spawn_login(
        &["--timeout", "60"],
        &[("DISPLAY", ":0"), ("SSOKIT_LOGIN_FLOW", "pkce")],
    );
    visit(&w.opened_url().await).await;
    let out = login.await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("SSOKIT_LOGIN_FLOW=pkce."), "{stderr}");
}

#[test]
fn an_invalid_login_flow_variable_or_key_is_a_configuration_error() {
    let w = world(true);
    let out = w.login(
        &["--no-browser", "--timeout", "60"],
        &[("SSOKIT_LOGIN_FLOW", "browser")],
    );
    assert_eq!(out.status.code(), Some(253));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "invalid SSOKIT_LOGIN_FLOW \"browser\" (environment variable SSOKIT_LOGIN_FLOW): \
             expected \"auto\", \"pkce\" or \"device-code\""
        ),
        "{stderr}"
    );
    let config = w.home.path().join(".aws/config");
    std::fs::write(&config, format!("{CONFIG}sso_use_device_code = yes\n")).unwrap();
    let out = w.login(&["--no-browser", "--timeout", "60"], &[]);
    assert_eq!(out.status.code(), Some(253));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "invalid sso_use_device_code \"yes\" ([sso-session org] in {} line 11)",
            config.display()
        )),
        "{stderr}"
    );
    assert!(!w.token_exists());
    assert_eq!(
        w.emulator
            .control()
            .request_log()
            .iter()
            .filter(|r| r.operation == Some(Operation::RegisterClient))
            .count(),
        0,
        "no request before the configuration is right"
    );
}

/// The config with `sso_start_url` set to the emulator's custom start URL `target`
/// (see `ssokit_emulator::VANITY_PATH`); returns that URL.
fn use_vanity(w: &World, target: &str) -> String {
    let url = format!(
        "{}{}/{target}",
        w.emulator.control().url(),
        ssokit_emulator::VANITY_PATH
    );
    let config = CONFIG.replace("https://d-0000000000.awsapps.com/start", &url);
    std::fs::write(w.home.path().join(".aws/config"), config).unwrap();
    url
}

/// `METHOD path` of the requests to the custom start URLs.
fn vanity_requests(w: &World) -> Vec<String> {
    w.emulator
        .control()
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with(ssokit_emulator::VANITY_PATH))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn token_json(w: &World) -> serde_json::Value {
    let path = w
        .home
        .path()
        .join(".aws/sso/cache")
        .join(format!("{}.json", ssokit::cache::token_cache_key("org")));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_through_a_custom_start_url_uses_its_redirect() {
    let w = world(true);
    // Device code: one HEAD, the device authorization for the portal it redirects to.
    let vanity = use_vanity(&w, "aws");
    let out = w.login(
        &["--use-device-code", "--no-browser", "--timeout", "60"],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("Successfully logged into Start URL: {vanity}\n")),
        "{stderr}"
    );
    assert_eq!(vanity_requests(&w), ["HEAD /vanity/aws"]);
    // The token file: the URL as written and the region, under the session's key.
    let token = token_json(&w);
    assert_eq!(token["startUrl"], vanity.as_str());
    assert_eq!(token["region"], "us-east-1");
    let sessions = w.emulator.control().sessions();
    assert_eq!(
        sessions.last().and_then(|s| s.start_url.as_deref()),
        Some(ssokit_emulator::DEFAULT_START_URL)
    );

    // PKCE, where the custom host refuses HEAD: HEAD, then GET; the registration's
    // issuerUrl is the portal.
    let vanity = use_vanity(&w, "get-only");
    let login = w.spawn_login(&["--use-pkce", "--timeout", "60"], &[]);
    visit(&w.opened_url().await).await;
    let out = login.await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        vanity_requests(&w)[1..],
        ["HEAD /vanity/get-only", "GET /vanity/get-only"]
    );
    assert_eq!(token_json(&w)["startUrl"], vanity.as_str());
    let sessions = w.emulator.control().sessions();
    let last = sessions.last().unwrap();
    assert_eq!(last.grant_type, "authorization_code");
    assert_eq!(
        last.start_url.as_deref(),
        Some(ssokit_emulator::DEFAULT_START_URL)
    );
}

#[test]
fn a_custom_start_url_without_an_aws_redirect_is_a_clear_error() {
    let w = world(true);
    for (target, expected) in [
        (
            "elsewhere",
            "redirects to \"https://sso.example.com/start\", which is not an AWS access portal host",
        ),
        ("none", "answered HTTP 200 without a redirect"),
    ] {
        let vanity = use_vanity(&w, target);
        let out = w.login(
            &["--use-device-code", "--no-browser", "--timeout", "60"],
            &[],
        );
        assert_eq!(out.status.code(), Some(253), "{target}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&vanity), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(
            stderr.contains("set sso_start_url to your AWS access portal URL"),
            "{stderr}"
        );
    }
    assert!(!w.token_exists());
    let log = w.emulator.control().request_log();
    assert!(log.iter().all(|r| r.operation.is_none()), "no OIDC request");
}
