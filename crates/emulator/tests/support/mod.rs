//! Helpers for the emulator's integration tests: raw HTTP calls with the exact wire
//! format, so the tests check what any client would see.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use reqwest::StatusCode;
use serde_json::{Value, json};
use ssokit_emulator::{Account, Emulator, EmulatorBuilder, RunningEmulator};

pub const START_URL: &str = "https://d-1234567890.awsapps.com/start";
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub const OIDC_NS: &str = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";

/// Two assigned accounts and one without roles.
pub fn accounts() -> Vec<Account> {
    vec![
        Account::new("111122223333", "Development", &["ReadOnly", "Admin"]),
        Account::new("444455556666", "Production", &["ReadOnly"]).email("prod@example.com"),
        Account::new("777788889999", "Unassigned", &[]),
    ]
}

pub fn builder() -> EmulatorBuilder {
    Emulator::builder().accounts(accounts())
}

pub async fn start() -> RunningEmulator {
    builder().start().await.unwrap()
}

pub async fn start_auto() -> RunningEmulator {
    builder().auto_approve_after_polls(0).start().await.unwrap()
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A response: status, `x-amzn-ErrorType` and the JSON body (Null when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub error_type: Option<String>,
    pub body: Value,
}

impl Reply {
    /// Asserts an OIDC error: status, header and body exactly as the service sends.
    pub fn assert_oidc_error(&self, status: u16, name: &str, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{self:?}");
        assert_eq!(
            self.error_type.as_deref(),
            Some(format!("{name}:{OIDC_NS}").as_str()),
            "{self:?}"
        );
        assert_eq!(self.body["error"], code, "{self:?}");
        assert!(self.body["error_description"].is_string(), "{self:?}");
    }

    /// Asserts a portal error: status, header name and a `message`.
    pub fn assert_portal_error(&self, status: u16, name: &str) {
        assert_eq!(self.status.as_u16(), status, "{self:?}");
        let header = self.error_type.as_deref().unwrap_or_default();
        assert!(header.starts_with(&format!("{name}:")), "{self:?}");
        assert!(self.body["message"].is_string(), "{self:?}");
    }
}

pub async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let error_type = response
        .headers()
        .get("x-amzn-ErrorType")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Reply {
        status,
        error_type,
        body,
    }
}

pub async fn post(url: &str, path: &str, body: Value) -> Reply {
    reply(
        http()
            .post(format!("{url}{path}"))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub async fn post_raw(url: &str, path: &str, body: impl Into<reqwest::Body>) -> Reply {
    reply(
        http()
            .post(format!("{url}{path}"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub async fn portal_get(url: &str, path_and_query: &str, token: &str) -> Reply {
    reply(
        http()
            .get(format!("{url}{path_and_query}"))
            .header("x-amz-sso_bearer_token", token)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// A registered client: (clientId, clientSecret).
pub async fn register(url: &str, scopes: Option<&[&str]>) -> (String, String) {
    let mut body = json!({"clientName": "test-client", "clientType": "public"});
    if let Some(scopes) = scopes {
        body["scopes"] = json!(scopes);
    }
    let r = post(url, "/client/register", body).await;
    assert_eq!(r.status, 200, "{r:?}");
    (
        r.body["clientId"].as_str().unwrap().to_owned(),
        r.body["clientSecret"].as_str().unwrap().to_owned(),
    )
}

/// StartDeviceAuthorization: the whole response.
pub async fn start_device(url: &str, client: &(String, String)) -> Value {
    let r = post(
        url,
        "/device_authorization",
        json!({"clientId": client.0, "clientSecret": client.1, "startUrl": START_URL}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

pub async fn poll(url: &str, client: &(String, String), device_code: &str) -> Reply {
    post(
        url,
        "/token",
        json!({"clientId": client.0, "clientSecret": client.1, "grantType": DEVICE_GRANT, "deviceCode": device_code}),
    )
    .await
}

/// A full device login on an auto-approving emulator: (client, token response).
pub async fn login(url: &str, scopes: Option<&[&str]>) -> ((String, String), Value) {
    let client = register(url, scopes).await;
    let device = start_device(url, &client).await;
    let r = poll(url, &client, device["deviceCode"].as_str().unwrap()).await;
    assert_eq!(r.status, 200, "{r:?}");
    (client, r.body)
}

/// An access token from a device login with `sso:account:access`.
pub async fn access_token(url: &str) -> String {
    let (_, token) = login(url, Some(&["sso:account:access"])).await;
    token["accessToken"].as_str().unwrap().to_owned()
}
