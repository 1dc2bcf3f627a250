//! `ssokit login --use-pkce` with a real browser: headless Debian Chromium, driven
//! through chromedriver, is the `BROWSER` (the `BROWSER` command hands the URL to
//! it, the test presses Allow or Deny), and botocore then uses the token. Moved here
//! from the CLI's tests, which keep the scripted-browser cases.
//!
//! Needs Chromium and chromedriver, and Python with botocore; skipped without them,
//! and failed under `SSOKIT_TESTS_REQUIRE_TOOLS=1`.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Output;

use ssokit_emulator::{Emulator, Operation};
use ssokit_tests::webdriver::Driver;
use ssokit_tests::{World, run, tools};

/// A `BROWSER` command: a shell script running `body` (Python) with the URL. The
/// script is run by `/bin/sh`, never executed itself: executing a file this
/// multithreaded test process has just written can fail with "text file busy" when
/// another test forks meanwhile.
fn browser(w: &World, python: &Path, name: &str, body: &str) -> String {
    let path = w.dir().join(name);
    std::fs::write(
        &path,
        format!("exec {} -c '{body}' \"$1\"\n", python.display()),
    )
    .unwrap();
    format!("/bin/sh {}", path.display())
}

/// `ssokit login --use-pkce` in the background (the test drives the browser).
fn spawn_pkce_login(w: &World, browser: &str) -> tokio::task::JoinHandle<Output> {
    let mut command = w.command(run::cargo_bin("ssokit"));
    command
        .args(["login", "--profile", "dev", "--use-pkce", "--timeout", "60"])
        .env("BROWSER", browser);
    tokio::task::spawn_blocking(move || run::output(&mut command))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_approves_the_pkce_login_and_botocore_accepts_the_token() {
    let (Some(()), Some(python)) = (tools::chromium(), tools::python_with_botocore()) else {
        return;
    };
    let w = World::start(Emulator::builder());
    let driver = Driver::start().await;
    // The BROWSER command hands the URL to the running Chromium.
    let navigate = format!(
        "import sys, json, urllib.request; urllib.request.urlopen(urllib.request.Request(\"{}/session/{}/url\", data=json.dumps({{\"url\": sys.argv[1]}}).encode(), headers={{\"Content-Type\": \"application/json\"}})).read()",
        driver.base,
        driver.session.clone().unwrap()
    );
    let browser = browser(&w, &python, "chromium-browser", &navigate);
    let url = w.url().to_owned();
    let login = spawn_pkce_login(&w, &browser);
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
    let token = w.cached_access_token();

    // botocore, a peer no one here wrote, uses the token.
    let botocore = w.python(
        &python,
        "import botocore.session as s; c = s.Session(profile=\"dev\").get_credentials().get_frozen_credentials(); print(c.access_key)",
    );
    assert!(botocore.starts_with("ASIA"), "{botocore}");
    // A PKCE registration was cached, told apart by its grant types.
    assert_eq!(w.count(Operation::RegisterClient, None), 1);

    // Deny: a clear "denied" error, no token change.
    let login = spawn_pkce_login(&w, &browser);
    // Wait for a new authorize page (the previous page was the callback).
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
    assert_eq!(w.cached_access_token(), token);
    driver.call("DELETE", "", serde_json::Value::Null).await;
}
