//! A person in a browser: headless Debian Chromium, driven through chromedriver's
//! W3C WebDriver API, opens the device verification page, types the user code and
//! presses Allow, and the ssokit device login waiting on the emulator completes.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's `chromium` and
//! `chromium-driver`, which `scripts/test-all.sh` installs); skipped without them,
//! and failed under `SSOKIT_TESTS_REQUIRE_TOOLS=1`.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use serde_json::{Value, json};
use ssokit::auth::login::{DevicePrompt, LoginOptions};
use ssokit::cache::CacheDirs;
use ssokit_emulator::{Account, Emulator};
use ssokit_tests::tools;
use ssokit_tests::webdriver::Driver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_approves_the_device_login_in_chromium() {
    if tools::chromium().is_none() {
        return;
    }
    let emu = Emulator::builder()
        .accounts(vec![Account::new(
            "111122223333",
            "Development",
            &["ReadOnly"],
        )])
        .start()
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let login = ssokit_tests::device_login(emu.url(), CacheDirs::under_home(home.path()));
    let (shown_tx, mut shown_rx) = tokio::sync::mpsc::unbounded_channel::<DevicePrompt>();
    let waiting = tokio::spawn(async move {
        let prompt = move |p: &DevicePrompt| {
            let _ = shown_tx.send(p.clone());
        };
        let options = LoginOptions::default().with_timeout(Some(Duration::from_secs(120)));
        login.login(&prompt, &options).await
    });
    let prompt = shown_rx.recv().await.unwrap();

    let driver = Driver::start().await;
    // The complete URL pre-fills the code.
    driver
        .go(prompt.verification_uri_complete.as_deref().unwrap())
        .await;
    let input = driver.find("#user_code").await;
    assert_eq!(driver.property(&input, "value").await, prompt.user_code);
    let client = driver.find("#client").await;
    assert_eq!(
        driver.property(&client, "textContent").await,
        "ssokit-my-sso"
    );

    // The plain page: the person types the code and presses Allow.
    driver.go(&prompt.verification_uri).await;
    let input = driver.find("#user_code").await;
    assert_eq!(driver.property(&input, "value").await, "");
    driver
        .call(
            "POST",
            &format!("/element/{input}/value"),
            json!({"text": prompt.user_code.to_lowercase()}),
        )
        .await;
    let allow = driver.find("#allow").await;
    driver
        .call("POST", &format!("/element/{allow}/click"), json!({}))
        .await;
    let result = driver.find("#result").await;
    let text = driver.property(&result, "textContent").await;
    assert!(
        text.as_str().unwrap().contains("Request approved"),
        "{text}"
    );

    let token = tokio::time::timeout(Duration::from_secs(60), waiting)
        .await
        .expect("the login did not complete")
        .unwrap()
        .unwrap();
    assert!(token.refresh_token.is_some());
    let stored = CacheDirs::under_home(home.path())
        .tokens()
        .load("my-sso")
        .unwrap();
    assert_eq!(
        stored.access_token.expose_secret(),
        token.access_token.expose_secret()
    );
    let pages: Vec<_> = emu
        .request_log()
        .into_iter()
        .filter(|r| r.path == "/device")
        .map(|r| (r.method, r.status))
        .collect();
    assert_eq!(
        pages,
        [
            ("GET".into(), 200),
            ("GET".into(), 200),
            ("POST".into(), 200)
        ]
    );
    driver.call("DELETE", "", Value::Null).await;
}
