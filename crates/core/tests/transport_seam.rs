//! A transport of one's own, through the public builders: every request of the
//! credentials and token providers goes through it, and retries wait through the
//! injected sleep (no network, no real wait).
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use http::HeaderMap;
use ssokit::env::Env;
use ssokit::time::ManualClock;
use ssokit::transport::{HttpTransport, Request, Response, SendError, SendErrorKind, SendFuture};
use ssokit::{SsoCredentialsProvider, SsoTokenProvider};
use support::*;

/// Records every request and answers `(status, body)` from a script.
#[derive(Debug, Default)]
struct Recording {
    requests: Mutex<Vec<Request>>,
    script: Mutex<VecDeque<(u16, String)>>,
}

impl Recording {
    fn new(script: &[(u16, &str)]) -> Arc<Self> {
        Arc::new(Self {
            requests: Mutex::default(),
            script: Mutex::new(script.iter().map(|(s, b)| (*s, (*b).to_owned())).collect()),
        })
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl HttpTransport for Recording {
    fn send(&self, request: Request) -> SendFuture {
        self.requests.lock().unwrap().push(request);
        let next = self.script.lock().unwrap().pop_front();
        Box::pin(async move {
            match next {
                Some((status, body)) => {
                    Ok(Response::new(status, HeaderMap::new(), body.into_bytes()))
                }
                None => Err(SendError::new(SendErrorKind::Connect, "nothing scripted")),
            }
        })
    }
}

/// A home whose config has profile `dev` on sso-session `my-sso`, logged in with a
/// token expiring at `expires`.
fn home(expires: u64) -> (tempfile::TempDir, Env) {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\n\
         sso_role_name = ReadOnly\n\n[sso-session my-sso]\n\
         sso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access\n",
    )
    .unwrap();
    caches(home.path())
        .tokens()
        .store("my-sso", &refreshable_token(expires))
        .unwrap();
    let env = Env::from_vars([("HOME", home.path().to_str().unwrap())]);
    (home, env)
}

fn role_json() -> String {
    format!(
        r#"{{"roleCredentials": {{"accessKeyId": "ASIAVIASEAM", "secretAccessKey": "s",
        "sessionToken": "t", "expiration": {}}}}}"#,
        (T0 + 3600) * 1000
    )
}

#[tokio::test]
async fn the_credentials_provider_sends_through_the_given_transport() {
    let (_home, env) = home(T0 + 8 * 3600);
    let role = role_json();
    let transport = Recording::new(&[(503, "{}"), (200, &role)]);
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let provider = SsoCredentialsProvider::builder()
        .profile_name("dev")
        .env(env)
        .clock(Arc::new(ManualClock::new(at(T0))))
        .sleep(Arc::new(sleeper.clone()))
        .http_transport(transport.clone())
        .role_cache(false)
        .build()
        .unwrap();
    let credentials = provider.credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAVIASEAM");
    let requests = transport.requests();
    assert_eq!(
        requests.len(),
        2,
        "the 503 was retried through the transport"
    );
    for r in &requests {
        assert_eq!(
            r.url().as_str(),
            "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=ReadOnly&account_id=111122223333"
        );
        assert!(r.headers()["x-amz-sso_bearer_token"].is_sensitive());
    }
    assert_eq!(
        sleeper.slept().len(),
        1,
        "the retry waited through the sleep"
    );
}

#[tokio::test]
async fn the_token_provider_refreshes_through_the_given_transport() {
    // Ten minutes left: inside the refresh window.
    let (_home, env) = home(T0 + 600);
    let transport = Recording::new(&[(
        200,
        r#"{"accessToken": "NEW-ACCESS", "tokenType": "Bearer", "expiresIn": 28800}"#,
    )]);
    let provider = SsoTokenProvider::builder()
        .profile_name("dev")
        .env(env)
        .clock(Arc::new(ManualClock::new(at(T0))))
        .http_transport(transport.clone())
        .build()
        .unwrap();
    let token = provider.token().await.unwrap();
    assert_eq!(token.access_token.expose_secret(), "NEW-ACCESS");
    let requests = transport.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method(), http::Method::POST);
    assert_eq!(
        r.url().as_str(),
        "https://oidc.us-east-1.amazonaws.com/token"
    );
    let body: serde_json::Value = serde_json::from_slice(r.body()).unwrap();
    assert_eq!(body["grantType"], "refresh_token");
    assert_eq!(body["refreshToken"], "refresh-1");
    let shown = format!("{r:?}");
    assert!(
        !shown.contains("refresh-1") && !shown.contains("client-secret-1"),
        "{shown}"
    );
}

