//! A minimal W3C WebDriver client for headless Debian Chromium through chromedriver,
//! shared by the browser suites. Needs `/usr/bin/chromium` and `/usr/bin/chromedriver`:
//! a suite asks [`tools::chromium`](crate::tools::chromium) first.
// Deadlines here are real elapsed time (the browser is real), hence `Instant::now`.
#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Debian's Chromium (package `chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver (package `chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C WebDriver key of an element reference.
pub const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long any wait for the browser may take before the test fails: generous, since
/// a busy machine slows Chromium down, but never unbounded.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// chromedriver in its own process group; the group (driver and browser) is killed
/// when this is dropped.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    /// chromedriver's URL (`http://127.0.0.1:<port>`).
    pub base: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
    /// The WebDriver session id, once the browser is up.
    pub session: Option<String>,
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
    /// Starts chromedriver on a free loopback port and a headless Chromium session
    /// with a throw-away profile; waits (up to [`DEADLINE`]) until it is ready.
    pub async fn start() -> Self {
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
        let started = Instant::now();
        loop {
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
            assert!(
                started.elapsed() < DEADLINE,
                "chromedriver was not ready within {DEADLINE:?}"
            );
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
    pub async fn call(&self, method: &str, path: &str, body: Value) -> Value {
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

    /// Opens `url`.
    pub async fn go(&self, url: &str) {
        self.call("POST", "/url", json!({"url": url})).await;
    }

    /// Waits (up to [`DEADLINE`]) until the page has an element matching `css`, and
    /// returns the first. Use it only for an element the previous step's page did not
    /// have, so that finding it proves the step took effect.
    pub async fn find(&self, css: &str) -> String {
        let started = Instant::now();
        loop {
            let found = self
                .call(
                    "POST",
                    "/elements",
                    json!({"using": "css selector", "value": css}),
                )
                .await;
            if let Some(element) = found.as_array().and_then(|all| all.first()) {
                return element[ELEMENT_KEY].as_str().unwrap().to_owned();
            }
            assert!(
                started.elapsed() < DEADLINE,
                "the page never had an element {css} (now at {})",
                self.current_url().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The property `name` of an element.
    pub async fn property(&self, element: &str, name: &str) -> Value {
        self.call(
            "GET",
            &format!("/element/{element}/property/{name}"),
            Value::Null,
        )
        .await
    }
}

impl Driver {
    /// The page the browser shows now.
    pub async fn current_url(&self) -> String {
        self.call("GET", "/url", Value::Null)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Clicks the element `css`.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.call("POST", &format!("/element/{element}/click"), json!({}))
            .await;
    }

    /// Waits (up to [`DEADLINE`]) until the page's URL satisfies `reached`, and returns
    /// it. The condition must be one the page before the step could not satisfy.
    pub async fn wait_for_url(&self, what: &str, reached: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let url = self.current_url().await;
            if reached(&url) {
                return url;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "the browser never reached {what} (now at {url})"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits (up to [`DEADLINE`]) until the page's body text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.body_text().await;
            if text.contains(needle) {
                return text;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "the page never showed {needle:?}; it shows {text:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text of the page's body now (empty while there is none). One script call, so
    /// a page that navigates meanwhile cannot leave a stale element behind.
    pub async fn body_text(&self) -> String {
        self.call(
            "POST",
            "/execute/sync",
            json!({"script": "return document.body ? document.body.textContent : '';", "args": []}),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }
}
