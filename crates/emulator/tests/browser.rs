//! A person in a browser: headless Debian Chromium, driven through chromedriver's
//! W3C WebDriver API, opens the device verification page, types the user code and
//! presses Allow, and the ssokit device login waiting on the emulator completes.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's `chromium` and
//! `chromium-driver`, which `scripts/test-all.sh` installs); it fails, never skips,
//! without them.
#![allow(clippy::unwrap_used)]

mod support;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use ssokit::auth::login::{DeviceLogin, DevicePrompt, LoginOptions};
use ssokit::auth::{LoginTarget, TokioSleeper};
use ssokit::cache::CacheDirs;
use ssokit::client::{HttpSettings, OidcClient};
use ssokit::config::{Endpoints, SsoSession};
use ssokit::time::SystemClock;
use support::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C WebDriver key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver in its own process group; the group (driver and browser) is killed
/// when this is dropped.
struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Self {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(bin).exists(),
                "{bin} is missing: install Debian's chromium and chromium-driver (scripts/test-all.sh does)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let mut driver = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            _profile: tempfile::tempdir().unwrap(),
            session: None,
        };
        for _ in 0..100 {
            if let Ok(r) = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await
            {
                let status: Value = r.json().await.unwrap_or_default();
                if status["value"]["ready"] == true {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = driver._profile.path().to_str().unwrap().to_owned();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    format!("--user-data-dir={profile}"),
                ]
            }
        }}});
        let created = driver.call("POST", "/session", capabilities).await;
        driver.session = Some(created["sessionId"].as_str().unwrap().to_owned());
        driver
    }

    /// One WebDriver command; returns `value`, panicking on a WebDriver error.
    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = match &self.session {
            Some(id) => format!("{}/session/{id}{path}", self.base),
            None => format!("{}{path}", self.base),
        };
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let response: Value = request.send().await.unwrap().json().await.unwrap();
        let value = response["value"].clone();
        assert!(
            value.get("error").is_none(),
            "WebDriver {method} {path}: {value}"
        );
        value
    }

    async fn go(&self, url: &str) {
        self.call("POST", "/url", json!({"url": url})).await;
    }

    async fn find(&self, css: &str) -> String {
        let found = self
            .call(
                "POST",
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        found[ELEMENT_KEY].as_str().unwrap().to_owned()
    }

    async fn property(&self, element: &str, name: &str) -> Value {
        self.call(
            "GET",
            &format!("/element/{element}/property/{name}"),
            Value::Null,
        )
        .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_approves_the_device_login_in_chromium() {
    let emu = start().await;
    let home = tempfile::tempdir().unwrap();
    let session = SsoSession {
        name: Some("my-sso".into()),
        start_url: START_URL.into(),
        region: "us-east-1".into(),
        scopes: Some(vec!["sso:account:access".into()]),
        endpoints: Endpoints {
            oidc: emu.url().to_owned(),
            portal: emu.url().to_owned(),
        },
        ca_bundle: None,
    };
    let login = DeviceLogin::new(
        session,
        LoginTarget::Profile("dev".into()),
        CacheDirs::under_home(home.path()),
        OidcClient::new(emu.url(), &HttpSettings::default()).unwrap(),
        Arc::new(SystemClock),
        Arc::new(TokioSleeper),
    );
    let (shown_tx, mut shown_rx) = tokio::sync::mpsc::unbounded_channel::<DevicePrompt>();
    let waiting = tokio::spawn(async move {
        let prompt = move |p: &DevicePrompt| {
            let _ = shown_tx.send(p.clone());
        };
        let options = LoginOptions {
            timeout: Some(Duration::from_secs(120)),
            ..LoginOptions::default()
        };
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
