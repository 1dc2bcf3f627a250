//! `configure(&sdk_config)` (the `sdk-config` feature): the providers send their
//! requests through the `SdkConfig`'s HTTP client (aws-config's own hyper client,
//! wrapped to count calls) to a local server, read the time from its time source, and
//! wait between retries through its sleep.
#![cfg(feature = "sdk-config")]
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_async::rt::sleep::{AsyncSleep, Sleep};
use aws_smithy_async::time::StaticTimeSource;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_types::SdkConfig;
use serde_json::json;
use ssokit::cache::CachedToken;
use ssokit::client::HttpSettings;
use ssokit::env::Env;
use ssokit::secret::AccessToken;
use ssokit::{SsoCredentialsProvider, SsoTokenProvider};
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// aws-config's own HTTP client, counting the requests it sends.
#[derive(Debug, Clone)]
struct Counting {
    inner: SharedHttpClient,
    calls: Arc<AtomicUsize>,
}

impl HttpClient for Counting {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CountingConnector {
            inner: self.inner.http_connector(settings, components),
            calls: Arc::clone(&self.calls),
        })
    }
}

#[derive(Debug)]
struct CountingConnector {
    inner: SharedHttpConnector,
    calls: Arc<AtomicUsize>,
}

impl HttpConnector for CountingConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.call(request)
    }
}

/// Records every wait. Waits under ten seconds (retries, at most 5 s) return at once;
/// longer ones are the connector's timeouts (set to 60 and 90 s), raced against a
/// loopback answer and dropped, so they run on tokio's timer and never fire.
#[derive(Debug, Default)]
struct Recorded(Mutex<Vec<Duration>>);

impl Recorded {
    fn retries(&self) -> Vec<Duration> {
        let all = self.0.lock().unwrap();
        all.iter()
            .copied()
            .filter(|d| *d < Duration::from_secs(10))
            .collect()
    }
}

impl AsyncSleep for Recorded {
    fn sleep(&self, duration: Duration) -> Sleep {
        self.0.lock().unwrap().push(duration);
        if duration < Duration::from_secs(10) {
            Sleep::new(async {})
        } else {
            Sleep::new(tokio::time::sleep(duration))
        }
    }
}

/// An `SdkConfig` as a service would load it: aws-config's default HTTP client
/// (hyper and rustls), a time source and a sleep.
fn sdk_config(now: u64, calls: &Arc<AtomicUsize>, sleep: &Arc<Recorded>) -> SdkConfig {
    let client = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .build_https();
    SdkConfig::builder()
        .http_client(Counting {
            inner: client,
            calls: Arc::clone(calls),
        })
        .time_source(StaticTimeSource::new(at(now)))
        .sleep_impl(aws_smithy_async::rt::sleep::SharedAsyncSleep::new(
            SleepRef(Arc::clone(sleep)),
        ))
        .build()
}

#[derive(Debug)]
struct SleepRef(Arc<Recorded>);

impl AsyncSleep for SleepRef {
    fn sleep(&self, duration: Duration) -> Sleep {
        self.0.sleep(duration)
    }
}

/// A home with profile `dev` on sso-session `my-sso` whose endpoints are `uri`.
fn home(uri: &str, token: &CachedToken) -> (tempfile::TempDir, Env) {
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
    caches(home.path()).tokens().store("my-sso", token).unwrap();
    let env = Env::from_vars([
        ("HOME", home.path().to_str().unwrap()),
        ("AWS_ENDPOINT_URL_SSO", uri),
        ("AWS_ENDPOINT_URL_SSO_OIDC", uri),
    ]);
    (home, env)
}

#[tokio::test]
async fn requests_go_through_the_sdk_client_and_retries_wait_through_its_sleep() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_ok())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"message": "slow down"})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                "accessKeyId": "ASIAVIASDK", "secretAccessKey": "s", "sessionToken": "t",
                "expiration": (T0 + 3600) * 1000
            }})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // Ten minutes left at the SdkConfig's time: the token provider refreshes it.
    let (_home, env) = home(&server.uri(), &refreshable_token(T0 + 600));
    let calls = Arc::new(AtomicUsize::new(0));
    let sleep = Arc::new(Recorded::default());
    let sdk = sdk_config(T0, &calls, &sleep);
    let provider = SsoCredentialsProvider::builder()
        .profile_name("dev")
        .env(env)
        .role_cache(false)
        .configure(&sdk)
        // Timeouts the recording sleep tells from retry waits (at most 5 s).
        .http_settings(
            HttpSettings::default().timeouts(Duration::from_secs(60), Duration::from_secs(90)),
        )
        .build()
        .unwrap();
    let credentials = tokio::time::timeout(Duration::from_secs(30), provider.credentials())
        .await
        .expect("no answer from the local server")
        .unwrap_or_else(|e| panic!("{e}: {:?}", sleep.0.lock().unwrap()));
    assert_eq!(credentials.access_key_id(), "ASIAVIASDK");
    let received = server.received_requests().await.unwrap().len();
    assert_eq!(received, 3, "a refresh, a throttled call, its retry");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        received,
        "every one through the SDK client"
    );
    assert_eq!(
        sleep.retries(),
        [Duration::from_secs(1)],
        "the Retry-After, through the SDK sleep"
    );
}

#[tokio::test]
async fn the_sdk_time_source_decides_whether_the_token_is_fresh() {
    // A token that expired in 2020 (and cannot be refreshed) is fresh at the
    // SdkConfig's time, an hour before its expiry.
    const THEN: u64 = 1_600_000_000;
    let token = CachedToken::new(AccessToken::new("old-but-fresh"), at(THEN + 3600));
    let server = MockServer::start().await;
    let (_home, env) = home(&server.uri(), &token);
    let calls = Arc::new(AtomicUsize::new(0));
    let sleep = Arc::new(Recorded::default());
    let sdk = sdk_config(THEN, &calls, &sleep);
    let configured = SsoTokenProvider::builder()
        .profile_name("dev")
        .env(env.clone())
        .configure(&sdk)
        .build()
        .unwrap();
    let served = configured.token().await.unwrap();
    assert_eq!(served.access_token.expose_secret(), "old-but-fresh");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    // By the system clock the same token has expired: the session has ended.
    let plain = SsoTokenProvider::builder()
        .profile_name("dev")
        .env(env)
        .build()
        .unwrap();
    let err = plain.token().await.unwrap_err();
    assert_eq!(err.kind(), ssokit::ErrorKind::SessionExpired, "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