#[tokio::test]
async fn an_sso_logout_revokes_through_the_given_transport() {
    let (_home, env) = home(T0 + 8 * 3600);
    let transport = Recording::new(&[(200, "")]);
    let sso = ssokit::Sso::builder()
        .profile_name("dev")
        .env(env.clone())
        .clock(Arc::new(ManualClock::new(at(T0))))
        .http_transport(transport.clone())
        .build()
        .unwrap();
    let config = ssokit::profile::load_config(None, &env).unwrap();
    let report = ssokit::logout::logout_session(&sso, &config, &env)
        .await
        .unwrap();
    assert_eq!(report.revoke_failures, 0);
    let requests = transport.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].url().as_str(),
        "https://portal.sso.us-east-1.amazonaws.com/logout"
    );
}

/// Records each wait and returns at once.
#[cfg(feature = "login")]
#[derive(Debug, Default)]
struct RecordedSleep(Mutex<Vec<std::time::Duration>>);

#[cfg(feature = "login")]
impl ssokit::time::Sleeper for RecordedSleep {
    fn sleep(&self, duration: std::time::Duration) -> ssokit::time::Sleep {
        self.0.lock().unwrap().push(duration);
        ssokit::time::Sleep::new(async {})
    }
}

#[cfg(feature = "login")]
#[tokio::test]
async fn an_automatic_login_polls_through_the_builders_transport_and_sleep() {
    use ssokit::auth::login::{DevicePrompt, LoginOptions, LoginPrompt};

    // Logged out: the config, no token.
    let (home, env) = home(T0 + 8 * 3600);
    std::fs::remove_dir_all(home.path().join(".aws/sso/cache")).unwrap();
    let pending = r#"{"error": "authorization_pending", "error_description": "waiting"}"#;
    let token = r#"{"accessToken": "NEW-ACCESS", "tokenType": "Bearer", "expiresIn": 28800,
        "refreshToken": "NEW-REFRESH"}"#;
    let registration = format!(
        r#"{{"clientId": "cid", "clientSecret": "csecret", "clientIdIssuedAt": {T0},
        "clientSecretExpiresAt": {}}}"#,
        T0 + 90 * 86400
    );
    let device = r#"{"deviceCode": "DEVICE-CODE", "userCode": "ABCD-EFGH",
        "verificationUri": "https://device.sso.us-east-1.amazonaws.com/",
        "expiresIn": 600, "interval": 7}"#;
    let role = role_json();
    let transport = Recording::new(&[
        (200, registration.as_str()),
        (200, device),
        (400, pending),
        (200, token),
        (200, role.as_str()),
    ]);
    let sleep = Arc::new(RecordedSleep::default());
    let prompt: Arc<dyn LoginPrompt> = Arc::new(|_: &DevicePrompt| {});
    let provider = SsoCredentialsProvider::builder()
        .profile_name("dev")
        .env(env)
        .clock(Arc::new(ManualClock::new(at(T0))))
        .http_transport(transport.clone())
        .sleep(sleep.clone())
        .auto_login(prompt, LoginOptions::default())
        .build()
        .unwrap();
    let credentials = provider.credentials().await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAVIASEAM");
    let paths: Vec<String> = transport
        .requests()
        .iter()
        .map(|r| r.url().path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/client/register",
            "/device_authorization",
            "/token",
            "/token",
            "/federation/credentials"
        ]
    );
    // The polls waited the service's interval through the builder's sleep, not on
    // tokio's timer.
    let waits = sleep.0.lock().unwrap().clone();
    assert!(
        waits.contains(&std::time::Duration::from_secs(7)),
        "the device polls did not wait through the given sleep: {waits:?}"
    );
}
