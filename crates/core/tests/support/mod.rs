//! Shared helpers for the auth tests: a session pointed at a wiremock server, a
//! manual clock, a sleeper that only advances that clock, token files.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
#[cfg(feature = "login")]
use ssokit::auth::LoginTarget;
use ssokit::auth::Sleeper;
#[cfg(feature = "login")]
use ssokit::auth::login::{DeviceLogin, DevicePrompt};
use ssokit::cache::{CacheDirs, CachedToken};
#[cfg(feature = "login")]
use ssokit::client::OidcClient;
use ssokit::client::{HttpSettings, RetryPolicy};
use ssokit::config::{Endpoints, SsoSession};
use ssokit::secret::{AccessToken, ClientSecret, RefreshToken};
use ssokit::time::Sleep;
use ssokit::time::{Clock, ManualClock};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const T0: u64 = 1_800_000_000;

pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

pub fn session(uri: &str) -> SsoSession {
    SsoSession {
        name: Some("my-sso".into()),
        start_url: "https://d-1234567890.awsapps.com/start".into(),
        region: "us-east-1".into(),
        scopes: Some(vec!["sso:account:access".into()]),
        endpoints: Endpoints {
            oidc: uri.to_owned(),
            portal: uri.to_owned(),
        },
        ca_bundle: None,
        use_device_code: false,
    }
}

pub fn fast_http() -> HttpSettings {
    HttpSettings::default().retry(RetryPolicy::new(
        3,
        Duration::from_millis(1),
        Duration::from_millis(5),
    ))
}

pub fn caches(home: &Path) -> CacheDirs {
    CacheDirs::under_home(home)
}

/// A refreshable token expiring at `expires`.
pub fn refreshable_token(expires: u64) -> CachedToken {
    let mut t = CachedToken::new(AccessToken::new("old-access"), at(expires));
    t.start_url = Some("https://d-1234567890.awsapps.com/start".into());
    t.region = Some("us-east-1".into());
    t.client_id = Some("client-1".into());
    t.client_secret = Some(ClientSecret::new("client-secret-1"));
    t.registration_expires_at = Some(at(T0 + 90 * 86_400));
    t.refresh_token = Some(RefreshToken::new("refresh-1"));
    t
}

/// Sleeps by advancing a manual clock, recording each duration.
#[derive(Debug, Clone)]
pub struct FakeSleeper {
    pub clock: ManualClock,
    pub slept: Arc<Mutex<Vec<Duration>>>,
}

impl FakeSleeper {
    pub fn new(clock: ManualClock) -> Self {
        Self {
            clock,
            slept: Arc::default(),
        }
    }

    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap().clone()
    }
}

impl Sleeper for FakeSleeper {
    fn sleep(&self, duration: Duration) -> Sleep {
        self.slept.lock().unwrap().push(duration);
        self.clock.advance(duration);
        Sleep::new(tokio::task::yield_now())
    }
}

pub fn now_of(clock: &ManualClock) -> SystemTime {
    clock.now()
}

// Mocks of the SSO OIDC device flow.

pub async fn mount_register(server: &MockServer, times: u64) {
    Mock::given(method("POST"))
        .and(path("/client/register"))
        .and(body_partial_json(
            json!({"clientType": "public", "scopes": ["sso:account:access"]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "clientId": "new-client",
            "clientSecret": "new-secret",
            "clientIdIssuedAt": T0,
            "clientSecretExpiresAt": T0 + 90 * 86_400
        })))
        .expect(times)
        .mount(server)
        .await;
}

pub async fn mount_device(server: &MockServer, times: u64) {
    Mock::given(method("POST"))
        .and(path("/device_authorization"))
        .and(body_partial_json(json!({"startUrl": "https://d-1234567890.awsapps.com/start"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({
                    "deviceCode": "DEVICE-CODE",
                    "userCode": "ABCD-EFGH",
                    "verificationUri": "https://device.sso.us-east-1.amazonaws.com/",
                    "verificationUriComplete": "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
                    "expiresIn": 600,
                    "interval": 1
                }))
                .set_delay(Duration::from_millis(20)),
        )
        .expect(times)
        .mount(server)
        .await;
}

pub fn oidc_error(name: &str, code: &str) -> ResponseTemplate {
    oidc_error_status(400, name, code)
}

pub fn oidc_error_status(status: u16, name: &str, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header(
            "x-amzn-ErrorType",
            format!("{name}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/").as_str(),
        )
        .set_body_json(json!({"error": code, "error_description": "d"}))
}

pub fn token_poll() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_partial_json(json!({
            "grantType": "urn:ietf:params:oauth:grant-type:device_code",
            "deviceCode": "DEVICE-CODE"
        })))
}

pub fn token_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "accessToken": "ACCESS", "tokenType": "Bearer", "expiresIn": 28800, "refreshToken": "REFRESH"
    }))
}

#[cfg(feature = "login")]
/// A device login for `session(uri)` into `dirs`, on the sleeper's manual clock.
pub fn device_login(uri: &str, dirs: &CacheDirs, sleeper: &FakeSleeper) -> DeviceLogin {
    DeviceLogin::new(
        session(uri),
        LoginTarget::Profile("dev".into()),
        dirs.clone(),
        OidcClient::new(uri, &fast_http()).unwrap(),
        Arc::new(sleeper.clock.clone()),
        Arc::new(sleeper.clone()),
    )
}

#[cfg(feature = "login")]
/// A prompt that records every device prompt it is shown.
pub fn recorder() -> (
    Arc<Mutex<Vec<DevicePrompt>>>,
    impl Fn(&DevicePrompt) + Send + Sync,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    (seen, move |p: &DevicePrompt| {
        sink.lock().unwrap().push(p.clone())
    })
}

/// The error is of `kind`, its remedy is to log in to profile "dev" again, and its
/// message says so in neutral words (no front-end's command).
pub fn assert_login_remedy(err: &ssokit::Error, kind: ssokit::ErrorKind) {
    assert_eq!(err.kind(), kind, "{err}");
    assert_eq!(
        err.remedy(),
        Some(ssokit::Remedy::Login(ssokit::auth::LoginTarget::Profile(
            "dev".into()
        )))
    );
    let text = err.to_string();
    assert!(text.contains("log in to profile \"dev\" again"), "{text}");
    assert!(!text.contains("ssokit login"), "{text}");
}
