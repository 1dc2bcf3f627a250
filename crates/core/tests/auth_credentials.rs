//! The role-credentials provider against a wiremock portal: coalescing, the AWS CLI
//! cache, 401 handling, and the `ProvideCredentials` contract.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials;
use serde_json::json;
use ssokit::Error;
use ssokit::auth::credentials::{PROVIDER_NAME, SsoCredentialsProvider};
#[cfg(feature = "login")]
use ssokit::auth::login::{DevicePrompt, LoginOptions, LoginPrompt};
use ssokit::auth::token::SsoTokenProvider;
use ssokit::auth::{AuthError, LoginTarget};
use ssokit::cache::{CacheDirs, RoleCacheScope};
use ssokit::client::{OidcClient, PortalClient};
use ssokit::time::ManualClock;
use support::*;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn provider(
    uri: &str,
    dirs: &CacheDirs,
    clock: &ManualClock,
    role_cache: bool,
) -> SsoCredentialsProvider {
    let clock: Arc<ManualClock> = Arc::new(clock.clone());
    let token = SsoTokenProvider::new(
        session(uri),
        LoginTarget::Profile("dev".into()),
        dirs.tokens(),
        OidcClient::new(uri, &fast_http()).unwrap(),
        clock.clone(),
    );
    SsoCredentialsProvider::new(
        token,
        PortalClient::new(uri, &fast_http()).unwrap(),
        "111122223333",
        "ReadOnly",
        role_cache.then(|| dirs.role_credentials()),
        clock,
    )
}

fn role_credentials_mock(expiration_secs: u64) -> Mock {
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .and(query_param("account_id", "111122223333"))
        .and(query_param("role_name", "ReadOnly"))
        .and(header("x-amz-sso_bearer_token", "old-access"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"roleCredentials": {
                    "accessKeyId": "ASIAEXAMPLE",
                    "secretAccessKey": "SECRETKEY",
                    "sessionToken": "SESSIONTOKEN",
                    "expiration": expiration_secs * 1000
                }}))
                .set_delay(Duration::from_millis(30)),
        )
}

fn logged_in_home() -> (tempfile::TempDir, CacheDirs) {
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    dirs.tokens()
        .store("my-sso", &refreshable_token(T0 + 8 * 3600))
        .unwrap();
    (home, dirs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_calls_make_one_request() {
    let server = MockServer::start().await;
    role_credentials_mock(T0 + 3600)
        .expect(1)
        .mount(&server)
        .await;
    let (_home, dirs) = logged_in_home();
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &dirs, &clock, false);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.provide_credentials().await.unwrap() })
        })
        .collect();
    for t in tasks {
        let c = t.await.unwrap();
        assert_eq!(c.access_key_id(), "ASIAEXAMPLE");
    }
}

#[tokio::test]
async fn credentials_carry_expiry_account_and_provider_name_and_are_shared_with_the_cli_cache() {
    let server = MockServer::start().await;
    role_credentials_mock(T0 + 3600)
        .expect(1)
        .mount(&server)
        .await;
    let (_home, dirs) = logged_in_home();
    let clock = ManualClock::new(at(T0));
    let c = provider(&server.uri(), &dirs, &clock, true)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.secret_access_key(), "SECRETKEY");
    assert_eq!(c.session_token(), Some("SESSIONTOKEN"));
    assert_eq!(c.expiry(), Some(at(T0 + 3600)));
    assert_eq!(c.account_id().map(|a| a.as_str()), Some("111122223333"));
    let shown = format!("{c:?}");
    assert!(shown.contains(PROVIDER_NAME), "{shown}");
    assert!(
        !shown.contains("SECRETKEY") && !shown.contains("SESSIONTOKEN"),
        "{shown}"
    );

    // The AWS CLI's cache now holds them: a second provider (another process) reuses
    // them without a call (the mock expects exactly one).
    let cached = dirs
        .role_credentials()
        .load(
            "111122223333",
            "ReadOnly",
            RoleCacheScope::Session("my-sso"),
        )
        .unwrap();
    assert_eq!(cached.access_key_id, "ASIAEXAMPLE");
    let again = provider(&server.uri(), &dirs, &clock, true)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(again.access_key_id(), "ASIAEXAMPLE");
}

#[tokio::test]
async fn credentials_are_renewed_fifteen_minutes_before_expiry() {
    let server = MockServer::start().await;
    role_credentials_mock(T0 + 3600)
        .expect(2)
        .mount(&server)
        .await;
    let (_home, dirs) = logged_in_home();
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &dirs, &clock, false);
    p.provide_credentials().await.unwrap();
    clock.advance(Duration::from_secs(3600 - 901));
    p.provide_credentials().await.unwrap(); // 15:01 left: memory
    clock.advance(Duration::from_secs(2));
    p.provide_credentials().await.unwrap(); // 14:59 left: a new call
}

#[tokio::test]
async fn a_401_from_the_portal_says_log_in_again_and_forgets_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-amzn-ErrorType", "UnauthorizedException")
                .set_body_json(json!({"message": "Session token not found or invalid"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let (_home, dirs) = logged_in_home();
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &dirs, &clock, true);
    let err = p.credentials().await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::SessionEnded { .. })),
        "{err:?}"
    );
    assert_login_remedy(&err, ssokit::ErrorKind::SessionExpired);
    assert!(err.to_string().contains("401"), "{err}");
    // Not served from memory: the next call asks again.
    assert!(p.credentials().await.is_err());
    // The token file stays for the next login to replace.
    assert!(dirs.tokens().path("my-sso").exists());
}

#[tokio::test]
async fn not_logged_in_is_credentials_not_loaded() {
    let server = MockServer::start().await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let clock = ManualClock::new(at(T0));
    let err = provider(&server.uri(), &dirs, &clock, true)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            aws_credential_types::provider::error::CredentialsError::CredentialsNotLoaded(_)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_builder_resolves_a_profile_and_rejects_token_only_ones() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile dev]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = R\n\
         [profile t]\nsso_session = s\n\
         [sso-session s]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    let env = ssokit::env::Env::from_vars([("HOME", home.path().to_str().unwrap())]);
    let p = SsoCredentialsProvider::builder()
        .profile_name("dev")
        .env(env.clone())
        .build()
        .unwrap();
    assert!(format!("{p:?}").contains("111122223333"));
    let err = SsoCredentialsProvider::builder()
        .profile_name("t")
        .env(env)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("\"t\""), "{err}");
}

#[cfg(feature = "login")]
#[tokio::test]
async fn with_auto_login_a_missing_token_starts_one_login() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll().respond_with(token_ok()).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .and(header("x-amz-sso_bearer_token", "ACCESS"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                "accessKeyId": "ASIAAFTERLOGIN", "secretAccessKey": "s", "sessionToken": "t",
                "expiration": (T0 + 3600) * 1000
            }})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let clock = ManualClock::new(at(T0));
    let shown = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&shown);
    let prompt: Arc<dyn LoginPrompt> = Arc::new(move |_: &DevicePrompt| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    });
    let p = provider(&server.uri(), &dirs, &clock, false).with_auto_login(
        &dirs,
        prompt,
        LoginOptions::default(),
    );
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.credentials().await.unwrap() })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().access_key_id(), "ASIAAFTERLOGIN");
    }
    assert_eq!(shown.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(
        dirs.tokens()
            .load("my-sso")
            .unwrap()
            .access_token
            .expose_secret(),
        "ACCESS"
    );
}

#[cfg(feature = "login")]
#[tokio::test]
async fn with_auto_login_a_rejected_token_logs_in_again() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll().respond_with(token_ok()).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .and(header("x-amz-sso_bearer_token", "old-access"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-amzn-ErrorType", "UnauthorizedException")
                .set_body_json(json!({"message": "Session token not found or invalid"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .and(header("x-amz-sso_bearer_token", "ACCESS"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                "accessKeyId": "ASIANEW", "secretAccessKey": "s", "sessionToken": "t",
                "expiration": (T0 + 3600) * 1000
            }})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (_home, dirs) = logged_in_home();
    let clock = ManualClock::new(at(T0));
    let prompt: Arc<dyn LoginPrompt> = Arc::new(|_: &DevicePrompt| {});
    let p = provider(&server.uri(), &dirs, &clock, false).with_auto_login(
        &dirs,
        prompt,
        LoginOptions::default(),
    );
    assert_eq!(p.credentials().await.unwrap().access_key_id(), "ASIANEW");
}

#[tokio::test]
async fn explicit_settings_build_a_provider_without_a_profile() {
    let home = tempfile::tempdir().unwrap();
    let env = ssokit::env::Env::from_vars([
        ("HOME", home.path().to_str().unwrap()),
        ("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9"),
    ]);
    let base = || {
        SsoCredentialsProvider::builder()
            .env(env.clone())
            .start_url("https://d-1234567890.awsapps.com/start")
            .sso_region("us-east-1")
            .session_name("my-sso")
            .account_id("111122223333")
    };
    let p = base().role_name("ReadOnly").build().unwrap();
    assert_eq!(
        p.token_provider().session().endpoints.portal,
        "http://127.0.0.1:9"
    );
    assert_eq!(
        p.token_provider().target(),
        &LoginTarget::Session("my-sso".into())
    );
    let err = base().build().unwrap_err();
    assert!(err.to_string().contains("sso_role_name"), "{err}");
    let err = base()
        .role_name("R")
        .sso_region("US_EAST")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("sso_region"), "{err}");
    let err = base().role_name("R").account_id("12").build().unwrap_err();
    assert!(err.to_string().contains("sso_account_id"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_throttled_call_is_shared_with_every_provider_of_the_cache_until_its_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-amzn-ErrorType", "TooManyRequestsException")
                .set_body_json(json!({"message": "Rate exceeded"})),
        )
        .up_to_n_times(3)
        .expect(3)
        .mount(&server)
        .await;
    role_credentials_mock(T0 + 3600)
        .expect(1)
        .mount(&server)
        .await;
    let (_home, dirs) = logged_in_home();
    let clock = ManualClock::new(at(T0));
    // The first provider's call is throttled (3 tries with the test retry policy).
    let err = provider(&server.uri(), &dirs, &clock, true)
        .credentials()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Client(_)), "{err:?}");
    // Fifty others sharing the cache (as other processes do) get its error at once,
    // without a call of their own.
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let p = provider(&server.uri(), &dirs, &clock, true);
            tokio::spawn(async move { p.credentials().await })
        })
        .collect();
    for t in tasks {
        let err = t.await.unwrap().unwrap_err();
        assert!(
            matches!(err, Error::Auth(AuthError::RecentFailure { .. })),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains("HTTP 429"), "{msg}");
        assert!(
            msg.contains("role ReadOnly in account 111122223333"),
            "{msg}"
        );
    }
    // Once the back-off has passed, one new call, which succeeds.
    clock.advance(ssokit::auth::credentials::ROLE_RETRY_INTERVAL);
    let c = provider(&server.uri(), &dirs, &clock, true)
        .credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "ASIAEXAMPLE");
}
